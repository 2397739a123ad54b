"""An app for live mode (a real uvicorn): lifespan state, cookies, redirects, streams both ways, an
early leave the app sees, websockets with subprotocols and close codes, and a server that dies."""

import asyncio
import contextlib
import logging
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

# What the app saw, for the tests to ask about afterwards.
seen = {"left": 0, "ws_closes": []}


@contextlib.asynccontextmanager
async def lifespan(app):
    yield {"started_by": "lifespan", "pid": os.getpid()}


async def state(request: Request):
    return JSONResponse({"started_by": request.state.started_by, "pid": request.state.pid, "served_by": os.getpid()})


async def set_cookie(request: Request):
    response = PlainTextResponse("set")
    for name, value in request.query_params.items():
        response.set_cookie(name, value)
    return response


async def cookies(request: Request):
    return JSONResponse(request.cookies)


async def redirect(request: Request):
    hops = int(request.path_params["hops"])
    if hops == 0:
        return PlainTextResponse("arrived")
    return RedirectResponse(f"/redirect/{hops - 1}", status_code=302)


async def upload(request: Request):
    chunks, size = 0, 0
    async for chunk in request.stream():
        if chunk:
            chunks += 1
            size += len(chunk)
    return JSONResponse({"chunks": chunks, "bytes": size})


async def numbers(request: Request):
    count = int(request.query_params.get("count", "5"))

    async def body():
        for number in range(count):
            yield f"{number}\n"
            await asyncio.sleep(0.01)

    return StreamingResponse(body(), media_type="text/plain")


async def endless(request: Request):
    async def body():
        try:
            number = 0
            while True:
                yield f"{number}\n"
                number += 1
                await asyncio.sleep(0.01)
        finally:
            seen["left"] += 1

    return StreamingResponse(body(), media_type="text/plain")


async def left(request: Request):
    return JSONResponse({"left": seen["left"], "ws_closes": seen["ws_closes"]})


async def warn(request: Request):
    logging.getLogger("live_app").warning("about to fail %s", request.query_params.get("id", ""))
    return PlainTextResponse("warned", status_code=500)


async def nodelay(request: Request):
    """Whether the server's socket of this connection sends without Nagle's delay (TCP_NODELAY): the
    socket among this process's descriptors whose peer is the request's client."""
    import socket as sockets

    for name in os.listdir("/proc/self/fd"):
        try:
            duplicate = os.dup(int(name))
        except OSError:
            continue
        try:
            candidate = sockets.socket(fileno=duplicate)
        except OSError:
            os.close(duplicate)
            continue
        with candidate:
            try:
                if candidate.type != sockets.SOCK_STREAM or candidate.getpeername() != tuple(request.scope["client"]):
                    continue
            except OSError:
                continue
            return JSONResponse({"nodelay": candidate.getsockopt(sockets.IPPROTO_TCP, sockets.TCP_NODELAY) != 0})
    return JSONResponse({"nodelay": None})


async def die(request: Request):
    os._exit(3)


async def socket(websocket: WebSocket):
    offered = websocket.scope.get("subprotocols", [])
    await websocket.accept(subprotocol="chat.v2" if "chat.v2" in offered else None)
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                seen["ws_closes"].append(message.get("code"))
                return
            if message.get("text") is not None:
                text = message["text"]
                if text == "scheme":
                    await websocket.send_text(websocket.scope["scheme"])
                    continue
                if text.startswith("close:"):
                    await websocket.close(code=int(text[6:]), reason="bye")
                    return
                await websocket.send_text(f"echo {text}")
            else:
                await websocket.send_bytes(bytes(reversed(message["bytes"])))
    except WebSocketDisconnect as disconnect:
        seen["ws_closes"].append(disconnect.code)


async def scheme(request: Request):
    return PlainTextResponse(request.scope["scheme"])


async def refuse(websocket: WebSocket):
    await websocket.close(code=4403)


app = Starlette(
    lifespan=lifespan,
    routes=[
        Route("/state", state),
        Route("/set-cookie", set_cookie),
        Route("/cookies", cookies),
        Route("/redirect/{hops}", redirect),
        Route("/upload", upload, methods=["POST"]),
        Route("/numbers", numbers),
        Route("/endless", endless),
        Route("/left", left),
        Route("/warn", warn),
        Route("/die", die),
        Route("/scheme", scheme),
        Route("/nodelay", nodelay),
        WebSocketRoute("/ws", socket),
        WebSocketRoute("/refuse", refuse),
    ],
)

not_callable = {"debug": True}


def create_app():
    return app
