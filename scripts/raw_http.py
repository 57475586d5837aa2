#!/usr/bin/env python3
"""Sends raw bytes to a server and prints everything it answers until it closes.

Usage: raw_http.py PORT < request-bytes

For requests curl cannot send: pipelined requests in one write, malformed heads. The
write side is shut down after sending, so a server that keeps connections alive still
closes once it has answered every request. Fails after 10 s.
"""

import socket
import sys

def main() -> None:
    port = int(sys.argv[1])
    data = sys.stdin.buffer.read()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = bytearray()
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    sys.stdout.buffer.write(bytes(out))


if __name__ == "__main__":
    main()
