//! AMQP 0-9-1 methods (with RabbitMQ's extensions), generated into `src/amqp/methods.rs`
//! from RabbitMQ's spec JSON: a round trip of every one of the 66 methods with
//! non-default arguments, and method payloads checked octet by octet against the
//! hostile set's frames (`/work/shared/hostile/amqp.tsv`; a method frame's payload is
//! its octets after the 7-octet frame header and before frame-end, AMQP 0-9-1 §4.2.3).
#![cfg(feature = "amqp")]

use iotwire::amqp::*;
use iotwire::{EncodeError, Sink};

/// A sink of the test's own, so the tests need no `alloc` feature.
struct Out(Vec<u8>);

impl Sink for Out {
    fn put(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

fn s(x: &'static str) -> ShortStr<'static> {
    ShortStr::new(x).unwrap()
}

fn l(x: &'static str) -> LongStr<'static> {
    LongStr::text(x)
}

fn hex(h: &str) -> Vec<u8> {
    assert!(h.len().is_multiple_of(2));
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
        .collect()
}

/// The payload of a one-frame hex string: after type, channel and size (7 octets),
/// before frame-end (§4.2.3). Checks the frame's own framing on the way.
fn payload(frame_hex: &str, channel: u16) -> Vec<u8> {
    let f = hex(frame_hex);
    assert_eq!(f[0], 1, "a method frame");
    assert_eq!(u16::from_be_bytes([f[1], f[2]]), channel);
    let size = u32::from_be_bytes([f[3], f[4], f[5], f[6]]) as usize;
    assert_eq!(f.len(), 7 + size + 1);
    assert_eq!(f[f.len() - 1], 0xCE);
    f[7..f.len() - 1].to_vec()
}

fn decode(p: &[u8]) -> Result<Method<'_>, Error> {
    decode_method(p, &Context::default())
}

/// Encodes into a buffer pre-filled with 0xA5, so that unwritten octets would show.
fn encode(m: &Method<'_>) -> Vec<u8> {
    let mut buf = [0xA5u8; 1024];
    let n = m.encode(&mut buf).unwrap();
    assert_eq!(n, m.encoded_len(), "{}", m.name());
    buf[..n].to_vec()
}

/// Decodes `p`, checks the value, and that it re-encodes to `p` exactly.
fn check_vector(p: &[u8], want: Method<'_>) {
    let got = decode(p).unwrap();
    assert_eq!(got, want);
    assert_eq!(encode(&got), p, "{} re-encodes", got.name());
    assert_eq!(encode(&want), p, "{} encodes", want.name());
}

/// Every method, each with arguments other than zero or empty (bits mixed).
#[allow(clippy::too_many_lines)]
fn all_methods<'a>(t: FieldTable<'a>) -> Vec<Method<'a>> {
    vec![
        // connection (10)
        ConnectionStart {
            version_major: 0,
            version_minor: 9,
            server_properties: t,
            mechanisms: l("PLAIN AMQPLAIN"),
            locales: l("en_US"),
        }
        .into(),
        ConnectionStartOk {
            client_properties: t,
            mechanism: s("PLAIN"),
            response: LongStr::new(b"\0guest\0guest"),
            locale: s("en_US"),
        }
        .into(),
        ConnectionSecure {
            challenge: LongStr::new(&[0, 1, 0xFF]),
        }
        .into(),
        ConnectionSecureOk {
            response: LongStr::new(&[0xFE, 2]),
        }
        .into(),
        ConnectionTune {
            channel_max: 2047,
            frame_max: 131_072,
            heartbeat: 60,
        }
        .into(),
        ConnectionTuneOk {
            channel_max: 1024,
            frame_max: 4096,
            heartbeat: 30,
        }
        .into(),
        ConnectionOpen {
            virtual_host: s("/iot"),
            capabilities: s("x"),
            insist: true,
        }
        .into(),
        ConnectionOpenOk {
            known_hosts: s("rabbit@host:5672"),
        }
        .into(),
        ConnectionClose {
            reply_code: reply::CONNECTION_FORCED,
            reply_text: s("CONNECTION_FORCED - shutdown"),
            class_id: 10,
            method_id: 40,
        }
        .into(),
        ConnectionCloseOk.into(),
        ConnectionBlocked {
            reason: s("low on disk"),
        }
        .into(),
        ConnectionUnblocked.into(),
        ConnectionUpdateSecret {
            new_secret: l("eyJhbGciOi.token"),
            reason: s("refresh"),
        }
        .into(),
        ConnectionUpdateSecretOk.into(),
        // channel (20)
        ChannelOpen {
            out_of_band: s("oob"),
        }
        .into(),
        ChannelOpenOk {
            channel_id: l("chan-1"),
        }
        .into(),
        ChannelFlow { active: true }.into(),
        ChannelFlowOk { active: true }.into(),
        ChannelClose {
            reply_code: reply::PRECONDITION_FAILED,
            reply_text: s("PRECONDITION_FAILED - inequivalent arg 'durable'"),
            class_id: 50,
            method_id: 10,
        }
        .into(),
        ChannelCloseOk.into(),
        // access (30)
        AccessRequest {
            realm: s("/data"),
            exclusive: true,
            passive: false,
            active: true,
            write: false,
            read: true,
        }
        .into(),
        AccessRequestOk { ticket: 1 }.into(),
        // exchange (40)
        ExchangeDeclare {
            ticket: 7,
            exchange: s("ex.events"),
            kind: s("topic"),
            passive: false,
            durable: true,
            auto_delete: false,
            internal: true,
            nowait: true,
            arguments: t,
        }
        .into(),
        ExchangeDeclareOk.into(),
        ExchangeDelete {
            ticket: 1,
            exchange: s("ex.old"),
            if_unused: true,
            nowait: false,
        }
        .into(),
        ExchangeDeleteOk.into(),
        ExchangeBind {
            ticket: 2,
            destination: s("ex.dst"),
            source: s("ex.src"),
            routing_key: s("a.#"),
            nowait: true,
            arguments: t,
        }
        .into(),
        ExchangeBindOk.into(),
        ExchangeUnbind {
            ticket: 3,
            destination: s("ex.dst"),
            source: s("ex.src"),
            routing_key: s("a.*"),
            nowait: true,
            arguments: t,
        }
        .into(),
        ExchangeUnbindOk.into(),
        // queue (50)
        QueueDeclare {
            ticket: 4,
            queue: s("q.orders"),
            passive: true,
            durable: false,
            exclusive: true,
            auto_delete: false,
            nowait: true,
            arguments: t,
        }
        .into(),
        QueueDeclareOk {
            queue: s("amq.gen-JzTY20BRgKO"),
            message_count: 12,
            consumer_count: 3,
        }
        .into(),
        QueueBind {
            ticket: 5,
            queue: s("q.orders"),
            exchange: s("ex.events"),
            routing_key: s("order.*"),
            nowait: true,
            arguments: t,
        }
        .into(),
        QueueBindOk.into(),
        QueuePurge {
            ticket: 6,
            queue: s("q.orders"),
            nowait: true,
        }
        .into(),
        QueuePurgeOk { message_count: 99 }.into(),
        QueueDelete {
            ticket: 8,
            queue: s("q.orders"),
            if_unused: false,
            if_empty: true,
            nowait: true,
        }
        .into(),
        QueueDeleteOk {
            message_count: u32::MAX,
        }
        .into(),
        QueueUnbind {
            ticket: 9,
            queue: s("q.orders"),
            exchange: s("ex.events"),
            routing_key: s("order.*"),
            arguments: t,
        }
        .into(),
        QueueUnbindOk.into(),
        // basic (60)
        BasicQos {
            prefetch_size: 65_536,
            prefetch_count: 50,
            global: true,
        }
        .into(),
        BasicQosOk.into(),
        BasicConsume {
            ticket: 10,
            queue: s("q.orders"),
            consumer_tag: s("ctag-1"),
            no_local: false,
            no_ack: true,
            exclusive: false,
            nowait: true,
            arguments: t,
        }
        .into(),
        BasicConsumeOk {
            consumer_tag: s("ctag-1"),
        }
        .into(),
        BasicCancel {
            consumer_tag: s("ctag-1"),
            nowait: true,
        }
        .into(),
        BasicCancelOk {
            consumer_tag: s("ctag-1"),
        }
        .into(),
        BasicPublish {
            ticket: 11,
            exchange: s("amq.direct"),
            routing_key: s("sensor.42"),
            mandatory: false,
            immediate: true,
        }
        .into(),
        BasicReturn {
            reply_code: reply::NO_ROUTE,
            reply_text: s("NO_ROUTE"),
            exchange: s("amq.direct"),
            routing_key: s("nowhere"),
        }
        .into(),
        BasicDeliver {
            consumer_tag: s("ctag-1"),
            delivery_tag: 1 << 40,
            redelivered: true,
            exchange: s("amq.topic"),
            routing_key: s("sensor.temp"),
        }
        .into(),
        BasicGet {
            ticket: 12,
            queue: s("q.orders"),
            no_ack: true,
        }
        .into(),
        BasicGetOk {
            delivery_tag: 77,
            redelivered: true,
            exchange: s("ex.events"),
            routing_key: s("order.new"),
            message_count: 5,
        }
        .into(),
        BasicGetEmpty {
            cluster_id: s("c1"),
        }
        .into(),
        BasicAck {
            delivery_tag: 41,
            multiple: true,
        }
        .into(),
        BasicReject {
            delivery_tag: 43,
            requeue: true,
        }
        .into(),
        BasicRecoverAsync { requeue: true }.into(),
        BasicRecover { requeue: true }.into(),
        BasicRecoverOk.into(),
        BasicNack {
            delivery_tag: 44,
            multiple: false,
            requeue: true,
        }
        .into(),
        // tx (90)
        TxSelect.into(),
        TxSelectOk.into(),
        TxCommit.into(),
        TxCommitOk.into(),
        TxRollback.into(),
        TxRollbackOk.into(),
        // confirm (85)
        ConfirmSelect { nowait: true }.into(),
        ConfirmSelectOk.into(),
    ]
}

/// Every method of the RabbitMQ spec (66: AMQP 0-9-1's, the access class RabbitMQ
/// keeps from 0-8, and RabbitMQ's extensions) round trips through `Method::write_to`/`decode_method`, writes exactly
/// `encoded_len()` octets, starts with its class and method ids (§4.2.4), is
/// `Truncated` at every strict prefix, and rejects a trailing octet.
#[test]
fn every_method_round_trips_4_2_4() {
    let entries = [
        (s("x-match"), FieldValue::LongStr(l("all"))),
        (s("n"), FieldValue::I32(-7)),
        (s("flag"), FieldValue::Bool(true)),
    ];
    let t = FieldTable::new(&entries);
    let all = all_methods(t);
    assert_eq!(all.len(), 66);
    assert_eq!(Method::COUNT, 66);

    let mut ids: Vec<(u16, u16)> = all.iter().map(|m| (m.class_id(), m.method_id())).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 66, "each method once");

    let mut per_class = std::collections::BTreeMap::new();
    for m in &all {
        *per_class.entry(m.class_id()).or_insert(0) += 1;
        m.check().unwrap();

        // Through the Sink entry point...
        let mut sunk = Out(Vec::new());
        m.write_to(&mut sunk);
        assert_eq!(sunk.0.len(), m.encoded_len(), "{}", m.name());
        // ... and through the slice one: the same octets.
        let bytes = encode(m);
        assert_eq!(sunk.0, bytes, "{}", m.name());

        let [c0, c1, m0, m1] = [bytes[0], bytes[1], bytes[2], bytes[3]];
        assert_eq!(u16::from_be_bytes([c0, c1]), m.class_id());
        assert_eq!(u16::from_be_bytes([m0, m1]), m.method_id());
        let (class, _) = m.name().split_once('.').unwrap();
        assert!(!class.is_empty());

        let back = decode(&bytes).unwrap();
        assert_eq!(back, *m, "{}", m.name());
        assert_eq!(encode(&back), bytes, "{} re-encodes", m.name());

        for n in 0..bytes.len() {
            assert!(
                matches!(decode(&bytes[..n]), Err(Error::Truncated { .. })),
                "{} cut to {n}: {:?}",
                m.name(),
                decode(&bytes[..n])
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            decode(&longer),
            Err(Error::TrailingBytes { at: bytes.len() }),
            "{}",
            m.name()
        );
    }
    let per_class: Vec<(u16, i32)> = per_class.into_iter().collect();
    assert_eq!(
        per_class,
        [
            (10, 14),
            (20, 6),
            (30, 2),
            (40, 8),
            (50, 10),
            (60, 18),
            (85, 2),
            (90, 6)
        ]
    );
}

/// Content follows exactly basic.publish, basic.return, basic.deliver and basic.get-ok
/// (§4.2.6; XML `content = "1"`).
#[test]
fn content_bearing_methods_4_2_6() {
    let all = all_methods(FieldTable::EMPTY);
    let mut with: Vec<&str> = all
        .iter()
        .filter(|m| m.has_content())
        .map(|m| m.name())
        .collect();
    with.sort_unstable();
    assert_eq!(
        with,
        [
            "basic.deliver",
            "basic.get-ok",
            "basic.publish",
            "basic.return"
        ]
    );
    assert!(Method::from(ExchangeDeclare::default()).is_synchronous());
    assert!(!Method::from(ExchangeDeclareOk).is_synchronous());
    assert!(!Method::from(BasicPublish::default()).is_synchronous());
}

/// Names and ids: `class.method` and the associated consts agree with the enum.
#[test]
fn names_and_ids() {
    assert_eq!(BasicDeliver::NAME, "basic.deliver");
    assert_eq!((BasicDeliver::CLASS_ID, BasicDeliver::METHOD_ID), (60, 60));
    assert_eq!(
        (
            ConnectionUpdateSecretOk::CLASS_ID,
            ConnectionUpdateSecretOk::METHOD_ID
        ),
        (10, 71)
    );
    // RabbitMQ numbers exchange.unbind-ok 51, not 41 (XML exchange.unbind-ok index 51).
    assert_eq!(ExchangeUnbindOk::METHOD_ID, 51);
    assert_eq!(
        decode(&[0, 40, 0, 41]),
        Err(Error::UnknownMethod {
            class_id: 40,
            method_id: 41
        })
    );
    assert_eq!(Method::from(ExchangeUnbindOk).name(), "exchange.unbind-ok");
    assert_eq!(Method::from(ConfirmSelectOk).class_id(), 85);
}

/// A class and method pair the spec does not list is an error (§4.2.4), as is a
/// method payload shorter than its ids.
#[test]
fn rejects_unknown_method_4_2_4() {
    for (c, m) in [
        (60, 61),
        (0, 0),
        (10, 12),
        (85, 12),
        (100, 10),
        (65535, 65535),
    ] {
        let [a, b] = u16::to_be_bytes(c);
        let [x, y] = u16::to_be_bytes(m);
        assert_eq!(
            decode(&[a, b, x, y]),
            Err(Error::UnknownMethod {
                class_id: c,
                method_id: m
            })
        );
    }
    assert_eq!(decode(&[0, 60]), Err(Error::Truncated { at: 2 }));
    assert_eq!(decode(&[]), Err(Error::Truncated { at: 0 }));
}

/// connection.start as RabbitMQ 3.13.7 sends it (hostile row amqp-025): version 0-9,
/// server-properties with a nested capabilities table (RabbitMQ dialect), mechanisms
/// and locales as long strings. AMQP 0-9-1 §4.2.5.5; XML connection.start.
#[test]
fn decode_connection_start_from_rabbitmq_xml_connection_start_4_2_5_5() {
    let p = payload(
        "010000000001fd000a000a0009000001d80c6361706162696c697469657346000000c7127075626c69736865725f636f6e6669726d7374011a65786368616e67655f65786368616e67655f62696e64696e677374010a62617369632e6e61636b740116636f6e73756d65725f63616e63656c5f6e6f74696679740112636f6e6e656374696f6e2e626c6f636b6564740113636f6e73756d65725f7072696f72697469657374011c61757468656e7469636174696f6e5f6661696c7572655f636c6f73657401107065725f636f6e73756d65725f716f7374010f6469726563745f7265706c795f746f74010c636c75737465725f6e616d65530000001172616262697440696f74776972652d636909636f70797269676874530000003c436f707972696768742028632920323030372d323032342042726f6164636f6d20496e6320616e642f6f7220697473207375627369646961726965730b696e666f726d6174696f6e53000000394c6963656e73656420756e64657220746865204d504c20322e302e20576562736974653a2068747470733a2f2f7261626269746d712e636f6d08706c6174666f726d530000001145726c616e672f4f54502032362e322e350770726f6475637453000000085261626269744d510776657273696f6e5300000006332e31332e370000000e414d51504c41494e20504c41494e00000005656e5f5553ce",
        0,
    );
    let yes = FieldValue::Bool(true);
    let caps = [
        (s("publisher_confirms"), yes),
        (s("exchange_exchange_bindings"), yes),
        (s("basic.nack"), yes),
        (s("consumer_cancel_notify"), yes),
        (s("connection.blocked"), yes),
        (s("consumer_priorities"), yes),
        (s("authentication_failure_close"), yes),
        (s("per_consumer_qos"), yes),
        (s("direct_reply_to"), yes),
    ];
    let props = [
        (s("capabilities"), FieldValue::Table(FieldTable::new(&caps))),
        (
            s("cluster_name"),
            FieldValue::LongStr(l("rabbit@iotwire-ci")),
        ),
        (
            s("copyright"),
            FieldValue::LongStr(l(
                "Copyright (c) 2007-2024 Broadcom Inc and/or its subsidiaries",
            )),
        ),
        (
            s("information"),
            FieldValue::LongStr(l(
                "Licensed under the MPL 2.0. Website: https://rabbitmq.com",
            )),
        ),
        (s("platform"), FieldValue::LongStr(l("Erlang/OTP 26.2.5"))),
        (s("product"), FieldValue::LongStr(l("RabbitMQ"))),
        (s("version"), FieldValue::LongStr(l("3.13.7"))),
    ];
    check_vector(
        &p,
        ConnectionStart {
            version_major: 0,
            version_minor: 9,
            server_properties: FieldTable::new(&props),
            mechanisms: l("AMQPLAIN PLAIN"),
            locales: l("en_US"),
        }
        .into(),
    );
    // Ids, then the two version octets, then the table's 32-bit length (0x1d8 = 472).
    assert_eq!(p[..10], [0, 10, 0, 10, 0, 9, 0, 0, 1, 0xd8]);
}

/// connection.tune (hostile row amqp-026): channel-max 65535, frame-max 131072,
/// heartbeat 60. AMQP 0-9-1 §4.2.5.1 (integers in network order); XML connection.tune.
#[test]
fn decode_connection_tune_xml_connection_tune_4_2_5_1() {
    let p = payload("0100000000000c000a001effff00020000003cce", 0);
    check_vector(
        &p,
        ConnectionTune {
            channel_max: 65535,
            frame_max: 131_072,
            heartbeat: 60,
        }
        .into(),
    );
}

/// channel.close with reply-code 404 naming queue.declare (hostile row amqp-027).
/// AMQP 0-9-1 §4.2.4; XML channel.close.
#[test]
fn decode_channel_close_xml_channel_close_4_2_4() {
    let p = payload(
        "0100020000003e001400280194334e4f545f464f554e44202d206e6f207175657565202773656e736f722e72656164696e67732720696e2076686f737420272f270032000ace",
        2,
    );
    check_vector(
        &p,
        ChannelClose {
            reply_code: reply::NOT_FOUND,
            reply_text: s("NOT_FOUND - no queue 'sensor.readings' in vhost '/'"),
            class_id: QueueDeclare::CLASS_ID,
            method_id: QueueDeclare::METHOD_ID,
        }
        .into(),
    );
    assert_eq!(reply::name(404), Some("NOT_FOUND"));
    assert!(reply::is_soft_error(reply::NOT_FOUND));
}

/// connection.blocked with reason 'low on memory' (hostile row amqp-028). XML
/// connection.blocked (RabbitMQ extension).
#[test]
fn decode_connection_blocked_xml_connection_blocked() {
    let p = payload("01000000000012000a003c0d6c6f77206f6e206d656d6f7279ce", 0);
    check_vector(
        &p,
        ConnectionBlocked {
            reason: s("low on memory"),
        }
        .into(),
    );
}

/// exchange.bind ex.src -> ex.dst with routing key sensor.# and an empty arguments
/// table (hostile row amqp-029). XML exchange.bind (RabbitMQ extension).
#[test]
fn decode_exchange_bind_xml_exchange_bind() {
    let p = payload(
        "010001000000220028001e00000665782e6473740665782e7372630873656e736f722e230000000000ce",
        1,
    );
    check_vector(
        &p,
        ExchangeBind {
            ticket: 0,
            destination: s("ex.dst"),
            source: s("ex.src"),
            routing_key: s("sensor.#"),
            nowait: false,
            arguments: FieldTable::EMPTY,
        }
        .into(),
    );
}

/// confirm.select with nowait set (hostile row amqp-030). XML confirm.select
/// (RabbitMQ extension).
#[test]
fn decode_confirm_select_xml_confirm_select() {
    let p = payload("010001000000050055000a01ce", 1);
    check_vector(&p, ConfirmSelect { nowait: true }.into());
    // A bit beyond nowait would not re-encode (§4.2.5.2).
    assert_eq!(
        decode(&[0, 85, 0, 10, 0x03]),
        Err(Error::ReservedBits { at: 4 })
    );
}

/// basic.nack delivery-tag 42, multiple set, requeue clear: bits octet 0x01 (hostile
/// row amqp-031). AMQP 0-9-1 §4.2.5.2; XML basic.nack (RabbitMQ extension).
#[test]
fn decode_basic_nack_xml_basic_nack_4_2_5_2() {
    let p = payload("0100010000000d003c0078000000000000002a01ce", 1);
    check_vector(
        &p,
        BasicNack {
            delivery_tag: 42,
            multiple: true,
            requeue: false,
        }
        .into(),
    );
    let mut both = p.clone();
    *both.last_mut().unwrap() = 0x03;
    assert_eq!(
        decode(&both),
        Ok(BasicNack {
            delivery_tag: 42,
            multiple: true,
            requeue: true
        }
        .into())
    );
    *both.last_mut().unwrap() = 0x04;
    assert_eq!(decode(&both), Err(Error::ReservedBits { at: 12 }));
}

/// basic.publish with mandatory and immediate both set, packed into one octet 0x03
/// (hostile row amqp-021). AMQP 0-9-1 §4.2.5.2; XML basic.publish.
#[test]
fn decode_basic_publish_both_bits_xml_basic_publish_4_2_5_2() {
    let p = payload(
        "0100010000001c003c002800000a616d712e6469726563740973656e736f722e343203ce",
        1,
    );
    check_vector(
        &p,
        BasicPublish {
            ticket: 0,
            exchange: s("amq.direct"),
            routing_key: s("sensor.42"),
            mandatory: true,
            immediate: true,
        }
        .into(),
    );
    for (octet, mandatory, immediate) in [(0, false, false), (1, true, false), (2, false, true)] {
        let mut q = p.clone();
        *q.last_mut().unwrap() = octet;
        let m = Method::from(BasicPublish {
            exchange: s("amq.direct"),
            routing_key: s("sensor.42"),
            mandatory,
            immediate,
            ..Default::default()
        });
        assert_eq!(decode(&q), Ok(m));
        assert_eq!(encode(&m), q);
    }
}

/// basic.deliver with delivery-tag 2^64-1 and redelivered set (hostile row amqp-022).
/// AMQP 0-9-1 §4.2.5.1; XML basic.deliver.
#[test]
fn decode_basic_deliver_max_tag_xml_basic_deliver_4_2_5_1() {
    let p = payload(
        "0100010000003c003c003c10616d712e637461672d696f7477697265ffffffffffffffff0109616d712e746f7069631373656e736f722e74656d702e6b69746368656ece",
        1,
    );
    check_vector(
        &p,
        BasicDeliver {
            consumer_tag: s("amq.ctag-iotwire"),
            delivery_tag: u64::MAX,
            redelivered: true,
            exchange: s("amq.topic"),
            routing_key: s("sensor.temp.kitchen"),
        }
        .into(),
    );
}

/// queue.declare with all five bits set (octet 0x1F) and arguments {x-message-ttl:
/// I 60000, x-dead-letter-exchange: S dlx} (hostile row amqp-023). AMQP 0-9-1
/// §4.2.5.2, §4.2.5.5; XML queue.declare.
#[test]
fn decode_queue_declare_five_bits_and_table_xml_queue_declare_4_2_5_2() {
    let p = payload(
        "010001000000460032000a000008712e6f72646572731f000000320d782d6d6573736167652d74746c490000ea6016782d646561642d6c65747465722d65786368616e67655300000003646c78ce",
        1,
    );
    let args = [
        (s("x-message-ttl"), FieldValue::I32(60_000)),
        (s("x-dead-letter-exchange"), FieldValue::LongStr(l("dlx"))),
    ];
    check_vector(
        &p,
        QueueDeclare {
            ticket: 0,
            queue: s("q.orders"),
            passive: true,
            durable: true,
            exclusive: true,
            auto_delete: true,
            nowait: true,
            arguments: FieldTable::new(&args),
        }
        .into(),
    );
    // Bit 5 is beyond the five arguments: the octet is at offset 4 + 2 + 9 = 15.
    let mut q = p.clone();
    assert_eq!(q[15], 0x1F);
    q[15] = 0x3F;
    assert_eq!(decode(&q), Err(Error::ReservedBits { at: 15 }));
    // Read by the letter of the spec, the keys' '-' is not allowed (row amqp-024).
    assert!(matches!(
        decode_method(&p, &Context::default().dialect(Dialect::Spec)),
        Err(Error::BadFieldName { .. })
    ));
}

/// Each of exchange.declare's five bits goes to its own position, least significant
/// first, in the order of the arguments (§4.2.5.2).
#[test]
fn encode_exchange_declare_bits_lsb_first_4_2_5_2() {
    type Set = fn(&mut ExchangeDeclare<'static>);
    let setters: [Set; 5] = [
        |m| m.passive = true,
        |m| m.durable = true,
        |m| m.auto_delete = true,
        |m| m.internal = true,
        |m| m.nowait = true,
    ];
    for (i, set) in setters.iter().enumerate() {
        let mut d = ExchangeDeclare {
            exchange: s("ex"),
            kind: s("fanout"),
            ..Default::default()
        };
        set(&mut d);
        let b = encode(&d.into());
        // ids 4, ticket 2, "ex" 3, "fanout" 7: the bits octet, then 4 octets of table.
        assert_eq!(b.len(), 4 + 2 + 3 + 7 + 1 + 4);
        assert_eq!(b[16], 1 << i, "bit {i}");
    }
}

/// Reserved arguments are kept as read (the 0-9-1 XML's reserved-1 of basic.publish,
/// RabbitMQ's `ticket`), so a peer's non-zero value re-encodes unchanged.
#[test]
fn reserved_arguments_round_trip_exactly() {
    let p = [0, 60, 0, 40, 0x12, 0x34, 0, 0, 0];
    let m = decode(&p).unwrap();
    let Method::BasicPublish(bp) = m else {
        panic!("{m:?}")
    };
    assert_eq!(bp.ticket, 0x1234);
    assert_eq!(encode(&m), p);
}

/// A table the dialect cannot write is caught by `check` before anything is written.
#[test]
fn encode_checks_tables() {
    let entries = [(s("raw"), FieldValue::Bytes(b"raw"))];
    let m = Method::from(QueueBind {
        queue: s("q"),
        arguments: FieldTable::new_in(&entries, Dialect::Spec),
        ..Default::default()
    });
    assert!(m.check().is_err());
    let mut buf = [0xA5u8; 64];
    assert!(m.encode(&mut buf).is_err());
    assert!(buf.iter().all(|&b| b == 0xA5));
    let ok = Method::from(ConnectionTune::default());
    assert_eq!(
        ok.encode(&mut buf[..11]),
        Err(EncodeError::BufferTooSmall {
            needed: 12,
            available: 11
        })
    );
}
