//! Properties every MQTT packet keeps, for any input proptest can find.

use std::string::String;
use std::vec::Vec;

use proptest::prelude::*;

use super::strategy::packet;
use super::{Context, ControlPacket, Version};
use crate::packet::encode_checked as encode;
use crate::{DecodeError, Packet};

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![
        Just(Version::V3_1_1),
        Just(Version::V5),
        Just(Version::V3_1)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// Every packet type of every version: decode(encode(p)) == p, all bytes taken, and
    /// the decoded packet re-encodes byte for byte.
    #[test]
    fn every_packet_round_trips(owned in version().prop_flat_map(packet)) {
        owned.with(|p| {
            let bytes = encode(&p);
            let cx = Context::new(owned.version);
            let (back, n) = ControlPacket::decode_with(&bytes, &cx).expect("decodes");
            assert_eq!(n, bytes.len());
            assert_eq!(back, p);
            // The header alone tells the length.
            let header = 1 + bytes[1..].iter().take_while(|&&b| b & 0x80 != 0).count() + 1;
            assert_eq!(super::packet_len(&bytes[..header], &cx), Ok(bytes.len()));
            assert_eq!(encode(&back), bytes);
        });
    }

    /// Every split point gives `Incomplete` (with the exact count once the Remaining
    /// Length is known), then the whole gives the one-shot result.
    #[test]
    fn every_prefix_is_incomplete(owned in version().prop_flat_map(packet), cut in any::<prop::sample::Index>()) {
        owned.with(|p| {
            let bytes = encode(&p);
            let cx = Context::new(owned.version);
            let c = cut.index(bytes.len());
            let e = ControlPacket::decode_with(&bytes[..c], &cx).unwrap_err();
            assert!(e.is_incomplete(), "prefix {c}: {e}");
            if let Some(n) = e.needed().and_then(|n| n.size()) {
                assert!(c + n <= bytes.len());
            }
        });
    }

    #[test]
    fn any_bytes_decode_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300), v in version()) {
        let cx = Context::new(v);
        if let Ok((p, n)) = ControlPacket::decode_with(&bytes, &cx) {
            assert!(n <= bytes.len());
            let again = encode(&p);
            assert_eq!(ControlPacket::decode_with(&again, &cx), Ok((p, again.len())));
        }
    }

    /// Valid packets with a byte changed, inserted or removed: no panic, and what still
    /// decodes re-encodes to what decodes the same.
    #[test]
    fn mutated_packets_decode_without_panic(
        owned in version().prop_flat_map(packet),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        owned.with(|p| {
            let mut bytes = encode(&p);
            for (at, byte, op) in &edits {
                if bytes.is_empty() {
                    break;
                }
                let i = at.index(bytes.len());
                match op {
                    0 => bytes[i] = *byte,
                    1 => bytes.insert(i, *byte),
                    _ => {
                        bytes.remove(i);
                    }
                }
            }
            let cx = Context::new(owned.version);
            if let Ok((q, _)) = ControlPacket::decode_with(&bytes, &cx) {
                let again = encode(&q);
                assert_eq!(ControlPacket::decode_with(&again, &cx), Ok((q, again.len())));
            }
        });
    }
}

#[test]
fn the_strategy_reaches_every_packet_type_and_properties() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut types = std::collections::BTreeSet::new();
    let mut with_props = 0;
    for _ in 0..600 {
        let owned = packet(Version::V5)
            .new_tree(&mut runner)
            .expect("tree")
            .current();
        owned.with(|p| {
            types.insert(p.packet_type() as u8);
            let bytes = encode(&p);
            // A 5.0 packet with properties has a non-zero Property Length somewhere;
            // count those whose encoding is longer than their smallest form.
            if bytes.len() > 12 {
                with_props += 1;
            }
        });
    }
    assert_eq!(types.len(), 15, "{types:?}");
    assert!(with_props > 100);
}

/// What both decoders can say of a packet: its kind, and for PUBLISH, SUBSCRIBE and
/// CONNECT their fields. `None` for packets the reference does not model.
#[derive(Debug, PartialEq)]
enum Seen {
    Publish(bool, u8, bool, String, u16, Vec<u8>),
    Subscribe(u16, Vec<(String, u8)>),
    Connect(String, u16, bool),
    Ack(u8, u16),
    Other(u8),
}

fn ours(p: &ControlPacket<'_>) -> Seen {
    match p {
        ControlPacket::Publish(p) => Seen::Publish(
            p.dup,
            p.qos as u8,
            p.retain,
            p.topic.as_str().into(),
            p.packet_id.map_or(0, |id| id.get()),
            p.payload.to_vec(),
        ),
        ControlPacket::Subscribe(s) => Seen::Subscribe(
            s.packet_id.get(),
            s.filters
                .iter()
                .map(|(f, o)| (f.as_str().into(), o.qos as u8))
                .collect(),
        ),
        ControlPacket::Connect(c) => {
            Seen::Connect(c.client_id.as_str().into(), c.keep_alive, c.clean_start)
        }
        ControlPacket::PubAck(a)
        | ControlPacket::PubRec(a)
        | ControlPacket::PubRel(a)
        | ControlPacket::PubComp(a) => Seen::Ack(p.packet_type() as u8, a.packet_id.get()),
        other => Seen::Other(other.packet_type() as u8),
    }
}

/// What mqttbytes' decoder for one version (`v4` or `v5`, same packet shapes for what
/// [`Seen`] keeps) says of `bytes`.
macro_rules! mqttbytes_seen {
    ($name:ident, $module:ident) => {
        fn $name(bytes: &[u8]) -> Option<Seen> {
            use mqttbytes::$module::Packet as P;
            let mut buf = bytes::BytesMut::from(bytes);
            Some(match mqttbytes::$module::read(&mut buf, 1 << 28).ok()? {
                P::Publish(p) => Seen::Publish(
                    p.dup,
                    p.qos as u8,
                    p.retain,
                    p.topic,
                    p.pkid,
                    p.payload.to_vec(),
                ),
                P::Subscribe(s) => Seen::Subscribe(
                    s.pkid,
                    s.filters
                        .into_iter()
                        .map(|f| (f.path, f.qos as u8))
                        .collect(),
                ),
                P::Connect(c) => Seen::Connect(c.client_id, c.keep_alive, c.clean_session),
                P::PubAck(a) => Seen::Ack(4, a.pkid),
                P::PubRec(a) => Seen::Ack(5, a.pkid),
                P::PubRel(a) => Seen::Ack(6, a.pkid),
                P::PubComp(a) => Seen::Ack(7, a.pkid),
                P::ConnAck(_) => Seen::Other(2),
                P::SubAck(_) => Seen::Other(9),
                P::Unsubscribe(_) => Seen::Other(10),
                P::UnsubAck(_) => Seen::Other(11),
                P::PingReq => Seen::Other(12),
                P::PingResp => Seen::Other(13),
                P::Disconnect { .. } => Seen::Other(14),
            })
        }
    };
}

mqttbytes_seen!(mqttbytes_v4, v4);
mqttbytes_seen!(mqttbytes_v5, v5);

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// Differential against mqttbytes 0.6 on valid 3.1.1 packets: it decodes every one
    /// (but a CONNECT whose binary password is not UTF-8, which it reads as a string)
    /// and agrees on what it says.
    #[test]
    fn mqttbytes_agrees_on_valid_v311_packets(owned in packet(Version::V3_1_1)) {
        owned.with(|p| {
            let bytes = encode(&p);
            match mqttbytes_v4(&bytes) {
                Some(theirs) => assert_eq!(theirs, ours(&p), "{p:?}"),
                None => assert!(
                    matches!(p, ControlPacket::Connect(c) if c.password.is_some_and(|pw| core::str::from_utf8(pw).is_err())),
                    "mqttbytes refuses {p:?}"
                ),
            }
        });
    }

    /// The same on 5.0 PUBLISH, SUBSCRIBE and acks where mqttbytes decodes them (it
    /// refuses some valid packets, such as AUTH, which it does not model).
    #[test]
    fn mqttbytes_agrees_where_it_decodes_v5(owned in packet(Version::V5)) {
        owned.with(|p| {
            let bytes = encode(&p);
            if let Some(theirs) = mqttbytes_v5(&bytes) {
                assert_eq!(theirs, ours(&p), "{p:?}");
            }
        });
    }
}
