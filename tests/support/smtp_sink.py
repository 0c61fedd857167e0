#!/usr/bin/python3
"""An SMTP server for the notice tests: Debian's aiosmtpd (a real SMTP implementation) on
127.0.0.1, storing each accepted message as N.eml (and its envelope recipients as N.rcpt) in a
folder. Prints its port as the first stdout line.

  smtp_sink.py FOLDER [--port P] [--fail-first N] [--fail-code 451] [--reject-code 550] [--delay-ms MS]
               [--auth USER:PASSWORD]

--fail-first N answers the first N messages with --fail-code (a temporary failure), then accepts;
--reject-code answers every message with that code (a permanent failure); --delay-ms waits that
long before accepting each message (so a test can kill the client while it sends); --auth
requires AUTH (PLAIN or LOGIN, allowed without TLS on loopback) with that user and password.
"""

import argparse
import asyncio
import os
import socket
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, folder, fail_first, fail_code, reject_code, delay_ms=0):
        self.delay = delay_ms / 1000.0
        self.folder = folder
        self.fail_first = fail_first
        self.fail_code = fail_code
        self.reject_code = reject_code
        self.seen = 0
        self.stored = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.seen += 1
            if self.reject_code:
                return f"{self.reject_code} 5.7.1 rejected by the test server"
            if self.seen <= self.fail_first:
                return f"{self.fail_code} 4.3.0 try again later"
            self.stored += 1
            n = self.stored
        base = os.path.join(self.folder, f"{n:06d}")
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos) + "\n")
        os.rename(base + ".tmp", base + ".eml")
        return "250 OK stored"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("folder")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--fail-code", type=int, default=451)
    p.add_argument("--reject-code", type=int, default=0)
    p.add_argument("--delay-ms", type=int, default=0)
    p.add_argument("--auth", default="")
    a = p.parse_args()
    os.makedirs(a.folder, exist_ok=True)
    port = a.port or free_port()
    extra = {}
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and \
                auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        extra = {"authenticator": authenticator, "auth_required": True, "auth_require_tls": False}
    controller = Controller(Sink(a.folder, a.fail_first, a.fail_code, a.reject_code, a.delay_ms), hostname="127.0.0.1",
                            port=port, data_size_limit=64 << 20, **extra)
    controller.start()
    print(port, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
