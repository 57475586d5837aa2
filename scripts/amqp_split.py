"""Splits the TCP payloads of a capture into AMQP 0-9-1 frames, one vector file per TCP
connection (used by scripts/capture_amqp.sh):

    tshark -r F.pcapng -Y 'tcp.len > 0' -T fields -e tcp.stream -e tcp.srcport \
        -e tcp.seq_raw -e tcp.payload | python3 scripts/amqp_split.py SERVER_PORT OUT NAMES

NAMES is a file with one session name a line, in connection order; connection N is
written to OUT/NN-NAME.hex. Each file: comment lines (#), then one frame a line in the
order the segments were captured, "C " (client) or "S " (server) and the frame's hex.
The client's first 8 octets are the protocol header, its own line. Frames are cut by
their 7-octet header (type, channel, size) and must end with 0xCE; a segment seen twice
(a retransmission) is skipped by its sequence number; bytes left over fail the split.
"""

import os
import sys


def main():
    server_port, out, names_file = sys.argv[1], sys.argv[2], sys.argv[3]
    names = [n.strip() for n in open(names_file) if n.strip()]
    streams = {}  # stream -> {"order": [...], "buf": {dir: bytearray}, "next": {dir: seq}}
    for line in sys.stdin:
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 4 or not parts[3]:
            continue
        stream, srcport, seq, payload = int(parts[0]), parts[1], int(parts[2]), bytes.fromhex(parts[3])
        d = "S" if srcport == server_port else "C"
        st = streams.setdefault(stream, {"frames": [], "buf": {"C": bytearray(), "S": bytearray()},
                                         "next": {}, "header": False})
        nxt = st["next"].get(d)
        if nxt is not None and seq < nxt:
            continue  # retransmitted
        if nxt is not None and seq != nxt:
            sys.exit("stream %d %s: a gap in the capture at seq %d (expected %d)" % (stream, d, seq, nxt))
        st["next"][d] = (seq + len(payload)) & 0xFFFFFFFF
        buf = st["buf"][d]
        buf += payload
        if d == "C" and not st["header"]:
            if len(buf) < 8:
                continue
            st["frames"].append(("C", bytes(buf[:8])))
            del buf[:8]
            st["header"] = True
        while len(buf) >= 7:
            size = int.from_bytes(buf[3:7], "big")
            if len(buf) < 8 + size:
                break
            frame = bytes(buf[:8 + size])
            if frame[-1] != 0xCE:
                sys.exit("stream %d %s: frame without frame-end: %s" % (stream, d, frame[:32].hex()))
            st["frames"].append((d, frame))
            del buf[:8 + size]
    ids = sorted(streams)
    if len(ids) != len(names):
        sys.exit("%d connections captured, %d sessions named" % (len(ids), len(names)))
    for i, (sid, name) in enumerate(zip(ids, names), 1):
        st = streams[sid]
        for d in "CS":
            if st["buf"][d]:
                sys.exit("stream %d %s: %d octets left over" % (sid, d, len(st["buf"][d])))
        path = os.path.join(out, "%02d-%s.hex" % (i, name))
        with open(path, "w") as f:
            f.write("# %s: pika and RabbitMQ, captured by scripts/capture_amqp.sh\n" % name)
            f.write("# C = client to RabbitMQ, S = RabbitMQ to client; one frame a line\n")
            for d, frame in st["frames"]:
                f.write("%s %s\n" % (d, frame.hex()))
        c = sum(1 for d, _ in st["frames"] if d == "C")
        print("%s\t%d\t%d" % (os.path.basename(path), c, len(st["frames"]) - c))


main()
