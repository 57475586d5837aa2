//! iotwire's AMQP 0-9-1 codec against amq-protocol 10, on the same inputs in one run: a
//! basic.deliver method frame; a content header with content-type, delivery-mode,
//! message-id, timestamp and a 5-entry headers table; a 1 KiB body frame; the three as
//! one stream; and encoding the deliver and the header. Decoding walks every entry of
//! the headers table (amq-protocol builds them all into a map); the body is handed out
//! and not read (iotwire borrows it, amq-protocol copies it into a `Vec`); encoding builds from the parts each library takes, into a buffer kept
//! between iterations. `cargo bench --bench amqp`.

use std::hint::black_box;

use amq_protocol::frame::parsing::parse_frame;
use amq_protocol::frame::{AMQPContentHeader, AMQPFrame, generation::gen_frame};
use amq_protocol::protocol::{AMQPClass, basic};
use amq_protocol::types::{AMQPValue, FieldTable as TheirTable};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use iotwire::Packet;
use iotwire::amqp::{
    BasicDeliver, BasicProperties, ContentHeader, Context, FieldTable, FieldValue, Frame, LongStr,
    Method, Payload, ShortStr,
};

const CONSUMER_TAG: &str = "amq.ctag-3kXbWn1hEo9Yx0f2Qm7pLA";
const EXCHANGE: &str = "amq.topic";
const ROUTING_KEY: &str = "sensors.building-1.floor-3.temp";
const MESSAGE_ID: &str = "5f0c2b9e-8d4a-4c1e-9b7f-2a6d3e1c0b94";
const CHANNEL: u16 = 1;

fn s(t: &str) -> ShortStr<'_> {
    ShortStr::new(t).unwrap()
}

fn deliver() -> Frame<'static> {
    Frame {
        channel: CHANNEL,
        payload: Payload::Method(Method::BasicDeliver(BasicDeliver {
            consumer_tag: s(CONSUMER_TAG),
            delivery_tag: 48_213,
            redelivered: false,
            exchange: s(EXCHANGE),
            routing_key: s(ROUTING_KEY),
        })),
    }
}

fn entries() -> [(ShortStr<'static>, FieldValue<'static>); 5] {
    [
        (s("x-device"), FieldValue::LongStr(LongStr::text("gw-17"))),
        (s("x-seq"), FieldValue::I64(4711)),
        (s("x-retries"), FieldValue::I32(0)),
        (
            s("x-trace-id"),
            FieldValue::LongStr(LongStr::text("00-4bf92f3577b34da6a3ce929d0e0e4736-01")),
        ),
        (s("x-sampled"), FieldValue::Bool(true)),
    ]
}

fn header<'a>(headers: &'a [(ShortStr<'a>, FieldValue<'a>)]) -> Frame<'a> {
    Frame {
        channel: CHANNEL,
        payload: Payload::Header(ContentHeader {
            body_size: 1024,
            properties: BasicProperties {
                content_type: Some(s("application/json")),
                delivery_mode: Some(2),
                message_id: Some(s(MESSAGE_ID)),
                timestamp: Some(1_764_000_000),
                headers: Some(FieldTable::new(headers)),
                ..BasicProperties::default()
            },
        }),
    }
}

fn encode(f: &Frame<'_>) -> Vec<u8> {
    let mut buf = vec![0; f.encoded_len()];
    f.encode(&mut buf).unwrap();
    buf
}

/// The deliver as amq-protocol builds it.
fn their_deliver() -> AMQPFrame {
    AMQPFrame::Method(
        CHANNEL,
        AMQPClass::Basic(basic::AMQPMethod::Deliver(basic::Deliver {
            consumer_tag: CONSUMER_TAG.into(),
            delivery_tag: 48_213,
            redelivered: false,
            exchange: EXCHANGE.into(),
            routing_key: ROUTING_KEY.into(),
        })),
    )
}

/// The header as amq-protocol builds it.
fn their_header() -> AMQPFrame {
    let mut t = TheirTable::default();
    t.insert("x-device".into(), AMQPValue::LongString("gw-17".into()));
    t.insert("x-seq".into(), AMQPValue::LongLongInt(4711));
    t.insert("x-retries".into(), AMQPValue::LongInt(0));
    t.insert(
        "x-trace-id".into(),
        AMQPValue::LongString("00-4bf92f3577b34da6a3ce929d0e0e4736-01".into()),
    );
    t.insert("x-sampled".into(), AMQPValue::Boolean(true));
    let properties = basic::AMQPProperties::default()
        .with_content_type("application/json".into())
        .with_delivery_mode(2)
        .with_message_id(MESSAGE_ID.into())
        .with_timestamp(1_764_000_000)
        .with_headers(t);
    AMQPFrame::Header(
        CHANNEL,
        AMQPContentHeader {
            class_id: 60,
            body_size: 1024,
            properties,
        },
    )
}

/// Decodes one frame with iotwire and walks it as amq-protocol's result would be used:
/// every headers entry.
fn ours(buf: &[u8], cx: &Context) -> usize {
    let (f, n) = Frame::decode_with(buf, cx).unwrap();
    match f.payload {
        Payload::Header(h) => {
            if let Some(t) = h.properties.headers {
                for e in t.iter() {
                    black_box(e);
                }
            }
            black_box(h);
        }
        Payload::Body(b) => {
            black_box(b);
        }
        p => {
            black_box(p);
        }
    }
    n
}

/// Decodes one frame with amq-protocol, which builds the headers map and copies the
/// body.
fn theirs(buf: &[u8]) -> usize {
    let (rest, f) = parse_frame(buf).unwrap();
    black_box(f);
    buf.len() - rest.len()
}

fn bench(c: &mut Criterion) {
    let headers = entries();
    let body: Vec<u8> = (0..1024u32).map(|i| (i * 31 % 251) as u8).collect();
    let frames = [
        ("deliver", encode(&deliver())),
        ("header", encode(&header(&headers))),
        (
            "body-1KiB",
            encode(&Frame {
                channel: CHANNEL,
                payload: Payload::Body(&body),
            }),
        ),
    ];
    let stream: Vec<u8> = frames.iter().flat_map(|(_, b)| b.clone()).collect();
    // Both libraries read and write the same bytes.
    for (name, bytes) in &frames {
        assert_eq!(theirs(bytes), bytes.len(), "{name}");
    }
    let mut out = Vec::new();
    for (ours, theirs) in [
        (deliver(), their_deliver()),
        (header(&headers), their_header()),
    ] {
        out = gen_frame(&theirs)(out.into()).unwrap().write;
        let mine = encode(&ours);
        // amq-protocol sorts the headers table by key: compare lengths there.
        assert_eq!(out.len(), mine.len());
        out.clear();
    }

    let cx = Context::new();
    let mut g = c.benchmark_group("amqp/decode");
    let inputs = frames
        .iter()
        .map(|(n, b)| (*n, b.as_slice()))
        .chain([("stream", stream.as_slice())]);
    for (name, bytes) in inputs {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(format!("{name}/iotwire"), |b| {
            b.iter(|| {
                let buf = black_box(bytes);
                let mut at = 0;
                while at < buf.len() {
                    at += ours(&buf[at..], &cx);
                }
                at
            })
        });
        g.bench_function(format!("{name}/amq-protocol"), |b| {
            b.iter(|| {
                let buf = black_box(bytes);
                let mut at = 0;
                while at < buf.len() {
                    at += theirs(&buf[at..]);
                }
                at
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("amqp/encode");
    let mut buf = [0u8; 2048];
    for name in ["deliver", "header"] {
        g.bench_function(format!("{name}/iotwire"), |b| {
            b.iter(|| {
                // Built from its parts each time, as amq-protocol's is.
                let f = if name == "deliver" {
                    deliver()
                } else {
                    header(black_box(&headers))
                };
                f.encode(black_box(&mut buf)).unwrap()
            })
        });
        let mut out: Vec<u8> = Vec::with_capacity(2048);
        g.bench_function(format!("{name}/amq-protocol"), |b| {
            b.iter(|| {
                let f = if name == "deliver" {
                    their_deliver()
                } else {
                    their_header()
                };
                out.clear();
                out = gen_frame(black_box(&f))(std::mem::take(&mut out).into())
                    .unwrap()
                    .write;
                out.len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
