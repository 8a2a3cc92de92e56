"""A local chat-completions server for tests (127.0.0.1 only, non-streaming).

It answers each request with a fenced Lean block holding `proof`, after `delay_s`; `script`
lists status codes to answer first (e.g. [429, 500] then successes); every request body is kept.
Hostile modes: `drip_s` sends the body one byte at a time with that pause (a dripping endpoint);
`pad_bytes` pads the answer to a huge reply; `no_length` omits Content-Length (the client cannot
refuse the size up front). `bytes_sent` and `cut` tell what the client let through.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class ServerState:
    proof: str = "decide"
    delay_s: float = 0.0
    script: list[int] = field(default_factory=list)
    retry_after: str | None = None
    raw_text: str | None = None
    drip_s: float = 0.0
    pad_bytes: int = 0
    no_length: bool = False
    bytes_sent: int = 0
    cut: bool = False
    requests: list[dict] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(state: ServerState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            with state.lock:
                state.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                status = state.script.pop(0) if state.script else 200
                state.in_flight += 1
                state.max_in_flight = max(state.max_in_flight, state.in_flight)
            if state.delay_s:
                time.sleep(state.delay_s)
            with state.lock:
                state.in_flight -= 1
            if status != 200:
                payload = json.dumps({"error": {"message": f"scripted {status}"}}).encode()
                self.send_response(status)
                if state.retry_after is not None:
                    self.send_header("Retry-After", state.retry_after)
            else:
                text = state.raw_text or f"Here is the proof.\n\n```lean4\nby\n  {state.proof}\n```\n"
                text += " " * state.pad_bytes
                payload = json.dumps(
                    {
                        "id": "cmpl-test",
                        "object": "chat.completion",
                        "model": body.get("model"),
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
                    }
                ).encode()
                self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if state.no_length:
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            step = 1 if state.drip_s else 64 * 1024
            try:
                for start in range(0, len(payload), step):
                    self.wfile.write(payload[start : start + step])
                    self.wfile.flush()
                    with state.lock:
                        state.bytes_sent += len(payload[start : start + step])
                    if state.drip_s:
                        time.sleep(state.drip_s)
            except (BrokenPipeError, ConnectionResetError):
                with state.lock:
                    state.cut = True

    return Handler


@contextmanager
def chat_server(state: ServerState) -> Iterator[str]:
    """Serve on an ephemeral loopback port; yields the base URL (…/v1)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
