"""A module whose import lasts until the test releases it (60 s at most), as one that loads a model
or connects at import; used by one test only: a module is imported once per process."""

from python_fixtures import import_probe

import_probe.started.append(__name__.rpartition(".")[2])
import_probe.hold(__name__.rpartition(".")[2], at_most=60)


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"imported"})


import_probe.finished.append(__name__.rpartition(".")[2])
