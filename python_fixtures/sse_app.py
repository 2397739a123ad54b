"""Server-sent events from sse-starlette, the library FastAPI and Starlette services stream with."""

import asyncio

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

# What each endless stream saw when the client left, under the key its request gave: every test
# uses a key of its own, so tests running in parallel never read each other's.
LEFT = {}


async def feed(request: Request):
    async def events():
        yield ServerSentEvent(data="plain")
        yield ServerSentEvent(data="first line\nsecond line", event="update", id="1")
        yield ServerSentEvent(comment="a comment, not an event")
        yield ServerSentEvent(data="keeps the id", event="update")
        yield ServerSentEvent(data="with retry", id="2", retry=2500)
        yield {"data": "from a dict", "event": "done"}

    return EventSourceResponse(events())


async def endless(request: Request):
    key = request.query_params["key"]

    async def events():
        number = 0
        try:
            while True:
                yield ServerSentEvent(data=str(number), id=str(number))
                number += 1
                await asyncio.sleep(0.001)
        finally:
            # Reached only when the stream is stopped: cancelled by the disconnect, or closed.
            LEFT[key] = {"sent": number}

    return EventSourceResponse(events())


async def chat(request: Request):
    # As an LLM service streams tokens: the prompt in the request body, the answer as events.
    prompt = await request.json()

    async def events():
        for word in prompt["words"]:
            yield ServerSentEvent(data=word, event="token")
        yield ServerSentEvent(data="[DONE]", event="done")

    return EventSourceResponse(events())


# A stream written by hand, split at awkward places: a BOM over three chunks, CR and LF in different
# chunks, a UTF-8 character split in two, and an event the stream ends in before its empty line.
HANDMADE = [
    b"\xef",
    b"\xbb",
    b"\xbfdata: bom",
    b"\r",
    b"\n\r\n",
    b": comment\n",
    b"event: tick\ndata\n",
    b"data:no space\r",
    b"\r",
    b"id: 7\r\nretry: 1500\r\ndata: caf\xc3",
    b"\xa9\n\n",
    b"data: kept id\n\n",
    b"data: incomplete",
]


async def handmade(request: Request):
    async def chunks():
        for chunk in HANDMADE:
            yield chunk

    return StreamingResponse(chunks(), media_type="text/event-stream")


async def left(request: Request):
    return JSONResponse(LEFT.get(request.query_params["key"]))


app = Starlette(
    routes=[
        Route("/feed", feed),
        Route("/endless", endless),
        Route("/chat", chat, methods=["POST"]),
        Route("/handmade", handmade),
        Route("/left", left),
    ]
)
