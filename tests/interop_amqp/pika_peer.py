"""pika, a Python AMQP 0-9-1 client no one here wrote, as the other end of
tests/interop_amqp/main.rs (run by it):

    pika_peer.py publish HOST:PORT QUEUE
        declares QUEUE and publishes 3 messages: the first with all 14 properties and
        rich headers (nested dicts, lists, ints, a 64-bit int, bool, bytes, Decimal,
        datetime, None), the next two with 300000-octet bodies; waits for the broker's
        confirms. The iotwire consumer checks them field by field.

    pika_peer.py consume HOST:PORT QUEUE USER
        gets the 2 messages iotwire published to QUEUE and checks every property and
        every header field, printing "ok ..." per field (and "note ..." where pika reads
        a value its own way); exits 1 on the first difference.

pika cannot encode floats (UnsupportedAMQPFieldException), and decodes `f` and `d`
through int(): those are the notes.
"""

import datetime
import decimal
import sys

import pika

CREDENTIALS = ("guest", "guest")


def connect(addr, user="guest", password="guest"):
    host, port = addr.rsplit(":", 1)
    params = pika.ConnectionParameters(
        host=host,
        port=int(port),
        credentials=pika.PlainCredentials(user, password),
        connection_attempts=3,
        retry_delay=0.5,
    )
    return pika.BlockingConnection(params)


def publish(addr, queue):
    print("pika", pika.__version__)
    conn = connect(addr)
    ch = conn.channel()
    ch.confirm_delivery()
    ch.queue_declare(queue)
    headers = {
        "str": "héllo from pika",
        "int": -42,
        "big": 1 << 40,
        "true": True,
        "bytes": b"\x00\xff\x10",
        "decimal": decimal.Decimal("3.14"),
        "datetime": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        "none": None,
        "list": ["a", 7, {"k": "v"}, [True, None]],
        "nested": {"name": "inner", "list": [1, 2], "deeper": {"x": False}},
    }
    props = pika.BasicProperties(
        content_type="application/json",
        content_encoding="utf-8",
        headers=headers,
        delivery_mode=2,
        priority=3,
        correlation_id="pika-corr",
        reply_to="pika.replies",
        expiration="600000",
        message_id="pika-1",
        timestamp=1704164645,
        type="pika.test",
        user_id="guest",
        app_id="pika",
        cluster_id="pika-cluster",
    )
    ch.basic_publish("", queue, b'{"from": "pika"}', props)
    for i in (1, 2):
        body = bytes((i * 7 + j) % 251 for j in range(300000))
        ch.basic_publish("", queue, body, pika.BasicProperties(message_id="pika-%d" % (i + 1)))
    conn.close()
    print("published 3 messages to", queue)


def body(n, seed):
    """The same bytes as body() in main.rs."""
    return bytes(((i * 31 + seed) & 0xFF) ^ ((i >> 8) & 0xFF) for i in range(n))


def consume(addr, queue, user):
    failures = []
    count = [0]

    def same(what, want, got):
        # pika reads integers as its own int subclass (printed with an L).
        kinds = (type(want) is type(got)) or (isinstance(want, int) and isinstance(got, int)
                                               and not isinstance(got, bool))
        if want == got and kinds:
            count[0] += 1
            shown = repr(got) if len(repr(got)) < 200 else "%d octets" % len(got)
            print("ok %s: %s" % (what, shown))
        else:
            failures.append("%s: want %r (%s), pika read %r (%s)" % (what, want, type(want).__name__, got, type(got).__name__))

    conn = connect(addr)
    ch = conn.channel()
    method, props, payload = ch.basic_get(queue)
    if method is None:
        print("FAIL nothing in", queue)
        sys.exit(1)
    same("body", body(50000, 9), payload)
    same("content_type", "application/x-iotwire", props.content_type)
    same("content_encoding", "identity", props.content_encoding)
    same("delivery_mode", 2, props.delivery_mode)
    same("priority", 7, props.priority)
    same("correlation_id", "corr-0042", props.correlation_id)
    same("reply_to", "iotwire.replies", props.reply_to)
    same("expiration", "600000", props.expiration)
    same("message_id", "msg-0001", props.message_id)
    same("timestamp", 1700000123, props.timestamp)
    same("type", "iotwire.interop", props.type)
    same("user_id", user, props.user_id)
    same("app_id", "iotwire-interop-amqp", props.app_id)
    same("cluster_id", "iotwire-cluster", props.cluster_id)
    h = props.headers or {}
    utc = datetime.timezone.utc
    want = {
        "t-bool": True,
        "b-i8": -100,
        "B-u8": 250,
        "s-i16": -30000,
        "u-u16": 60000,
        "I-i32": -2000000000,
        "i-u32": 4000000000,
        "l-i64": -9000000000000000,
        "D-decimal": decimal.Decimal("-123.456"),
        "S-longstr": "grüße, 温度",
        "x-bytes": b"\x00\x01\xfe\xff",
        "A-array": [1, "two", False, [-3, None], {"in-array": 4},
                    datetime.datetime.fromtimestamp(1600000000, utc), b"\x05"],
        "T-timestamp": datetime.datetime.fromtimestamp(1700000000, utc),
        "F-table": {"depth": 2, "sensor": "t-17", "reading": 21,
                    "deeper": {"depth": 3, "empty-array": [], "empty-table": {}}},
        "V-void": None,
    }
    order = ["t-bool", "b-i8", "B-u8", "s-i16", "u-u16", "I-i32", "i-u32", "l-i64", "f-f32",
             "d-f64", "D-decimal", "S-longstr", "x-bytes", "A-array", "T-timestamp", "F-table",
             "V-void"]
    same("header names in order", order, list(h))
    for k, v in want.items():
        same("headers[%r]" % k, v, h.get(k))
    # pika reads f and d through int(): 1.5 -> 1, -2.25e100 -> an int.
    for k, v in (("f-f32", 1.5), ("d-f64", -2.25e100)):
        got = h.get(k)
        if isinstance(got, float):
            same("headers[%r]" % k, v, got)
        elif isinstance(got, int) and got == int(v):
            count[0] += 1
            print("ok headers[%r]: %r" % (k, got))
            print("note pika read %s %r as int %r (its decoder truncates floats)" % (k, v, got))
        else:
            failures.append("headers[%r]: want %r, pika read %r" % (k, v, got))
    ch.basic_ack(method.delivery_tag)
    method, props, payload = ch.basic_get(queue, auto_ack=True)
    same("second body", b"last", payload)
    same("second content_type", "text/plain", props and props.content_type)
    ch.queue_delete(queue)
    conn.close()
    for f in failures:
        print("FAIL", f)
    print("pika", pika.__version__, "checked", count[0], "fields")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "publish":
        publish(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "consume":
        consume(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
