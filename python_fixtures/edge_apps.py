"""Apps at the edges of issue 12: an app's own CancelledError (Starlette, FastAPI, raw ASGI), slow
routes for client-caused cancellation, a body reader for producers that ignore cancellation, and an
app whose lifespan startup raises."""
import asyncio

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

# What ended how, and which calls have reached their handler, per `key` query parameter (tests run
# in parallel).
ENDINGS = {}
ARRIVALS = {}


async def _cancelled_elsewhere():
    """Awaits a task that another task cancels: the CancelledError is the app's, not the client's."""
    victim = asyncio.ensure_future(asyncio.sleep(30))

    async def canceller():
        await asyncio.sleep(0.01)
        victim.cancel()

    asyncio.ensure_future(canceller())
    await victim


async def raise_cancelled(request: Request):
    raise asyncio.CancelledError("raised by the app")


async def await_cancelled(request: Request):
    await _cancelled_elsewhere()
    return PlainTextResponse("unreachable")


async def stream_then_cancelled(request: Request):
    async def generate():
        yield b"first chunk"
        raise asyncio.CancelledError("raised mid-stream")

    return StreamingResponse(generate())


async def sleep(request: Request):
    key = request.query_params.get("key", "")
    ARRIVALS[key] = True
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        ENDINGS[key] = "cancelled"
        raise
    return PlainTextResponse("woke")


async def read_body(request: Request):
    """Reads the whole request body, recording how that ended."""
    key = request.query_params.get("key", "")
    try:
        body = await request.body()
    except BaseException as exc:
        ENDINGS[key] = type(exc).__name__
        raise
    ENDINGS[key] = "read %d" % len(body)
    return PlainTextResponse(str(len(body)))


async def endings(request: Request):
    return JSONResponse({"ending": ENDINGS.get(request.query_params["key"])})


async def arrivals(request: Request):
    """Whether a call with this key has reached the app's handler: a test cancels it only then."""
    return JSONResponse({"arrived": ARRIVALS.get(request.query_params["key"], False)})


async def ws_sleep_keyed(websocket: WebSocket):
    """As /ws/sleep, recording its arrival under the `key` query parameter once accepted."""
    await websocket.accept()
    ARRIVALS[websocket.query_params["key"]] = True
    await asyncio.sleep(30)


async def ws_raise_cancelled(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_text("accepted")
    await websocket.receive_text()
    raise asyncio.CancelledError("raised by the websocket app")


async def ws_sleep(websocket: WebSocket):
    await websocket.accept()
    await asyncio.sleep(30)


starlette = Starlette(
    routes=[
        Route("/raise-cancelled", raise_cancelled),
        Route("/await-cancelled", await_cancelled),
        Route("/stream-then-cancelled", stream_then_cancelled),
        Route("/sleep", sleep),
        Route("/read-body", read_body, methods=["POST"]),
        Route("/endings", endings),
        Route("/arrivals", arrivals),
        WebSocketRoute("/ws/sleep-keyed", ws_sleep_keyed),
        WebSocketRoute("/ws/raise-cancelled", ws_raise_cancelled),
        WebSocketRoute("/ws/sleep", ws_sleep),
    ]
)

fastapi = FastAPI()


@fastapi.get("/raise-cancelled")
async def fastapi_raise_cancelled():
    raise asyncio.CancelledError("raised by the app")


@fastapi.get("/await-cancelled")
async def fastapi_await_cancelled():
    await _cancelled_elsewhere()
    return {"unreachable": True}


async def raw(scope, receive, send):
    """Raw ASGI: `/raise-cancelled` and `/await-cancelled` before the response starts."""
    if scope["type"] != "http":
        return
    if scope["path"] == "/raise-cancelled":
        raise asyncio.CancelledError("raised by the app")
    if scope["path"] == "/await-cancelled":
        await _cancelled_elsewhere()
    await send({"type": "http.response.start", "status": 404, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def startup_raises(scope, receive, send):
    """Raises on the lifespan scope (as an app that does not know lifespan does), serves HTTP."""
    if scope["type"] == "lifespan":
        await receive()
        raise RuntimeError("startup exploded in edge_apps")
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"served without lifespan"})


def make_startup_raises():
    """A new app object per call: a lifespan of its own, so its startup runs (and logs) again."""

    async def app(scope, receive, send):
        await startup_raises(scope, receive, send)

    return app


def make_lifespan_cancelled():
    """A new app object whose lifespan raises its own CancelledError: unsupported, as any exception."""

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            await receive()
            raise asyncio.CancelledError("lifespan cancelled by the app")
        await startup_raises(scope, receive, send)

    return app
