internal import CPython

/// Builds scope dicts and `receive()` messages from Swift values. Runs on the loop thread.
struct ScopeBuilder {
    let keys: Keys

    /// A new scope dict; `state` is the app's lifespan state (copied shallowly for connections, the
    /// dict itself for lifespan).
    func scope(_ scope: ConnectionScope, state: PyPointer) -> PyPointer? {
        guard let dict = PyRef(owned: PyDict_New()) else { return nil }
        let d = dict.pointer
        guard
            Py.setItem(d, keys.type, owned: Py.string(scope.kind.rawValue)),
            Py.setItem(d, keys.asgi, owned: asgi(scope.specVersion))
        else { return nil }
        if scope.kind != .lifespan {
            guard
                Py.setItem(d, keys.httpVersion, owned: Py.string(scope.httpVersion)),
                Py.setItem(d, keys.scheme, owned: Py.string(scope.scheme)),
                Py.setItem(d, keys.path, owned: Py.string(scope.path)),
                Py.setItem(d, keys.rawPath, owned: Py.bytes(scope.rawPath)),
                Py.setItem(d, keys.queryString, owned: Py.bytes(scope.queryString)),
                Py.setItem(d, keys.rootPath, owned: Py.string(scope.rootPath)),
                Py.setItem(d, keys.headers, owned: headers(scope.headers)),
                Py.setItem(
                    d,
                    keys.client,
                    owned: scope.client.map { Py.tuple([Py.string($0.host), PyLong_FromLong($0.port)]) }
                        ?? Py_NewRef(shim_None())
                ),
                Py.setItem(d, keys.server, owned: server(scope.server)),
                Py.setItem(d, keys.extensions, owned: extensions(scope.extensions)),
                Py.setItem(d, keys.state, owned: PyDict_Copy(state))
            else { return nil }
            if scope.kind == .http {
                guard Py.setItem(d, keys.method, owned: Py.string(scope.method)) else { return nil }
            } else {
                guard Py.setItem(d, keys.subprotocols, owned: list(scope.subprotocols.map { Py.string($0) })) else {
                    return nil
                }
            }
        } else {
            guard Py.setItem(d, keys.state, owned: Py_NewRef(state)) else { return nil }
        }
        for (key, value) in scope.overrides {
            guard let name = PyRef(owned: Py.string(key)), Py.setItem(d, name.pointer, owned: self.value(value)) else {
                return nil
            }
        }
        return dict.take()
    }

    private func asgi(_ specVersion: String) -> PyPointer? {
        guard let dict = PyRef(owned: PyDict_New()),
            Py.setItem(dict.pointer, keys.version, owned: Py_NewRef(keys.three)),
            Py.setItem(dict.pointer, keys.specVersion, owned: Py.string(specVersion))
        else { return nil }
        return dict.take()
    }

    private func server(_ server: (host: String, port: Int?)?) -> PyPointer? {
        guard let server else { return Py_NewRef(shim_None()) }
        return Py.tuple([Py.string(server.host), server.port.map { PyLong_FromLong($0) } ?? Py_NewRef(shim_None())])
    }

    private func extensions(_ names: [String]) -> PyPointer? {
        guard let dict = PyRef(owned: PyDict_New()) else { return nil }
        for name in names {
            guard let key = PyRef(owned: Py.string(name)), Py.setItem(dict.pointer, key.pointer, owned: PyDict_New())
            else {
                return nil
            }
        }
        return dict.take()
    }

    func headers(_ fields: [HeaderField]) -> PyPointer? {
        list(fields.map { Py.tuple([Py.bytes($0.name), Py.bytes($0.value)]) })
    }

    /// A list from owned items (stolen).
    private func list(_ items: [PyPointer?]) -> PyPointer? {
        guard items.allSatisfy({ $0 != nil }), let list = PyList_New(items.count) else {
            for item in items { if let item { Py_DecRef(item) } }
            return nil
        }
        for (index, item) in items.enumerated() { shim_List_SetItem(list, index, item) }
        return list
    }

    private func value(_ value: ScopeValue) -> PyPointer? {
        switch value {
        case .none: return Py_NewRef(shim_None())
        case .bool(let flag): return Py_NewRef(shim_Bool(flag ? 1 : 0))
        case .int(let number): return PyLong_FromLong(number)
        case .double(let number): return PyFloat_FromDouble(number)
        case .string(let text): return Py.string(text)
        case .bytes(let data): return Py.bytes(data)
        case .list(let items): return list(items.map { self.value($0) })
        case .dict(let entries):
            guard let dict = PyRef(owned: PyDict_New()) else { return nil }
            for (key, item) in entries {
                guard let name = PyRef(owned: Py.string(key)),
                    Py.setItem(dict.pointer, name.pointer, owned: self.value(item))
                else {
                    return nil
                }
            }
            return dict.take()
        }
    }

    /// The dict `receive()` returns for `event`.
    func message(_ event: InboundEvent) -> PyPointer? {
        guard let dict = PyRef(owned: PyDict_New()) else { return nil }
        let d = dict.pointer
        let ok: Bool
        switch event {
        case .httpRequest(let body, let more):
            ok =
                Py.setItem(d, keys.type, owned: Py_NewRef(keys.httpRequest))
                && Py.setItem(d, keys.body, owned: Py.bytes(body))
                && Py.setItem(d, keys.moreBody, owned: Py_NewRef(shim_Bool(more ? 1 : 0)))
        case .httpDisconnect:
            ok = Py.setItem(d, keys.type, owned: Py_NewRef(keys.httpDisconnect))
        case .websocketConnect:
            ok = Py.setItem(d, keys.type, owned: Py_NewRef(keys.websocketConnect))
        case .websocketReceive(.text(let text)):
            ok =
                Py.setItem(d, keys.type, owned: Py_NewRef(keys.websocketReceive))
                && Py.setItem(d, keys.text, owned: Py.string(text))
        case .websocketReceive(.bytes(let data)):
            ok =
                Py.setItem(d, keys.type, owned: Py_NewRef(keys.websocketReceive))
                && Py.setItem(d, keys.bytes, owned: Py.bytes(data))
        case .websocketDisconnect(let code, let reason):
            ok =
                Py.setItem(d, keys.type, owned: Py_NewRef(keys.websocketDisconnect))
                && Py.setItem(d, keys.code, owned: PyLong_FromLong(code))
                && Py.setItem(d, keys.reason, owned: Py.string(reason))
        case .lifespanStartup:
            ok = Py.setItem(d, keys.type, owned: Py_NewRef(keys.lifespanStartup))
        case .lifespanShutdown:
            ok = Py.setItem(d, keys.type, owned: Py_NewRef(keys.lifespanShutdown))
        }
        return ok ? dict.take() : nil
    }
}
