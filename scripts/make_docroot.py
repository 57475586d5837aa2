#!/usr/bin/env python3
"""Writes the files nginx serves in the interop checks and the captures.

Usage: make_docroot.py DIR

The content and modification times are fixed, so ETag and Last-Modified are the same
on every run: a small text file, a text file big enough to go out gzip-compressed in
several chunks, a 1 MiB binary file and an empty folder for WebDAV uploads.
"""

import hashlib
import os
import sys

MTIME = 1_704_067_200  # 2024-01-01T00:00:00Z


def pseudo_random(n: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(b"iotwire-%d" % counter).digest()
        counter += 1
    return bytes(out[:n])


def main() -> None:
    root = sys.argv[1]
    os.makedirs(os.path.join(root, "dav"), exist_ok=True)
    files = {
        "index.html": b"<!doctype html>\n<title>iotwire interop</title>\n<p>nginx is up.\n",
        "static.txt": b"".join(
            b"static line %02d: iotwire reads this through nginx\n" % i for i in range(8)
        ),
        "text.txt": b"".join(
            b"text line %05d: the quick brown fox jumps over the lazy dog %d\n" % (i, i * i)
            for i in range(2000)
        ),
        "large.bin": pseudo_random(1 << 20),
    }
    for name, data in files.items():
        path = os.path.join(root, name)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o644)
        os.utime(path, (MTIME, MTIME))
    os.chmod(root, 0o755)


if __name__ == "__main__":
    main()
