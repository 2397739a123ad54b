"""The Python side of scripts/bench: the same workloads through the raw floor (awaiting the app
directly), async-asgi-testclient and httpx's ASGITransport, run on the embedded interpreter's loop;
and, for live mode, httpx over HTTP against a running server (kind `live`, the spec a URL).
Each `run` call runs one batch and returns microseconds per request; `slow_stream` reads a long
stream as a slow reader does."""
import asyncio
import gc
import importlib
import json
import threading
import time

import bench_apps

BODY = b"a" * 1024
WORKLOADS = {
    # name: (method, path, body, requests, in flight)
    "get": ("GET", "/", b"", 2000, 1),
    "json": ("GET", "/json", b"", 2000, 1),
    "post": ("POST", "/echo", BODY, 2000, 1),
    "stream": ("GET", "/stream", b"", 200, 1),
    "concurrent": ("GET", "/", b"", 2000, 64),
    "websocket": ("WS", "/ws", b"", 1000, 1),
    "big": ("GET", "/big", b"", 5, 1),
}
_clients = {}


def _app(spec):
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)


async def _in_flight(n, width, one):
    if width == 1:
        for _ in range(n):
            await one()
        return
    semaphore = asyncio.Semaphore(width)

    async def guarded():
        async with semaphore:
            await one()

    await asyncio.gather(*(guarded() for _ in range(n)))


async def _raw(app, method, path, body, decode):
    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
        "method": method, "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", b"testserver"), (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80), "state": {},
    }
    sent = []
    state = {"first": True, "done": None}

    async def receive():
        # The body once; then, as a server does, wait until the response is complete and report
        # the disconnect (Quart listens for it while it handles the request).
        if state["first"]:
            state["first"] = False
            return {"type": "http.request", "body": body, "more_body": False}
        if state["done"] is None:
            state["done"] = asyncio.Event()
        await state["done"].wait()
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False) and state["done"] is not None:
            state["done"].set()

    await app(dict(scope), receive, send)
    if decode:
        json.loads(b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"))


async def _client(kind, spec):
    key = (kind, spec)
    if key not in _clients:
        if kind == "live":
            # httpx as a Python test suite talks to a server it started: one client, keep-alive.
            import httpx
            _clients[key] = httpx.AsyncClient(base_url=spec, limits=httpx.Limits(max_connections=64))
            return _clients[key]
        app = _app(spec)
        if kind == "aatc":
            from async_asgi_testclient import TestClient
            client = TestClient(app)
            await client.__aenter__()
        else:
            import httpx
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        _clients[key] = client
    return _clients[key]


async def _raw_ws(app, n):
    inbox = asyncio.Queue()
    outbox = asyncio.Queue()
    scope = {
        "type": "websocket", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
        "scheme": "ws", "path": "/ws", "raw_path": b"/ws", "query_string": b"", "root_path": "",
        "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
        "subprotocols": [], "state": {},
    }
    task = asyncio.ensure_future(app(scope, inbox.get, outbox.put))
    await inbox.put({"type": "websocket.connect"})
    await outbox.get()
    start = time.perf_counter()
    for _ in range(n):
        await inbox.put({"type": "websocket.receive", "text": "x"})
        await outbox.get()
    elapsed = time.perf_counter() - start
    await inbox.put({"type": "websocket.disconnect", "code": 1000})
    await task
    return elapsed * 1e6 / n


async def _ws(kind, spec, n):
    app = _app(spec)
    if kind == "raw":
        return await _raw_ws(app, n)
    if kind != "aatc":
        return float("nan")
    client = await _client(kind, spec)
    async with client.websocket_connect("/ws") as ws:
        start = time.perf_counter()
        for _ in range(n):
            await ws.send_text("x")
            await ws.receive_text()
        return (time.perf_counter() - start) * 1e6 / n


async def run(kind, spec, workload):
    method, path, body, n, width = WORKLOADS[workload]
    if method == "WS":
        return await _ws(kind, spec, n) if kind != "live" else float("nan")
    decode = workload == "json"
    app = _app(spec) if kind != "live" else None
    if kind == "raw":
        async def one():
            await _raw(app, method, path, body, decode)
    elif kind == "rawtask":
        async def one():
            await asyncio.get_running_loop().create_task(_raw(app, method, path, body, decode))
    else:
        client = await _client(kind, spec)

        async def send():
            if method == "GET":
                return await client.get(path)
            return await client.post(path, data=body) if kind == "aatc" else await client.post(path, content=body)

        async def one():
            if kind == "live":
                # A pooled connection the server closed meanwhile fails its next read; httpx does not
                # retry that by itself. Sent again once, as a test suite's retry would.
                import httpx
                try:
                    response = await send()
                except (httpx.ReadError, httpx.RemoteProtocolError):
                    response = await send()
            else:
                response = await send()
            if decode:
                response.json()
            assert response.status_code == 200, response.status_code
    start = time.perf_counter()
    await _in_flight(n, width, one)
    return (time.perf_counter() - start) * 1e6 / n


def run_on_new_thread(kind, spec, workload):
    """run() on a stock asyncio loop of a new thread (the account's floors: a loop that is neither
    the main thread's nor the bridge's)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(run(kind, spec, workload))))
    thread.start()
    thread.join()
    return result[0]


async def run_threaded(kind, spec, workload):
    """run_on_new_thread() awaited from the bridge's loop, which waits in its selector meanwhile."""
    return await asyncio.to_thread(run_on_new_thread, kind, spec, workload)


def objects():
    gc.collect()
    return len(gc.get_objects())


def release_memory():
    """Collects garbage and gives the C heap's free memory back to the system (glibc's
    malloc_trim, for the whole process), so that the resident set shows what is in use."""
    gc.collect()
    try:
        import ctypes
        return ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        return 0


async def slow_stream(kind, spec, chunks, pause_ms):
    """Streams GET /huge?chunks=N as the benchmark's own client does: reads the first chunk, pauses,
    then reads the rest pausing 1 ms per MiB. Returns "bytes the app had sent when the pause ended,
    bytes read". Neither peer pushes back: httpx's ASGITransport runs the app to its end before it
    returns the response and gives the body as one bytes object (the parts joined);
    async-asgi-testclient queues whatever the app sends."""
    client = await _client(kind, spec)
    path = f"/huge?chunks={chunks}"
    pause = int(pause_ms) / 1000
    if kind == "httpx":
        async with client.stream("GET", path) as response:
            # As a test reads it; asking for 64 KiB pieces would add copies of the whole body.
            sent, read = await _read_slowly(response.aiter_bytes(), pause)
    elif kind == "aatc":
        response = await client.get(path, stream=True)
        sent, read = await _read_slowly(response.iter_content(bench_apps.HUGE_CHUNK_SIZE), pause)
    else:
        raise ValueError(kind)
    return f"{sent} {read}"


async def _read_slowly(chunks, pause):
    read = len(await chunks.__anext__())
    await asyncio.sleep(pause)
    sent = bench_apps.huge_sent()
    mebibyte = 0
    async for chunk in chunks:
        read += len(chunk)
        if read >> 20 > mebibyte:
            mebibyte = read >> 20
            await asyncio.sleep(0.001)
    return sent, read
