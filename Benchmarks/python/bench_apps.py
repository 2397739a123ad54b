"""The apps scripts/bench measures: the same routes in bare ASGI, Starlette, FastAPI and Quart.
GET / (plain), GET /json, POST /echo (body back), GET /stream (100 chunks of 1 KiB), GET /big (one
100 MiB body). The bare app also streams GET /huge?chunks=N (N fresh 64 KiB chunks, 16,384 = 1 GiB by
default) and counts what it has sent, so that the benchmark can see how far ahead of a slow reader an
app gets."""
import json
import logging

from fastapi import FastAPI, Request as FastAPIRequest, WebSocket as FastAPIWebSocket
from fastapi.responses import PlainTextResponse as FastAPIPlain, Response as FastAPIResponse, StreamingResponse as FastAPIStreaming
from quart import Quart, request as quart_request, websocket as quart_websocket
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocketDisconnect

CHUNK = b"x" * 1024
PAYLOAD = {"hello": "world", "numbers": list(range(10)), "nested": {"a": 1, "b": [True, False, None]}}
BIG = b"x" * (100 << 20)
HUGE_CHUNK_SIZE = 64 << 10
HUGE_CHUNKS = 16_384
# Bytes /huge has handed to send() so far (the bare app's; reset by each /huge request).
_huge_sent = [0]


def huge_sent():
    return _huge_sent[0]


async def _chunks():
    for _ in range(100):
        yield CHUNK


# Bare ASGI 3.
async def bare(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            await send({"type": "websocket.send", "text": message.get("text"), "bytes": message.get("bytes")})
    path = scope["path"]
    if path == "/echo":
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/octet-stream")]})
        await send({"type": "http.response.body", "body": body})
    elif path == "/json":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": json.dumps(PAYLOAD).encode()})
    elif path == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/octet-stream")]})
        for _ in range(99):
            await send({"type": "http.response.body", "body": CHUNK, "more_body": True})
        await send({"type": "http.response.body", "body": CHUNK})
    elif path == "/big":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/octet-stream")]})
        await send({"type": "http.response.body", "body": BIG})
    elif path == "/huge":
        await _huge(scope, send)
    else:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"plain response"})


async def _huge(scope, send):
    query = dict(pair.split(b"=", 1) for pair in scope["query_string"].split(b"&") if b"=" in pair)
    chunks = int(query.get(b"chunks", HUGE_CHUNKS))
    _huge_sent[0] = 0
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/octet-stream")]})
    for index in range(chunks):
        # A fresh object per chunk, as an app reading a file makes: a client that holds on to what
        # it was sent holds all of it.
        body = b"x" * HUGE_CHUNK_SIZE
        await send({"type": "http.response.body", "body": body, "more_body": index < chunks - 1})
        _huge_sent[0] += len(body)


# Starlette.
async def _s_root(request):
    return PlainTextResponse("plain response")


async def _s_json(request):
    return JSONResponse(PAYLOAD)


async def _s_echo(request: Request):
    return Response(await request.body(), media_type="application/octet-stream")


async def _s_stream(request):
    return StreamingResponse(_chunks(), media_type="application/octet-stream")


async def _s_big(request):
    return Response(BIG, media_type="application/octet-stream")


async def _s_ws(websocket):
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass


starlette = Starlette(routes=[
    Route("/", _s_root), Route("/json", _s_json), Route("/echo", _s_echo, methods=["POST"]), Route("/stream", _s_stream),
    Route("/big", _s_big), WebSocketRoute("/ws", _s_ws),
])

# Starlette that logs one line per request (an INFO record), as a service with access logging does.
# The logger has a handler of its own (a NullHandler) and does not propagate, so nothing is written:
# what is measured is the client's capture of the record, not a terminal.
_access = logging.getLogger("bench.access")
_access.setLevel(logging.INFO)
_access.addHandler(logging.NullHandler())
_access.propagate = False


async def _l_root(request):
    _access.info("%s %s", request.method, request.url.path)
    return PlainTextResponse("plain response")


logged = Starlette(routes=[Route("/", _l_root)])

# FastAPI.
fastapi = FastAPI()


@fastapi.get("/", response_class=FastAPIPlain)
async def _f_root():
    return "plain response"


@fastapi.get("/json")
async def _f_json():
    return PAYLOAD


@fastapi.post("/echo")
async def _f_echo(request: FastAPIRequest):
    return FastAPIResponse(await request.body(), media_type="application/octet-stream")


@fastapi.get("/stream")
async def _f_stream():
    return FastAPIStreaming(_chunks(), media_type="application/octet-stream")


@fastapi.get("/big")
async def _f_big():
    return FastAPIResponse(BIG, media_type="application/octet-stream")


@fastapi.websocket("/ws")
async def _f_ws(websocket: FastAPIWebSocket):
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass


# Quart.
quart = Quart(__name__)


@quart.route("/")
async def _q_root():
    return "plain response"


@quart.route("/json")
async def _q_json():
    return PAYLOAD


@quart.route("/echo", methods=["POST"])
async def _q_echo():
    return await quart_request.get_data(), 200, {"content-type": "application/octet-stream"}


@quart.route("/stream")
async def _q_stream():
    return _chunks(), 200, {"content-type": "application/octet-stream"}


@quart.route("/big")
async def _q_big():
    return BIG, 200, {"content-type": "application/octet-stream"}


@quart.websocket("/ws")
async def _q_ws():
    while True:
        await quart_websocket.send(await quart_websocket.receive())
