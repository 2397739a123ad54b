"""Apps for the lifecycle tests. Each `create_app()` call makes a private app object (a test gets
one through `module:create_app()`) with its own lifespan, a serial number and an event log that
outlives the app: `logs` reads it at /log/{serial} after the client closed. Requests to /gated wait
until `logs` gets /release/{serial}, so a test decides when they finish."""
import asyncio
import contextlib
import itertools

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from python_fixtures import import_probe

LOGS = {}
GATES = {}
_serials = itertools.count(1)


async def read_log(request: Request):
    return JSONResponse(LOGS.get(int(request.path_params["serial"]), []))


async def release(request: Request):
    GATES[int(request.path_params["serial"])].set()
    return PlainTextResponse("released")


async def imports(request: Request):
    return JSONResponse({"started": import_probe.started, "finished": import_probe.finished})


def create_app(shutdown_fails=False):
    serial = next(_serials)
    log = LOGS.setdefault(serial, [])
    gate = GATES.setdefault(serial, asyncio.Event())

    @contextlib.asynccontextmanager
    async def lifespan(app):
        resource = {"open": True}
        log.append("startup")
        yield {"resource": resource}
        resource["open"] = False
        log.append("shutdown")
        if shutdown_fails:
            raise RuntimeError("could not flush")

    def check_open(request):
        if not request.state.resource["open"]:
            raise RuntimeError("resource used after lifespan shutdown closed it")

    async def serial_route(request: Request):
        check_open(request)
        return JSONResponse({"serial": serial})

    async def gated(request: Request):
        log.append("request start")
        await gate.wait()
        check_open(request)
        log.append("request end")
        return PlainTextResponse("done")

    async def hang(request: Request):
        log.append("hang start")
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            log.append("hang cancelled")
            raise
        return PlainTextResponse("never")

    async def endless(request: Request):
        async def chunks():
            try:
                while True:
                    check_open(request)
                    yield b"tick\n"
                    await asyncio.sleep(0.01)
            finally:
                log.append("endless ended")

        return StreamingResponse(chunks(), media_type="text/plain")

    async def upload(request: Request):
        body = await request.body()
        return PlainTextResponse(str(len(body)))

    async def echo(websocket: WebSocket):
        await websocket.accept()
        log.append("websocket accepted")
        try:
            while True:
                await websocket.send_text(await websocket.receive_text())
        except WebSocketDisconnect:
            log.append("websocket disconnected")

    return Starlette(
        routes=[
            Route("/serial", serial_route),
            Route("/gated", gated),
            Route("/hang", hang),
            Route("/endless", endless),
            Route("/upload", upload, methods=["POST"]),
            Route("/log/{serial:int}", read_log),
            WebSocketRoute("/ws", echo),
        ],
        lifespan=lifespan,
    )


def create_failing_app():
    """An app whose lifespan shutdown fails."""
    return create_app(shutdown_fails=True)


# Shared by every test that reads logs, releases gates or reads import progress: it has no lifespan.
logs = Starlette(
    routes=[
        Route("/log/{serial:int}", read_log),
        Route("/release/{serial:int}", release),
        Route("/imports", imports),
    ]
)
