"""A Starlette app: plain, JSON, echo, form, scope echo, errors, lifespan state."""
import asyncio
import contextlib

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.templating import Jinja2Templates
from starlette.websockets import WebSocket, WebSocketDisconnect

templates = Jinja2Templates(directory=__import__("os").path.join(__import__("os").path.dirname(__file__), "templates"))

from python_fixtures import rendezvous
from python_fixtures.scope_json import scope_to_json


async def root(request: Request):
    return PlainTextResponse("plain response")


async def json_route(request: Request):
    return JSONResponse({"hello": "world"})


async def scope_route(request: Request):
    return JSONResponse(scope_to_json(request.scope))


async def echo(request: Request):
    return Response(await request.body(), media_type=request.headers.get("content-type", "application/octet-stream"))


async def form(request: Request):
    data = await request.form()
    return JSONResponse({key: data.getlist(key) for key in data.keys()})


async def boom(request: Request):
    raise ValueError("boom from starlette")


async def upload(request: Request):
    form = await request.form()
    parts = []
    for key, value in form.multi_items():
        if hasattr(value, "filename"):
            data = await value.read()
            parts.append({"name": key, "filename": value.filename, "content_type": value.content_type, "size": len(data), "hex": data[:16].hex()})
        else:
            parts.append({"name": key, "value": value})
    return JSONResponse(parts)


async def set_cookie(request: Request):
    response = PlainTextResponse("set")
    for key, value in request.query_params.multi_items():
        response.set_cookie(key, value, path=request.headers.get("x-cookie-path", "/"))
    return response


async def get_cookies(request: Request):
    return JSONResponse({"cookies": request.cookies, "header": request.headers.get("cookie")})


async def delete_cookie(request: Request):
    response = PlainTextResponse("deleted")
    response.delete_cookie(request.query_params["name"])
    return response


def _fail_later():
    raise RuntimeError("background task failed")


async def background_fail(request: Request):
    return PlainTextResponse("sent before the background task", background=BackgroundTask(_fail_later))


async def redirect(request: Request):
    return RedirectResponse(request.query_params.get("to", "/method"), status_code=int(request.path_params["code"]))


async def redirect_loop(request: Request):
    return RedirectResponse("/loop", status_code=302)


async def method_echo(request: Request):
    body = await request.body()
    return JSONResponse({"method": request.method, "body": body.decode("latin-1"), "content_type": request.headers.get("content-type"), "query": request.url.query})


async def login_redirect(request: Request):
    response = RedirectResponse("/cookies/get", status_code=303)
    response.set_cookie("session", "from-redirect")
    return response


async def template(request: Request):
    return templates.TemplateResponse(request, "hello.html", {"name": "Swift"})


async def secure_cookie(request: Request):
    response = PlainTextResponse("set")
    response.set_cookie("token", "s", secure=True, httponly=True)
    return response


async def auth(request: Request):
    return JSONResponse({"authorization": request.headers.get("authorization")})


STREAM_EVENTS = {}


async def stream_echo(request: Request):
    # async-asgi-testclient issue #56: echo request.stream() through a StreamingResponse.
    return StreamingResponse(request.stream(), media_type="application/octet-stream")


async def count_chunks(request: Request):
    chunks = [len(chunk) async for chunk in request.stream() if chunk]
    return JSONResponse({"chunks": chunks, "transfer_encoding": request.headers.get("transfer-encoding")})


async def sse(request: Request):
    """Endless events. Its generator's end is recorded under the `key` query parameter (tests run in
    parallel), which `/stream-events?key=...` returns."""
    key = request.query_params.get("key", "")

    async def events():
        number = 0
        try:
            while True:
                yield "data: event %d\n\n" % number
                number += 1
                await asyncio.sleep(0)
        finally:
            STREAM_EVENTS.setdefault(key, []).append("sse generator closed after %d" % number)

    return StreamingResponse(events(), media_type="text/event-stream")


async def stream_fail(request: Request):
    async def chunks():
        yield b"first "
        yield b"second "
        raise RuntimeError("failed mid-stream")

    return StreamingResponse(chunks(), media_type="text/plain")


async def stream_events(request: Request):
    return JSONResponse(STREAM_EVENTS.get(request.query_params.get("key", ""), []))


WS_DISCONNECTS = []


async def ws_echo(websocket: WebSocket):
    offered = websocket.scope.get("subprotocols") or []
    await websocket.accept(subprotocol=offered[0] if offered else None, headers=[(b"x-accept", b"yes")])
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                WS_DISCONNECTS.append({"code": message["code"], "reason": message.get("reason", ""), "query": websocket.scope["query_string"].decode()})
                return
            if message.get("text") is not None:
                await websocket.send_text(message["text"])
            else:
                await websocket.send_bytes(message["bytes"])
    except WebSocketDisconnect:
        return


async def ws_json(websocket: WebSocket):
    await websocket.accept()
    while True:
        try:
            data = await websocket.receive_json()
        except WebSocketDisconnect:
            return
        await websocket.send_json({"got": data})


async def ws_info(websocket: WebSocket):
    await websocket.accept()
    scope = websocket.scope
    await websocket.send_json({
        "query": scope["query_string"].decode("latin-1"),
        "cookies": websocket.cookies,
        "subprotocols": scope.get("subprotocols"),
        "scheme": scope["scheme"],
        "path": scope["path"],
        "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]],
        "extensions": sorted(scope.get("extensions", {})),
        "spec_version": scope["asgi"].get("spec_version"),
    })
    await websocket.close()


async def ws_deny(websocket: WebSocket):
    await websocket.send_denial_response(PlainTextResponse("go away", status_code=403, headers={"x-denied": "1"}))


async def ws_close_reason(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_text("bye soon")
    await websocket.close(code=4000, reason="server says bye")


async def ws_silent(websocket: WebSocket):
    await websocket.accept()
    try:
        await websocket.receive_text()
    except WebSocketDisconnect:
        pass


async def ws_return_without_close(websocket: WebSocket):
    await websocket.accept()


async def ws_raise_before_accept(websocket: WebSocket):
    raise PermissionError("no websockets for you")


async def sleep_route(request: Request):
    await asyncio.sleep(5)
    return PlainTextResponse("late")


async def ws_disconnects(request: Request):
    return JSONResponse(WS_DISCONNECTS)


async def barrier(request: Request):
    """The scope, as `/scope` returns it, once `parties` calls with this `key` are inside (504 if they
    never all are): proves calls overlap."""
    await request.body()
    met, most = await rendezvous.arrive(request.query_params["key"], int(request.query_params["parties"]))
    return JSONResponse(dict(scope_to_json(request.scope), met=met, most_inside=most), status_code=200 if met else 504)


async def ws_barrier(websocket: WebSocket):
    """Accepts, says "met" once `parties` sockets with this `key` are inside (or how many were), then
    echoes text until the client leaves."""
    await websocket.accept()
    met, most = await rendezvous.arrive(websocket.query_params["key"], int(websocket.query_params["parties"]))
    await websocket.send_text("met" if met else "only %d inside" % most)
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        await websocket.send_text(message.get("text") or "")


async def state_route(request: Request):
    return JSONResponse({"greeting": request.state.greeting})


@contextlib.asynccontextmanager
async def lifespan(app):
    yield {"greeting": "hello from lifespan"}


app = Starlette(
    routes=[
        Route("/", root),
        Route("/json", json_route),
        Route("/scope", scope_route, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
        Route("/caf\u00e9/a/b", scope_route),
        Route("/echo", echo, methods=["POST", "PUT"]),
        Route("/form", form, methods=["POST"]),
        Route("/boom", boom),
        Route("/state", state_route),
        Route("/upload", upload, methods=["POST"]),
        Route("/redirect/{code:int}", redirect, methods=["GET", "POST", "PUT", "DELETE", "HEAD"]),
        Route("/loop", redirect_loop),
        Route("/method", method_echo, methods=["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]),
        Route("/nested/method", method_echo, methods=["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]),
        Route("/login-redirect", login_redirect, methods=["POST"]),
        Route("/cookies/set", set_cookie),
        Route("/cookies/get", get_cookies),
        Route("/cookies/delete", delete_cookie),
        Route("/admin/cookies/get", get_cookies),
        Route("/background-fail", background_fail),
        Route("/stream-echo", stream_echo, methods=["POST"]),
        Route("/template", template),
        Route("/secure-cookie", secure_cookie),
        Route("/auth", auth),
        Route("/count-chunks", count_chunks, methods=["POST"]),
        Route("/sse", sse),
        Route("/stream-fail", stream_fail),
        Route("/stream-events", stream_events),
        WebSocketRoute("/ws/echo", ws_echo),
        WebSocketRoute("/ws/json", ws_json),
        WebSocketRoute("/ws/info", ws_info),
        WebSocketRoute("/ws/deny", ws_deny),
        WebSocketRoute("/ws/close-reason", ws_close_reason),
        WebSocketRoute("/ws/silent", ws_silent),
        WebSocketRoute("/ws/return-without-close", ws_return_without_close),
        Route("/ws/disconnects", ws_disconnects),
        WebSocketRoute("/ws/raise", ws_raise_before_accept),
        WebSocketRoute("/ws/leftover", ws_echo),
        Route("/sleep", sleep_route),
        Route("/barrier", barrier, methods=["GET", "POST"]),
        WebSocketRoute("/ws/barrier", ws_barrier),
    ],
    lifespan=lifespan,
)
