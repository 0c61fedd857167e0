#!/usr/bin/python3
"""A hand-made FAULT server for the HTTP client's tests: for faults a real server cannot be made to
show (stalls, truncated bodies, redirect loops, Retry-After, connection counting). Real CalDAV
behaviour is tested against Radicale and Xandikos, not here.

Python 3 stdlib only. Binds 127.0.0.1 on a free port and prints the port as its first stdout line.
HTTP/1.1 with keep-alive, one thread per connection. `--tls CERT KEY` serves HTTPS instead.

Paths:
  /ok                    200 "ok", counted
  /echo                  the request as JSON: method, path, headers (Authorization too), body
  /status/NNN            answers NNN
  /retry-after/N/ID      the first N requests for ID: 503 with Retry-After: 1; then 200
  /429/N/ID              likewise with 429
  /stall                 headers (Content-Length 100), then nothing for 60 s
  /truncated             Content-Length 1000, 10 bytes, connection closed
  /big/MB                a body of MB MiB (?chunked=1: chunked, no Content-Length)
  /redirect-loop         302 to itself
  /redirect-to?url=U     302 to U
  /slow/SECONDS          200 after SECONDS (fractions allowed)
  /stats                 JSON: requests, ok, max_concurrent_connections, connections
"""

import json
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATS = {"requests": 0, "ok": 0, "connections": 0, "open_connections": 0, "max_concurrent_connections": 0}
ATTEMPTS = {}  # (kind, id) -> requests seen


class FaultHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FaultServer/1"

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle and the client's delayed
        # ACK add ~40 ms to every response on a kept-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with LOCK:
            STATS["connections"] += 1
            STATS["open_connections"] += 1
            STATS["max_concurrent_connections"] = max(STATS["max_concurrent_connections"], STATS["open_connections"])

    def finish(self):
        with LOCK:
            STATS["open_connections"] -= 1
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    # Any method (PROPFIND, REPORT...) goes to dispatch.
    def __getattr__(self, name):
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    def reply(self, status, body=b"", headers=None, content_type="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def dispatch(self):
        body = self.read_body()
        url = urllib.parse.urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        query = urllib.parse.parse_qs(url.query)
        if parts != ["stats"]:
            with LOCK:
                STATS["requests"] += 1
        try:
            self.route(parts, query, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def route(self, parts, query, body):
        head = parts[0] if parts else ""
        if head == "ok":
            with LOCK:
                STATS["ok"] += 1
            self.reply(200, b"ok")
        elif head == "echo":
            doc = {
                "method": self.command,
                "path": self.path,
                "headers": {k: v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
            }
            self.reply(200, json.dumps(doc).encode(), content_type="application/json")
        elif head == "status" and len(parts) == 2:
            self.reply(int(parts[1]), ("status %s" % parts[1]).encode())
        elif head in ("retry-after", "429") and len(parts) == 3:
            status = 503 if head == "retry-after" else 429
            with LOCK:
                key = (head, parts[2])
                ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
                seen = ATTEMPTS[key]
            if seen <= int(parts[1]):
                self.reply(status, b"later", {"Retry-After": "1"})
            else:
                self.reply(200, ("ok after %d" % (seen - 1)).encode())
        elif head == "stall":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.flush()
            time.sleep(60)
            self.close_connection = True
        elif head == "truncated":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif head == "big" and len(parts) == 2:
            self.big(int(parts[1]) * 1024 * 1024, query.get("chunked") == ["1"])
        elif head == "redirect-loop":
            self.reply(302, b"", {"Location": "/redirect-loop"})
        elif head == "redirect-to":
            self.reply(302, b"", {"Location": query.get("url", ["/ok"])[0]})
        elif head == "slow" and len(parts) == 2:
            time.sleep(float(parts[1]))
            self.reply(200, b"slow")
        elif head == "stats":
            with LOCK:
                doc = dict(STATS)
            self.reply(200, json.dumps(doc).encode(), content_type="application/json")
        else:
            self.reply(404, b"no such fault")

    def big(self, size, chunked):
        chunk = b"x" * 65536
        self.send_response(200)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        sent = 0
        while sent < size:
            piece = chunk[: min(len(chunk), size - sent)]
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            else:
                self.wfile.write(piece)
            sent += len(piece)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        pass  # clients that abort mid-body are the point of this server


def main():
    server = FaultServer(("127.0.0.1", 0), FaultHandler)
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
