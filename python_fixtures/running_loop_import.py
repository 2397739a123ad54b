"""A module that asks for the running event loop at import, as uvicorn allows (it imports the app
inside its running loop); requests answer whether they run on that same loop."""
import asyncio

loop_at_import = asyncio.get_running_loop()


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    same = asyncio.get_running_loop() is loop_at_import
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"same loop" if same else b"another loop"})
