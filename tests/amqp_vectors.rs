//! Real traffic as test vectors: every AMQP 0-9-1 frame pika 1.4.4 and RabbitMQ 3.10.8
//! exchanged on loopback in 9 sessions, recorded by `scripts/capture_amqp.sh` into
//! `tests/vectors/amqp/` (one file per TCP connection: `C <hex>` for a frame from pika,
//! `S <hex>` for one from RabbitMQ, in capture order; the first line is pika's protocol
//! header).
//!
//! Every frame decodes whole (`Frame::decode_with` takes exactly its octets) with the
//! frame-max in force: none before connection.tune-ok, then the one tune-ok negotiated
//! (AMQP 0-9-1 §4.2.3); every proper prefix of it is `Incomplete`; and it re-encodes
//! byte for byte (`encoded_len`, `encode`). Then the decoded values are checked against
//! what the sessions did: pika's client-properties and capabilities, the headers and
//! properties pika sent, bodies split at frame-max 4096, confirms, a returned message,
//! heartbeats, a channel closed by the broker.

#![cfg(all(feature = "amqp", feature = "std"))]

use std::collections::BTreeMap;

use iotwire::amqp::{
    Context, FieldArray, FieldTable, FieldValue, Frame, LongStr, Method, PROTOCOL_HEADER, Payload,
    ProtocolHeader, ShortStr, reply,
};
use iotwire::{DecodeError, Packet};

/// The capture: 9 sessions, 253 frames with the 9 protocol headers (a new capture may
/// differ a little in how many heartbeats and acknowledgements come).
const MIN_SESSIONS: usize = 9;
const MIN_FRAMES: usize = 240;

/// One session: its file name and its frames, (from the client, octets).
struct Session {
    name: String,
    frames: Vec<(bool, Vec<u8>)>,
}

fn sessions() -> Vec<Session> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/amqp");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("tests/vectors/amqp")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "hex"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("vector file");
            let frames = text
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .map(|l| {
                    let (dir, hex) = l.split_once(' ').expect("direction, then hex");
                    assert!(
                        dir == "C" || dir == "S",
                        "{}: direction {dir:?}",
                        path.display()
                    );
                    (dir == "C", unhex(hex.trim()))
                })
                .collect();
            Session {
                name: path.file_name().unwrap().to_string_lossy().into_owned(),
                frames,
            }
        })
        .collect()
}

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Decodes every frame of a session (the protocol header first), checks it takes its
/// octets exactly, that every prefix is incomplete, and that it re-encodes byte for
/// byte; calls `each` with each frame and whether pika sent it.
fn walk(s: &Session, mut each: impl FnMut(bool, &Frame<'_>)) -> usize {
    let (first_from_client, header) = &s.frames[0];
    assert!(*first_from_client, "{}: the client speaks first", s.name);
    assert_eq!(header.as_slice(), PROTOCOL_HEADER, "{}", s.name);
    assert_eq!(ProtocolHeader::decode(header), Ok((ProtocolHeader, 8)));
    // No frame-max until tune-ok; then the negotiated one, both ways.
    let mut cx = Context::new();
    for (i, (from_client, bytes)) in s.frames.iter().enumerate().skip(1) {
        let at = format!(
            "{} frame {i} ({})",
            s.name,
            if *from_client { "C" } else { "S" }
        );
        let (frame, used) = Frame::decode_with(bytes, &cx).unwrap_or_else(|e| panic!("{at}: {e}"));
        assert_eq!(
            used,
            bytes.len(),
            "{at}: took {used} of {} octets",
            bytes.len()
        );
        assert_eq!(frame.encoded_len(), bytes.len(), "{at}: encoded_len");
        let mut out = vec![0u8; frame.encoded_len()];
        frame.encode(&mut out).unwrap();
        assert_eq!(&out, bytes, "{at}: re-encoded differently");
        for n in [0, 1, 6, 7, bytes.len() / 2, bytes.len() - 1] {
            let e = Frame::decode_with(&bytes[..n], &cx).expect_err(&at);
            assert!(e.is_incomplete(), "{at}: prefix of {n} octets: {e}");
        }
        if let Payload::Method(Method::ConnectionTuneOk(t)) = frame.payload {
            assert!(*from_client, "{at}: tune-ok from the server");
            cx = Context::new().frame_max(t.frame_max);
        }
        each(*from_client, &frame);
    }
    s.frames.len()
}

#[test]
fn every_frame_decodes_and_reencodes_byte_for_byte() {
    let sessions = sessions();
    assert!(
        sessions.len() >= MIN_SESSIONS,
        "{} sessions",
        sessions.len()
    );
    let mut total = 0;
    let mut methods: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut kinds = [0usize; 4];
    for s in &sessions {
        total += walk(s, |_, f| match f.payload {
            Payload::Method(m) => *methods.entry(m.name()).or_default() += 1,
            Payload::Header(_) => kinds[1] += 1,
            Payload::Body(_) => kinds[2] += 1,
            Payload::Heartbeat => kinds[3] += 1,
        });
    }
    assert!(total >= MIN_FRAMES, "{total} frames");
    for name in [
        "connection.start",
        "connection.start-ok",
        "connection.tune",
        "connection.tune-ok",
        "connection.open",
        "connection.open-ok",
        "connection.close",
        "connection.close-ok",
        "channel.open",
        "channel.open-ok",
        "channel.close",
        "channel.close-ok",
        "exchange.declare",
        "exchange.declare-ok",
        "exchange.bind",
        "exchange.delete",
        "queue.declare",
        "queue.declare-ok",
        "queue.bind",
        "queue.unbind",
        "queue.purge",
        "queue.delete",
        "basic.qos",
        "basic.consume",
        "basic.consume-ok",
        "basic.publish",
        "basic.deliver",
        "basic.get",
        "basic.get-ok",
        "basic.get-empty",
        "basic.ack",
        "basic.reject",
        "basic.nack",
        "basic.recover",
        "basic.return",
        "basic.cancel",
        "confirm.select",
        "tx.select",
        "tx.commit",
        "tx.rollback",
    ] {
        assert!(
            methods.contains_key(name),
            "no {name} in the capture: {methods:?}"
        );
    }
    assert!(
        kinds[1] > 0 && kinds[2] > 0 && kinds[3] > 0,
        "headers, bodies, heartbeats: {kinds:?}"
    );
}

fn session(name: &str) -> Session {
    sessions()
        .into_iter()
        .find(|s| s.name.ends_with(&format!("-{name}.hex")))
        .unwrap_or_else(|| panic!("no session {name}"))
}

#[test]
fn pika_client_properties_and_rabbitmq_server_properties() {
    let s = session("handshake-close");
    let mut seen = 0;
    walk(&s, |_, f| match f.payload {
        Payload::Method(Method::ConnectionStart(start)) => {
            let p = start.server_properties;
            assert_eq!(
                p.get("product"),
                Some(FieldValue::LongStr(LongStr::text("RabbitMQ")))
            );
            let Some(FieldValue::Table(caps)) = p.get("capabilities") else {
                panic!("{p:?}")
            };
            assert_eq!(caps.get("publisher_confirms"), Some(FieldValue::Bool(true)));
            assert_eq!(caps.get("basic.nack"), Some(FieldValue::Bool(true)));
            assert!(
                start
                    .mechanisms
                    .as_str()
                    .unwrap()
                    .split(' ')
                    .any(|m| m == "PLAIN")
            );
            seen += 1;
        }
        Payload::Method(Method::ConnectionStartOk(ok)) => {
            let p = ok.client_properties;
            assert_eq!(
                p.get("product"),
                Some(FieldValue::LongStr(LongStr::text(
                    "Pika Python Client Library"
                )))
            );
            assert_eq!(
                p.get("connection_name"),
                Some(FieldValue::LongStr(LongStr::text("iotwire-capture")))
            );
            let Some(FieldValue::Table(caps)) = p.get("capabilities") else {
                panic!("{p:?}")
            };
            for c in [
                "authentication_failure_close",
                "basic.nack",
                "connection.blocked",
                "consumer_cancel_notify",
                "publisher_confirms",
            ] {
                assert_eq!(caps.get(c), Some(FieldValue::Bool(true)), "capability {c}");
            }
            assert_eq!(ok.mechanism, "PLAIN");
            assert_eq!(ok.response.as_bytes(), b"\0guest\0guest");
            assert_eq!(ok.locale, "en_US");
            seen += 1;
        }
        Payload::Method(Method::ConnectionClose(c)) => {
            assert_eq!(c.reply_code, reply::REPLY_SUCCESS);
            seen += 1;
        }
        _ => {}
    });
    assert_eq!(seen, 3);
}

/// The headers pika encoded: str -> S, int -> I (l past 32 bits), bool -> t, bytes -> x,
/// Decimal -> D, datetime -> T, None -> V, list -> A, dict -> F.
#[test]
fn the_headers_and_properties_pika_sent() {
    let s = session("publish-consume-large");
    let k = |v| ShortStr::new(v).unwrap();
    let list_table = [(k("k"), FieldValue::LongStr(LongStr::text("v")))];
    let list_list = [FieldValue::Bool(true), FieldValue::Void];
    let list = [
        FieldValue::LongStr(LongStr::text("a")),
        FieldValue::I32(7),
        FieldValue::Table(FieldTable::new(&list_table)),
        FieldValue::Array(FieldArray::new(&list_list)),
    ];
    let deeper = [(k("x"), FieldValue::Bool(false))];
    let nested = [
        (k("name"), FieldValue::LongStr(LongStr::text("inner"))),
        (k("deeper"), FieldValue::Table(FieldTable::new(&deeper))),
    ];
    let want = [
        (k("str"), FieldValue::LongStr(LongStr::text("héllo"))),
        (k("int"), FieldValue::I32(-42)),
        (k("big"), FieldValue::I64(1 << 40)),
        (k("true"), FieldValue::Bool(true)),
        (k("bytes"), FieldValue::Bytes(b"\x00\xff")),
        (
            k("decimal"),
            FieldValue::Decimal {
                scale: 2,
                value: 314,
            },
        ),
        (k("datetime"), FieldValue::Timestamp(1_704_164_645)),
        (k("none"), FieldValue::Void),
        (k("list"), FieldValue::Array(FieldArray::new(&list))),
        (k("nested"), FieldValue::Table(FieldTable::new(&nested))),
    ];
    let want = FieldTable::new(&want);
    let (mut headers, mut bodies, mut body_len, mut delivered) = (0, 0, 0, 0);
    let mut frame_max = 0;
    walk(&s, |from_client, f| match f.payload {
        Payload::Method(Method::ConnectionTuneOk(t)) => frame_max = t.frame_max,
        Payload::Method(Method::BasicDeliver(d)) => {
            assert_eq!(d.consumer_tag, "cap-consumer");
            delivered += 1;
        }
        Payload::Header(h) if h.properties.headers.is_some() => {
            let p = h.properties;
            assert_eq!(h.body_size, 10_000);
            // Entry by entry, in pika's order (the tables compare entries in order).
            let got = p.headers.unwrap();
            for ((wk, wv), (gk, gv)) in want.iter().zip(got.iter()) {
                assert_eq!((wk, wv), (gk, gv));
            }
            assert_eq!(got, want);
            assert_eq!(p.content_type, Some(k("application/json")));
            assert_eq!(p.content_encoding, Some(k("utf-8")));
            assert_eq!((p.delivery_mode, p.priority), (Some(2), Some(3)));
            assert_eq!(p.correlation_id, Some(k("corr-1")));
            assert_eq!(p.reply_to, Some(k("replies")));
            assert_eq!(p.expiration, Some(k("600000")));
            assert_eq!(p.message_id, Some(k("m-1")));
            assert_eq!(p.timestamp, Some(1_704_164_645));
            assert_eq!(p.kind, Some(k("capture")));
            assert_eq!(p.user_id, Some(k("guest")));
            assert_eq!(p.app_id, Some(k("pika")));
            assert_eq!(p.cluster_id, Some(k("c-1")));
            assert_eq!(p.flags(), 0xFFFC, "all 14 properties");
            headers += 1;
        }
        Payload::Body(b) if from_client && b.len() > 5 => {
            assert!(b.len() + 8 <= frame_max as usize);
            bodies += 1;
            body_len += b.len();
        }
        _ => {}
    });
    assert_eq!(frame_max, 4096);
    // Sent by pika, then delivered by RabbitMQ: the same header both ways.
    assert_eq!(headers, 2);
    assert_eq!(
        (bodies, body_len),
        (3, 10_000),
        "10000 octets in frames of 4088"
    );
    assert_eq!(delivered, 2);
}

#[test]
fn confirms_returns_heartbeats_and_a_channel_closed_by_the_broker() {
    let mut acks = 0;
    let mut returned = false;
    walk(&session("confirms-return"), |from_client, f| {
        match f.payload {
            Payload::Method(Method::BasicAck(a)) if !from_client => acks = acks.max(a.delivery_tag),
            Payload::Method(Method::BasicReturn(r)) => {
                assert_eq!(r.reply_code, reply::NO_ROUTE);
                assert_eq!(r.exchange, "amq.direct");
                returned = true;
            }
            _ => {}
        }
    });
    assert_eq!(acks, 4, "the broker confirmed 4 publishes");
    assert!(returned);

    let mut beats = [0, 0];
    walk(&session("heartbeat"), |from_client, f| {
        if f.payload == Payload::Heartbeat {
            assert_eq!(f.channel, 0);
            beats[usize::from(from_client)] += 1;
        }
    });
    assert!(
        beats[0] >= 2 && beats[1] >= 2,
        "heartbeats (server, client): {beats:?}"
    );

    let mut closed = false;
    walk(&session("channel-error-close"), |from_client, f| {
        if let Payload::Method(Method::ChannelClose(c)) = f.payload
            && !from_client
        {
            assert_eq!(c.reply_code, reply::NOT_FOUND);
            assert_eq!((c.class_id, c.method_id), (50, 10), "queue.declare");
            closed = true;
        }
    });
    assert!(closed);
}
