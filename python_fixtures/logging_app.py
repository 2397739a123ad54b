"""A FastAPI service that logs, prints and warns the way real services do: in the endpoint, in a
sync endpoint run in the thread pool, in a task it starts, in a background task, during its
lifespan, and when it fails. Every line carries the request's `tag`, so a test can tell its own."""
import asyncio
import contextlib
import logging
import sys
import warnings

from fastapi import BackgroundTasks, FastAPI
from fastapi.responses import PlainTextResponse

log = logging.getLogger("svc.auth")
log.setLevel(logging.DEBUG)  # the service lets everything through; the root's handlers decide
quiet = logging.getLogger("svc.quiet")
quiet.setLevel(logging.WARNING)  # lets WARNING and up through, whatever the root's level
inherits = logging.getLogger("svc.inherits")  # no level of its own: the root's applies


class ServiceWarning(Warning):
    """Not a UserWarning: FastAPI ignores those for a moment, process-wide, in its thread pool."""


@contextlib.asynccontextmanager
async def lifespan(app):
    log.warning("lifespan starting")
    yield
    log.warning("lifespan stopping")


app = FastAPI(lifespan=lifespan)


@app.get("/login")
async def login(tag: str):
    log.warning("failed login for %s", tag)
    return {"ok": False}


@app.get("/levels")
async def levels(tag: str):
    quiet.debug("debug %s", tag)
    quiet.info("info %s", tag)
    quiet.warning("warning %s", tag)
    log.debug("own debug %s", tag)
    return {}


@app.get("/inherited")
async def inherited(tag: str):
    inherits.debug("debug %s", tag)
    inherits.info("info %s", tag)
    return {}


@app.get("/sync")
def sync_endpoint(tag: str):
    log.warning("from the thread pool %s", tag)
    return {}


@app.get("/spawn")
async def spawn(tag: str):
    async def child():
        log.warning("from a child task %s", tag)

    await asyncio.create_task(child())
    await asyncio.to_thread(lambda: log.warning("from to_thread %s", tag))
    return {}


@app.get("/background")
async def background(tag: str, tasks: BackgroundTasks):
    tasks.add_task(lambda: log.warning("from a background task %s", tag))
    return {}


@app.get("/print")
async def printing(tag: str):
    print("printed", tag)
    print("to stderr", tag, file=sys.stderr)
    sys.stdout.write("partial " + tag)
    return {}


@app.get("/warn")
async def warn(tag: str):
    warnings.warn("deprecated call %s" % tag, ServiceWarning, stacklevel=1)
    return {}


@app.get("/boom")
async def boom(tag: str):
    log.error("about to fail %s", tag)
    try:
        raise KeyError(tag)
    except KeyError:
        log.exception("caught %s", tag)
    raise ValueError("broken " + tag)


@app.get("/plain", response_class=PlainTextResponse)
async def plain():
    return "nothing logged"


def create_app():
    """The same service, an app object (and a lifespan) of its own per client."""
    fresh = FastAPI(lifespan=lifespan, routes=app.router.routes)
    return fresh
