internal import CPython

/// Loading apps and starting their calls, on the loop thread.
extension LoopContext {
    /// Starts importing `spec` on a helper thread (so the loop keeps serving other apps meanwhile);
    /// ``appLoaded(_:reply:)`` registers the app back on the loop thread.
    func startLoad(_ spec: String, reply: @escaping @Sendable (Result<LoadedAppID, BridgeFailure>) -> Void) {
        let pending = PendingLoad(context: self, reply: reply)
        guard let specObject = PyRef(owned: Py.string(spec)),
            let capsule = PyRef(owned: pending.capsule()),
            let done = PyRef(owned: PyCFunction_NewEx(Callbacks.appLoaded, capsule.pointer, nil)),
            PyRef(owned: Py.call(startLoadFunction, specObject.pointer, loop, done.pointer)) != nil
        else {
            reply(.failure(.appLoad(.importFailed, message: "\(takeError().message)", exception: nil)))
            return
        }
    }

    /// The helper thread finished: `outcome` is `(app, is_asgi2)` or the exception it raised. The
    /// same app object loaded twice gets the same id, so its clients share one lifespan.
    func appLoaded(_ outcome: PyPointer) -> Result<LoadedAppID, BridgeFailure> {
        guard shim_Tuple_Check(outcome) != 0 else { return .failure(appLoadFailure(outcome)) }
        let app = shim_Tuple_GetItem(outcome, 0)!
        let address = UnsafeMutableRawPointer(app)
        if let id = appIDs[address] {
            apps[id]!.holders += 1
            return .success(LoadedAppID(id: id))
        }
        let isASGI2 = PyObject_IsTrue(shim_Tuple_GetItem(outcome, 1)!) == 1
        nextAppID += 1
        apps[nextAppID] = LoadedApp(app: Py_NewRef(app), isASGI2: isASGI2, state: PyDict_New()!)
        appIDs[address] = nextAppID
        return .success(LoadedAppID(id: nextAppID))
    }

    private func appLoadFailure(_ value: PyPointer) -> BridgeFailure {
        let info = describe(value)
        if PyObject_IsInstance(value, appLoadError) == 1,
            let kind = Py.string(owned: PyObject_GetAttrString(value, "kind")),
            let code = BridgeFailure.AppLoadKind(rawValue: kind)
        {
            return .appLoad(code, message: info.message, exception: nil)
        }
        PyErr_Clear()
        // The first line is the message; the line after it says which environment imported.
        var environment: String?
        if let function = PyRef(owned: PyObject_GetAttrString(glue, "environment")) {
            environment = Py.string(owned: Py.call(function.pointer))
        }
        if environment == nil { PyErr_Clear() }
        let line = environment.map { "\n" + $0 } ?? ""
        return .appLoad(.importFailed, message: "\(info.type): \(info.message)\(line)", exception: info)
    }

    /// One holder of the app lets it go; the last one drops it.
    func releaseApp(_ id: Int) {
        guard var app = apps[id] else { return }
        app.holders -= 1
        guard app.holders == 0 else {
            apps[id] = app
            return
        }
        apps[id] = nil
        appIDs[UnsafeMutableRawPointer(app.app)] = nil
        Py_DecRef(app.app)
        Py_DecRef(app.state)
    }

    /// Starts an app call: its scope, `receive`/`send`/`report` bound to its loop half, and a task
    /// running the glue's `run_app`, which reports the call's end from inside the task.
    func open(_ call: AppCall) {
        let account = call.options.account
        account?.mark(.opened)
        guard let state = state(for: call) else {
            call.appCallEnded(.failure(.connectionClosed(reason: "The client was closed.")))
            return
        }
        let app = apps[call.appID]!
        let loopCall = LoopAppCall(call: call, context: self)
        guard let scope = PyRef(owned: scopes.scope(call.scope, state: state)) else {
            call.appCallEnded(.failure(.appException(takeError())))
            return
        }
        account?.mark(.scopeBuilt)
        guard let capsule = PyRef(owned: loopCall.capsule()),
            let receive = PyRef(owned: PyCFunction_NewEx(Callbacks.receive, capsule.pointer, nil)),
            let send = PyRef(owned: PyCFunction_NewEx(Callbacks.send, capsule.pointer, nil)),
            let report = PyRef(owned: PyCFunction_NewEx(Callbacks.report, capsule.pointer, nil)),
            let level = PyRef(owned: call.options.logLevel.map { PyLong_FromLong($0) } ?? Py_NewRef(shim_None())),
            let coroutine = PyRef(
                owned: Py.call(
                    runAppFunction,
                    app.app,
                    shim_Bool(app.isASGI2 ? 1 : 0),
                    scope.pointer,
                    receive.pointer,
                    send.pointer,
                    report.pointer,
                    report.pointer,
                    level.pointer
                )
            )
        else {
            call.appCallEnded(.failure(.appException(takeError())))
            return
        }
        // Registered first: a task started eagerly (Python 3.12+) may run the whole app call, and
        // report its end, before the starter returns.
        let id = ObjectIdentifier(call)
        calls[id] = loopCall
        account?.mark(.taskCreated)
        guard let task = Py.call(taskStarter(), coroutine.pointer) else {
            let error = takeError()
            if !loopCall.hasEnded {
                calls[id] = nil
                call.appCallEnded(.failure(.appException(error)))
            }
            return
        }
        if loopCall.hasEnded {
            Py_DecRef(task)
        } else {
            loopCall.task = task
        }
    }

    /// What starts an app call's task: the glue's ``startTask``, or `loop.create_task` once
    /// something (the app's lifespan, say) set a task factory on the loop, as a server's
    /// `create_task` would use it.
    private func taskStarter() -> PyPointer {
        guard let factory = PyObject_GetAttr(loop, keys.taskFactory) else {
            PyErr_Clear()
            return createTask
        }
        defer { Py_DecRef(factory) }
        return Py_IsNone(factory) != 0 ? startTask : createTask
    }

    /// The `state` a call's scope gets: a lifespan run starts a new state dict (and gets the dict
    /// itself); requests of clients that take part in the lifespan get it (copied by the scope
    /// builder), others an empty one. Nil when the app is not loaded.
    private func state(for call: AppCall) -> PyPointer? {
        guard var app = apps[call.appID] else { return nil }
        if call.scope.kind == .lifespan {
            Py_DecRef(app.state)
            app.state = PyDict_New()!
            apps[call.appID] = app
        }
        return call.scope.sharesLifespanState ? app.state : emptyState
    }
}
