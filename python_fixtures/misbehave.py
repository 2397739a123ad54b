"""Apps that break the ASGI protocol on purpose, one route per rule, and a seeded fault generator."""
import asyncio
import os
import random
import sys

START = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
BODY = {"type": "http.response.body", "body": b"ok"}


async def app(scope, receive, send):
    if scope["type"] == "websocket":
        return await websocket_rules(scope, receive, send)
    if scope["type"] != "http":
        raise RuntimeError("no lifespan here")
    rule = scope["path"].strip("/")
    if rule == "body-before-start":
        await send(BODY)
    elif rule == "start-twice":
        await send(START)
        await send(START)
    elif rule == "wrong-message-for-state":
        await send({"type": "websocket.send", "text": "hi"})
    elif rule == "after-complete":
        await send(START)
        await send(BODY)
        await send(BODY)
    elif rule == "status-not-int":
        await send({"type": "http.response.start", "status": "200"})
    elif rule == "status-out-of-range":
        await send({"type": "http.response.start", "status": 99})
    elif rule == "headers-not-pairs":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"a", b"1", b"extra")]})
    elif rule == "headers-not-bytes":
        await send({"type": "http.response.start", "status": 200, "headers": [("content-type", "text/plain")]})
    elif rule == "uppercase-header-name":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"Content-Type", b"text/plain")]})
        await send(BODY)
    elif rule == "body-not-bytes":
        await send(START)
        await send({"type": "http.response.body", "body": "text"})
    elif rule == "unknown-type":
        await send({"type": "http.response.teapot"})
    elif rule == "extension-not-advertised":
        await send(START)
        await send({"type": "http.response.pathsend", "path": "/etc/hostname"})
    elif rule == "message-not-dict":
        await send([("type", "http.response.start")])
    elif rule == "return-without-start":
        return
    elif rule == "return-without-complete":
        await send(START)
        await send({"type": "http.response.body", "body": b"part", "more_body": True})
    elif rule == "return-value":
        await send(START)
        await send(BODY)
        return "not None"
    elif rule == "swallowed-violation":
        # The app catches the RuntimeError send raises; the test must fail all the same.
        await send(START)
        try:
            await send(START)
        except RuntimeError:
            pass
        await send(BODY)
    elif rule == "optional-keys":
        await send({"type": "http.response.start", "status": 204, "extra": "ignored"})
        await send({"type": "http.response.body"})
    elif rule == "system-exit":
        sys.exit(3)
    elif rule == "keyboard-interrupt":
        raise KeyboardInterrupt()
    elif rule == "print":
        print("printed by the app", flush=True)
        import logging
        logging.getLogger("fixture").warning("logged by the app")
        await send(START)
        await send(BODY)
    elif rule == "wait-disconnect":
        await receive()
        message = await receive()
        EVENTS.append(message["type"])
    elif rule == "events":
        import json
        await send(START)
        await send({"type": "http.response.body", "body": json.dumps(EVENTS).encode()})
    elif rule.startswith("keyed-wait-disconnect/"):
        # As wait-disconnect, recording under a key of the test's: first that the app has the
        # request (so the test may cancel it), then what came next.
        key = rule.partition("/")[2]
        await receive()
        KEYED_EVENTS.setdefault(key, []).append("arrived")
        message = await receive()
        KEYED_EVENTS[key].append(message["type"])
    elif rule.startswith("keyed-events/"):
        import json
        await send(START)
        await send({"type": "http.response.body", "body": json.dumps(KEYED_EVENTS.get(rule.partition("/")[2], [])).encode()})
    elif rule.endswith("/hold"):
        # In flight until the client leaves: what `app_tasks` must find while it runs.
        while (await receive())["type"] != "http.disconnect":
            pass
    elif rule.startswith("fault/"):
        await fault(int(rule.split("/")[1]), receive, send)
    else:
        await send({"type": "http.response.start", "status": 404})
        await send({"type": "http.response.body", "body": b"no such rule"})


EVENTS = []
KEYED_EVENTS = {}


async def websocket_rules(scope, receive, send):
    rule = scope["path"].strip("/")
    await receive()  # websocket.connect
    if rule == "ws/send-before-accept":
        await send({"type": "websocket.send", "text": "too early"})
    elif rule == "ws/after-close":
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 1000})
        await send({"type": "websocket.send", "text": "after close"})
    elif rule == "ws/http-response-after-accept":
        await send({"type": "websocket.accept"})
        await send({"type": "http.response.start", "status": 200})
    elif rule == "ws/denial-bad-status":
        await send({"type": "websocket.http.response.start", "status": 700, "headers": []})
    elif rule == "ws/return-before-handshake":
        return


def _messages(rng):
    status = rng.choice([200, 201, 404, 99, 600, "200", None, True, 500])
    header_sets = [
        [], [(b"x", b"1")], [(b"X-Up", b"1")], [("x", "1")], [(b"x",)], None, "not a list", [(b"x", b"\r\n")],
        [(b"bad name", b"1")],
    ]
    bodies = [b"", b"data", "text", None, 5, bytearray(b"ba")]
    # Bytes-like bodies uvicorn serves, and a buffer that cannot be read (issue 12, point 4).
    bodies += [memoryview(b"mv"), memoryview(b"s-t-r")[::2], _released_view(), [1, 2]]
    kinds = [
        lambda: {"type": "http.response.start", "status": status, "headers": rng.choice(header_sets)},
        lambda: {"type": "http.response.body", "body": rng.choice(bodies), "more_body": rng.choice([True, False, None, "yes"])},
        lambda: {"type": "http.response.body"},
        lambda: {"type": "http.response.trailers", "headers": []},
        lambda: {"type": rng.choice(["http.response.teapot", "websocket.accept", "lifespan.startup.complete", 7, None])},
        lambda: {"status": 200},
        lambda: rng.choice([None, [], "http.response.start", 42]),
        lambda: dict(START),
        lambda: dict(BODY),
    ]
    return [rng.choice(kinds)() for _ in range(rng.randint(0, 5))]


def _released_view():
    view = memoryview(b"released")
    view.release()
    return view


class _UnprintableFault(Exception):
    def __str__(self):
        raise ValueError("no text for you")


# Exceptions whose text must survive the trip to Swift (issue 12, point 3): plain, holding a lone
# surrogate (a surrogateescape'd file name), and one whose __str__ raises.
_FAULTS = [
    lambda seed: ValueError("fault %d" % seed),
    lambda seed: RuntimeError("fault %d in %s" % (seed, os.fsdecode(b"caf\xe9.txt"))),
    lambda seed: _UnprintableFault(),
]


async def fault(seed, receive, send):
    """Sends a seeded sequence of messages, valid or not, in any order, sometimes receiving,
    sleeping or raising in between."""
    rng = random.Random(seed)
    received = False
    for message in _messages(rng):
        action = rng.random()
        if action < 0.1 and not received:
            received = True
            await receive()
        elif action < 0.15:
            await asyncio.sleep(0)
        elif action < 0.18:
            raise rng.choice(_FAULTS)(seed)
        try:
            await send(message)
        except (RuntimeError, OSError):
            if rng.random() < 0.5:
                raise
    if rng.random() < 0.1:
        return "a value"


def app_tasks(prefix):
    """How many app calls whose scope path starts with `prefix` are still running."""
    count = 0
    for task in asyncio.all_tasks():
        frame = getattr(task.get_coro(), "cr_frame", None)
        scope = frame.f_locals.get("scope") if frame is not None else None
        if isinstance(scope, dict) and str(scope.get("path", "")).startswith(prefix):
            count += 1
    return count


def fault_tasks():
    """How many app calls for /fault/ routes are still running on the loop."""
    count = 0
    for task in asyncio.all_tasks():
        frame = getattr(task.get_coro(), "cr_frame", None)
        scope = frame.f_locals.get("scope") if frame is not None else None
        if isinstance(scope, dict) and str(scope.get("path", "")).startswith("/fault/"):
            count += 1
    return count
