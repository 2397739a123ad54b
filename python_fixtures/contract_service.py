"""A FastAPI service for contract tests: the Swift client generated from its OpenAPI document
(Tests/ContractTests/openapi.json) calls it in-process through TestClientOpenAPI and URLSession.

Address it as `python_fixtures.contract_service:create_app()`: every client gets its own app object
and so its own items, blobs and gates, which keeps tests that run in parallel apart.

Optional query parameters are declared with a plain default (`tag: str = ""`), not `str | None`:
FastAPI documents `str | None` as `anyOf` with `null`, and swift-openapi-generator leaves such
parameters out of the generated client without a word.
"""
import asyncio
import hashlib
import itertools
from collections.abc import AsyncIterable

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from python_fixtures import rendezvous

BINARY = {"schema": {"type": "string", "format": "binary"}}


class ItemDraft(BaseModel):
    """What a client sends to create an item."""

    name: str = Field(min_length=1)
    price: float = Field(ge=0)
    tags: list[str] = []


class Item(ItemDraft):
    """An item as the service stores it."""

    id: int


class Problem(BaseModel):
    """The body of an error FastAPI raises with HTTPException."""

    detail: str


class BlobReceipt(BaseModel):
    """What the service saw of an uploaded blob."""

    name: str
    size: int
    chunks: int
    sha256: str


class Event(BaseModel):
    """One line of the JSON Lines stream."""

    seq: int
    message: str


class RequestInfo(BaseModel):
    """What the app saw of a request's address."""

    host: str
    path: str
    root_path: str


class TickerReport(BaseModel):
    """Whether the ticker's stream ended because the client went away."""

    stopped: bool


_RENDEZVOUS_SERIALS = itertools.count(1)


class _Rendezvous:
    """Pure ASGI middleware: while a rendezvous of `parties` is set (POST /rendezvous, left out of
    the document), holds each HTTP call at its entry until that many are inside, then lets them all
    go on (or answers 504 if they never all are). Proves a client's operations overlap."""

    def __init__(self, app, plan):
        self.app = app
        self.plan = plan

    async def __call__(self, scope, receive, send):
        parties = self.plan["parties"]
        if scope["type"] == "http" and parties and scope["path"] != "/rendezvous":
            self.plan["arrived"] += 1
            if self.plan["arrived"] == parties:
                self.plan["parties"] = 0  # the calls that come after the meeting pass
            met, most = await rendezvous.arrive(self.plan["key"], parties)
            if not met:
                body = ('{"detail": "only %d of %d calls were inside at once"}' % (most, parties)).encode()
                await send({"type": "http.response.start", "status": 504, "headers": [(b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def create_app() -> FastAPI:
    app = FastAPI(title="Contract service", version="1.0.0")
    plan = {"parties": 0, "arrived": 0, "key": None}
    app.add_middleware(_Rendezvous, plan=plan)

    @app.post("/rendezvous", include_in_schema=False, status_code=204)
    async def set_rendezvous(parties: int) -> Response:
        plan.update(parties=parties, arrived=0, key="contract-%d" % next(_RENDEZVOUS_SERIALS))
        return Response(status_code=204)
    items: dict[int, Item] = {}
    blobs: dict[str, bytes] = {}
    ids = itertools.count(1)
    gates: dict[str, asyncio.Event] = {}
    ticker_stopped = asyncio.Event()

    def gate(name: str) -> asyncio.Event:
        return gates.setdefault(name, asyncio.Event())

    @app.get("/items", operation_id="listItems")
    async def list_items(tag: str = "", limit: int = 100) -> list[Item]:
        found = [item for item in items.values() if not tag or tag in item.tags]
        return found[:limit]

    @app.post("/items", operation_id="createItem", status_code=201)
    async def create_item(draft: ItemDraft) -> Item:
        item = Item(id=next(ids), **draft.model_dump())
        items[item.id] = item
        return item

    @app.get("/items/{item_id}", operation_id="getItem", responses={404: {"model": Problem}})
    async def get_item(item_id: int) -> Item:
        if item_id not in items:
            raise HTTPException(404, detail=f"No item {item_id}.")
        return items[item_id]

    @app.delete("/items/{item_id}", operation_id="deleteItem", status_code=204, responses={404: {"model": Problem}})
    async def delete_item(item_id: int) -> Response:
        if items.pop(item_id, None) is None:
            raise HTTPException(404, detail=f"No item {item_id}.")
        return Response(status_code=204)

    @app.get("/old-items", include_in_schema=False)
    async def old_items() -> RedirectResponse:
        return RedirectResponse("/items", status_code=307)

    @app.put(
        "/blobs/{name}",
        operation_id="uploadBlob",
        openapi_extra={"requestBody": {"required": True, "content": {"application/octet-stream": BINARY}}},
    )
    async def upload_blob(name: str, request: Request) -> BlobReceipt:
        data = bytearray()
        chunks = 0
        async for chunk in request.stream():
            if chunk:
                chunks += 1
                data += chunk
                # Lets a client that waits on GET /gates/{name}:{n} know the app has read n chunks.
                gate(f"{name}:{chunks}").set()
        blobs[name] = bytes(data)
        return BlobReceipt(name=name, size=len(data), chunks=chunks, sha256=hashlib.sha256(data).hexdigest())

    @app.get(
        "/blobs/{name}",
        operation_id="downloadBlob",
        response_class=Response,
        responses={200: {"content": {"application/octet-stream": BINARY}}, 404: {"model": Problem}},
    )
    async def download_blob(name: str) -> Response:
        if name not in blobs:
            raise HTTPException(404, detail=f"No blob {name}.")
        return Response(blobs[name], media_type="application/octet-stream")

    @app.get("/events", operation_id="streamEvents")
    async def stream_events(count: int = 3, gate_name: str = "") -> AsyncIterable[Event]:
        """Streams `count` events. With `gate_name`, holds everything after the first event until
        that gate is opened (POST /gates/{name}): a client that opens it only once it has decoded
        the first event proves it decodes while the app is still sending."""
        for seq in range(1, count + 1):
            if seq == 2 and gate_name:
                await gate(gate_name).wait()
            yield Event(seq=seq, message=f"event {seq}")

    @app.post("/gates/{name}", operation_id="openGate", status_code=204)
    async def open_gate(name: str) -> Response:
        gate(name).set()
        return Response(status_code=204)

    @app.get("/gates/{name}", operation_id="awaitGate", status_code=204)
    async def await_gate(name: str) -> Response:
        """Returns once the gate is open."""
        await gate(name).wait()
        return Response(status_code=204)

    @app.get("/ticker", operation_id="ticker")
    async def ticker() -> AsyncIterable[Event]:
        """Streams until the client goes away."""
        try:
            for seq in itertools.count(1):
                yield Event(seq=seq, message="tick")
                await asyncio.sleep(0.001)
        finally:
            ticker_stopped.set()

    @app.get("/ticker/report", operation_id="tickerReport")
    async def ticker_report() -> TickerReport:
        """Whether the ticker has stopped, waiting up to 5 s for it (a loaded machine is slow)."""
        try:
            await asyncio.wait_for(ticker_stopped.wait(), 5)
        except TimeoutError:
            pass
        return TickerReport(stopped=ticker_stopped.is_set())

    @app.get("/request-info", operation_id="requestInfo")
    @app.get("/v1/request-info", include_in_schema=False)
    async def request_info(request: Request) -> RequestInfo:
        return RequestInfo(
            host=request.headers.get("host", ""),
            path=request.scope["path"],
            root_path=request.scope.get("root_path", ""),
        )

    @app.get("/boom", operation_id="boom")
    async def boom() -> Problem:
        raise RuntimeError("the service broke")

    return app
