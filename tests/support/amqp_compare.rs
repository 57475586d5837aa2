//! iotwire against amq-protocol 10 (`amq_protocol::frame::parsing::parse_frame`) on one
//! frame's octets: shared by `tests/amqp_differential.rs` and the `amqp_differential`
//! fuzz target (which includes this file by path), so that both compare the same way.
//!
//! Both must decode the frame to the same frame type and channel, and:
//! - a method: the same class and method ids; then *every* argument, by having
//!   amq-protocol write its own reading back out (`gen_frame`) and iotwire decode that:
//!   the arguments must be those iotwire read from the original octets (field tables
//!   compared as amq-protocol keeps them, below; the arguments amq-protocol drops and
//!   writes as zero, the reserved ones and basic.qos's prefetch-size, skipped); and for
//!   the methods with the arguments users read most (basic.publish, deliver, get-ok,
//!   return, ack, consume, connection.start(-ok), tune, exchange/queue declare,
//!   queue.bind) each argument directly against amq-protocol's struct field;
//! - a content header: the body size and all 14 properties (tables value by value);
//! - a body: the same octets.
//!
//! Where amq-protocol is known to differ:
//! - it keeps a field table as a `BTreeMap`, so entries come back sorted by key and a
//!   repeated key keeps its last value; iotwire keeps wire order and every entry. Tables
//!   are compared as amq-protocol sees them: sorted, last value wins, and by their
//!   `Debug` form so that a NaN equals itself.
//! - it requires short strings (names, keys, property strings) to be UTF-8; 0-9-1 makes
//!   them octets (errata §16) and iotwire takes any. A frame with a short string that is
//!   not UTF-8 is [`Compared::NotUtf8`] when amq-protocol refuses it, not a failure.
//! - it reads `U` as a signed 16-bit integer and `L` as a signed 64-bit one in any
//!   dialect; iotwire's RabbitMQ dialect (the one compared) refuses `U`.
//! - it has no nesting limit and recurses per level: about 2,000 nested tables overflow
//!   its stack. iotwire stops at `Context::max_depth` (64 by default) first, and only
//!   what iotwire accepts reaches amq-protocol.
//! - it does not check frame-max, the channel a frame type may use, reserved bits, or
//!   that nothing follows a method's last argument; iotwire does, so again only what
//!   iotwire accepts is compared (one direction, like the CoAP differential).

use std::collections::BTreeMap;

use amq_protocol::frame::parsing::parse_frame;
use amq_protocol::frame::{AMQPFrame, WriteContext, gen_frame};
use amq_protocol::protocol::{AMQPClass, basic, connection, exchange, queue};
use amq_protocol::types::{AMQPValue, FieldTable as TheirTable};
use iotwire::Packet;
use iotwire::amqp::{
    Argument, BasicProperties, Context, FieldTable, FieldValue, Frame, Method, Payload, ShortStr,
};

/// What a comparison found, when it found no disagreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compared {
    /// Both decoded the frame to the same thing.
    Same,
    /// iotwire decoded a frame with a short string that is not UTF-8; amq-protocol
    /// refused it (its known difference).
    NotUtf8,
}

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

/// Tables compare by their `Debug` form: a NaN float equals itself there.
fn same_table(ours: FieldTable<'_>, theirs: &TheirTable) -> bool {
    format!("{:?}", table_of(ours)) == format!("{theirs:?}")
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

/// Whether a table has a key that is not UTF-8, at any depth.
fn table_not_utf8(t: FieldTable<'_>) -> bool {
    t.iter()
        .any(|(k, v)| k.as_str().is_none() || value_not_utf8(v))
}

fn value_not_utf8(v: FieldValue<'_>) -> bool {
    match v {
        FieldValue::Table(t) => table_not_utf8(t),
        FieldValue::Array(a) => a.iter().any(value_not_utf8),
        _ => false,
    }
}

/// Whether the frame has a short string amq-protocol cannot take: not UTF-8.
fn has_non_utf8(f: &Frame<'_>) -> bool {
    match &f.payload {
        Payload::Method(m) => m.arguments().any(|(_, a)| match a {
            Argument::ShortStr(s) => s.as_str().is_none(),
            Argument::Table(t) => table_not_utf8(t),
            _ => false,
        }),
        Payload::Header(h) => {
            let p = &h.properties;
            [
                p.content_type,
                p.content_encoding,
                p.correlation_id,
                p.reply_to,
                p.expiration,
                p.message_id,
                p.kind,
                p.user_id,
                p.app_id,
                p.cluster_id,
            ]
            .into_iter()
            .flatten()
            .any(|s| s.as_str().is_none())
                || p.headers.is_some_and(table_not_utf8)
        }
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
    match (ours.headers, theirs.headers()) {
        (None, None) => {}
        (Some(a), Some(b)) => assert!(same_table(a, b), "{what}: headers: {a:?} vs {b:?}"),
        (a, b) => panic!("{what}: headers: {a:?} vs {b:?}"),
    }
}

/// The arguments users read most, each against amq-protocol's own field.
fn compare_method(ours: &Method<'_>, theirs: &AMQPClass, what: &str) {
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
            assert!(same_table(a.arguments, &b.arguments), "{what}");
        }
        (Method::ConnectionStart(a), C::Connection(connection::AMQPMethod::Start(b))) => {
            assert!(
                same_table(a.server_properties, &b.server_properties),
                "{what}"
            );
            assert_eq!(a.mechanisms.as_bytes(), b.mechanisms.as_bytes(), "{what}");
        }
        (Method::ConnectionStartOk(a), C::Connection(connection::AMQPMethod::StartOk(b))) => {
            assert!(
                same_table(a.client_properties, &b.client_properties),
                "{what}"
            );
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
            assert!(same_table(a.arguments, &b.arguments), "{what}");
        }
        (Method::QueueDeclare(a), C::Queue(queue::AMQPMethod::Declare(b))) => {
            assert!(same_str(a.queue, &b.queue), "{what}");
            assert!(same_table(a.arguments, &b.arguments), "{what}");
        }
        (Method::QueueBind(a), C::Queue(queue::AMQPMethod::Bind(b))) => {
            assert!(same_str(a.queue, &b.queue), "{what}");
            assert!(same_table(a.arguments, &b.arguments), "{what}");
        }
        _ => {}
    }
}

/// Arguments amq-protocol drops and writes back as zero or empty: 0-9-1's `reserved-1`,
/// ... (RabbitMQ's spec names them after AMQP 0-8), and basic.qos's `prefetch-size`,
/// which RabbitMQ does not implement.
const DROPPED: [&str; 8] = [
    "prefetch-size",
    "ticket",
    "capabilities",
    "insist",
    "known-hosts",
    "out-of-band",
    "channel-id",
    "cluster-id",
];

/// Every argument: amq-protocol writes out what it read, iotwire reads that, and the
/// arguments must be those iotwire read from the original octets.
fn compare_arguments(ours: &Method<'_>, theirs: &AMQPFrame, what: &str) {
    let written = gen_frame(theirs)(WriteContext::from(Vec::new()))
        .unwrap_or_else(|e| panic!("{what}: amq-protocol cannot write what it read: {e:?}"))
        .write;
    let (again, _) = Frame::decode_with(&written, &Context::new())
        .unwrap_or_else(|e| panic!("{what}: amq-protocol wrote what iotwire refuses: {e:?}"));
    let Payload::Method(again) = again.payload else {
        panic!("{what}: amq-protocol wrote another frame type: {again:?}");
    };
    assert_eq!(ours.name(), again.name(), "{what}");
    for ((name, a), (_, b)) in ours.arguments().zip(again.arguments()) {
        if DROPPED.contains(&name) {
            continue;
        }
        match (a, b) {
            (Argument::Table(a), Argument::Table(b)) => {
                assert!(
                    same_table(a, &table_of(b)),
                    "{what}: {name}: {a:?} vs {b:?}"
                );
            }
            _ => assert_eq!(a, b, "{what}: {name}"),
        }
    }
}

/// Decodes `bytes`, one whole frame that iotwire accepts in RabbitMQ's dialect, with
/// both, and compares. Panics, naming `what`, where they disagree.
pub fn compare(bytes: &[u8], what: &str) -> Compared {
    let (ours, n) = Frame::decode_with(bytes, &Context::new())
        .unwrap_or_else(|e| panic!("{what}: iotwire: {e:?}"));
    assert_eq!(n, bytes.len(), "{what}");
    let theirs = match parse_frame(bytes) {
        Ok((rest, theirs)) => {
            assert!(
                rest.is_empty(),
                "{what}: amq-protocol left {} octets",
                rest.len()
            );
            theirs
        }
        Err(_) if has_non_utf8(&ours) => return Compared::NotUtf8,
        Err(e) => panic!("{what}: amq-protocol refuses what iotwire accepts ({e:?}): {ours:?}"),
    };
    match (&ours.payload, &theirs) {
        (Payload::Method(m), AMQPFrame::Method(ch, class)) => {
            assert_eq!(ours.channel, *ch, "{what}");
            assert_eq!(m.class_id(), class.get_amqp_class_id(), "{what}: class");
            assert_eq!(m.method_id(), class.get_amqp_method_id(), "{what}: method");
            compare_method(m, class, what);
            compare_arguments(m, &theirs, what);
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
    Compared::Same
}
