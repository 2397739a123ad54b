"""Module-level apps whose clients share one lifespan, one app object per test: Starlette apps with
lifespan state and counts, with a shutdown that waits for the test, with a startup that fails once,
and apps that do not support lifespan."""
import asyncio
import contextlib

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route


def _stateful():
    counts = {"startups": 0, "shutdowns": 0}

    @contextlib.asynccontextmanager
    async def lifespan(app):
        counts["startups"] += 1
        yield {"greeting": "hello from lifespan"}
        counts["shutdowns"] += 1

    async def state(request: Request):
        return JSONResponse({"state": sorted(request.scope.get("state", {})), **counts})

    return Starlette(routes=[Route("/state", state)], lifespan=lifespan)


# One per test, so tests running in parallel do not share a lifecycle.
off_clients = _stateful()
supported = _stateful()


def _without_lifespan():
    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            raise RuntimeError("no lifespan here")
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"state": []}'})

    return app


unsupported = _without_lifespan()
unsupported_joined = _without_lifespan()


def _gated_shutdown():
    """Shutdown waits until a request to /release (from a client that takes no part in lifespan)."""
    log = []
    gate = asyncio.Event()

    @contextlib.asynccontextmanager
    async def lifespan(app):
        log.append("startup")
        yield
        log.append("shutdown begins")
        await gate.wait()
        gate.clear()
        log.append("shutdown ends")

    async def read_log(request: Request):
        return JSONResponse(log)

    async def release(request: Request):
        gate.set()
        return PlainTextResponse("released")

    return Starlette(routes=[Route("/log", read_log), Route("/release", release)], lifespan=lifespan)


shutdown_gated = _gated_shutdown()


def _failing_first_startup():
    attempts = []

    @contextlib.asynccontextmanager
    async def lifespan(app):
        attempts.append(len(attempts) + 1)
        if len(attempts) == 1:
            raise RuntimeError("database unreachable")
        yield {"attempt": attempts[-1]}

    async def attempt(request: Request):
        return JSONResponse({"attempt": request.state.attempt})

    return Starlette(routes=[Route("/attempt", attempt)], lifespan=lifespan)


fails_first_startup = _failing_first_startup()
