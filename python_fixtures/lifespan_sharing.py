"""Module-level apps whose clients share one lifespan, one app object per test: a Starlette app
with lifespan state and counts, and an app that does not support lifespan."""
import contextlib

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
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
