"""Apps with interesting lifespans: failing startup or shutdown, slow startup, Quart and FastAPI state."""
import asyncio
import contextlib
import json

from fastapi import FastAPI, Request
from quart import Quart, current_app, jsonify

async def failing_startup(scope, receive, send):
    assert scope["type"] == "lifespan"
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "database unreachable"})


async def failing_shutdown(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.failed", "message": "could not flush"})
        return
    await send({"type": "http.response.start", "status": 204})
    await send({"type": "http.response.body"})


async def slow_startup(scope, receive, send):
    await receive()
    await asyncio.sleep(30)


def _recorder():
    """An app that records the lifespan events it sees; every HTTP request answers with them."""
    events = []

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            events.append("lifespan scope asgi=%s state=%s" % (scope["asgi"]["version"], "state" in scope))
            while True:
                message = await receive()
                events.append(message["type"])
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": json.dumps(events).encode()})

    return app


# One recorder per test, so tests running in parallel do not share events.
recording = _recorder()
recording_off = _recorder()
recording_throws = _recorder()
recording_dropped = _recorder()
recording_dropped.__qualname__ = "recording_dropped"


def lifespan_tasks(name):
    """How many lifespan calls of the recorder called `name` are still running."""
    count = 0
    for task in asyncio.all_tasks():
        frame = getattr(task.get_coro(), "cr_frame", None)
        if frame is None:
            continue
        app = frame.f_locals.get("app")
        scope = frame.f_locals.get("scope")
        if getattr(app, "__qualname__", None) == name and isinstance(scope, dict) and scope.get("type") == "lifespan":
            count += 1
    return count


@contextlib.asynccontextmanager
async def _fastapi_lifespan(app):
    yield {"db": "connected"}


fastapi = FastAPI(lifespan=_fastapi_lifespan)


@fastapi.get("/state")
async def fastapi_state(request: Request):
    return {"db": request.state.db}


quart = Quart(__name__)


@quart.before_serving
async def _quart_startup():
    current_app.config["READY"] = "yes"


@quart.route("/state")
async def quart_state():
    return jsonify({"ready": current_app.config.get("READY")})
