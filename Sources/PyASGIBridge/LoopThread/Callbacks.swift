internal import CPython

/// The C functions Python calls: each gets its Swift object from the capsule it is bound to.
/// Method definitions and their names live in memory that is never freed, as CPython requires.
enum Callbacks {
    private typealias Fast = @convention(c) (PyPointer?, UnsafePointer<PyPointer?>?, Py_ssize_t) -> PyPointer?

    /// A METH_FASTCALL function. Such functions have `Fast`'s signature, not PyCFunction's; CPython
    /// casts the pointer back by the flag, as C extensions do with `(PyCFunction)(void(*)(void))f`.
    private static func defineFast(_ name: StaticString, _ function: Fast) -> UnsafeMutablePointer<PyMethodDef> {
        define(name, flags: shim_METH_FASTCALL(), unsafeBitCast(function, to: PyCFunction.self))
    }

    static func define(
        _ name: StaticString,
        flags: Int32,
        _ function: PyCFunction
    ) -> UnsafeMutablePointer<PyMethodDef> {
        let definition = UnsafeMutablePointer<PyMethodDef>.allocate(capacity: 1)
        definition.initialize(
            to: PyMethodDef(
                ml_name: UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self),
                ml_meth: function,
                ml_flags: flags,
                ml_doc: nil
            )
        )
        return definition
    }

    /// The object a capsule holds. Unretained: the capsule owns a reference for as long as the
    /// function bound to it exists, which is at least as long as this call.
    static func object<T: AnyObject>(_ capsule: PyPointer?, as type: T.Type) -> T {
        Unmanaged<T>.fromOpaque(PyCapsule_GetPointer(capsule, nil)!).takeUnretainedValue()
    }

    // The definitions are created once and shared by every function object bound to them; the
    // pointers are immutable after initialisation, so sharing them across threads is safe.
    nonisolated(unsafe) static let waitForWork = define(
        "wait_for_work",
        flags: shim_METH_O(),
        { capsule, timeout in
            let context = object(capsule, as: LoopContext.self)
            return Py_NewRef(shim_Bool(context.waitForWork(timeout: timeout!) ? 1 : 0))
        }
    )

    // See `waitForWork`.
    nonisolated(unsafe) static let drain = define(
        "drain",
        flags: shim_METH_NOARGS(),
        { capsule, _ in
            object(capsule, as: LoopContext.self).drain(readable: true)
            return Py_NewRef(shim_None())
        }
    )

    // See `waitForWork`.
    nonisolated(unsafe) static let reportLoopError = define(
        "report",
        flags: shim_METH_O(),
        { capsule, exception in
            object(capsule, as: LoopContext.self).reportLoopError(exception!)
            return Py_NewRef(shim_None())
        }
    )

    // See `waitForWork`.
    nonisolated(unsafe) static let receive = define(
        "receive",
        flags: shim_METH_NOARGS(),
        { capsule, _ in
            object(capsule, as: LoopAppCall.self).receive()
        }
    )

    // See `waitForWork`.
    nonisolated(unsafe) static let send = define(
        "send",
        flags: shim_METH_O(),
        { capsule, message in
            object(capsule, as: LoopAppCall.self).send(message!)
        }
    )

    // See `waitForWork`. Called by the glue's `run_app` as report(exception, result, cancelled) when
    // the call ends, and as report(level, logger, message, exception, echo) for what the app logs,
    // prints or warns during it, on whichever thread it does that (holding the GIL): that form
    // touches only the call's Swift half, which is `Sendable`. One function for both, so that a
    // request makes one function object fewer.
    nonisolated(unsafe) static let report = defineFast("report") { capsule, arguments, count in
        if count == 0 {
            // run_app_accounted: the call's task runs its first step.
            object(capsule, as: LoopAppCall.self).call.options.account?.mark(.appStarted)
            return Py_NewRef(shim_None())
        }
        guard let arguments, count == 3 || count == 5, let first = arguments[0], let second = arguments[1],
            let third = arguments[2]
        else {
            shim_Err_SetString(shim_Exc_TypeError(), "report(exception, result, cancelled)")
            return nil
        }
        let call = object(capsule, as: LoopAppCall.self)
        guard count == 5 else {
            call.finished(
                exception: Py_IsNone(first) != 0 ? nil : first,
                result: second,
                cancelled: PyObject_IsTrue(third) == 1
            )
            return Py_NewRef(shim_None())
        }
        guard let level = Py.swiftString(first), let logger = Py.swiftString(second),
            let message = Py.swiftString(third), let exception = arguments[3], let echo = arguments[4]
        else {
            shim_Err_SetString(shim_Exc_TypeError(), "report(level, logger, message, exception, echo)")
            return nil
        }
        let text = Py_IsNone(exception) != 0 ? nil : Py.swiftString(exception)
        call.call.captured(
            LogEntry(level: level, logger: logger, message: message, exception: text),
            echo: PyObject_IsTrue(echo) == 1
        )
        return Py_NewRef(shim_None())
    }

    // See `waitForWork`. Called on the loop thread (through `call_soon_threadsafe`) by an import
    // that ran on a helper thread, with `(app, is_asgi2)` or the exception it raised.
    nonisolated(unsafe) static let appLoaded = define(
        "app_loaded",
        flags: shim_METH_O(),
        { capsule, outcome in
            object(capsule, as: PendingLoad.self).done(outcome!)
            return Py_NewRef(shim_None())
        }
    )

    /// Destroys a pending load's capsule: drops the reference it held.
    static let releasePendingLoad: PyCapsule_Destructor = { capsule in
        Unmanaged<PendingLoad>.fromOpaque(PyCapsule_GetPointer(capsule, nil)!).release()
    }

    /// Destroys an app call's capsule: drops the loop half it kept alive.
    static let releaseLoopAppCall: PyCapsule_Destructor = { capsule in
        Unmanaged<LoopAppCall>.fromOpaque(PyCapsule_GetPointer(capsule, nil)!).release()
    }
}
