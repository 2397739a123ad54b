"""Issue 12's edges: exception text that UTF-8 cannot carry, bytes-like bodies, websocket text with
a lone surrogate. A Starlette app (Starlette itself sends memoryview bodies) and a raw ASGI app for
what no framework sends (bytearray bodies and headers, a released memoryview)."""
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

# What os.listdir returns for a file name that is not UTF-8: the byte 0xE9 as the lone surrogate \udce9.
SURROGATE_NAME = os.fsdecode(b"caf\xe9.txt")


class UnprintableError(Exception):
    def __str__(self):
        raise ValueError("no text for you")


async def surrogate_message(request: Request):
    raise RuntimeError("cannot read " + SURROGATE_NAME)


async def failing_str(request: Request):
    raise UnprintableError()


async def memoryview_body(request: Request):
    return Response(memoryview(b"hello from a memoryview"), media_type="text/plain")


async def memoryview_stream(request: Request):
    async def chunks():
        yield memoryview(b"one,")
        yield memoryview(b"t-w-o-,")[::2]  # not contiguous: "two,"
        yield memoryview(bytearray(b"three"))
    return StreamingResponse(chunks(), media_type="text/plain")


async def ws_bytes_like(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_bytes(bytearray(b"bytearray"))
    await websocket.send_bytes(memoryview(b"memoryview"))
    await websocket.send_bytes(memoryview(b"s-t-r-i-d-e-d")[::2])
    await websocket.close()


async def ws_surrogate_text(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_text("file " + SURROGATE_NAME)


async def ws_deny_memoryview(websocket: WebSocket):
    await websocket.send_denial_response(Response(memoryview(b"denied by memoryview"), status_code=403))


app = Starlette(routes=[
    Route("/surrogate-message", surrogate_message),
    Route("/failing-str", failing_str),
    Route("/memoryview", memoryview_body),
    Route("/memoryview-stream", memoryview_stream),
    WebSocketRoute("/ws/bytes-like", ws_bytes_like),
    WebSocketRoute("/ws/surrogate-text", ws_surrogate_text),
    WebSocketRoute("/ws/deny-memoryview", ws_deny_memoryview),
])


async def raw(scope, receive, send):
    """Bytes-like values where no framework sends them, and the bad cases around them."""
    if scope["type"] == "websocket":
        await receive()
        if scope["path"] == "/ws/released":
            await send({"type": "websocket.accept"})
            view = memoryview(b"gone")
            view.release()
            await send({"type": "websocket.send", "bytes": view})
        elif scope["path"] == "/ws/surrogate-reason":
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": 1000, "reason": "bye " + SURROGATE_NAME})
        return
    if scope["type"] != "http":
        raise RuntimeError("no lifespan here")
    path = scope["path"]
    if path == "/bytearray":
        await send({"type": "http.response.start", "status": 200, "headers": [(bytearray(b"x-kind"), memoryview(b"bytearray"))]})
        await send({"type": "http.response.body", "body": bytearray(b"part one, "), "more_body": True})
        await send({"type": "http.response.body", "body": memoryview(b"p-a-r-t- -t-w-o")[::2]})
    elif path == "/released":
        view = memoryview(b"gone")
        view.release()
        await send({"type": "http.response.start", "status": 200})
        await send({"type": "http.response.body", "body": view})
    elif path == "/list-body":
        # A list of ints is no bytes-like object, although bytes() would take it: refused, as uvicorn refuses it.
        await send({"type": "http.response.start", "status": 200})
        await send({"type": "http.response.body", "body": [104, 105]})
    elif path == "/surrogate-header":
        # A str header value, refused as every str header value is.
        await send({"type": "http.response.start", "status": 200, "headers": [(b"x-name", SURROGATE_NAME)]})
    elif path == "/raise-surrogate":
        raise RuntimeError("cannot read " + SURROGATE_NAME)
    elif path == "/raise-failing-str":
        raise UnprintableError()
    elif path == "/unprintable-status":
        await send({"type": "http.response.start", "status": UnprintableError()})
    elif path == "/surrogate-status":
        await send({"type": "http.response.start", "status": SURROGATE_NAME})
