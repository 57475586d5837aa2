//! Properties every MQTT packet keeps, for any input proptest can find.

use std::vec;
use std::vec::Vec;

use proptest::prelude::*;

use super::strategy::packet;
use super::{Context, ControlPacket, Version};
use crate::{DecodeError, Packet};

fn encode(p: &ControlPacket<'_>) -> Vec<u8> {
    let len = p.encoded_len();
    let mut buf = vec![0xA5u8; len + 4];
    let n = p
        .encode(&mut buf)
        .expect("a packet from the strategy encodes");
    assert_eq!(n, len, "encode wrote other than encoded_len");
    assert!(
        buf[n..].iter().all(|&b| b == 0xA5),
        "encode wrote past encoded_len"
    );
    buf.truncate(n);
    buf
}

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
