#!/usr/bin/env python3
"""A one-connection recording TCP proxy (python3 standard library only).

Usage: record_proxy.py UPSTREAM_PORT PORT_FILE OUT_PREFIX

Listens on 127.0.0.1 on a free port, which it writes to PORT_FILE once listening.
Accepts one connection, relays it to 127.0.0.1:UPSTREAM_PORT both ways until both sides
have closed, then writes what the client sent to OUT_PREFIX.request.hex and what the
server sent to OUT_PREFIX.response.hex, and exits. A half-close is passed on, so a
client that closes after its last request still gets every response.

Hex files: lowercase hex, 32 bytes (64 digits) per line, a newline after each line;
readers ignore whitespace. Exits non-zero if no connection comes within 30 s or a
connection stays open for more than 30 s.
"""

import os
import socket
import sys
import threading

TIMEOUT = 30.0


def relay(src: socket.socket, dst: socket.socket, record: bytearray) -> None:
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            record += data
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def write_hex(path: str, data: bytes) -> None:
    text = "".join(data[i : i + 32].hex() + "\n" for i in range(0, len(data), 32))
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main() -> int:
    upstream_port, port_file, prefix = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(TIMEOUT)
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % listener.getsockname()[1])
    os.replace(port_file + ".tmp", port_file)

    client, _ = listener.accept()
    listener.close()
    server = socket.create_connection(("127.0.0.1", upstream_port), timeout=TIMEOUT)
    for s in (client, server):
        s.settimeout(TIMEOUT)
    sent, received = bytearray(), bytearray()
    threads = [
        threading.Thread(target=relay, args=(client, server, sent)),
        threading.Thread(target=relay, args=(server, client, received)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT + 5)
    client.close()
    server.close()
    if any(t.is_alive() for t in threads):
        print("record_proxy: connection still open after %d s" % TIMEOUT, file=sys.stderr)
        return 1
    write_hex(prefix + ".request.hex", bytes(sent))
    write_hex(prefix + ".response.hex", bytes(received))
    return 0


if __name__ == "__main__":
    sys.exit(main())
