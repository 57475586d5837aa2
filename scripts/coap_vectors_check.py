#!/usr/bin/env python3
"""coap_vectors_check.py: self-check of the spec-derived CoAP vectors in tests/vectors/coap/.

spec.tsv (columns id, context, hex, clause, fields):
  * decodes `hex` per RFC 7252 §3 (context udp), RFC 8323 §3.2 (tcp: Len/TKL, Extended Length)
    or RFC 8323 §4.2 (ws: Len nibble 0, no Extended Length), renders the canonical `fields`
    string and compares it with the column;
  * parses the `fields` column, encodes it again and compares the result with `hex`.
  Besides the wire rules (version 1, TKL 0-8, reserved nibble 15, payload marker followed by
  nothing, option numbers above 65535, TCP length mismatch), every row must be canonical: options
  known to the registries below and inside their length ranges, uint values without leading zero
  bytes (RFC 7252 §3.2: 0 is the empty value), Empty messages with nothing after the header, and
  the message-layer type/code pairings of RFC 7252 §4 (udp).

linkformat.tsv (id, clause, input, links): parses `input` with a strict RFC 6690 §2 parser and
  compares the rendering `<target>;name=value;flag | ...` (quoted values without their quotes,
  backslash escapes kept, `-` for no links) with `links`. A `\\t` in `input` stands for a tab.
linkformat_bad.tsv (id, clause, input, why): the same parser must reject every `input`.

Prints one line per failing row and a summary per file; exit status 1 if any row fails.
Standard library only; runs from any directory.
"""
import sys
from pathlib import Path

VECTORS = Path(__file__).resolve().parent.parent / "tests" / "vectors" / "coap"

# --- option registries --------------------------------------------------------------------------

# Request/response options: number -> (name, format, min length, max length).
OPTIONS = {
    1: ("If-Match", "opaque", 0, 8),            # RFC 7252
    3: ("Uri-Host", "string", 1, 255),
    4: ("ETag", "opaque", 1, 8),
    5: ("If-None-Match", "empty", 0, 0),
    6: ("Observe", "uint", 0, 3),               # RFC 7641
    7: ("Uri-Port", "uint", 0, 2),
    8: ("Location-Path", "string", 0, 255),
    9: ("OSCORE", "opaque", 0, 255),            # RFC 8613
    11: ("Uri-Path", "string", 0, 255),
    12: ("Content-Format", "uint", 0, 2),
    14: ("Max-Age", "uint", 0, 4),
    15: ("Uri-Query", "string", 0, 255),
    16: ("Hop-Limit", "uint", 1, 1),            # RFC 8768
    17: ("Accept", "uint", 0, 2),
    19: ("Q-Block1", "uint", 0, 3),             # RFC 9177
    20: ("Location-Query", "string", 0, 255),
    21: ("EDHOC", "empty", 0, 0),               # RFC 9668
    23: ("Block2", "uint", 0, 3),               # RFC 7959
    27: ("Block1", "uint", 0, 3),
    28: ("Size2", "uint", 0, 4),
    31: ("Q-Block2", "uint", 0, 3),             # RFC 9177
    35: ("Proxy-Uri", "string", 1, 1034),
    39: ("Proxy-Scheme", "string", 1, 255),
    60: ("Size1", "uint", 0, 4),
    252: ("Echo", "opaque", 1, 40),             # RFC 9175
    258: ("No-Response", "uint", 0, 1),         # RFC 7967
    292: ("Request-Tag", "opaque", 0, 8),       # RFC 9175
}

# Signaling options (RFC 8323 §5): numbers are scoped to the signaling code.
SIGNALING = {
    (7, 1): {2: ("Max-Message-Size", "uint", 0, 4), 4: ("Block-Wise-Transfer", "empty", 0, 0)},
    (7, 2): {2: ("Custody", "empty", 0, 0)},
    (7, 3): {2: ("Custody", "empty", 0, 0)},
    (7, 4): {2: ("Alternative-Address", "string", 1, 255), 4: ("Hold-Off", "uint", 0, 3)},
    (7, 5): {2: ("Bad-CSM-Option", "uint", 0, 2)},
}

TYPES = ["CON", "NON", "ACK", "RST"]


class Bad(Exception):
    """A message or a link-format document that the strict rules refuse."""


# --- decoding -----------------------------------------------------------------------------------

def read_ext(data, pos, nibble, what):
    """RFC 7252 §3.1 nibble value: 0-12 direct, 13 + 1 byte, 14 + 2 bytes, 15 reserved."""
    if nibble < 13:
        return nibble, pos
    if nibble == 13:
        if pos + 1 > len(data):
            raise Bad(what + ": truncated 8-bit extension")
        return data[pos] + 13, pos + 1
    if nibble == 14:
        if pos + 2 > len(data):
            raise Bad(what + ": truncated 16-bit extension")
        return int.from_bytes(data[pos:pos + 2], "big") + 269, pos + 2
    raise Bad(what + ": reserved value 15")


def decode_body(data):
    """Options and payload after the token (RFC 7252 §3, §3.1). Returns (options, payload)."""
    options, pos, number = [], 0, 0
    while pos < len(data):
        byte = data[pos]
        if byte == 0xFF:
            if pos + 1 == len(data):
                raise Bad("payload marker followed by a zero-length payload")
            return options, data[pos + 1:]
        delta, pos = read_ext(data, pos + 1, byte >> 4, "option delta")
        length, pos = read_ext(data, pos, byte & 0x0F, "option length")
        number += delta
        if number > 0xFFFF:
            raise Bad("option number %d above 65535" % number)
        if pos + length > len(data):
            raise Bad("option %d: value runs past the end" % number)
        options.append((number, data[pos:pos + length]))
        pos += length
    return options, b""


def decode(context, data):
    """Whole message -> dict(type, code, mid, token, options, payload); type/mid only for udp."""
    msg = {}
    if context == "udp":
        if len(data) < 4:
            raise Bad("shorter than the 4-byte header")
        if data[0] >> 6 != 1:
            raise Bad("version %d" % (data[0] >> 6))
        msg["type"] = TYPES[(data[0] >> 4) & 3]
        tkl, code, pos = data[0] & 0x0F, data[1], 4
        msg["mid"] = int.from_bytes(data[2:4], "big")
    elif context in ("tcp", "ws"):
        if len(data) < 2:
            raise Bad("shorter than Len/TKL + Code")
        nibble, tkl = data[0] >> 4, data[0] & 0x0F
        if context == "ws":
            if nibble != 0:
                raise Bad("ws: Len nibble must be 0, got %d" % nibble)
            length, pos = None, 1
        elif nibble == 15:
            if len(data) < 5:
                raise Bad("truncated 32-bit Extended Length")
            length, pos = int.from_bytes(data[1:5], "big") + 65805, 5
        else:
            length, pos = read_ext(data, 1, nibble, "Len")
        if pos >= len(data):
            raise Bad("missing Code")
        code, pos = data[pos], pos + 1
        if tkl > 8:
            raise Bad("TKL %d (9-15 reserved)" % tkl)
        if length is not None and len(data) - pos - tkl != length:
            raise Bad("Len says %d bytes of options/payload, message has %d"
                      % (length, len(data) - pos - tkl))
    else:
        raise Bad("unknown context %r" % context)
    if tkl > 8:
        raise Bad("TKL %d (9-15 reserved)" % tkl)
    if pos + tkl > len(data):
        raise Bad("token runs past the end")
    msg["code"] = (code >> 5, code & 0x1F)
    msg["token"] = data[pos:pos + tkl]
    msg["options"], msg["payload"] = decode_body(data[pos + tkl:])
    check_semantics(context, msg)
    return msg


def check_semantics(context, msg):
    """Registry, canonical-uint and message-layer rules every vector must meet."""
    cls, detail = msg["code"]
    empty = (cls, detail) == (0, 0)
    if empty and (msg["token"] or msg["options"] or msg["payload"]):
        raise Bad("Empty message (0.00) with token, options or payload (RFC 7252 §4.1)")
    if context == "udp":
        if cls in (1, 6, 7):
            raise Bad("reserved code class %d over UDP" % cls)
        kind = msg["type"]
        if kind == "RST" and not empty:
            raise Bad("Reset must be Empty (RFC 7252 §4.2)")
        if kind == "NON" and empty:
            raise Bad("Non-confirmable must not be Empty (RFC 7252 §4.3)")
        if kind == "ACK" and cls == 0 and not empty:
            raise Bad("ACK carrying a request (RFC 7252 §4.2)")
    elif cls in (1, 6):
        raise Bad("reserved code class %d" % cls)
    if cls == 7:
        registry = SIGNALING.get((cls, detail))
        if registry is None:
            raise Bad("unassigned signaling code 7.%02d" % detail)
    else:
        registry = OPTIONS
    for number, value in msg["options"]:
        if number not in registry:
            raise Bad("option %d not in the registry used here" % number)
        name, fmt, low, high = registry[number]
        if not low <= len(value) <= high:
            raise Bad("%s: length %d outside %d-%d" % (name, len(value), low, high))
        if fmt == "uint" and value[:1] == b"\x00" and len(value) > low:
            raise Bad("%s: uint with a leading zero byte (not canonical)" % name)


# --- the fields column --------------------------------------------------------------------------

def render(context, msg):
    parts = []
    if context == "udp":
        parts.append("type=" + msg["type"])
    parts.append("code=%d.%02d" % msg["code"])
    if context == "udp":
        parts.append("mid=%d" % msg["mid"])
    parts.append("token=" + (msg["token"].hex() or "-"))
    parts += ["opt=%d:%s" % (n, v.hex()) for n, v in msg["options"]]
    parts.append("payload=" + (msg["payload"].hex() or "-"))
    return " ".join(parts)


def parse_fields(context, text):
    keys = (["type"] if context == "udp" else []) + ["code"] + (["mid"] if context == "udp" else []) + ["token"]
    items = text.split(" ")
    msg, options = {}, []
    for key in keys:
        if not items or not items[0].startswith(key + "="):
            raise Bad("fields: expected %s=" % key)
        msg[key] = items.pop(0)[len(key) + 1:]
    while items and items[0].startswith("opt="):
        number, sep, value = items.pop(0)[4:].partition(":")
        if not sep or not number.isdigit():
            raise Bad("fields: malformed opt=")
        options.append((int(number), bytes.fromhex(value)))
    if len(items) != 1 or not items[0].startswith("payload="):
        raise Bad("fields: expected a final payload=")
    payload = items[0][len("payload="):]
    if context == "udp":
        if msg["type"] not in TYPES:
            raise Bad("fields: unknown type")
        msg["mid"] = int(msg["mid"])
    cls, dot, detail = msg["code"].partition(".")
    if not dot or len(detail) != 2:
        raise Bad("fields: code must be C.DD")
    msg["code"] = (int(cls), int(detail))
    msg["token"] = b"" if msg["token"] == "-" else bytes.fromhex(msg["token"])
    msg["options"] = options
    msg["payload"] = b"" if payload == "-" else bytes.fromhex(payload)
    if msg["payload"] == b"" and payload != "-":
        raise Bad("fields: an empty payload is written '-'")
    return msg


def ext_nibble(value):
    if value < 13:
        return value, b""
    if value < 269:
        return 13, bytes([value - 13])
    if value < 65805:
        return 14, (value - 269).to_bytes(2, "big")
    raise Bad("value %d too large for an option header" % value)


def encode(context, msg):
    body, previous = bytearray(), 0
    for number, value in msg["options"]:
        if number < previous:
            raise Bad("options not in ascending order")
        delta_nibble, delta_ext = ext_nibble(number - previous)
        length_nibble, length_ext = ext_nibble(len(value))
        body += bytes([delta_nibble << 4 | length_nibble]) + delta_ext + length_ext + value
        previous = number
    if msg["payload"]:
        body += b"\xff" + msg["payload"]
    token = msg["token"]
    code = bytes([msg["code"][0] << 5 | msg["code"][1]])
    if context == "udp":
        first = 0x40 | TYPES.index(msg["type"]) << 4 | len(token)
        return bytes([first]) + code + msg["mid"].to_bytes(2, "big") + token + bytes(body)
    if context == "ws":
        return bytes([len(token)]) + code + token + bytes(body)
    n = len(body)
    if n < 13:
        head = bytes([n << 4 | len(token)])
    elif n < 269:
        head = bytes([0xD0 | len(token), n - 13])
    elif n < 65805:
        head = bytes([0xE0 | len(token)]) + (n - 269).to_bytes(2, "big")
    else:
        head = bytes([0xF0 | len(token)]) + (n - 65805).to_bytes(4, "big")
    return head + code + token + bytes(body)


# --- RFC 6690 link format -----------------------------------------------------------------------

ATTR_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~")
PTOKEN_CHARS = ATTR_CHARS | set("%'()*/:<=>?@[]{}")


def parse_links(text):
    """RFC 6690 §2: Link = [ link-value *( "," link-value ) ]; no whitespace, no empty entries.

    Returns [(target, [(name, value or None), ...]), ...]; quoted values keep their escapes.
    """
    links, pos = [], 0
    if text == "":
        return links
    while True:
        if pos >= len(text) or text[pos] != "<":
            raise Bad("link-value must start with '<' at offset %d" % pos)
        end = text.find(">", pos + 1)
        if end < 0:
            raise Bad("unterminated '<'")
        target = text[pos + 1:end]
        if any(c in ' <"\\' or ord(c) < 0x21 or ord(c) == 0x7F for c in target):
            raise Bad("character not allowed in a URI-Reference")
        pos, params = end + 1, []
        while pos < len(text) and text[pos] == ";":
            start = pos = pos + 1
            while pos < len(text) and text[pos] in ATTR_CHARS:
                pos += 1
            if pos < len(text) and text[pos] == "*" and pos > start:
                pos += 1                       # ext-name-star
            name = text[start:pos]
            if not name:
                raise Bad("empty parameter name at offset %d" % start)
            value = None
            if pos < len(text) and text[pos] == "=":
                pos += 1
                if pos < len(text) and text[pos] == '"':
                    start = pos = pos + 1
                    while True:
                        if pos >= len(text):
                            raise Bad("unterminated quoted-string")
                        if text[pos] == "\\":
                            if pos + 1 >= len(text):
                                raise Bad("unterminated quoted-pair")
                            pos += 2
                        elif text[pos] == '"':
                            break
                        elif ord(text[pos]) < 0x20 and text[pos] != "\t":
                            raise Bad("control character in quoted-string")
                        else:
                            pos += 1
                    value, pos = text[start:pos], pos + 1
                else:
                    start = pos
                    while pos < len(text) and text[pos] in PTOKEN_CHARS:
                        pos += 1
                    value = text[start:pos]
                    if not value:
                        raise Bad("'=' without a value at offset %d" % start)
            params.append((name, value))
        links.append((target, params))
        if pos == len(text):
            return links
        if text[pos] != ",":
            raise Bad("unexpected %r at offset %d" % (text[pos], pos))
        pos += 1


def render_links(links):
    if not links:
        return "-"
    out = []
    for target, params in links:
        out.append("<%s>" % target + "".join(
            ";" + name if value is None else ";%s=%s" % (name, value) for name, value in params))
    return " | ".join(out)


# --- driver -------------------------------------------------------------------------------------

def rows(path):
    header, out = None, []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if header is None:
            header = cols
            continue
        if len(cols) != len(header):
            out.append((number, None))
        else:
            out.append((number, dict(zip(header, cols))))
    return header, out


def check_spec(path):
    failures, seen, count = [], set(), 0
    header, table = rows(path)
    if header != ["id", "context", "hex", "clause", "fields"]:
        return 0, ["%s: unexpected header %r" % (path.name, header)]
    for line, row in table:
        count += 1
        if row is None:
            failures.append("%s:%d: wrong number of columns" % (path.name, line))
            continue
        rid, context = row["id"], row["context"]
        try:
            if rid in seen or not (rid.startswith("spec-") and rid[5:].isdigit() and len(rid) == 8):
                raise Bad("id must be a unique spec-NNN")
            seen.add(rid)
            if not row["clause"].startswith("RFC "):
                raise Bad("clause must name an RFC")
            hex_text = row["hex"]
            if hex_text != hex_text.lower():
                raise Bad("hex must be lowercase")
            decoded = render(context, decode(context, bytes.fromhex(hex_text)))
            if decoded != row["fields"]:
                raise Bad("decoded fields differ:\n    got  %s\n    want %s" % (decoded, row["fields"]))
            again = encode(context, parse_fields(context, row["fields"])).hex()
            if again != hex_text:
                raise Bad("re-encoding differs:\n    got  %s\n    want %s" % (again, hex_text))
        except (Bad, ValueError) as err:
            failures.append("%s %s: %s" % (path.name, rid, err))
    return count, failures


def check_linkformat(path, expect_ok):
    failures, count = [], 0
    want = ["id", "clause", "input", "links" if expect_ok else "why"]
    header, table = rows(path)
    if header != want:
        return 0, ["%s: unexpected header %r" % (path.name, header)]
    for line, row in table:
        count += 1
        if row is None:
            failures.append("%s:%d: wrong number of columns" % (path.name, line))
            continue
        text = row["input"].replace("\\t", "\t")
        try:
            links = parse_links(text)
        except Bad as err:
            if expect_ok:
                failures.append("%s %s: rejected: %s" % (path.name, row["id"], err))
            continue
        if not expect_ok:
            failures.append("%s %s: accepted, should be rejected (%s)" % (path.name, row["id"], row["why"]))
        elif render_links(links) != row["links"]:
            failures.append("%s %s: parsed differently:\n    got  %s\n    want %s"
                            % (path.name, row["id"], render_links(links), row["links"]))
    return count, failures


def main():
    checks = [
        (VECTORS / "spec.tsv", check_spec),
        (VECTORS / "linkformat.tsv", lambda p: check_linkformat(p, True)),
        (VECTORS / "linkformat_bad.tsv", lambda p: check_linkformat(p, False)),
    ]
    failed = 0
    for path, check in checks:
        if not path.exists():
            print("%s: missing" % path)
            failed += 1
            continue
        count, failures = check(path)
        for failure in failures:
            print(failure)
        print("%s: %d rows, %d failing" % (path.name, count, len(failures)))
        failed += len(failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
