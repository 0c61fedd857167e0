#!/usr/bin/python3
"""Runs Radicale 3.1 with a listen backlog of 128 instead of Python socketserver's 5.

    python3 bench/radicale_server.py [radicale options...]      (RADICALE_BACKLOG=N to change it)

Radicale's ParallelHTTPServer inherits socketserver.TCPServer.request_queue_size = 5: a client
that opens more than ~5 connections at once is reset (see ../shared/notes/caldav-field-notes.md).
The sync benchmark, like the field notes, measures with 128. Nothing else is changed.
"""
import os
import sys

from radicale import server
from radicale.__main__ import run

server.ParallelHTTPServer.request_queue_size = int(os.environ.get("RADICALE_BACKLOG", "128"))

if __name__ == "__main__":
    sys.argv[0] = "radicale"
    run()
