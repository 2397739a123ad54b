"""A FastAPI service whose lifespan opens a resource on `app.state` and closes it on shutdown:
requests fail once it is closed. One module-level app, used by many clients at once."""
import asyncio
import contextlib

from fastapi import FastAPI, Request

from python_fixtures.shared_resource import LifespanCounts, Resource

counts = LifespanCounts()


@contextlib.asynccontextmanager
async def lifespan(app):
    counts.startups += 1
    app.state.resource = Resource(counts.startups)
    yield
    # As services do: close what is on app.state now.
    app.state.resource.close()
    counts.shutdowns += 1


app = FastAPI(lifespan=lifespan)


@app.get("/resource")
async def resource(request: Request):
    request.app.state.resource.use()
    await asyncio.sleep(0.002)
    return counts.report(request.app.state.resource)
