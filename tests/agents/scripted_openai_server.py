"""A scripted OpenAI-compatible HTTP server on loopback, for deterministic tests with the real `openai` client.

Each test queues the server's answers in order: a reply (fixed text, or computed from the request, e.g. to click
an element id read from the real tree in the prompt), an HTTP error (500, 429 with Retry-After, ...), or a hang
that outlasts the client's timeout. Every request body is kept in `requests` for assertions. An empty queue
answers 500 and counts in `exhausted`, so a test that makes more calls than it scripted fails visibly.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Union


@dataclass
class Reply:
    """A 200 answer. `content` may be a function of the request body (a dict) returning the text."""

    content: Union[str, Callable[[dict[str, Any]], str]]
    finish_reason: str = "stop"
    prompt_tokens: int = 11
    completion_tokens: int = 7


@dataclass
class Fail:
    """An HTTP error answer, e.g. Fail(500) or Fail(429, headers={"Retry-After": "0"})."""

    status: int
    message: str = "scripted failure"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Hang:
    """Hold the request for `seconds` (cut short when the server stops), then answer `then` if anyone listens."""

    seconds: float
    then: Reply = field(default_factory=lambda: Reply("{}"))


@dataclass
class Raw:
    """Any HTTP answer, byte for byte (e.g. a proxy's HTML error page with status 200)."""

    status: int
    body: bytes
    content_type: str = "text/html"


Script = Union[Reply, Fail, Hang, Raw]


class ScriptedOpenAIServer:
    """`/v1/models` and `/v1/chat/completions` over stdlib `http.server` in a thread; a context manager.

    `reject_formats` lists `response_format` types the server refuses (with `reject_status`) without using up the
    queue: llama-cpp-python refuses `json_schema` with a 500 naming the field, plain servers refuse both with 400."""

    def __init__(self, models: tuple[str, ...] = ("scripted-model",), reject_formats: tuple[str, ...] = (),
                 reject_status: int = 400) -> None:
        self.models = models
        self.reject_formats = set(reject_formats)
        self.reject_status = reject_status
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.rejected: list[dict[str, Any]] = []
        self.exhausted = 0
        self._queue: list[Script] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- scripting ----------------------------------------------------------------------------------------------

    def script(self, *answers: Script) -> "ScriptedOpenAIServer":
        with self._lock:
            self._queue.extend(answers)
        return self

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def _next(self) -> Script | None:
        with self._lock:
            return self._queue.pop(0) if self._queue else None

    # --- lifecycle ----------------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "start the server first"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> "ScriptedOpenAIServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    data = [{"id": m, "object": "model", "created": 0, "owned_by": "tests"} for m in server.models]
                    self._send(200, {"object": "list", "data": data})
                else:
                    self._send(404, {"error": {"message": f"no route {self.path}"}})

            def do_POST(self) -> None:
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": f"no route {self.path}"}})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                kind = (body.get("response_format") or {}).get("type")
                if kind in server.reject_formats:
                    server.rejected.append(body)
                    self._send(server.reject_status, {"error": {
                        "message": f"1 validation error: body.response_format.type: Input should be 'text' or "
                                   f"'json_object', got {kind!r}", "type": "invalid_request_error"}})
                    return
                server.requests.append(body)
                server.headers.append({k.lower(): v for k, v in self.headers.items()})
                answer = server._next()
                if answer is None:
                    server.exhausted += 1
                    self._send(500, {"error": {"message": "the test script has no more answers"}})
                    return
                if isinstance(answer, Hang):
                    server._stopping.wait(answer.seconds)
                    answer = answer.then
                if isinstance(answer, Raw):
                    self._send_bytes(answer.status, answer.body, answer.content_type)
                    return
                if isinstance(answer, Fail):
                    self._send(answer.status, {"error": {"message": answer.message, "type": "scripted"}},
                               answer.headers)
                    return
                content = answer.content(body) if callable(answer.content) else answer.content
                self._send(200, completion(body.get("model", ""), content, answer))

            def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                self._send_bytes(status, json.dumps(payload).encode("utf-8"), "application/json", headers)

            def _send_bytes(self, status: int, data: bytes, content_type: str,
                            headers: dict[str, str] | None = None) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): exactly what a hang test wants

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="scripted-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._httpd = self._thread = None

    def __enter__(self) -> "ScriptedOpenAIServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def completion(model: str, content: str, answer: Reply) -> dict[str, Any]:
    """A chat.completion object as OpenAI-compatible servers return it."""
    return {
        "id": f"chatcmpl-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": answer.finish_reason, "logprobs": None}],
        "usage": {"prompt_tokens": answer.prompt_tokens, "completion_tokens": answer.completion_tokens,
                  "total_tokens": answer.prompt_tokens + answer.completion_tokens},
    }


def user_text(body: dict[str, Any]) -> str:
    """The text of all user messages of a request (the text parts of multimodal ones), in order."""
    texts = []
    for message in body.get("messages", []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                texts.append(content)
            else:
                texts += [p.get("text", "") for p in content if p.get("type") == "text"]
    return "\n".join(texts)


def image_urls(body: dict[str, Any]) -> list[str]:
    """Every image data URL in a request."""
    urls = []
    for message in body.get("messages", []):
        content = message.get("content")
        if isinstance(content, list):
            urls += [p["image_url"]["url"] for p in content if p.get("type") == "image_url"]
    return urls
