"""The HTTP wall in front of Gradio: what every response carries, and what the app refuses before
Gradio reads a byte of it.

Gradio accepts more than this app uses: an upload route that writes whatever it is sent to the temp
folder, bodies of any size, and positional API calls with too few values (which then fail inside
the queue as `{"error": null}`). Each is answered here with a status and a sentence a client can act
on; everything else passes through unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from rag.limits import MAX_QUESTION_CHARS, MAX_REQUEST_BYTES

# Article text comes from the web. Everything rendered is escaped, and as a second wall the
# browser is told to load images only from here, post forms only here, and frame nothing: a
# remote image cannot carry data out even if some markup slipped through. (A strict script-src
# would also block Gradio's own inline scripts.)
CONTENT_SECURITY_POLICY = (
    "img-src 'self' data: blob:; form-action 'self'; frame-src 'none'; frame-ancestors 'self'; "
    "object-src 'none'; base-uri 'self'"
)
# Routes that take files. The app takes none: uploads would fill the disk (200 MB in 0.4 s).
REFUSED_ROUTES = ("/upload", "/upload_progress", "/process_recording")
_POSITIONAL_CALL = "/gradio_api/call/"


class SecurityHeaders:
    """ASGI middleware: the Content-Security-Policy and nosniff on every HTTP response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestGuard:
    """ASGI middleware: no uploads, no body over `MAX_REQUEST_BYTES`, and a positional API call must
    carry a value for each required parameter (the optional ones it leaves out are sent as null).
    `api_parameters` maps each API name to its parameters, in order: (name, required)."""

    def __init__(self, app, api_parameters: Mapping[str, Sequence[tuple[str, bool]]]):
        self.app = app
        self.api_parameters = api_parameters

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"].rstrip("/")
        if path.endswith(REFUSED_ROUTES):
            return await _answer(send, 404, "uploads are off: this app takes no files")
        if scope["method"] != "POST":
            return await self.app(scope, receive, send)
        too_big = (f"the request is over {MAX_REQUEST_BYTES // 1_000_000} MB, the limit for one request: "
                   f"send questions of at most {MAX_QUESTION_CHARS:,} characters, or start a new conversation")
        body = await _read_body(receive, MAX_REQUEST_BYTES, declared=_content_length(scope))
        if body is None:
            return await _answer(send, 413, too_big)
        body, problem = self._positional_call(path, body)
        if problem:
            return await _answer(send, 422, json.dumps({"error": problem}), "application/json")
        scope = {**scope, "headers": [(k, str(len(body)).encode() if k == b"content-length" else v)
                                      for k, v in scope.get("headers", [])]}
        await self.app(scope, _replaying(body, receive), send)

    def _positional_call(self, path: str, body: bytes) -> tuple[bytes, str | None]:
        """Gradio fills no defaults on /call/NAME: too few values fail in its queue with no message.
        A call that leaves out optional values at the end (one written before they were added)
        has them sent as null; one that leaves out a required value, or sends too many, is refused."""
        name = path.rpartition(_POSITIONAL_CALL)[2] if _POSITIONAL_CALL in path else None
        if name is None or name not in self.api_parameters:
            return body, None
        try:
            request = json.loads(body)
            data = request.get("data")
        except (ValueError, AttributeError):
            return body, None  # Gradio's own check names what is wrong with the JSON
        parameters = self.api_parameters[name]
        required = sum(1 for _, needed in parameters if needed)
        if isinstance(data, list) and len(data) == len(parameters):
            return body, None
        if isinstance(data, list) and required <= len(data) < len(parameters):
            request["data"] = data + [None] * (len(parameters) - len(data))
            return json.dumps(request).encode(), None
        got = f"{len(data)}" if isinstance(data, list) else f"a {type(data).__name__}"
        names = ", ".join(p for p, _ in parameters)
        return body, (f"/{name} takes a list of {len(parameters)} values in this order: {names}; got {got}. "
                      f"Send null for those you leave out, or post named values to /gradio_api/call/v2/{name}")


def _content_length(scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _read_body(receive, limit: int, declared: int | None) -> bytes | None:
    """The whole body, or None when it is over `limit`: at once when its declared length is (not a
    byte of it is read), else as soon as the bytes read pass it. As with Starlette's own body limit,
    an oversized body is not drained: a client that waits for `Expect: 100-continue`, as curl does,
    reads the refusal; one that sends its body regardless may find the connection closed instead.
    Draining would make every refused megabyte cost the server about 2 ms of CPU."""
    if declared is not None and declared > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(body: bytes, receive):
    """A `receive` that hands the app the body already read, then whatever the client sends next."""
    delivered = False

    async def replay():
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _answer(send, status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
