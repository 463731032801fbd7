"""A stand-in for an OpenAI-compatible chat endpoint, on loopback, for the tests.

It is outside the project (the real one would be llama.cpp, Ollama, vLLM or a hosted API), so a
deterministic stand-in is fair: `reply(request_json)` decides what it answers; it also records
what it was sent, so tests can check that only the numbered passages went out.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeChatServer:
    def __init__(self, reply=None, status: int = 200, delay: float = 0.0):
        self.reply = reply or (lambda request: "Tidak tahu.")
        self.status = status
        self.delay = delay
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                time.sleep(server.delay)
                payload = json.dumps(
                    {"choices": [{"index": 0, "message": {"role": "assistant", "content": server.reply(body)}}]}
                ).encode("utf-8")
                try:
                    self.send_response(server.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first: the timeout test wants exactly that

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
