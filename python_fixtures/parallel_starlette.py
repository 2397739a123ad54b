"""A Starlette service whose lifespan yields state holding a resource, closed on shutdown."""
import asyncio
import contextlib

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from python_fixtures.shared_resource import LifespanCounts, Resource

counts = LifespanCounts()


@contextlib.asynccontextmanager
async def lifespan(app):
    counts.startups += 1
    resource = Resource(counts.startups)
    yield {"resource": resource}
    resource.close()
    counts.shutdowns += 1


async def resource(request: Request):
    request.state.resource.use()
    await asyncio.sleep(0.002)
    return JSONResponse(counts.report(request.state.resource))


app = Starlette(routes=[Route("/resource", resource)], lifespan=lifespan)
