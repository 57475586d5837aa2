#!/usr/bin/env python3
"""coap_split.py: one captured CoAP session as test vectors (used by scripts/capture_coap.sh).

    coap_split.py CAPTURE.json TRANSPORT SERVER_PORT CLIENT_PORT SERVER_LOG OUT.tsv

CAPTURE.json is `tshark -T json` of a capture, dissected with `-d udp.port==SERVER_PORT,coap`
or `-d tcp.port==SERVER_PORT,coap`. The session is every packet between 127.0.0.1:CLIENT_PORT
and 127.0.0.1:SERVER_PORT over TRANSPORT (udp or tcp).

udp: one datagram is one message. tcp: each direction's bytes are put together in sequence
order (a retransmitted segment is dropped, a gap is an error) and split into frames by their
RFC 8323 §3.2 header alone (Len nibble, Extended Length, TKL); bytes left over are an error.

The bytes each way must add up to what coap-server-notls logged (-v 7: "... <-> 127.0.0.1:CLIENT_PORT
UDP : received N bytes", "... sent N bytes") for that client: nothing was lost from the capture.
Every message must match, in order, what tshark dissected (type, code, Message ID and token over
UDP; code and token over TCP): this frames the streams independently of tshark and of iotwire.
Writes OUT.tsv: a header line, then one line per message in capture order (over TCP, the order of
the segments that completed each frame), tab-separated:

    dir   c (client to server) or s (server to client)
    hex   the message, lowercase hex
    type  CON, NON, ACK or RST as tshark read it; - over TCP
    code  c.dd as tshark read it
    mid   the Message ID as tshark read it; - over TCP
    token the token as tshark read it, hex; - when empty

Prints "MESSAGES_FROM_CLIENT MESSAGES_FROM_SERVER" on success. Standard library only.
"""
import json
import re
import sys

TYPES = {0: "CON", 1: "NON", 2: "ACK", 3: "RST"}


def die(msg):
    sys.exit(f"coap_split.py: {msg}")


def code_str(code):
    return f"{code >> 5}.{code & 31:02d}"


def unhex(s):
    return bytes.fromhex(s.replace(":", ""))


def as_list(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def tshark_view(coap, udp):
    """(type, code, mid, token) of one dissected CoAP PDU, as strings."""
    token = coap.get("coap.token", "").replace(":", "") or "-"
    code = code_str(int(coap["coap.code"]))
    if not udp:
        return ("-", code, "-", token)
    return (TYPES[int(coap["coap.type"])], code, coap["coap.mid"], token)


def frame_len(buf, i):
    """Length of the RFC 8323 §3.2 frame starting at buf[i], or None if its header is cut."""
    b0 = buf[i]
    ln, tkl = b0 >> 4, b0 & 0x0F
    ext = {13: 1, 14: 2, 15: 4}.get(ln, 0)
    if i + 1 + ext > len(buf):
        return None
    if ext:
        ln = int.from_bytes(buf[i + 1:i + 1 + ext], "big") + {1: 13, 2: 269, 4: 65805}[ext]
    return 1 + ext + 1 + tkl + ln


def main():
    if len(sys.argv) != 7:
        die("usage: coap_split.py CAPTURE.json TRANSPORT SERVER_PORT CLIENT_PORT SERVER_LOG OUT.tsv")
    path, transport, server_port, client_port, server_log, out = sys.argv[1:]
    server_port, client_port = int(server_port), int(client_port)
    udp = transport == "udp"
    if transport not in ("udp", "tcp"):
        die(f"unknown transport {transport}")
    with open(path) as f:
        packets = json.load(f)

    rows = []  # (dir, bytes, tshark view)
    streams = {"c": bytearray(), "s": bytearray()}  # tcp: bytes so far
    next_seq = {"c": None, "s": None}
    pending = {"c": [], "s": []}  # tcp: tshark views not yet matched to frames
    start = {"c": 0, "s": 0}  # tcp: where the next frame starts
    for p in packets:
        layers = p["_source"]["layers"]
        proto = layers.get(transport)
        if proto is None:
            continue
        sport, dport = int(proto[f"{transport}.srcport"]), int(proto[f"{transport}.dstport"])
        if {sport, dport} != {server_port, client_port}:
            continue
        d = "c" if sport == client_port else "s"
        views = [tshark_view(c, udp) for c in as_list(layers.get("coap"))]
        if udp:
            payload = unhex(proto.get("udp.payload", ""))
            if len(views) != 1:
                die(f"a datagram of {len(payload)} bytes that tshark reads as {len(views)} messages")
            rows.append((d, payload, views[0]))
            continue
        payload = unhex(proto.get("tcp.payload", ""))
        seq = int(proto["tcp.seq"])
        if proto.get("tcp.flags_tree", {}).get("tcp.flags.syn") == "1":
            next_seq[d] = seq + 1  # the SYN counts one
            continue
        if not payload:
            continue  # a bare ACK, or a FIN (which counts one more)
        if next_seq[d] is None:
            die(f"{d}: data before the SYN was captured")
        if seq < next_seq[d]:
            if seq + len(payload) > next_seq[d]:
                die(f"a segment overlapping what came before at seq {seq}")
            continue  # a retransmission
        if seq > next_seq[d]:
            die(f"{d}: bytes missing before seq {seq} (expected {next_seq[d]})")
        next_seq[d] += len(payload)
        streams[d] += payload
        pending[d] += views
        # Frames completed by this segment, in order.
        buf = streams[d]
        while start[d] < len(buf):
            n = frame_len(buf, start[d])
            if n is None or start[d] + n > len(buf):
                break
            frame = bytes(buf[start[d]:start[d] + n])
            start[d] += n
            if not pending[d]:
                die(f"{d}: a frame tshark did not dissect: {frame[:16].hex()}")
            rows.append((d, frame, pending[d].pop(0)))

    if not udp:
        for d in "cs":
            if start[d] != len(streams[d]):
                die(f"{d}: {len(streams[d]) - start[d]} bytes after the last whole frame")
            if pending[d]:
                die(f"{d}: tshark dissected {len(pending[d])} messages more than the frames")

    for d, msg, (kind, code, mid, token) in rows:
        # The frame's own header against tshark's reading.
        if udp:
            own = (TYPES[msg[0] >> 4 & 3], code_str(msg[1]), str(int.from_bytes(msg[2:4], "big")),
                   msg[4:4 + (msg[0] & 15)].hex() or "-")
        else:
            ext = {13: 1, 14: 2, 15: 4}.get(msg[0] >> 4, 0)
            tkl = msg[0] & 15
            own = ("-", code_str(msg[1 + ext]), "-", msg[2 + ext:2 + ext + tkl].hex() or "-")
        if own != (kind, code, mid, token):
            die(f"{d}: {msg[:16].hex()}: the header says {own}, tshark {(kind, code, mid, token)}")

    if not rows:
        die("no messages in the session")
    logged = {"c": 0, "s": 0}
    line = re.compile(rf"<-> 127\.0\.0\.1:{client_port} .*{transport.upper()} : (sent|received) (\d+) bytes")
    with open(server_log, errors="replace") as f:
        for m in filter(None, map(line.search, f)):
            logged["s" if m.group(1) == "sent" else "c"] += int(m.group(2))
    captured = {d: sum(len(r[1]) for r in rows if r[0] == d) for d in "cs"}
    if captured != logged:
        die(f"captured {captured} bytes (c: from the client, s: from the server), "
            f"coap-server-notls logged {logged}")
    with open(out, "w") as f:
        f.write("dir\thex\ttype\tcode\tmid\ttoken\n")
        for d, msg, view in rows:
            f.write("\t".join((d, msg.hex()) + view) + "\n")
    print(sum(r[0] == "c" for r in rows), sum(r[0] == "s" for r in rows))


main()
