"""The demo app `asgi` serves when no --app is given: a small Starlette service."""
import contextlib

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect


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


async def echo(websocket: WebSocket):
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
        WebSocketRoute("/ws", echo),
    ],
    lifespan=lifespan,
)
