internal import CPython

/// Reads the dicts an app passes to `send()` into ``OutboundEvent`` values, checking every key
/// as a strict server would. Runs on the loop thread.
struct MessageParser {
    let keys: Keys

    enum Outcome {
        case event(OutboundEvent)
        case invalid(BridgeFailure)
    }

    private func invalid(_ message: String, type: String?, state: String) -> Outcome {
        .invalid(.protocolViolation(message: message, messageType: type, state: state))
    }

    /// - Parameter lowercaseNames: Reject header names with uppercase letters (the spec's "must"),
    ///   instead of lowercasing them as uvicorn does (Django sends `Content-Type`).
    func parse(_ message: PyPointer, state: String, lowercaseNames: Bool = false) -> Outcome {
        guard shim_Dict_Check(message) != 0 else {
            return invalid("ASGI message must be a dict, got '\(Py.typeName(message))'.", type: nil, state: state)
        }
        guard let typeObject = PyDict_GetItemWithError(message, keys.type), let type = Py.swiftString(typeObject) else {
            PyErr_Clear()
            return invalid("ASGI message has no 'type' str key: \(Py.describe(message))", type: nil, state: state)
        }
        do {
            return .event(try event(type, message, lowercaseNames: lowercaseNames))
        } catch let failure {
            return invalid(failure.text, type: type, state: state)
        }
    }

    struct KeyError: Error {
        var text: String
    }

    /// `http.response.debug`'s `info` dict as text (Starlette templates: `template`, `context`).
    private func debugInfo(_ message: PyPointer) -> [String: String] {
        var info: [String: String] = [:]
        if let object = PyDict_GetItemWithError(message, keys.info), shim_Dict_Check(object) != 0 {
            var position: Py_ssize_t = 0
            var key: PyPointer?
            var value: PyPointer?
            while PyDict_Next(object, &position, &key, &value) != 0 {
                if let key, let value { info[Py.describe(key)] = Py.describe(value) }
            }
        }
        return info
    }

    private func event(_ type: String, _ message: PyPointer, lowercaseNames: Bool) throws(KeyError) -> OutboundEvent {
        let headers = { (key: PyPointer) throws(KeyError) -> [HeaderField] in
            try self.headers(message, key, type, lowercaseNames: lowercaseNames)
        }
        switch type {
        case "http.response.start":
            return .responseStart(
                status: try status(message, type),
                headers: try headers(keys.headers),
                trailers: try flag(message, keys.trailers)
            )
        case "http.response.body":
            return .responseBody(body: try bytes(message, keys.body, type), moreBody: try flag(message, keys.moreBody))
        case "http.response.trailers":
            return .responseTrailers(
                headers: try headers(keys.headers),
                moreTrailers: try flag(message, keys.moreTrailers)
            )
        case "http.response.debug":
            return .responseDebug(info: debugInfo(message))
        case "websocket.accept":
            return .websocketAccept(
                subprotocol: try optionalString(message, keys.subprotocol, type),
                headers: try headers(keys.headers)
            )
        case "websocket.send":
            return .websocketSend(try payload(message, type))
        case "websocket.close":
            return .websocketClose(
                code: try integer(message, keys.code, type) ?? 1000,
                reason: try optionalString(message, keys.reason, type) ?? ""
            )
        case "websocket.http.response.start":
            return .websocketResponseStart(status: try status(message, type), headers: try headers(keys.headers))
        case "websocket.http.response.body":
            return .websocketResponseBody(
                body: try bytes(message, keys.body, type),
                moreBody: try flag(message, keys.moreBody)
            )
        case "lifespan.startup.complete":
            return .lifespanStartupComplete
        case "lifespan.startup.failed":
            return .lifespanStartupFailed(message: try optionalString(message, keys.message, type) ?? "")
        case "lifespan.shutdown.complete":
            return .lifespanShutdownComplete
        case "lifespan.shutdown.failed":
            return .lifespanShutdownFailed(message: try optionalString(message, keys.message, type) ?? "")
        case "http.response.pathsend", "http.response.zerocopysend", "http.response.push", "http.response.early_hint":
            throw KeyError(text: "Unexpected ASGI message '\(type)': the extension was not advertised.")
        default:
            throw KeyError(text: "Unknown ASGI message type '\(type)'.")
        }
    }

    private func value(_ message: PyPointer, _ key: PyPointer) -> PyPointer? {
        let value = PyDict_GetItemWithError(message, key)
        if value == nil { PyErr_Clear() }
        return value
    }

    private func status(_ message: PyPointer, _ type: String) throws(KeyError) -> Int {
        guard let object = value(message, keys.status) else {
            throw KeyError(text: "ASGI message '\(type)' has no 'status'.")
        }
        guard shim_Long_Check(object) != 0, shim_Bool_Check(object) == 0 else {
            throw KeyError(
                text:
                    "ASGI message '\(type)' has a 'status' that is not an int: \(Py.describe(object)) (\(Py.typeName(object)))."
            )
        }
        let status = PyLong_AsLong(object)
        if status == -1, PyErr_Occurred() != nil { PyErr_Clear() }
        guard (100...599).contains(status) else {
            throw KeyError(text: "Invalid HTTP status code '\(Py.describe(object))' in response.")
        }
        return status
    }

    private func integer(_ message: PyPointer, _ key: PyPointer, _ type: String) throws(KeyError) -> Int? {
        guard let object = value(message, key), Py_IsNone(object) == 0 else { return nil }
        guard shim_Long_Check(object) != 0, shim_Bool_Check(object) == 0 else {
            throw KeyError(
                text: "ASGI message '\(type)' has '\(Py.describe(key))' that is not an int: \(Py.describe(object))."
            )
        }
        let number = PyLong_AsLong(object)
        if number == -1, PyErr_Occurred() != nil { PyErr_Clear() }
        return number
    }

    private func flag(_ message: PyPointer, _ key: PyPointer) throws(KeyError) -> Bool {
        guard let object = value(message, key) else { return false }
        let truth = PyObject_IsTrue(object)
        if truth < 0 {
            PyErr_Clear()
            throw KeyError(text: "'\(Py.describe(key))' has no truth value.")
        }
        return truth == 1
    }

    private func bytes(_ message: PyPointer, _ key: PyPointer, _ type: String) throws(KeyError) -> [UInt8] {
        guard let object = value(message, key) else { return [] }
        return try bytesLike(object, "a '\(Py.describe(key))'", type)
    }

    /// Bytes as uvicorn takes them: `bytes`, `bytearray`, `memoryview` (the buffer protocol).
    /// `what` names the value in an error only: it is not worked out for the bytes of every message.
    private func bytesLike(
        _ object: PyPointer,
        _ what: @autoclosure () -> String,
        _ type: String
    ) throws(KeyError) -> [UInt8] {
        if let bytes = Py.swiftBytesLike(object) { return bytes }
        if let failure = Py.takeErrorSummary() {
            throw KeyError(
                text: "ASGI message '\(type)' has \(what()) whose buffer cannot be read: \(failure)."
            )
        }
        throw KeyError(text: "ASGI message '\(type)' has \(what()) that is not bytes but '\(Py.typeName(object))'.")
    }

    private func optionalString(_ message: PyPointer, _ key: PyPointer, _ type: String) throws(KeyError) -> String? {
        guard let object = value(message, key), Py_IsNone(object) == 0 else { return nil }
        return try text(object, "a '\(Py.describe(key))'", type)
    }

    /// A `str` as Swift text. One that UTF-8 cannot carry (a lone surrogate, as from
    /// `surrogateescape`) is refused for what it is, not as "not a str".
    private func text(
        _ object: PyPointer,
        _ what: @autoclosure () -> String,
        _ type: String
    ) throws(KeyError) -> String {
        if let string = Py.swiftString(object) { return string }
        guard shim_Unicode_Check(object) != 0 else {
            throw KeyError(text: "ASGI message '\(type)' has \(what()) that is not a str but '\(Py.typeName(object))'.")
        }
        var surrogate = ""
        for index in 0..<max(PyUnicode_GetLength(object), 0) {
            let scalar = PyUnicode_ReadChar(object, index)
            if (0xD800...0xDFFF).contains(scalar) {
                surrogate = " the lone surrogate U+\(String(scalar, radix: 16, uppercase: true)) at index \(index)"
                break
            }
        }
        let shown = Py.escapedString(object) ?? ""
        let preview = shown.count > 60 ? shown.prefix(60) + "…" : Substring(shown)
        throw KeyError(
            text:
                "ASGI message '\(type)' has \(what()) that is not valid UTF-8: it holds\(surrogate) (\"\(preview)\"); a str sent as text must encode to UTF-8."
        )
    }

    private func payload(_ message: PyPointer, _ type: String) throws(KeyError) -> WebSocketPayload {
        let bytesObject = value(message, keys.bytes).flatMap { Py_IsNone($0) != 0 ? nil : $0 }
        let textObject = value(message, keys.text).flatMap { Py_IsNone($0) != 0 ? nil : $0 }
        switch (bytesObject, textObject) {
        case (let bytes?, nil):
            return .bytes(try bytesLike(bytes, "'bytes'", type))
        case (nil, let text?):
            return .text(try self.text(text, "'text'", type))
        case (nil, nil):
            throw KeyError(text: "ASGI message '\(type)' must have exactly one of 'bytes' or 'text', got neither.")
        case (.some, .some):
            throw KeyError(text: "ASGI message '\(type)' must have exactly one of 'bytes' or 'text', got both.")
        }
    }

    /// `[[name, value], ...]`: an iterable of two-item sequences of bytes, names lowercase.
    private func headers(
        _ message: PyPointer,
        _ key: PyPointer,
        _ type: String,
        lowercaseNames: Bool
    ) throws(KeyError) -> [HeaderField] {
        guard let object = value(message, key), Py_IsNone(object) == 0 else { return [] }
        guard let iterator = PyRef(owned: PyObject_GetIter(object)) else {
            PyErr_Clear()
            throw KeyError(
                text: "ASGI message '\(type)' has 'headers' that is not iterable but '\(Py.typeName(object))'."
            )
        }
        var fields: [HeaderField] = []
        while let item = PyRef(owned: PyIter_Next(iterator.pointer)) {
            guard let pair = PyRef(owned: PySequence_Tuple(item.pointer)), shim_Tuple_Size(pair.pointer) == 2,
                var name = Py.swiftBytesLike(shim_Tuple_GetItem(pair.pointer, 0)!),
                let value = Py.swiftBytesLike(shim_Tuple_GetItem(pair.pointer, 1)!)
            else {
                PyErr_Clear()
                throw KeyError(
                    text:
                        "ASGI message '\(type)' has a header that is not a [bytes, bytes] pair: \(Py.describe(item.pointer))."
                )
            }
            if name.isEmpty || name.contains(where: { !HeaderValidation.isTokenByte($0) }) {
                throw KeyError(
                    text: "Invalid HTTP header name \(Py.describe(shim_Tuple_GetItem(pair.pointer, 0)!)) in '\(type)'."
                )
            }
            if name.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) {
                guard !lowercaseNames else {
                    throw KeyError(
                        text:
                            "Header names must be lowercase in '\(type)', got \(Py.describe(shim_Tuple_GetItem(pair.pointer, 0)!))."
                    )
                }
                name = name.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
            }
            if value.contains(where: { $0 == 0 || $0 == 10 || $0 == 13 }) {
                throw KeyError(
                    text: "Invalid HTTP header value \(Py.describe(shim_Tuple_GetItem(pair.pointer, 1)!)) in '\(type)'."
                )
            }
            fields.append(HeaderField(name: name, value: value))
        }
        if PyErr_Occurred() != nil {
            PyErr_Clear()
            throw KeyError(text: "Iterating the headers of '\(type)' raised.")
        }
        return fields
    }
}
