"""The seed's quickstart app, in Quart, with more routes."""
from importlib.metadata import version

from quart import Quart, abort, jsonify, redirect, request, websocket

from python_fixtures.scope_json import scope_to_json

app = Quart(__name__)
# As in tests: exceptions propagate to the server (the client) instead of becoming a 500 page.
app.config["PROPAGATE_EXCEPTIONS"] = True
# Quart 0.20 (the last release for Python 3.10) turns a propagated exception into a traceback page
# unless the app is in testing mode; 0.22 does so only in testing mode.
app.testing = version("quart").startswith("0.20.")


@app.route("/")
async def root():
    return "plain response"


@app.route("/json")
async def json_route():
    return jsonify({"hello": "world"})


@app.route("/scope", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
async def scope_route():
    return jsonify(scope_to_json(request.scope))


@app.route("/echo", methods=["POST", "PUT"])
async def echo():
    return await request.get_data(), 200, {"content-type": request.content_type or "application/octet-stream"}


@app.route("/form", methods=["POST"])
async def form():
    data = await request.form
    return jsonify({key: data.getlist(key) for key in data})


@app.route("/boom")
async def boom():
    raise RuntimeError("boom from quart")


@app.route("/upload", methods=["POST"])
async def upload():
    form = await request.form
    files = await request.files
    return jsonify({
        "fields": {key: form.getlist(key) for key in form},
        "files": [{"name": key, "filename": f.filename, "content_type": f.content_type, "size": len(f.read())} for key, f in files.items(multi=True)],
    })


@app.websocket("/ws")
async def ws_echo():
    while True:
        data = await websocket.receive()
        await websocket.send(data)


@app.websocket("/ws/abort")
async def ws_abort():
    abort(401)


@app.route("/cookie")
async def quart_cookie():
    response = jsonify({"seen": request.cookies.get("visit")})
    response.set_cookie("visit", "quart")
    return response


@app.route("/go")
async def quart_redirect():
    return redirect("/json")


@app.route("/sleep")
async def quart_sleep():
    import asyncio
    await asyncio.sleep(5)
    return "late"


@app.route("/chunks")
async def quart_chunks():
    async def chunks():
        for index in range(3):
            yield b"chunk%d;" % index
    return chunks(), 200, {"content-type": "text/plain"}


@app.route("/count-chunks", methods=["POST"])
async def quart_count_chunks():
    sizes = [len(chunk) async for chunk in request.body if chunk]
    return jsonify({"total": sum(sizes)})
