"""A Litestar app for the shared tests (Tests/SharedModeTests), in both modes: the routes the other
frameworks' fixtures have, in Litestar's own handlers, with state its startup hook sets."""
from litestar import Litestar, Request, Response, get, post, websocket
from litestar.connection import WebSocket
from litestar.datastructures import Cookie
from litestar.response import Redirect


def start(app: Litestar) -> None:
    app.state.started = "yes"


@get("/", media_type="text/plain")
async def index() -> str:
    return "plain response"


@get("/json")
async def json_route() -> dict:
    return {"hello": "world"}


@get("/state")
async def state(request: Request) -> dict:
    return {"started": request.app.state.started}


@post("/echo", status_code=200)
async def echo(request: Request) -> Response:
    body = await request.body()
    return Response(content=body, media_type=request.headers.get("content-type", "application/octet-stream"))


@get("/query")
async def query(request: Request) -> dict:
    return {"tags": request.query_params.getall("tag", []), "q": request.query_params.get("q")}


@get("/login")
async def login() -> Response:
    return Response(content="in", media_type="text/plain", cookies=[Cookie(key="session", value="litestar-42")])


@get("/whoami")
async def whoami(request: Request) -> dict:
    return {"session": request.cookies.get("session")}


@get("/moved", status_code=302)
async def moved() -> Redirect:
    return Redirect(path="/json")


@websocket("/ws")
async def echo_socket(socket: WebSocket) -> None:
    await socket.accept()
    text = await socket.receive_text()
    await socket.send_text(f"litestar: {text}")
    await socket.close(code=4001)


app = Litestar(
    route_handlers=[index, json_route, state, echo, query, login, whoami, moved, echo_socket],
    on_startup=[start],
)
