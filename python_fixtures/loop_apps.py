"""Apps that keep the loop busy or stream until the client leaves: the bridge must hear Swift whatever
they do, end them when the client leaves under every spec version, and report nothing a server would
not. Every app call carries a `key` in its query; what happened to it is kept per key in STATS, which
`/stats?key=...` returns, so that tests running in parallel never read each other's records."""
import asyncio
import json
import logging

from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

STATS = {}
CHUNK = b"x" * (64 * 1024)


def _stats(key):
    return STATS.setdefault(
        key,
        {
            "iterations": 0,
            "disconnect_seen": False,
            "cancelled": False,
            "ended": False,
            "error": None,
            "send_errors": 0,
        },
    )


class _BridgeErrors(logging.Handler):
    """Counts asyncio's error records that come from the bridge's own futures (a callback that
    resolves a future already cancelled): nobody's bug, and never to reach the user's output."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records = []

    def emit(self, record):
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += " " + type(record.exc_info[1]).__name__
        if "InvalidStateError" in text or "set_result" in text or "resolve_later" in text:
            self.records.append(text)


BRIDGE_ERRORS = _BridgeErrors()
logging.getLogger("asyncio").addHandler(BRIDGE_ERRORS)


async def _respond(send, status, body, content_type=b"text/plain"):
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", content_type)]})
    await send({"type": "http.response.body", "body": body})


async def poll(stats, receive, send):
    """Yields to the loop forever (`sleep(0)`, never parking it) until cancelled."""
    while True:
        stats["iterations"] += 1
        await asyncio.sleep(0)


async def endless_raw(stats, receive, send):
    """Starts a response and sends 64 KiB chunks forever, awaiting nothing but `send()`."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    while True:
        stats["iterations"] += 1
        await send({"type": "http.response.body", "body": CHUNK, "more_body": True})


async def wait_for_disconnect(stats, receive, send):
    """Sends three chunks of a response it never completes, then waits for `http.disconnect` and
    returns: the app stops on its own once the client has gone."""
    await receive()  # the request
    await send({"type": "http.response.start", "status": 200, "headers": []})
    for _ in range(3):
        stats["iterations"] += 1
        try:
            await send({"type": "http.response.body", "body": b"tick\n", "more_body": True})
        except OSError:  # the client left already (spec 2.4)
            break
    while (await receive())["type"] != "http.disconnect":
        pass


async def endless_catching(stats, receive, send):
    """Sends chunks forever, awaiting nothing but `send()`, and returns (its response incomplete)
    when `send()` raises after the disconnect (spec 2.4)."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    while True:
        stats["iterations"] += 1
        try:
            await send({"type": "http.response.body", "body": b"tick\n", "more_body": True})
        except OSError:
            stats["send_errors"] += 1
            return


async def _starlette_stream(request: Request):
    """Starlette's StreamingResponse of 64 KiB chunks with `sleep(0)` between them, forever."""
    stats = _stats(request.query_params["key"])

    async def generate():
        while True:
            stats["iterations"] += 1
            yield CHUNK
            await asyncio.sleep(0)

    return StreamingResponse(generate(), media_type="application/octet-stream")


async def _sse(request: Request):
    """sse-starlette's EventSourceResponse, one event per millisecond forever; it returns normally
    once it sees `http.disconnect`."""
    stats = _stats(request.query_params["key"])

    async def generate():
        while True:
            stats["iterations"] += 1
            yield {"event": "tick", "id": str(stats["iterations"]), "data": "n=%d" % stats["iterations"]}
            await asyncio.sleep(0.001)

    return EventSourceResponse(generate())


_starlette = Starlette(routes=[Route("/starlette-stream", _starlette_stream), Route("/sse", _sse)])

_RAW = {
    "/poll": poll,
    "/endless-raw": endless_raw,
    "/wait-for-disconnect": wait_for_disconnect,
    "/endless-catching": endless_catching,
}


def _key(scope):
    for pair in scope["query_string"].decode().split("&"):
        name, _, value = pair.partition("=")
        if name == "key":
            return value
    return None


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (message := await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    path = scope["path"]
    if path == "/ok":
        return await _respond(send, 200, b"ok")
    if path == "/stats":
        body = json.dumps(_stats(_key(scope))).encode()
        return await _respond(send, 200, body, b"application/json")
    if path == "/bridge-errors":
        return await _respond(send, 200, json.dumps(BRIDGE_ERRORS.records).encode(), b"application/json")
    stats = _stats(_key(scope))

    async def watched_receive():
        message = await receive()
        if message["type"] == "http.disconnect":
            stats["disconnect_seen"] = True
        return message

    try:
        handler = _RAW.get(path)
        if handler is not None:
            await handler(stats, watched_receive, send)
        else:
            await _starlette(scope, watched_receive, send)
    except asyncio.CancelledError:
        stats["cancelled"] = True
        raise
    except BaseException as exc:  # noqa: B036
        stats["error"] = type(exc).__name__
        raise
    finally:
        stats["ended"] = True
