internal import CPython

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LoopContext {
    /// Type, message and formatted traceback of an exception object.
    func describe(_ exception: PyPointer) -> PythonExceptionInfo {
        guard let result = PyRef(owned: Py.call(describeFunction, exception)), shim_Tuple_Check(result.pointer) != 0
        else {
            PyErr_Clear()
            return PythonExceptionInfo(type: Py.typeName(exception), message: Py.describe(exception), traceback: "")
        }
        func item(_ index: Int) -> String { Py.escapedString(shim_Tuple_GetItem(result.pointer, index)!) ?? "" }
        return PythonExceptionInfo(type: item(0), message: item(1), traceback: item(2), appFrames: item(3))
    }

    /// Takes the pending Python error as a value.
    func takeError() -> PythonExceptionInfo {
        LoopContext.fetchError(describe: describe)
            ?? PythonExceptionInfo(type: "SystemError", message: "unknown error", traceback: "")
    }

    static func fetchError(describe: ((PyPointer) -> PythonExceptionInfo)? = nil) -> PythonExceptionInfo? {
        Py.withPendingException { value in
            describe?(value)
                ?? PythonExceptionInfo(
                    type: Py.typeName(value),
                    message: Py.describe(value),
                    traceback: Py.describe(value)
                )
        }
    }

    func reportLoopError(_ exception: PyPointer) {
        let info = describe(exception)
        log("the event loop caught \(info.type): \(info.message)")
    }

    /// Writes to the test output (standard error), as a server's log would.
    func log(_ text: String) {
        var line = "swift-asgi-testclient: " + text + (text.hasSuffix("\n") ? "" : "\n")
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
