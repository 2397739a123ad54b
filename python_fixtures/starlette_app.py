"""A Starlette app: plain, JSON, echo, form, scope echo, errors, lifespan state."""
import contextlib

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

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
    ],
    lifespan=lifespan,
)
