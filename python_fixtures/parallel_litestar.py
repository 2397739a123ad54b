"""A Litestar service: a startup hook opens a resource on `app.state`, a lifespan context manager
closes it on shutdown. Litestar keeps one exit stack per app for its lifespan
context managers, so overlapping lifespans of one app object break it."""
import asyncio
import contextlib

from litestar import Litestar, Request, get

from python_fixtures.shared_resource import LifespanCounts, Resource

counts = LifespanCounts()


def open_resource(app):
    counts.startups += 1
    app.state.resource = Resource(counts.startups)


@contextlib.asynccontextmanager
async def resource_lifespan(app):
    # Entered before the startup hooks run, left after the shutdown hooks: it closes what they opened.
    try:
        yield
    finally:
        app.state.resource.close()
        counts.shutdowns += 1


@get("/resource")
async def resource(request: Request) -> dict:
    request.app.state.resource.use()
    await asyncio.sleep(0.002)
    return counts.report(request.app.state.resource)


app = Litestar(route_handlers=[resource], on_startup=[open_resource], lifespan=[resource_lifespan])
