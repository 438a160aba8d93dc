"""A scripted OpenAI-compatible chat server on loopback, for testing the LLM answerer without a model.

``POST /v1/chat/completions`` answers with the next scripted reply, as one JSON completion or, when
the request says ``"stream": true``, as server-sent events ("data: {…}\\n\\n" chunks carrying
``choices[0].delta.content``, then "data: [DONE]"). Every request body is recorded in ``requests``.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterable

Reply = str | Callable[[dict], str]


class ScriptedLLMServer:
    """Serve scripted replies on 127.0.0.1 (a free port); use as a context manager.

    Args:
        replies: returned in order, one per request; a callable gets the request body and returns
            the reply text. The last reply repeats once the script runs out.
        status: an HTTP status to fail every request with instead (e.g. 500).
    """

    def __init__(self, replies: Iterable[Reply] = ("not in the documents",), status: int = 200):
        self.replies = list(replies)
        self.status = status
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The base URL to configure as IQA_LLM_BASE_URL."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> "ScriptedLLMServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def next_reply(self, body: dict) -> str:
        with self._lock:
            self.requests.append(body)
            reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return reply(body) if callable(reply) else reply


def pieces(text: str) -> list[str]:
    """Split ``text`` the way a model streams it: a word with its following space at a time."""
    return re.findall(r"\S+\s*|\s+", text)


def _handler(server: ScriptedLLMServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._json(404, {"error": {"message": f"no route {self.path}"}})
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if server.status != 200:
                server.requests.append(body)
                return self._json(server.status, {"error": {"message": "scripted failure", "type": "server_error"}})
            reply = server.next_reply(body)
            model = body.get("model", "scripted")
            if body.get("stream"):
                return self._stream(reply, model)
            self._json(200, {
                "id": "chatcmpl-scripted", "object": "chat.completion", "created": int(time.time()), "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            })

        def _stream(self, reply: str, model: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            deltas = [{"role": "assistant", "content": ""}] + [{"content": p} for p in pieces(reply)] + [{}]
            for k, delta in enumerate(deltas):
                chunk = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": int(time.time()),
                         "model": model, "choices": [{"index": 0, "delta": delta,
                                                      "finish_reason": "stop" if k == len(deltas) - 1 else None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def _json(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
