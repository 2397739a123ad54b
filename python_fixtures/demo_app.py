"""The demo app `asgi` serves when no --app is given: a small Starlette service."""
import asyncio
import contextlib

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.responses import StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect
from sse_starlette import EventSourceResponse, ServerSentEvent


async def index(request: Request):
    return JSONResponse({
        "message": "Hello from a Python ASGI app, called in-process from Swift.",
        "framework": "starlette",
        "try": ["GET /items", "POST /items --json '{\"name\": \"pen\"}'", "GET /hello?name=you", "GET /moved --follow", "--ws /ws"],
    })


async def hello(request: Request):
    return PlainTextResponse("Hello, %s!" % request.query_params.get("name", "world"))


async def items(request: Request):
    store = request.state.items
    if request.method == "POST":
        item = await request.json()
        store.append(item)
        return JSONResponse(item, status_code=201)
    return JSONResponse(store)


async def echo(websocket: WebSocket, accept: bool = True):
    if accept:
        await websocket.accept()
    try:
        while True:
            text = await websocket.receive_text()
            await websocket.send_text("echo: %s" % text)
    except WebSocketDisconnect:
        pass


async def moved(request: Request):
    return RedirectResponse("/hello?name=redirected", status_code=307)


async def binary(request: Request):
    return Response(bytes(range(256)), media_type="application/octet-stream")


async def echo_request(request: Request):
    """The request as the app received it, for checking what `asgi -v` says it sent."""
    body = await request.body()
    return JSONResponse({
        "method": request.method,
        "path": request.url.path,
        "query": request.url.query,
        "headers": [[name.decode("latin-1"), value.decode("latin-1")] for name, value in request.scope["headers"]],
        "body": body.decode("utf-8", "replace"),
    })


async def status(request: Request):
    code = request.path_params["code"]
    headers = {"location": "/"} if 300 <= code < 400 else None
    return PlainTextResponse("status %d" % code, status_code=code, headers=headers)


async def boom(request: Request):
    raise RuntimeError("boom from the demo app")


async def collect(websocket: WebSocket):
    """Replies once, to the line "end", with every line before it, then closes: a client that
    waits for a reply to each line loses all but the first."""
    await websocket.accept()
    lines = []
    while (text := await websocket.receive_text()) != "end":
        lines.append(text)
    await websocket.send_text("got: %s" % ", ".join(lines))
    await websocket.close(1000)


async def greet(websocket: WebSocket):
    """Speaks first, before the client sends anything, then echoes."""
    await websocket.accept()
    await websocket.send_text("ready")
    await echo(websocket, accept=False)


async def close_with(websocket: WebSocket):
    code = websocket.path_params["code"]
    await websocket.accept()
    await websocket.close(code, reason="closing with %d" % code)


async def events(request: Request):
    """Server-sent events from sse-starlette, one every `every` seconds (0.1): without `count`
    endless, else `count` of them; then with `hold` the stream stays open with nothing more.
    The first event sets `retry` and has two data lines."""
    count = request.query_params.get("count")
    every = float(request.query_params.get("every", "0.1"))

    async def generate():
        number = 0
        while count is None or number < int(count):
            if number == 0:
                yield ServerSentEvent(data="first line\nsecond line", event="greeting", id="0", retry=2500)
            else:
                yield ServerSentEvent(data="tick %d" % number, event="tick", id=str(number))
            number += 1
            await asyncio.sleep(every)
        if "hold" in request.query_params:
            await asyncio.Event().wait()

    return EventSourceResponse(generate())


async def ticks(request: Request):
    """A plain-text body that never ends: a line every 0.1 s."""
    async def generate():
        number = 0
        while True:
            yield "tick %d\n" % number
            number += 1
            await asyncio.sleep(0.1)

    return StreamingResponse(generate(), media_type="text/plain")


async def login(request: Request):
    response = PlainTextResponse("Hello, %s!" % request.query_params.get("user", "you"))
    response.set_cookie("session", request.query_params.get("user", "you"), httponly=True)
    return response


async def logout(request: Request):
    response = PlainTextResponse("Bye.")
    response.delete_cookie("session")
    return response


@contextlib.asynccontextmanager
async def lifespan(app):
    yield {"items": [{"name": "notebook"}]}


app = Starlette(
    routes=[
        Route("/", index),
        Route("/hello", hello),
        Route("/items", items, methods=["GET", "POST"]),
        Route("/moved", moved),
        Route("/binary", binary),
        Route("/echo", echo_request, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        Route("/status/{code:int}", status),
        Route("/boom", boom),
        Route("/events", events),
        Route("/ticks", ticks),
        Route("/login", login),
        Route("/logout", logout),
        WebSocketRoute("/ws", echo),
        WebSocketRoute("/ws/collect", collect),
        WebSocketRoute("/ws/greet", greet),
        WebSocketRoute("/ws/close/{code:int}", close_with),
    ],
    lifespan=lifespan,
)
