"""The seeded fault generator of misbehave.py with issue 12's bad inputs added: the app raising
CancelledError itself or awaiting a task someone else cancelled, bytes-heavy responses that run into
back-pressure (over 1 MiB unread), and receiving a request body that comes slowly. Served on
`/pressure-fault/<seed>`, a prefix of its own, so that counting its leftover tasks never sees the
other fault suite's."""
import asyncio
import random

from python_fixtures.misbehave import START, _messages

HEAVY = b"h" * (256 * 1024)
# Sends refused because the test had left (a stream left early while the app was sending).
REFUSED = {"sends": 0}


def refused_sends():
    return REFUSED["sends"]


def _heavy(rng):
    """A response of 5 to 16 chunks of 256 KiB (more than the high-water mark), mostly completed."""
    chunks = [{"type": "http.response.body", "body": HEAVY, "more_body": True} for _ in range(rng.randint(5, 16))]
    end = [{"type": "http.response.body", "body": b"", "more_body": False}] if rng.random() < 0.8 else []
    return [dict(START)] + chunks + end


async def _cancelled_elsewhere():
    victim = asyncio.ensure_future(asyncio.sleep(30))
    asyncio.get_running_loop().call_soon(victim.cancel)
    await victim


async def _receive_some(rng, receive, state):
    """Receives up to four messages, stopping at the end of the body or a disconnect. Never after
    that: `receive()` then waits for the client to leave, and the seed would only time out."""
    for _ in range(rng.randint(1, 4)):
        if state["body_done"]:
            return
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            state["body_done"] = True


async def fault(seed, receive, send):
    rng = random.Random(seed)
    state = {"body_done": False}
    messages = _messages(rng)
    heavy = rng.random()
    if heavy < 0.25:
        # A valid heavy response, so that the test's reading (or leaving early) decides how it ends.
        messages = _heavy(rng)
    elif heavy < 0.4:
        at = rng.randint(0, len(messages))
        messages[at:at] = _heavy(rng)
    for message in messages:
        action = rng.random()
        if action < 0.1:
            await _receive_some(rng, receive, state)
        elif action < 0.13:
            await asyncio.sleep(0)
        elif action < 0.15:
            raise ValueError("fault %d" % seed)
        elif action < 0.17:
            raise asyncio.CancelledError("fault %d" % seed)
        elif action < 0.19:
            await _cancelled_elsewhere()
        try:
            await send(message)
        except (RuntimeError, OSError) as exc:
            if isinstance(exc, OSError):
                REFUSED["sends"] += 1
            if rng.random() < 0.5:
                raise
    if rng.random() < 0.1:
        return "a value"


async def app(scope, receive, send):
    if scope["type"] != "http":
        raise RuntimeError("no lifespan here")
    prefix, _, seed = scope["path"].rpartition("/")
    if prefix != "/pressure-fault":
        await send({"type": "http.response.start", "status": 404})
        await send({"type": "http.response.body", "body": b"no such fault"})
        return
    if seed == "hold":
        # In flight until the client leaves: what the leftover-task probe must find while it runs.
        while (await receive())["type"] != "http.disconnect":
            pass
        return
    await fault(int(seed), receive, send)
