//! Properties every CoAP message keeps, for any input proptest can find.

use std::vec;

use proptest::prelude::*;

use super::strategy::{message, transport};
use super::{Context, Message, Transport};
use crate::packet::encode_checked as encode;
use crate::{DecodeError, Packet};

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// Over every transport: decode(encode(m)) == m, all bytes taken, and the decoded
    /// message re-encodes byte for byte (options come out in number order).
    #[test]
    fn every_message_round_trips(owned in transport().prop_flat_map(message)) {
        owned.with(|m| {
            let bytes = encode(&m);
            let cx = Context::new(owned.transport());
            let (back, n) = Message::decode_with(&bytes, &cx).expect("decodes");
            assert_eq!(n, bytes.len());
            assert_eq!(back, m);
            assert_eq!(encode(&back), bytes);
            // The head alone is the message without its payload.
            let mut head = vec![0u8; m.head_len()];
            assert_eq!(m.encode_head(&mut head), Ok(head.len()));
            assert_eq!([&head[..], m.payload].concat(), bytes);
        });
    }

    /// A TCP frame: every proper prefix is `Incomplete`, and bytes after it are the
    /// next frame's.
    #[test]
    fn every_tcp_prefix_is_incomplete(owned in message(Transport::Tcp), tail in prop::collection::vec(any::<u8>(), 0..8)) {
        owned.with(|m| {
            let bytes = encode(&m);
            let cx = Context::new(Transport::Tcp);
            for cut in 0..bytes.len() {
                let e = Message::decode_with(&bytes[..cut], &cx).expect_err("a prefix");
                assert!(e.is_incomplete(), "prefix {cut} of {}: {e}", bytes.len());
            }
            let more = [&bytes[..], &tail[..]].concat();
            let (back, n) = Message::decode_with(&more, &cx).expect("decodes");
            assert_eq!((back, n), (m, bytes.len()));
        });
    }

    /// Arbitrary bytes never panic; what decodes re-encodes to the bytes it took.
    #[test]
    fn any_bytes_decode_or_fail_cleanly(t in transport(), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let cx = Context::new(t);
        if let Ok((m, n)) = Message::decode_with(&bytes, &cx) {
            assert_eq!(encode(&m), &bytes[..n]);
            let _ = m.options.iter().count();
            let _ = (m.uri_path().count(), m.observe(), m.block2(), m.max_age());
            let _ = m.ignored_options().count();
        }
    }

    /// Mutated valid messages never panic either.
    #[test]
    fn mutated_messages_decode_or_fail_cleanly(
        owned in transport().prop_flat_map(message),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        owned.with(|m| {
            let mut bytes = encode(&m);
            let i = at.index(bytes.len());
            bytes[i] = byte;
            let cx = Context::new(owned.transport());
            if let Ok((m, n)) = Message::decode_with(&bytes, &cx) {
                assert_eq!(encode(&m), &bytes[..n]);
            }
        });
    }
}
