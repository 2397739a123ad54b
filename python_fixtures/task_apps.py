"""What task an app call runs in. A server starts every request as a task of its own through the
loop's `create_task`, so a task factory the app installs on the loop (as apps do at start-up, for
instance `asyncio.eager_task_factory` on Python 3.12+) makes the request tasks too. `app` installs a
pass-through factory at lifespan start-up and removes it at shutdown; `/task` reports the request's
task."""
import asyncio
import json


class MarkedTask(asyncio.Task):
    """A task made by the factory `app` installs."""


def _factory(loop, coro, **kwargs):
    return MarkedTask(coro, loop=loop, **kwargs)


async def _task_report(send):
    task = asyncio.current_task()
    body = json.dumps(
        {
            "type": type(task).__name__ if task is not None else None,
            "id": id(task),
            "name": task.get_name() if task is not None else None,
        }
    ).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        loop = asyncio.get_running_loop()
        previous = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                previous = loop.get_task_factory()
                loop.set_task_factory(_factory)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                loop.set_task_factory(previous)
                await send({"type": "lifespan.shutdown.complete"})
                return
    await _task_report(send)


async def plain(scope, receive, send):
    """No factory: the request's task as the bridge starts it."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    await _task_report(send)
