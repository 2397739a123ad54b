"""Apps that send far more than a slow test reads (back-pressure), built on Starlette's
StreamingResponse and WebSocket. Every app call carries a `key` in its query; what it sent, read and
whether it ended are kept per key in STATS, which `/stats?key=...` returns, so that tests running in
parallel do not share counts."""
import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

STATS = {}


def _stats(key):
    return STATS.setdefault(
        key, {"sent": 0, "messages": 0, "read": 0, "closed": False, "ended": False, "error": None, "sending": 0}
    )


async def stream(request: Request):
    """16,384 chunks of 64 KiB (1 GiB) by default; `chunks` and `size` change that. A chunk counts
    as sent when the generator yields it, so the count bounds what reached `send()`."""
    stats = _stats(request.query_params["key"])
    count = int(request.query_params.get("chunks", 16384))
    size = int(request.query_params.get("size", 64 * 1024))

    async def generate():
        chunk = b"x" * size
        try:
            for _ in range(count):
                stats["sent"] += size
                stats["messages"] += 1
                yield chunk
        finally:
            stats["closed"] = True

    return StreamingResponse(generate(), media_type="application/octet-stream")


async def big(request: Request):
    """`mb` MiB, chunk i filled with the byte i % 256: streamed (one send per MiB) or in one body."""
    megabytes = int(request.query_params.get("mb", 100))
    chunks = [bytes([index % 256]) * (1 << 20) for index in range(megabytes)]
    if request.query_params.get("kind") == "whole":
        return Response(b"".join(chunks), media_type="application/octet-stream")

    async def generate():
        for chunk in chunks:
            yield chunk

    return StreamingResponse(generate(), media_type="application/octet-stream")


async def stats(request: Request):
    return JSONResponse(_stats(request.query_params["key"]))


async def flood(websocket: WebSocket):
    """Sends `count` (100,000) binary messages of `size` (10 KiB) from a task, while the handler
    reads and counts what the test sends; a disconnect stops both, as a well-behaved app does."""
    stats = _stats(websocket.query_params["key"])
    count = int(websocket.query_params.get("count", 100_000))
    size = int(websocket.query_params.get("size", 10 * 1024))
    # After reading this many messages the handler says so (a send while the pump is paused).
    report = int(websocket.query_params.get("report", 0))
    await websocket.accept()

    async def pump():
        payload = b"y" * size
        for _ in range(count):
            stats["sent"] += size
            stats["messages"] += 1
            await websocket.send_bytes(payload)
        stats["closed"] = True
        await websocket.send_text("flood done")

    task = asyncio.create_task(pump())
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            stats["read"] += 1
            if stats["read"] == report:
                await websocket.send_text("read %d" % stats["read"])
    finally:
        task.cancel()
        try:
            await task
        except (asyncio.CancelledError, WebSocketDisconnect, OSError):
            pass
        stats["closed"] = True


async def naive_flood(websocket: WebSocket):
    """Sends `count` binary messages of `size` and never reads: only the server can stop it."""
    stats = _stats(websocket.query_params["key"])
    count = int(websocket.query_params.get("count", 100_000))
    size = int(websocket.query_params.get("size", 10 * 1024))
    await websocket.accept()
    payload = b"y" * size
    try:
        for _ in range(count):
            stats["sent"] += size
            stats["messages"] += 1
            await websocket.send_bytes(payload)
        await websocket.close()
    finally:
        stats["closed"] = True


async def ping_pong(websocket: WebSocket):
    """One task: sends a 10 KiB message, then reads one, `count` times; then says how many it read.
    Its `send()` is paused while the test has not read, and its `receive()` must still get what the
    test sent meanwhile."""
    stats = _stats(websocket.query_params["key"])
    count = int(websocket.query_params.get("count", 1000))
    await websocket.accept()
    payload = b"z" * (10 * 1024)
    for _ in range(count):
        stats["sent"] += len(payload)
        await websocket.send_bytes(payload)
        await websocket.receive_text()
        stats["read"] += 1
    await websocket.send_text("read %d" % stats["read"])
    await websocket.close()


_starlette = Starlette(
    routes=[
        Route("/stream", stream),
        Route("/big", big),
        Route("/stats", stats),
        WebSocketRoute("/ws/flood", flood),
        WebSocketRoute("/ws/naive-flood", naive_flood),
        WebSocketRoute("/ws/ping-pong", ping_pong),
    ]
)


async def app(scope, receive, send):
    """The Starlette app, recording per key when each app call ended and what it raised."""
    key = None
    if scope["type"] in ("http", "websocket"):
        for pair in scope["query_string"].decode().split("&"):
            name, _, value = pair.partition("=")
            if name == "key" and scope["path"] != "/stats":
                key = value
    if key is not None:
        send = _counting_sends(_stats(key), send)
    try:
        await _starlette(scope, receive, send)
    except BaseException as exc:
        if key is not None:
            _stats(key)["error"] = type(exc).__name__
        raise
    finally:
        if key is not None:
            _stats(key)["ended"] = True


def _counting_sends(stats, send):
    """`send`, counting in `stats["sending"]` the calls that have not returned yet: a test reads it
    to see the app blocked in `send()` (held back), not merely slow."""

    async def counted(message):
        stats["sending"] += 1
        try:
            await send(message)
        finally:
            stats["sending"] -= 1

    return counted


def running(key):
    """How many app calls with this key are still running on the loop."""
    count = 0
    for task in asyncio.all_tasks():
        frame = getattr(task.get_coro(), "cr_frame", None)
        scope = frame.f_locals.get("scope") if frame is not None else None
        if isinstance(scope, dict) and ("key=%s" % key).encode() in scope.get("query_string", b""):
            count += 1
    return count
