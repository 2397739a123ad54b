"""A module whose import takes 4 s (as one that loads a model or connects at import), used
by one test only: a module is imported once per process."""
import time

from python_fixtures import import_probe

import_probe.started.append(__name__.rpartition(".")[2])
time.sleep(4)


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"imported"})


import_probe.finished.append(__name__.rpartition(".")[2])
