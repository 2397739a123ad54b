"""A FastAPI app with a pydantic model."""
from fastapi import APIRouter, FastAPI, File, Form, Request, UploadFile, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field

from python_fixtures.scope_json import scope_to_json

app = FastAPI()


class Item(BaseModel):
    name: str = Field(min_length=1)
    price: float = Field(ge=0)
    tags: list[str] = []


@app.get("/")
async def root():
    return "plain response"


@app.get("/json")
async def json_route():
    return {"hello": "world"}


@app.post("/items", status_code=201)
async def create_item(item: Item):
    return {"item": item.model_dump(), "created": True}


@app.put("/items/{item_id}")
async def replace_item(item_id: int, item: Item):
    return {"id": item_id, "item": item.model_dump()}


@app.post("/login")
async def login(user: str = Form(), pw: str = Form()):
    return {"user": user, "pw_length": len(pw)}


@app.post("/upload")
async def upload(title: str = Form(), file: UploadFile = File()):
    data = await file.read()
    return {"title": title, "filename": file.filename, "content_type": file.content_type, "size": len(data), "text": data.decode("utf-8", "replace")}


@app.websocket("/ws")
async def ws_echo(websocket: WebSocket):
    await websocket.accept()
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("text") is not None:
                await websocket.send_text(message["text"])
            else:
                await websocket.send_bytes(message["bytes"])
    except WebSocketDisconnect:
        return


@app.websocket("/ws/reject")
async def ws_reject(websocket: WebSocket):
    await websocket.close(code=4001, reason="no entry")


@app.get("/cookie")
async def fastapi_cookie(request: Request):
    from fastapi.responses import JSONResponse
    response = JSONResponse({"seen": request.cookies.get("visit")})
    response.set_cookie("visit", "fastapi")
    return response


@app.get("/numbers")
async def fastapi_numbers():
    from fastapi.responses import StreamingResponse

    async def numbers():
        for number in range(4):
            yield ("%d\n" % number).encode()

    return StreamingResponse(numbers(), media_type="text/plain")


@app.post("/count-chunks")
async def fastapi_count_chunks(request: Request):
    return {"chunks": [len(chunk) async for chunk in request.stream() if chunk]}


@app.get("/sleep")
async def fastapi_sleep():
    import asyncio
    await asyncio.sleep(5)
    return "late"


@app.api_route("/scope", methods=["GET", "POST"])
async def scope_route(request: Request):
    return scope_to_json(request.scope)


@app.get("/boom")
async def boom():
    raise KeyError("boom from fastapi")


# async-asgi-testclient issue #62: /foo is answered with Starlette's 307 redirect_slashes to /foo/;
# the redirect must keep the method and body.
router = APIRouter(prefix="/foo")


@router.get("/")
async def foo_get():
    return {"method": "GET"}


@router.post("/")
async def foo_post(item: Item):
    return {"method": "POST", "name": item.name}


@router.put("/")
async def foo_put(item: Item):
    return {"method": "PUT", "name": item.name}


@router.delete("/")
async def foo_delete():
    return {"method": "DELETE"}


app.include_router(router)
