"""A hand-made event stream for `asgi`'s SSE parsing: every rule of the WHATWG "event stream
interpretation" in one body, sent one byte per `http.response.body` message."""

RULES = (
    b"\xef\xbb\xbf"  # a leading BOM, then a comment
    b": a comment\n"
    b"data: plain\n\n"
    b"event: named\r\ndata:no space\r\nid: 7\r\nretry: 1500\r\n\r\n"
    b"data\rdata: two\r\r"  # a field without a colon; CR line ends
    b"id: 8\nretry: soon\ndata: caf\xc3\xa9\n\n"  # retry with no digits is ignored; UTF-8 split
    b"event: nodata\n\n"  # a block without data dispatches nothing
    b"data:\n\n"  # an empty data line dispatches an empty event
    b"id\ndata: reset\n\n"  # an empty id resets the last event ID
    b"data: incomplete\n"  # no blank line: dropped
)


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"text/event-stream")],
    })
    for index in range(len(RULES)):
        await send({"type": "http.response.body", "body": RULES[index:index + 1], "more_body": True})
    await send({"type": "http.response.body", "body": b""})
