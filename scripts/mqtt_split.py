#!/usr/bin/env python3
"""Splits a recorded MQTT byte stream into packets by their fixed headers alone
(python3 standard library only; independent of iotwire's decoder).

Usage: mqtt_split.py VERSION HEXFILE

VERSION is 3.1, 3.1.1 or 5.0; HEXFILE holds hex digits, whitespace ignored (the format
scripts/record_proxy.py writes). Prints the packet types in order, comma-separated
(CONNECT,PUBLISH,DISCONNECT), or "-" for an empty stream. Exits non-zero when the
stream does not split into whole packets: a reserved type, a Remaining Length of more
than four bytes, or bytes left over that do not make a whole packet.
"""

import sys

NAMES = [
    None,
    "CONNECT",
    "CONNACK",
    "PUBLISH",
    "PUBACK",
    "PUBREC",
    "PUBREL",
    "PUBCOMP",
    "SUBSCRIBE",
    "SUBACK",
    "UNSUBSCRIBE",
    "UNSUBACK",
    "PINGREQ",
    "PINGRESP",
    "DISCONNECT",
    "AUTH",
]


def split(version: str, data: bytes) -> list:
    types, pos = [], 0
    while pos < len(data):
        kind = data[pos] >> 4
        if kind == 0 or (kind == 15 and version != "5.0"):
            raise ValueError("reserved packet type %d at offset %d" % (kind, pos))
        length, shift, i = 0, 0, pos + 1
        while True:
            if i >= len(data):
                raise ValueError("stream ends inside the fixed header at offset %d" % pos)
            if i - pos > 4:
                raise ValueError("Remaining Length over 4 bytes at offset %d" % pos)
            length |= (data[i] & 0x7F) << shift
            shift += 7
            i += 1
            if data[i - 1] & 0x80 == 0:
                break
        end = i + length
        if end > len(data):
            raise ValueError(
                "packet at offset %d needs %d bytes, %d left" % (pos, end - pos, len(data) - pos)
            )
        types.append(NAMES[kind])
        pos = end
    return types


def main() -> int:
    version, path = sys.argv[1], sys.argv[2]
    if version not in ("3.1", "3.1.1", "5.0"):
        print("mqtt_split: unknown version %r" % version, file=sys.stderr)
        return 2
    text = "".join(open(path).read().split())
    try:
        types = split(version, bytes.fromhex(text))
    except ValueError as e:
        print("mqtt_split: %s: %s" % (path, e), file=sys.stderr)
        return 1
    print(",".join(types) if types else "-")
    return 0


if __name__ == "__main__":
    sys.exit(main())
