"""The seed's quickstart app, in Quart, with more routes."""
from quart import Quart, jsonify, request

from python_fixtures.scope_json import scope_to_json

app = Quart(__name__)
# As in tests: exceptions propagate to the server (the client) instead of becoming a 500 page.
app.config["PROPAGATE_EXCEPTIONS"] = True


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
