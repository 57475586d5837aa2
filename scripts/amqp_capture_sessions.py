"""The pika sessions scripts/capture_amqp.sh records against RabbitMQ, one TCP
connection each, in this order (their names are the vector files' names):

    python3 scripts/amqp_capture_sessions.py HOST:PORT

Prints one line per session: its name and what it did.
"""

import datetime
import decimal
import sys
import time

import pika

SESSIONS = []


def session(name):
    def register(f):
        SESSIONS.append((name, f))
        return f
    return register


def connect(addr, **kw):
    host, port = addr.rsplit(":", 1)
    params = pika.ConnectionParameters(host=host, port=int(port),
                                       credentials=pika.PlainCredentials("guest", "guest"),
                                       client_properties={"connection_name": "iotwire-capture"},
                                       **kw)
    return pika.BlockingConnection(params)


HEADERS = {
    "str": "héllo",
    "int": -42,
    "big": 1 << 40,
    "true": True,
    "bytes": b"\x00\xff",
    "decimal": decimal.Decimal("3.14"),
    "datetime": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
    "none": None,
    "list": ["a", 7, {"k": "v"}, [True, None]],
    "nested": {"name": "inner", "deeper": {"x": False}},
}

ALL_PROPERTIES = pika.BasicProperties(
    content_type="application/json", content_encoding="utf-8", headers=HEADERS,
    delivery_mode=2, priority=3, correlation_id="corr-1", reply_to="replies",
    expiration="600000", message_id="m-1", timestamp=1704164645, type="capture",
    user_id="guest", app_id="pika", cluster_id="c-1")


@session("handshake-close")
def handshake(addr):
    c = connect(addr)
    c.close()
    return "connect, close"


@session("declare-arguments")
def declare(addr):
    c = connect(addr)
    ch = c.channel()
    ch.exchange_declare("cap.ae", "fanout")
    ch.exchange_declare("cap.direct", "direct", arguments={"alternate-exchange": "cap.ae"})
    ch.exchange_declare("cap.topic", "topic", durable=True)
    ch.queue_declare("cap.q", arguments={"x-message-ttl": 60000, "x-max-length": 10,
                                         "x-dead-letter-exchange": "cap.ae"})
    ch.queue_bind("cap.q", "cap.direct", "key", arguments={"x-match": "all"})
    ch.exchange_bind("cap.topic", "cap.direct", "t")
    ch.queue_unbind("cap.q", "cap.direct", "key", arguments={"x-match": "all"})
    ch.queue_purge("cap.q")
    ch.queue_delete("cap.q")
    for x in ("cap.direct", "cap.topic", "cap.ae"):
        ch.exchange_delete(x)
    ch.close()
    c.close()
    return "exchanges and a queue with argument tables, bind, unbind, purge, delete"


@session("publish-consume-large")
def publish_consume(addr):
    c = connect(addr, frame_max=4096)
    ch = c.channel()
    q = ch.queue_declare("", exclusive=True).method.queue
    body = bytes(i % 251 for i in range(10000))
    ch.basic_publish("", q, body, ALL_PROPERTIES)
    ch.basic_publish("", q, b"small", pika.BasicProperties(content_type="text/plain"))
    got = []

    def on_message(chan, method, props, payload):
        got.append(payload)
        chan.basic_ack(method.delivery_tag)
        if len(got) == 2:
            chan.stop_consuming()

    tag = ch.basic_consume(q, on_message, consumer_tag="cap-consumer")
    ch.start_consuming()
    ch.basic_cancel(tag)
    assert got == [body, b"small"], "bodies differ"
    ch.close()
    c.close()
    return "frame-max 4096; all 14 properties + headers, a 10000-octet body; consume, ack, cancel"


@session("get")
def get(addr):
    c = connect(addr)
    ch = c.channel()
    q = ch.queue_declare("", exclusive=True).method.queue
    ch.basic_publish("", q, b"one", ALL_PROPERTIES)
    m = ch.basic_get(q)
    ch.basic_ack(m[0].delivery_tag)
    assert ch.basic_get(q)[0] is None
    ch.close()
    c.close()
    return "basic.get-ok, ack, basic.get-empty"


@session("confirms-return")
def confirms(addr):
    c = connect(addr)
    ch = c.channel()
    ch.confirm_delivery()
    q = ch.queue_declare("", exclusive=True).method.queue
    for i in range(3):
        ch.basic_publish("", q, b"confirmed %d" % i)
    try:
        ch.basic_publish("amq.direct", "nobody", b"returned", mandatory=True)
    except pika.exceptions.UnroutableError:
        pass
    ch.close()
    c.close()
    return "confirm.select, 3 basic.ack, a mandatory publish returned"


@session("tx")
def tx(addr):
    c = connect(addr)
    ch = c.channel()
    q = ch.queue_declare("", exclusive=True).method.queue
    ch.tx_select()
    ch.basic_publish("", q, b"rolled back")
    ch.tx_rollback()
    ch.basic_publish("", q, b"committed")
    ch.tx_commit()
    ch.close()
    c.close()
    return "tx.select, rollback, commit"


@session("qos-reject-nack")
def reject(addr):
    c = connect(addr)
    ch = c.channel()
    ch.basic_qos(prefetch_count=2)
    q = ch.queue_declare("", exclusive=True).method.queue
    ch.basic_publish("", q, b"bounce")
    m = ch.basic_get(q)
    ch.basic_reject(m[0].delivery_tag, requeue=True)
    m = ch.basic_get(q)
    ch.basic_nack(m[0].delivery_tag, requeue=True)
    m = ch.basic_get(q)
    ch.basic_nack(m[0].delivery_tag, multiple=True, requeue=False)
    ch.basic_recover(requeue=True)
    ch.close()
    c.close()
    return "basic.qos, reject requeue, nack requeue, nack multiple, recover"


@session("heartbeat")
def heartbeat(addr):
    c = connect(addr, heartbeat=1)
    ch = c.channel()
    deadline = time.time() + 3.5
    while time.time() < deadline:
        c.process_data_events(time_limit=0.2)
    ch.close()
    c.close()
    return "heartbeat 1 s, idle 3.5 s"


@session("channel-error-close")
def channel_error(addr):
    c = connect(addr)
    ch = c.channel()
    try:
        ch.queue_declare("cap.no-such-queue", passive=True)
    except pika.exceptions.ChannelClosedByBroker:
        pass
    ch2 = c.channel()
    ch2.close()
    c.close()
    return "passive declare of a missing queue: channel.close 404, close-ok; a second channel"


def main():
    addr = sys.argv[1]
    for name, f in SESSIONS:
        print(name, f(addr), sep="\t", flush=True)
        time.sleep(0.2)


if __name__ == "__main__":
    main()
