internal import CPython

/// A borrowed or owned `PyObject*`. Only ever used on the loop thread, which holds the GIL whenever
/// Swift code runs there (it is called from Python).
typealias PyPointer = UnsafeMutablePointer<PyObject>

enum Py {
    static func string(_ value: String) -> PyPointer? {
        var value = value
        return value.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                PyUnicode_FromStringAndSize($0.baseAddress, $0.count)
            }
        }
    }

    static func bytes(_ value: [UInt8]) -> PyPointer? {
        value.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                PyBytes_FromStringAndSize($0.baseAddress, $0.count)
            }
        }
    }

    static func interned(_ value: String) -> PyPointer {
        guard let object = PyUnicode_InternFromString(value) else {
            fatalError("cannot intern \(value)")  // only fails when the interpreter is out of memory
        }
        return object
    }

    /// A `str` as Swift text; nil if it is not a str (or has lone surrogates).
    static func swiftString(_ object: PyPointer) -> String? {
        guard shim_Unicode_Check(object) != 0 else { return nil }
        var size: Py_ssize_t = 0
        guard let utf8 = PyUnicode_AsUTF8AndSize(object, &size) else {
            PyErr_Clear()
            return nil
        }
        return utf8.withMemoryRebound(to: UInt8.self, capacity: size) {
            String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self)
        }
    }

    /// The bytes of a `bytes` object; nil if it is not bytes.
    static func swiftBytes(_ object: PyPointer) -> [UInt8]? {
        guard shim_Bytes_Check(object) != 0 else { return nil }
        let size = shim_Bytes_Size(object)
        guard let data = shim_Bytes_AsString(object) else { return [] }
        return data.withMemoryRebound(to: UInt8.self, capacity: size) {
            Array(UnsafeBufferPointer(start: $0, count: size))
        }
    }

    /// The bytes of a bytes-like object (`bytes`, `bytearray`, `memoryview`, anything with the
    /// buffer protocol, contiguous or not), as uvicorn's transports take a body; nil if `object` has
    /// no buffer, and a pending error if reading its buffer failed (a released `memoryview`).
    static func swiftBytesLike(_ object: PyPointer) -> [UInt8]? {
        if let bytes = swiftBytes(object) { return bytes }
        guard PyObject_CheckBuffer(object) != 0 else { return nil }
        var view = Py_buffer()
        guard PyObject_GetBuffer(object, &view, PyBUF_FULL_RO) == 0 else { return nil }
        defer { PyBuffer_Release(&view) }
        let count = Int(view.len)
        var copied = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            copied = PyBuffer_ToContiguous(buffer.baseAddress, &view, view.len, CChar(UInt8(ascii: "C"))) == 0
            initialized = copied ? count : 0
        }
        return copied ? bytes : nil
    }

    /// The truth of an owned result (released); nil if the call failed.
    static func truth(owned object: PyPointer?) -> Bool? {
        guard let object else { return nil }
        defer { Py_DecRef(object) }
        let truth = PyObject_IsTrue(object)
        return truth < 0 ? nil : truth == 1
    }

    /// The text of an owned `str` result (released); nil if the call failed or it is no str.
    static func string(owned object: PyPointer?) -> String? {
        guard let object else { return nil }
        defer { Py_DecRef(object) }
        return swiftString(object)
    }

    /// A `str` as Swift text, what UTF-8 cannot hold (lone surrogates) backslash-escaped as Python
    /// prints it (`\udcff`); nil if it is not a str.
    static func escapedString(_ object: PyPointer) -> String? {
        if let text = swiftString(object) { return text }
        guard shim_Unicode_Check(object) != 0,
            let encoded = PyRef(owned: PyUnicode_AsEncodedString(object, "utf-8", "backslashreplace"))
        else {
            PyErr_Clear()
            return nil
        }
        return swiftBytes(encoded.pointer).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `str(object)`, never failing: lone surrogates escaped, a failing `__str__` named as such.
    static func describe(_ object: PyPointer) -> String {
        guard let text = PyRef(owned: PyObject_Str(object)) else {
            return "<\(typeName(object)) str() failed: \(takeErrorSummary() ?? "unknown error")>"
        }
        return escapedString(text.pointer) ?? "<unprintable \(typeName(object))>"
    }

    /// Takes the pending Python error (clearing it) as `Type: message`; nil when none is set.
    static func takeErrorSummary() -> String? {
        withPendingException { value in
            let name = typeName(value)
            guard let text = PyRef(owned: PyObject_Str(value)) else {
                PyErr_Clear()
                return name
            }
            let message = escapedString(text.pointer) ?? ""
            return message.isEmpty ? name : "\(name): \(message)"
        }
    }

    /// Takes the pending Python error (clearing it) and gives `body` the exception object, its
    /// traceback attached; nil when no error is set. The one place that takes the pending error.
    static func withPendingException<Result>(_ body: (PyPointer) -> Result) -> Result? {
        guard let value = shim_Err_TakeException() else { return nil }
        defer { Py_DecRef(value) }
        return body(value)
    }

    static func typeName(_ object: PyPointer) -> String {
        String(cString: shim_TypeName(object))
    }

    static func setItem(_ dict: PyPointer, _ key: PyPointer, owned value: PyPointer?) -> Bool {
        guard let value else { return false }
        defer { Py_DecRef(value) }
        return PyDict_SetItem(dict, key, value) == 0
    }

    /// A tuple built from owned references (stolen). Returns nil and drops them if any is nil.
    static func tuple(_ items: [PyPointer?]) -> PyPointer? {
        guard items.allSatisfy({ $0 != nil }), let tuple = PyTuple_New(items.count) else {
            for item in items { if let item { Py_DecRef(item) } }
            return nil
        }
        for (index, item) in items.enumerated() { shim_Tuple_SetItem(tuple, index, item) }
        return tuple
    }

    static func call(_ callable: PyPointer, _ args: PyPointer...) -> PyPointer? {
        // Built element by element: converting `[PyPointer]` as a whole is a dynamic cast.
        var args = args.map(Optional.some)
        return args.withUnsafeMutableBufferPointer {
            PyObject_Vectorcall(callable, $0.baseAddress, $0.count, nil)
        }
    }

    static func callMethod(_ object: PyPointer, _ name: PyPointer, _ args: PyPointer...) -> PyPointer? {
        var all: [PyPointer?] = [object]
        all.reserveCapacity(1 + args.count)
        for arg in args { all.append(arg) }
        return all.withUnsafeMutableBufferPointer {
            PyObject_VectorcallMethod(name, $0.baseAddress, $0.count, nil)
        }
    }
}
