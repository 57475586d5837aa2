//! Differential tests against amq-protocol 10 (`amq_protocol::frame::parsing::parse_frame`)
//! on the same bytes: the 253 frames pika and RabbitMQ exchanged (tests/vectors/amqp/),
//! and generated frames (basic.publish, basic.deliver, content headers with every
//! property and a headers table nested up to three deep, bodies, heartbeats) that
//! iotwire encodes. Both decode each frame to the same frame type, channel, class and
//! method ids, the arguments of basic.publish, deliver, get-ok, return and ack, the
//! tables of connection.start(-ok), exchange/queue declare, queue.bind and
//! basic.consume, the content header's body size and 14 properties (tables value by
//! value), and the body octets.
//!
//! Where amq-protocol is known to differ (none of it fed to the comparison):
//! - it keeps a field table as a `BTreeMap`, so entries come back sorted by key and a
//!   repeated key keeps its last value; iotwire keeps wire order and every entry. Tables
//!   are compared as amq-protocol sees them: sorted, last value wins.
//! - it reads `U` as a signed 16-bit integer and `L` as a signed 64-bit one in any
//!   dialect; iotwire's RabbitMQ dialect refuses `U` (RabbitMQ does not write it).
//! - it requires short strings (names, keys, property strings) to be UTF-8; 0-9-1 makes
//!   them octets (errata §16) and iotwire takes any. Generated ones are UTF-8.
//! - it has no nesting limit and recurses per level: about 2,000 nested tables overflow
//!   its stack (iotwire stops at `Context::max_depth`, 64 by default). It is never fed
//!   those.
//! - it does not check frame-max, the channel a frame type may use, or that a
//!   heartbeat is empty on channel 0 the way iotwire does; the frames here are valid.
#![cfg(feature = "amqp")]

use std::collections::BTreeMap;

use amq_protocol::frame::AMQPFrame;
use amq_protocol::frame::parsing::parse_frame;
use amq_protocol::protocol::{AMQPClass, basic, connection, exchange, queue};
use amq_protocol::types::{AMQPValue, FieldTable as TheirTable};
use iotwire::Packet;
use iotwire::amqp::{
    BasicDeliver, BasicProperties, BasicPublish, ContentHeader, Context, FieldTable, FieldValue,
    Frame, Method, Payload, ShortStr,
};

/// A field value as both sides can say it: what amq-protocol builds.
fn theirs_of(v: FieldValue<'_>) -> AMQPValue {
    use FieldValue::*;
    match v {
        Bool(b) => AMQPValue::Boolean(b),
        I8(x) => AMQPValue::ShortShortInt(x),
        U8(x) => AMQPValue::ShortShortUInt(x),
        I16(x) => AMQPValue::ShortInt(x),
        U16(x) => AMQPValue::ShortUInt(x),
        I32(x) => AMQPValue::LongInt(x),
        U32(x) => AMQPValue::LongUInt(x),
        I64(x) => AMQPValue::LongLongInt(x),
        F32(x) => AMQPValue::Float(x),
        F64(x) => AMQPValue::Double(x),
        Decimal { scale, value } => AMQPValue::DecimalValue(amq_protocol::types::DecimalValue {
            scale,
            value: value as u32,
        }),
        LongStr(s) => AMQPValue::LongString(s.as_bytes().to_vec().into()),
        Bytes(b) => AMQPValue::ByteArray(b.to_vec().into()),
        Array(a) => AMQPValue::FieldArray(a.iter().map(theirs_of).collect::<Vec<_>>().into()),
        Timestamp(t) => AMQPValue::Timestamp(t),
        Table(t) => AMQPValue::FieldTable(table_of(t)),
        Void => AMQPValue::Void,
        U64(_) | ShortStr(_) => unreachable!("not in RabbitMQ's dialect"),
    }
}

/// A table as amq-protocol keeps it: sorted by key, the last of a repeated key.
fn table_of(t: FieldTable<'_>) -> TheirTable {
    let map: BTreeMap<_, _> = t
        .iter()
        .map(|(k, v)| (k.as_str().expect("UTF-8 key").into(), theirs_of(v)))
        .collect();
    map.into()
}

fn same_str(ours: ShortStr<'_>, theirs: &amq_protocol::types::ShortString) -> bool {
    ours.as_bytes() == theirs.as_str().as_bytes()
}

fn same_opt(ours: Option<ShortStr<'_>>, theirs: &Option<amq_protocol::types::ShortString>) -> bool {
    match (ours, theirs) {
        (None, None) => true,
        (Some(a), Some(b)) => same_str(a, b),
        _ => false,
    }
}

fn compare_properties(ours: &BasicProperties<'_>, theirs: &basic::AMQPProperties, what: &str) {
    let strs = [
        (ours.content_type, theirs.content_type(), "content-type"),
        (
            ours.content_encoding,
            theirs.content_encoding(),
            "content-encoding",
        ),
        (
            ours.correlation_id,
            theirs.correlation_id(),
            "correlation-id",
        ),
        (ours.reply_to, theirs.reply_to(), "reply-to"),
        (ours.expiration, theirs.expiration(), "expiration"),
        (ours.message_id, theirs.message_id(), "message-id"),
        (ours.kind, theirs.kind(), "type"),
        (ours.user_id, theirs.user_id(), "user-id"),
        (ours.app_id, theirs.app_id(), "app-id"),
        (ours.cluster_id, theirs.cluster_id(), "cluster-id"),
    ];
    for (a, b, name) in strs {
        assert!(same_opt(a, b), "{what}: {name}: {a:?} vs {b:?}");
    }
    assert_eq!(
        ours.delivery_mode,
        *theirs.delivery_mode(),
        "{what}: delivery-mode"
    );
    assert_eq!(ours.priority, *theirs.priority(), "{what}: priority");
    assert_eq!(ours.timestamp, *theirs.timestamp(), "{what}: timestamp");
    assert_eq!(
        ours.headers.map(table_of),
        *theirs.headers(),
        "{what}: headers"
    );
}

/// The arguments both sides can be compared on easily, for the methods that have them.
fn compare_method(ours: &Method<'_>, theirs: &AMQPClass, what: &str) {
    assert_eq!(ours.class_id(), theirs.get_amqp_class_id(), "{what}: class");
    assert_eq!(
        ours.method_id(),
        theirs.get_amqp_method_id(),
        "{what}: method"
    );
    use AMQPClass as C;
    match (ours, theirs) {
        (Method::BasicPublish(a), C::Basic(basic::AMQPMethod::Publish(b))) => {
            assert!(same_str(a.exchange, &b.exchange), "{what}");
            assert!(same_str(a.routing_key, &b.routing_key), "{what}");
            assert_eq!(
                (a.mandatory, a.immediate),
                (b.mandatory, b.immediate),
                "{what}"
            );
        }
        (Method::BasicDeliver(a), C::Basic(basic::AMQPMethod::Deliver(b))) => {
            assert!(same_str(a.consumer_tag, &b.consumer_tag), "{what}");
            assert_eq!(
                (a.delivery_tag, a.redelivered),
                (b.delivery_tag, b.redelivered),
                "{what}"
            );
            assert!(same_str(a.exchange, &b.exchange), "{what}");
            assert!(same_str(a.routing_key, &b.routing_key), "{what}");
        }
        (Method::BasicGetOk(a), C::Basic(basic::AMQPMethod::GetOk(b))) => {
            assert_eq!(
                (a.delivery_tag, a.redelivered),
                (b.delivery_tag, b.redelivered),
                "{what}"
            );
            assert!(same_str(a.exchange, &b.exchange), "{what}");
            assert!(same_str(a.routing_key, &b.routing_key), "{what}");
            assert_eq!(a.message_count, b.message_count, "{what}");
        }
        (Method::BasicReturn(a), C::Basic(basic::AMQPMethod::Return(b))) => {
            assert_eq!(a.reply_code, b.reply_code, "{what}");
            assert!(same_str(a.reply_text, &b.reply_text), "{what}");
            assert!(same_str(a.routing_key, &b.routing_key), "{what}");
        }
        (Method::BasicAck(a), C::Basic(basic::AMQPMethod::Ack(b))) => {
            assert_eq!(
                (a.delivery_tag, a.multiple),
                (b.delivery_tag, b.multiple),
                "{what}"
            );
        }
        (Method::BasicConsume(a), C::Basic(basic::AMQPMethod::Consume(b))) => {
            assert!(same_str(a.queue, &b.queue), "{what}");
            assert_eq!(table_of(a.arguments), b.arguments, "{what}");
        }
        (Method::ConnectionStart(a), C::Connection(connection::AMQPMethod::Start(b))) => {
            assert_eq!(table_of(a.server_properties), b.server_properties, "{what}");
            assert_eq!(a.mechanisms.as_bytes(), b.mechanisms.as_bytes(), "{what}");
        }
        (Method::ConnectionStartOk(a), C::Connection(connection::AMQPMethod::StartOk(b))) => {
            assert_eq!(table_of(a.client_properties), b.client_properties, "{what}");
            assert!(same_str(a.mechanism, &b.mechanism), "{what}");
        }
        (Method::ConnectionTune(a), C::Connection(connection::AMQPMethod::Tune(b))) => {
            assert_eq!(
                (a.channel_max, a.frame_max, a.heartbeat),
                (b.channel_max, b.frame_max, b.heartbeat),
                "{what}"
            );
        }
        (Method::ExchangeDeclare(a), C::Exchange(exchange::AMQPMethod::Declare(b))) => {
            assert!(same_str(a.exchange, &b.exchange), "{what}");
            assert_eq!(table_of(a.arguments), b.arguments, "{what}");
        }
        (Method::QueueDeclare(a), C::Queue(queue::AMQPMethod::Declare(b))) => {
            assert!(same_str(a.queue, &b.queue), "{what}");
            assert_eq!(table_of(a.arguments), b.arguments, "{what}");
        }
        (Method::QueueBind(a), C::Queue(queue::AMQPMethod::Bind(b))) => {
            assert!(same_str(a.queue, &b.queue), "{what}");
            assert_eq!(table_of(a.arguments), b.arguments, "{what}");
        }
        _ => {}
    }
}

/// Decodes `bytes` (one whole frame) with both, and compares.
fn compare(bytes: &[u8], what: &str) {
    let (ours, n) = Frame::decode_with(bytes, &Context::new())
        .unwrap_or_else(|e| panic!("{what}: iotwire: {e:?}"));
    assert_eq!(n, bytes.len(), "{what}");
    let (rest, theirs) =
        parse_frame(bytes).unwrap_or_else(|e| panic!("{what}: amq-protocol: {e:?}"));
    assert!(
        rest.is_empty(),
        "{what}: amq-protocol left {} octets",
        rest.len()
    );
    match (&ours.payload, &theirs) {
        (Payload::Method(m), AMQPFrame::Method(ch, class)) => {
            assert_eq!(ours.channel, *ch, "{what}");
            compare_method(m, class, what);
        }
        (Payload::Header(h), AMQPFrame::Header(ch, th)) => {
            assert_eq!((ours.channel, 60), (*ch, th.class_id), "{what}");
            assert_eq!(h.body_size, th.body_size, "{what}");
            compare_properties(&h.properties, &th.properties, what);
        }
        (Payload::Body(b), AMQPFrame::Body(ch, tb)) => {
            assert_eq!((ours.channel, *b), (*ch, &tb[..]), "{what}");
        }
        (Payload::Heartbeat, AMQPFrame::Heartbeat) => {}
        (a, b) => panic!("{what}: {a:?} vs {b:?}"),
    }
}

#[test]
fn vectors() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/amqp");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "hex") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            let Some((_, hex)) = line
                .split_once(' ')
                .filter(|(d, _)| matches!(*d, "C" | "S"))
            else {
                continue;
            };
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|j| u8::from_str_radix(&hex[j..j + 2], 16).unwrap())
                .collect();
            if bytes.starts_with(b"AMQP") {
                continue;
            }
            compare(&bytes, &format!("{}:{}", path.display(), i + 1));
            count += 1;
        }
    }
    assert!(count >= 240, "only {count} frames");
}

/// A small deterministic generator (xorshift64*), so that a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn text(&mut self, max: u64) -> String {
        let n = self.below(max + 1);
        (0..n)
            .map(|_| match self.below(8) {
                0 => 'é',
                1 => '-',
                _ => char::from(b'a' + self.below(26) as u8),
            })
            .collect::<String>()
            .chars()
            .scan(0, |len, c| {
                *len += c.len_utf8();
                (*len <= max as usize).then_some(c)
            })
            .collect()
    }
}

/// Writes a field table body (RabbitMQ's letters) of random entries, nesting up to
/// `depth` more levels; keys are distinct, so that sorting is all amq-protocol changes.
fn table_body(r: &mut Rng, depth: u32, out: &mut Vec<u8>) {
    let n = r.below(6);
    for i in 0..n {
        let key = format!("{}{i}", r.text(12));
        out.push(key.len() as u8);
        out.extend_from_slice(key.as_bytes());
        value(r, depth, out);
    }
}

fn value(r: &mut Rng, depth: u32, out: &mut Vec<u8>) {
    let kinds = if depth == 0 { 15 } else { 17 };
    let x = r.next();
    match r.below(kinds) {
        0 => out.extend([b't', (x & 1) as u8]),
        1 => out.extend([b'b', x as u8]),
        2 => out.extend([b'B', x as u8]),
        3 => out.extend([b's', x as u8, (x >> 8) as u8]),
        4 => out.extend([b'u', x as u8, (x >> 8) as u8]),
        5 => out.extend([b'I'].into_iter().chain((x as u32).to_be_bytes())),
        6 => out.extend([b'i'].into_iter().chain((x as u32).to_be_bytes())),
        7 => out.extend([b'l'].into_iter().chain(x.to_be_bytes())),
        // Floats that are not NaN, so that amq-protocol's values equal themselves.
        8 => out.extend([b'f'].into_iter().chain((x as u32 as f32).to_be_bytes())),
        9 => out.extend([b'd'].into_iter().chain((x as f64).to_be_bytes())),
        10 => out.extend([b'D', x as u8].into_iter().chain((x as u32).to_be_bytes())),
        11 | 12 => {
            let (letter, s) = (if r.below(2) == 0 { b'S' } else { b'x' }, r.text(40));
            out.push(letter);
            out.extend((s.len() as u32).to_be_bytes());
            out.extend(s.as_bytes());
        }
        13 => out.extend([b'T'].into_iter().chain(x.to_be_bytes())),
        14 => out.push(b'V'),
        15 => {
            out.push(b'F');
            let mut body = Vec::new();
            table_body(r, depth - 1, &mut body);
            out.extend((body.len() as u32).to_be_bytes());
            out.extend(body);
        }
        _ => {
            out.push(b'A');
            let mut body = Vec::new();
            for _ in 0..r.below(5) {
                value(r, depth - 1, &mut body);
            }
            out.extend((body.len() as u32).to_be_bytes());
            out.extend(body);
        }
    }
}

fn encode(f: &Frame<'_>) -> Vec<u8> {
    let mut buf = vec![0; f.encoded_len()];
    assert_eq!(f.encode(&mut buf), Ok(buf.len()));
    buf
}

#[test]
fn generated() {
    for seed in 1..=1500u64 {
        let r = &mut Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let channel = 1 + r.below(u64::from(u16::MAX)) as u16;
        let what = format!("seed {seed}");
        let (t1, t2, t3) = (r.text(60), r.text(60), r.text(255));
        fn s(t: &str) -> ShortStr<'_> {
            ShortStr::new(t).unwrap()
        }
        let deliver = Method::BasicDeliver(BasicDeliver {
            consumer_tag: s(&t1),
            delivery_tag: r.next(),
            redelivered: r.below(2) == 0,
            exchange: s(&t2),
            routing_key: s(&t3),
        });
        let publish = Method::BasicPublish(BasicPublish {
            ticket: 0,
            exchange: s(&t2),
            routing_key: s(&t3),
            mandatory: r.below(2) == 0,
            immediate: r.below(2) == 0,
        });
        for m in [deliver, publish] {
            compare(
                &encode(&Frame {
                    channel,
                    payload: Payload::Method(m),
                }),
                &what,
            );
        }
        let mut table = Vec::new();
        table_body(r, 3, &mut table);
        let table = [(table.len() as u32).to_be_bytes().to_vec(), table].concat();
        let (headers, _) = FieldTable::decode_with(&table, &Context::new()).unwrap();
        let texts: Vec<String> = (0..10).map(|_| r.text(30)).collect();
        let present: Vec<bool> = (0..10).map(|_| r.below(3) != 0).collect();
        let opt = |i: usize| present[i].then(|| s(&texts[i]));
        let properties = BasicProperties {
            content_type: opt(0),
            content_encoding: opt(1),
            headers: Some(headers),
            delivery_mode: Some(1 + r.below(2) as u8),
            priority: Some(r.below(10) as u8),
            correlation_id: opt(2),
            reply_to: opt(3),
            expiration: opt(4),
            message_id: opt(5),
            timestamp: Some(r.next()),
            kind: opt(6),
            user_id: opt(7),
            app_id: opt(8),
            cluster_id: opt(9),
        };
        let header = ContentHeader {
            body_size: r.next() >> r.below(64),
            properties,
        };
        compare(
            &encode(&Frame {
                channel,
                payload: Payload::Header(header),
            }),
            &what,
        );
        let body: Vec<u8> = (0..r.below(3000)).map(|_| r.next() as u8).collect();
        compare(
            &encode(&Frame {
                channel,
                payload: Payload::Body(&body),
            }),
            &what,
        );
    }
    compare(&encode(&Frame::HEARTBEAT), "heartbeat");
}
