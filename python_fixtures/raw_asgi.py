"""Framework-free apps: an ASGI 3 coroutine function and an ASGI 2 double-callable class."""
import asyncio
import json
import time

from python_fixtures.scope_json import scope_to_json


LATE_SEND = []


async def _read_body(receive):
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return body
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return body


async def _respond(send, status, body, headers=None, content_type=b"text/plain; charset=utf-8"):
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", content_type)] + list(headers or []),
    })
    await send({"type": "http.response.body", "body": body})


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                scope["state"]["started"] = True
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    assert scope["type"] == "http"
    path = scope["path"]
    if path == "/":
        await _read_body(receive)
        await _respond(send, 200, b"plain response")
    elif path == "/json":
        await _respond(send, 200, json.dumps({"hello": "world"}).encode(), content_type=b"application/json")
    elif path == "/echo":
        body = await _read_body(receive)
        content_type = dict(scope["headers"]).get(b"content-type", b"application/octet-stream")
        await _respond(send, 200, body, content_type=content_type)
    elif path == "/latin1":
        await _respond(send, 200, b"ok", headers=[(b"x-latin1", "caf\u00e9".encode("latin-1")), (b"x-dup", b"1"), (b"x-dup", b"2")])
    elif path == "/boom":
        raise ValueError("boom from raw app")
    elif path == "/sleep":
        await asyncio.sleep(float(scope["query_string"] or b"5"))
        await _respond(send, 200, b"slept")
    elif path == "/block":
        time.sleep(float(scope["query_string"] or b"1"))  # blocks the event loop thread on purpose
        await _respond(send, 200, b"blocked")
    elif path == "/late-send":
        # Waits for the disconnect (the client times out), then sends anyway.
        await _read_body(receive)
        message = await receive()
        try:
            await _respond(send, 200, b"too late")
            LATE_SEND.append("%s, then send returned" % message["type"])
        except OSError as exc:
            LATE_SEND.append("%s, then send raised %s" % (message["type"], type(exc).__name__))
    elif path == "/trailers":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"trailer", b"x-checksum")], "trailers": True})
        await send({"type": "http.response.body", "body": b"data", "more_body": False})
        await send({"type": "http.response.trailers", "headers": [(b"x-checksum", b"abc123")]})
    elif path == "/first-chunk":
        message = await receive()
        await _respond(send, 200, str(len(message.get("body", b""))).encode())
    elif path == "/late-send/result":
        await _respond(send, 200, json.dumps(LATE_SEND).encode(), content_type=b"application/json")
    else:
        await _read_body(receive)
        await _respond(send, 200, json.dumps(scope_to_json(scope)).encode(), content_type=b"application/json")


class ASGI2App:
    """ASGI 2: `ASGI2App(scope)` makes an instance, `await instance(receive, send)` runs it."""

    def __init__(self, scope):
        self.scope = scope

    async def __call__(self, receive, send):
        if self.scope["type"] != "http":
            raise RuntimeError("lifespan not supported")
        if self.scope["path"] == "/json":
            await _respond(send, 200, b'{"hello": "world"}', content_type=b"application/json")
        else:
            await _respond(send, 200, b"plain response")


asgi2_app = ASGI2App


def create_app():
    """A factory, for `python_fixtures.raw_asgi:create_app()`."""
    return app


not_an_app = 42


def counted():
    """A new app object (one per client, so tests in parallel keep apart) that records the path of
    every HTTP or websocket call it gets and answers `/calls` with that list: a test shows with it
    that a request refused by the client never reached the app."""
    calls = []

    async def counted_app(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/calls":
            await _respond(send, 200, json.dumps(calls).encode(), content_type=b"application/json")
            return
        if scope["type"] != "lifespan":
            calls.append(scope["path"])
        await app(scope, receive, send)

    return counted_app
