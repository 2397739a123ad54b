/// The Python half of the bridge: what is simpler in Python than through the C API and is not on the
/// per-request path (loop set-up, app loading, exception formatting), plus `run_app`, the coroutine
/// each app call runs as. The per-request work (scope building, `receive`, `send`, task creation) is
/// C-API code in ``LoopContext`` and ``LoopAppCall``.
enum GlueModule {
    static let name = "_swift_asgi_bridge"

    static let source = #"""
        import asyncio
        import contextvars
        import functools
        import importlib
        import inspect
        import logging
        import os
        import selectors
        import sys
        import threading
        import time
        import traceback
        import warnings


        class ClientDisconnected(OSError):
            """Raised from `send` once the client has gone (ASGI spec 2.4)."""


        class AppLoadError(Exception):
            def __init__(self, kind, message):
                super().__init__(message)
                self.kind = kind
                self.message = message


        class _BridgeSelector(selectors.DefaultSelector):
            """The loop's selector. Every loop iteration polls it, so every iteration takes the work
            Swift queued (a check of one flag when there is none): an app that never lets the loop
            park (`await asyncio.sleep(0)` in a loop) cannot starve other calls, timeouts or
            cancellations. Before it blocks it lets the bridge spin briefly (GIL released) for work
            from Swift, so that a request arriving right after the last one costs no wake-up."""

            def __init__(self, wait_for_work, work_flag):
                super().__init__()
                self._wait_for_work = wait_for_work
                # One byte Swift sets while commands are queued: a busy loop reads it instead of
                # calling in on every iteration.
                self._work_flag = work_flag

            def select(self, timeout=None):
                if (timeout is None or timeout > 0 or self._work_flag[0]) and self._wait_for_work(timeout):
                    timeout = 0
                return super().select(timeout)


        def make_loop(wait_for_work, work_flag):
            loop = asyncio.SelectorEventLoop(_BridgeSelector(wait_for_work, work_flag))
            asyncio.set_event_loop(loop)
            return loop


        def task_starter(loop):
            """What starts an app call's task when nothing set a task factory on the loop: the
            task made directly (`loop.create_task` adds a Python frame and its checks), and from
            Python 3.12 started eagerly: its first step runs at once, not on the loop's next
            iteration (a loop iteration costs 5-10 us of a request's time)."""
            if sys.version_info >= (3, 12):
                return functools.partial(asyncio.Task, loop=loop, eager_start=True)
            return functools.partial(asyncio.Task, loop=loop)


        def run_forever(loop, report):
            # KeyboardInterrupt and SystemExit raised inside a task escape run_forever; the task still
            # records them (and its done callback reports them), so the loop just carries on.
            while True:
                try:
                    loop.run_forever()
                except BaseException as exc:  # noqa: B036
                    report(exc)


        async def run_app(app, is_asgi2, scope, receive, send, report, capture, level):
            """One app call. Reports its end to the bridge in the same step it ends in (a done callback
            would cost another loop iteration). Exceptions, even KeyboardInterrupt and SystemExit, are
            reported, not raised: they fail the request, never the process.

            What the app logs, prints and warns while it runs (in this task, the tasks it creates and
            the threads it hands work to, which all copy the task's context) goes to `capture`."""
            current = [capture, level, None]
            _current_call.set(current)
            if level is not None and level < _root_logger.level:
                # Something (an app's logging config) raised the root level since the client opened.
                lower_root_level(level)
            try:
                if is_asgi2:
                    result = await app(scope)(receive, send)
                else:
                    result = await app(scope, receive, send)
            except asyncio.CancelledError as exc:
                # The bridge tells a cancellation it caused from one the app raised itself.
                if current[2]:
                    _flush_prints(current)
                report(exc, None, True)
                raise
            except BaseException as exc:  # noqa: B036
                if current[2]:
                    _flush_prints(current)
                report(exc, None, False)
                return
            if current[2]:
                _flush_prints(current)
            report(None, result, False)


        async def run_app_accounted(app, is_asgi2, scope, receive, send, report, capture, level):
            """run_app, stamping the moment the call's task first runs (ASGI_BRIDGE_ACCOUNT=1)."""
            report()
            await run_app(app, is_asgi2, scope, receive, send, report, capture, level)


        # --- What the app logs, per call -------------------------------------------------------
        # The running call's [capture, level, pending print text], or None outside any call.
        _current_call = contextvars.ContextVar("swift_asgi_bridge_call", default=None)
        # The root logger's level before a client lowered it (TestClientConfiguration.logLevel), and
        # the level it was lowered to: calls of other clients keep the baseline.
        _root_baseline = None
        _root_lowered = None
        _root_logger = logging.getLogger()


        def _threshold(level):
            if level is not None:
                return level
            root = logging.getLogger()
            if _root_lowered is not None and root.level == _root_lowered:
                return _root_baseline
            return 0


        def lower_root_level(level):
            """Lets records down to `level` be made (as pytest's caplog.set_level on the root logger)."""
            global _root_baseline, _root_lowered
            root = logging.getLogger()
            if _root_lowered is None or root.level != _root_lowered:
                _root_baseline = root.level
            if level < root.level:
                root.setLevel(level)
            _root_lowered = root.level


        def _has_handlers(logger):
            """Whether logging finds a handler for a record of `logger` (else its last resort writes
            it to stderr)."""
            while logger is not None:
                if logger.handlers:
                    return True
                if not logger.propagate:
                    break
                logger = logger.parent
            return False


        def _call_handlers(self, record):
            """`logging.Logger.callHandlers`: a record made during a call also goes to that call,
            which echoes it in place of logging's last resort; the app's own handlers still get it.
            (A patched method, not a handler on the root logger: that would turn the app's
            `logging.basicConfig()` into a no-op.)"""
            current = _current_call.get()
            if current is None or record.levelno < _threshold(current[1]):
                return _original_call_handlers(self, record)
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001
                message = "%s %r" % (record.msg, record.args)
            exception = None
            if record.exc_info and record.exc_info[0] is not None:
                exception = "".join(traceback.format_exception(*record.exc_info))
            elif record.exc_text:
                exception = record.exc_text
            if record.stack_info:
                exception = (exception or "") + record.stack_info
            handled = _has_handlers(self)
            current[0](
                record.levelname,
                record.name,
                _utf8_safe(message),
                None if exception is None else _utf8_safe(exception),
                not handled,
            )
            if handled:
                _original_call_handlers(self, record)


        class _CallStream:
            """sys.stdout / sys.stderr: lines written during a call go to that call."""

            def __init__(self, original, level):
                self._original = original
                self._level = level

            def write(self, text):
                current = _current_call.get()
                if current is None:
                    return self._original.write(text)
                pending = current[2]
                if pending is None:
                    pending = current[2] = {}
                *lines, pending[self._level] = (pending.get(self._level, "") + str(text)).split("\n")
                for line in lines:
                    current[0](self._level, "", _utf8_safe(line), None, True)
                return len(text)

            def writelines(self, lines):
                for line in lines:
                    self.write(line)

            def flush(self):
                self._original.flush()

            def __getattr__(self, name):
                return getattr(self._original, name)


        def _flush_prints(current):
            pending = current[2]
            if pending:
                current[2] = None
                for level, text in pending.items():
                    if text:
                        current[0](level, "", _utf8_safe(text), None, True)


        def _show_warning(message, category, filename, lineno, file=None, line=None):
            current = _current_call.get()
            if current is None or file is not None or logging.WARNING < _threshold(current[1]):
                return _original_show_warning(message, category, filename, lineno, file, line)
            text = warnings.formatwarning(message, category, filename, lineno, line).rstrip("\n")
            current[0]("WARNING", "py.warnings", _utf8_safe(text), None, True)


        _original_show_warning = None
        _original_call_handlers = None


        def install_capture():
            global _original_show_warning, _original_call_handlers
            _original_call_handlers = logging.Logger.callHandlers
            logging.Logger.callHandlers = _call_handlers
            if sys.stdout is not None:
                sys.stdout = _CallStream(sys.stdout, "STDOUT")
            if sys.stderr is not None:
                sys.stderr = _CallStream(sys.stderr, "STDERR")
            _original_show_warning = warnings.showwarning
            warnings.showwarning = _show_warning


        def resolve_later(future):
            """Resolves `future` with None unless it is done already (its awaiting task was cancelled
            meanwhile): a bare `future.set_result` would raise InvalidStateError inside the loop,
            which asyncio logs as an error of nobody's making."""
            if not future.done():
                future.set_result(None)


        def environment():
            """Which Python and virtual environment imports run in, as errors name them."""
            venv = sys.prefix if sys.prefix != sys.base_prefix else "none (the interpreter's own site-packages)"
            return "Python %d.%d.%d, virtual environment: %s" % (sys.version_info[:3] + (venv,))


        def setup_paths(paths):
            for path in reversed(paths):
                if path in sys.path:
                    sys.path.remove(path)
                sys.path.insert(0, path)


        def _is_asgi3(app):
            # As asgiref's guarantee_single_callable and uvicorn's ASGI2 detection.
            if inspect.isclass(app):
                return hasattr(app, "__await__")
            if inspect.iscoroutinefunction(app):
                return True
            call = getattr(app, "__call__", None)
            return inspect.iscoroutinefunction(call)


        def load_app(spec):
            """Loads `module.sub:attr.sub` or `module:factory()` as uvicorn does. Returns (app, is_asgi2)."""
            module_name, sep, attrs = spec.partition(":")
            if not sep or not module_name or not attrs:
                raise AppLoadError(
                    "invalid_spec",
                    'Import string "%s" must be in format "<module>:<attribute>".' % spec,
                )
            factory = attrs.endswith("()")
            if factory:
                attrs = attrs[:-2]
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name is not None and module_name != exc.name and not module_name.startswith(exc.name + "."):
                    raise
                # The first line is the message; the lines after it are details to act on.
                searched = "\n".join("  " + (path or "(the current directory)") for path in sys.path)
                raise AppLoadError(
                    "module_not_found",
                    'Could not import module "%s": %s\nSearched sys.path:\n%s\n%s\n'
                    "Add the directory that holds it with TestClientConfiguration.pythonPath or PYTHONPATH "
                    "(the asgi command: --pythonpath)." % (module_name, exc, searched, environment()),
                )
            instance = module
            found = []
            for attr in attrs.split("."):
                try:
                    instance = getattr(instance, attr)
                except AttributeError:
                    raise AppLoadError(
                        "attribute_not_found",
                        'Attribute "%s" not found in module "%s"%s'
                        % (attrs, module_name, _did_you_mean(instance, attr, found)),
                    ) from None
                found.append(attr)
            if factory:
                if not callable(instance):
                    raise AppLoadError("not_callable", 'Factory "%s" in module "%s" is not callable.' % (attrs, module_name))
                instance = instance()
                if not callable(instance):
                    # The factory is fine; what it returned is not an app (often a missing `return app`).
                    raise AppLoadError(
                        "not_callable",
                        'Factory "%s()" in module "%s" returned %s, which is not callable, so it is not an ASGI '
                        "app; the factory must return the app."
                        % (attrs, module_name, "None" if instance is None else "a " + type(instance).__name__),
                    )
            if not callable(instance):
                raise AppLoadError(
                    "not_callable",
                    'Attribute "%s" in module "%s" is not callable (it is a %s), so it is not an ASGI app.'
                    % (attrs, module_name, type(instance).__name__),
                )
            return instance, not _is_asgi3(instance)


        def start_load(spec, loop, done):
            """Imports the app on a helper thread, so the loop goes on serving other apps meanwhile,
            then hands `(app, is_asgi2)` or the exception to `done` on the loop thread. As under
            uvicorn, the loop is the running loop during the import (`asyncio.get_running_loop()`
            works); calls on it from the import are not thread-safe."""

            def work():
                asyncio.events._set_running_loop(loop)
                try:
                    outcome = _load_retrying(spec)
                finally:
                    asyncio.events._set_running_loop(None)
                loop.call_soon_threadsafe(done, outcome)

            threading.Thread(target=work, name="asgi-import " + spec, daemon=True).start()


        def _load_retrying(spec):
            """load_app(spec), or the exception it raised. Imports on two threads at once can make
            Python's per-module import locks detect a cycle between them (`_DeadlockError`, with
            shared dependencies such as starlette); the thread that detects it has released its
            locks, so importing again then goes through. Or the cycle is detected inside a
            `from package.module import name` while the other thread still executes that module
            (litestar's circular imports): an ImportError for a name the module defines further
            down. Then the import is tried again once no other thread is executing a module (5 s at
            most); an ImportError with no other import under way is the app's own."""
            for attempt in range(8):
                try:
                    return load_app(spec)
                except BaseException as exc:  # noqa: B036
                    if attempt == 7:
                        return exc
                    if type(exc).__name__ == "_DeadlockError":
                        time.sleep(0.005 * (attempt + 1))
                        continue
                    if not isinstance(exc, ImportError) or isinstance(exc, ModuleNotFoundError):
                        return exc
                    if not _wait_for_other_imports(5.0):
                        return exc


        def _wait_for_other_imports(limit):
            """Whether another thread was executing a module, waiting until none is (or `limit`
            seconds have passed)."""
            def executing():
                return any(
                    getattr(getattr(module, "__spec__", None), "_initializing", False)
                    for module in list(sys.modules.values())
                )

            if not executing():
                return False
            deadline = time.monotonic() + limit
            while executing() and time.monotonic() < deadline:
                time.sleep(0.01)
            return True


        def _utf8_safe(text):
            # Lone surrogates (a surrogateescape'd file name) cannot cross as UTF-8: escape them as
            # Python prints them ("\udcff") rather than lose the whole text.
            return text.encode("utf-8", "backslashreplace").decode("utf-8")


        def _str_of(exc):
            try:
                return str(exc)
            except BaseException as failure:  # noqa: B036
                try:
                    detail = "%s: %s" % (type(failure).__qualname__, failure)
                except BaseException:  # noqa: B036
                    detail = type(failure).__qualname__
                return "<exception str() failed: %s>" % detail


        def _did_you_mean(owner, attr, found):
            """'; did you mean "app"?' for the attribute `owner` has that is closest to `attr`, else '.'."""
            import difflib

            names = [name for name in dir(owner) if not name.startswith("__")]
            close = difflib.get_close_matches(attr, names, n=1)
            if not close:
                return "."
            return '; did you mean "%s"?' % ".".join(found + close)


        _stdlib_roots = None


        def _owner_of(filename):
            """The framework a frame's file belongs to (a site-packages distribution, a standard
            library module, the bridge), or None for the app's own code."""
            global _stdlib_roots
            if filename.startswith("<"):
                return "swift-asgi-testclient" if filename == "<_swift_asgi_bridge>" else filename.strip("<>")
            for marker in ("/site-packages/", "/dist-packages/"):
                at = filename.find(marker)
                if at >= 0:
                    first = filename[at + len(marker):].split("/", 1)[0]
                    return first[:-3] if first.endswith(".py") else first
            if _stdlib_roots is None:
                import sysconfig

                paths = sysconfig.get_paths()
                _stdlib_roots = tuple({paths["stdlib"], paths["platstdlib"], os.path.dirname(os.__file__)})
            for root in _stdlib_roots:
                if filename.startswith(root + os.sep):
                    first = filename[len(root) + 1:].split(os.sep, 1)[0]
                    return first[:-3] if first.endswith(".py") else first
            return None


        def _app_frames(exc):
            """The app's own frames of a traceback, then a count of the framework frames left out."""
            lines, left = [], {}
            for frame in traceback.extract_tb(exc.__traceback__):
                owner = _owner_of(frame.filename)
                if owner is not None:
                    left[owner] = left.get(owner, 0) + 1
                    continue
                lines.append('  File "%s", line %s, in %s' % (frame.filename, frame.lineno, frame.name))
                if frame.line:
                    lines.append("    " + frame.line.strip())
            if left:
                count = sum(left.values())
                lines.append("  + %d frame%s in %s" % (count, "" if count == 1 else "s", ", ".join(left)))
            return "\n".join(lines)


        def describe(exc):
            """(qualified type name, message, formatted traceback, the app's own frames) of an
            exception. Never raises and never loses the traceback, whatever the exception's
            __str__ does or holds."""
            kind = type(exc)
            module = kind.__module__
            name = kind.__qualname__ if module in ("builtins", "__main__") else "%s.%s" % (module, kind.__qualname__)
            message = _str_of(exc)
            try:
                text = "".join(traceback.format_exception(kind, exc, exc.__traceback__))
            except BaseException:  # noqa: B036
                text = "".join(traceback.format_tb(exc.__traceback__)) + "%s: %s\n" % (name, message)
            try:
                frames = _app_frames(exc)
            except BaseException:  # noqa: B036
                frames = ""
            return _utf8_safe(str(name)), _utf8_safe(message), _utf8_safe(text), _utf8_safe(frames)
        """#
}
