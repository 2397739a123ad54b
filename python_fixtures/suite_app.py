"""What a request carried, for the tests of the client's request surface: every method, every body."""

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "PROPFIND"]


async def echo(request: Request):
    # In headers, so that HEAD answers say it too.
    body = await request.body()
    return Response(
        b"",
        headers={
            "x-method": request.method,
            "x-content-type": request.headers.get("content-type", "-"),
            "x-body": body.hex() or "-",
            "x-transfer-encoding": request.headers.get("transfer-encoding", "-"),
            "x-query": request.url.query or "-",
            "x-test": request.headers.get("x-test", "-"),
        },
    )


async def headers(request: Request):
    return JSONResponse([[name.decode(), value.decode()] for name, value in request.scope["headers"]])


async def moved(request: Request):
    return RedirectResponse("/echo", status_code=307)


async def sleep(request: Request):
    await asyncio.sleep(60)
    return Response("late")


async def set_cookie(request: Request):
    response = Response("set")
    response.set_cookie(request.query_params["name"], request.query_params["value"])
    return response


async def cookies(request: Request):
    return JSONResponse(request.cookies)


app = Starlette(
    routes=[
        Route("/echo", echo, methods=METHODS),
        Route("/headers", headers),
        Route("/moved", moved, methods=METHODS),
        Route("/sleep", sleep, methods=METHODS),
        Route("/set-cookie", set_cookie),
        Route("/cookies", cookies),
    ]
)
