"""Apps that fail to load in ways a user can fix; the tests check that the error says how."""


async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def create_app_without_return():
    """A factory that builds its app but forgets `return app`."""

    async def built(scope, receive, send):
        await app(scope, receive, send)


def create_settings():
    """A factory that returns something other than an app."""
    return {"debug": True}
