#if Live
/// The Python program a live server runs (`python -c`): it binds the listening socket itself on a
/// free port of 127.0.0.1 (so no port is guessed and none can be taken between choosing and
/// binding), prints the port as its first line of stdout, then runs `python -m uvicorn` on that
/// socket (`--fd`). Before that it ties its life to the test process's: a daemon thread polls
/// `os.getppid()` every 0.2 s, and once orphaned (the test process ended, even by SIGKILL) it stops
/// its whole process group (uvicorn and its workers): SIGTERM, then SIGKILL after the grace period.
/// Not `PR_SET_PDEATHSIG`: that fires when the *thread* that started the child exits, and the
/// thread pool's idle threads do exit, which killed servers in the middle of a long suite.
/// It also gives uvicorn the listener with its real family, so accepted connections send without
/// Nagle's delay.
///
/// Arguments: the parent's pid, the grace period in seconds, then uvicorn's own arguments.
enum UvicornLauncher {
    /// The exit status when uvicorn is not installed in the environment.
    static let uvicornMissing: Int32 = 97

    static let program = """
        import os, signal, sys
        # A child inherits the signal mask of the thread that started it, and the test's threads
        # block SIGTERM: unblock everything, or uvicorn would never see the SIGTERM that stops it.
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        parent, grace = int(sys.argv[1]), float(sys.argv[2])
        if os.getppid() != parent:
            sys.exit(1)
        os.setpgrp()
        import importlib.util
        if importlib.util.find_spec("uvicorn") is None:
            sys.stderr.write(f"No module named 'uvicorn' in {sys.prefix}: install it with `{sys.executable} -m pip install uvicorn`.\\n")
            sys.exit(97)
        import runpy, signal, socket, threading, time
        import uvicorn.config

        # uvicorn starts an app that is not callable and fails each request; fail its loading instead
        # (a single process loads the app here; workers load it in processes of their own).
        app_spec, load = sys.argv[3], uvicorn.config.import_from_string
        def load_callable(spec):
            app = load(spec)
            if spec == app_spec and not callable(app):
                raise uvicorn.config.ImportFromStringError(f'"{spec}" is not callable (it is a {type(app).__name__}).')
            return app
        uvicorn.config.import_from_string = load_callable

        # With workers the app is loaded only in the worker processes (started afresh, without the
        # check above), and uvicorn starts a new worker for each that fails: load and check it here
        # once, before serving, and fail as uvicorn fails a single process.
        def workers():
            arguments = sys.argv[3:]
            for index, argument in enumerate(arguments):
                if argument == "--workers" and index + 1 < len(arguments):
                    return int(arguments[index + 1])
                if argument.startswith("--workers="):
                    return int(argument.split("=", 1)[1])
            return int(os.environ.get("WEB_CONCURRENCY") or 1)
        if workers() > 1:
            try:
                load_callable(app_spec)
            except uvicorn.config.ImportFromStringError as error:
                sys.stderr.write(f"ERROR:    Error loading ASGI app. {error}\\n")
                sys.exit(1)

        def watch_parent():
            while os.getppid() == parent:
                time.sleep(0.2)
            try:
                os.killpg(0, signal.SIGTERM)
                time.sleep(grace)
            finally:
                os.killpg(0, signal.SIGKILL)

        threading.Thread(target=watch_parent, daemon=True).start()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(2048)
        listener.set_inheritable(True)
        # uvicorn wraps an --fd socket as AF_UNIX (socket.fromfd(fd, AF_UNIX, ...)), so asyncio does
        # not set TCP_NODELAY on the connections it accepts, and on a kept-alive connection a
        # response written in two parts (start, then body) waits for the client's delayed ACK: about
        # 40 ms a request. Hand uvicorn the listener as what it is (the family read from the socket).
        from_fd = socket.fromfd
        def fromfd(fd, family, type, proto=0):
            if fd == listener.fileno():
                return socket.socket(fileno=os.dup(fd))
            return from_fd(fd, family, type, proto)
        socket.fromfd = fromfd
        print(listener.getsockname()[1], flush=True)
        sys.argv = ["uvicorn", *sys.argv[3:], "--fd", str(listener.fileno())]
        runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)
        """
}
#endif
