//! Properties every AMQP frame keeps, for any input proptest can find.

use std::string::String;
use std::vec::Vec;

use proptest::prelude::*;

use super::{
    BasicProperties, ContentHeader, Context, Dialect, FieldTable, FieldValue, Frame, LongStr,
    Payload, ShortStr,
};
use crate::packet::encode_checked as encode;
use crate::{DecodeError, Packet};

/// An owned field value: scalars, strings, and one level of nested table.
#[derive(Debug, Clone)]
enum V {
    Int(i64),
    U(u32),
    F(f64),
    Text(Vec<u8>),
    Bytes(Vec<u8>),
    Nested(Vec<(String, i32)>),
    Void,
}

fn value() -> impl Strategy<Value = V> {
    prop_oneof![
        any::<i64>().prop_map(V::Int),
        any::<u32>().prop_map(V::U),
        any::<f64>().prop_map(V::F),
        prop::collection::vec(any::<u8>(), 0..12).prop_map(V::Text),
        prop::collection::vec(any::<u8>(), 0..12).prop_map(V::Bytes),
        prop::collection::vec(("[a-z]{1,6}", any::<i32>()), 0..4).prop_map(V::Nested),
        Just(V::Void),
    ]
}

#[derive(Debug, Clone)]
struct OwnedHeader {
    channel: u16,
    body_size: u64,
    strings: Vec<Option<Vec<u8>>>,
    delivery_mode: Option<u8>,
    priority: Option<u8>,
    timestamp: Option<u64>,
    headers: Option<Vec<(String, V)>>,
}

fn header() -> impl Strategy<Value = OwnedHeader> {
    (
        1u16..,
        any::<u64>(),
        prop::collection::vec(
            prop::option::of(prop::collection::vec(any::<u8>(), 0..20)),
            11,
        ),
        any::<Option<u8>>(),
        any::<Option<u8>>(),
        any::<Option<u64>>(),
        prop::option::of(prop::collection::vec(
            ("[a-zA-Z$#][a-z0-9_]{0,8}", value()),
            0..6,
        )),
    )
        .prop_map(
            |(channel, body_size, strings, delivery_mode, priority, timestamp, headers)| {
                OwnedHeader {
                    channel,
                    body_size,
                    strings,
                    delivery_mode,
                    priority,
                    timestamp,
                    headers,
                }
            },
        )
}

impl OwnedHeader {
    fn with<R>(&self, f: impl FnOnce(Frame<'_>) -> R) -> R {
        let nested: Vec<Vec<(ShortStr<'_>, FieldValue<'_>)>> = self
            .headers
            .iter()
            .flatten()
            .map(|(_, v)| match v {
                V::Nested(n) => n
                    .iter()
                    .map(|(k, x)| (ShortStr::new(k).unwrap(), FieldValue::I32(*x)))
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        let entries: Option<Vec<(ShortStr<'_>, FieldValue<'_>)>> = self.headers.as_ref().map(|h| {
            h.iter()
                .zip(&nested)
                .map(|((k, v), n)| {
                    let v = match v {
                        V::Int(i) => FieldValue::I64(*i),
                        V::U(u) => FieldValue::U32(*u),
                        V::F(x) => FieldValue::F64(*x),
                        V::Text(t) => FieldValue::LongStr(LongStr::new(t)),
                        V::Bytes(b) => FieldValue::Bytes(b),
                        V::Nested(_) => FieldValue::Table(FieldTable::new(n)),
                        V::Void => FieldValue::Void,
                    };
                    (ShortStr::new(k).unwrap(), v)
                })
                .collect()
        });
        let s = |i: usize| {
            self.strings[i]
                .as_deref()
                .map(|b| ShortStr::from_bytes(b).unwrap())
        };
        let properties = BasicProperties {
            content_type: s(0),
            content_encoding: s(1),
            headers: entries.as_deref().map(FieldTable::new),
            delivery_mode: self.delivery_mode,
            priority: self.priority,
            correlation_id: s(2),
            reply_to: s(3),
            expiration: s(4),
            message_id: s(5),
            timestamp: self.timestamp,
            kind: s(6),
            user_id: s(7),
            app_id: s(8),
            cluster_id: s(9),
        };
        f(Frame {
            channel: self.channel,
            payload: Payload::Header(ContentHeader {
                body_size: self.body_size,
                properties,
            }),
        })
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// A content header with any properties and headers table: decode(encode(f)) == f,
    /// every proper prefix is `Incomplete`, and the decoded frame re-encodes the same.
    #[test]
    fn content_headers_round_trip(h in header()) {
        h.with(|f| {
            let bytes = encode(&f);
            let cx = Context::new();
            let (back, n) = Frame::decode_with(&bytes, &cx).expect("decodes");
            assert_eq!((back, n), (f, bytes.len()));
            assert_eq!(encode(&back), bytes);
            for cut in 0..bytes.len() {
                let e = Frame::decode_with(&bytes[..cut], &cx).expect_err("a prefix");
                assert!(e.is_incomplete(), "prefix {cut}: {e}");
            }
        });
    }

    /// Body frames cut at frame-max carry the body in order, each within the limit.
    #[test]
    fn bodies_split_at_frame_max(body in prop::collection::vec(any::<u8>(), 0..3000), max in 9u32..600) {
        let mut joined = Vec::new();
        for f in Frame::bodies(1, &body, max) {
            let bytes = encode(&f);
            assert!(bytes.len() as u32 <= max);
            let (back, _) = Frame::decode_with(&bytes, &Context::new().frame_max(max)).unwrap();
            let Payload::Body(b) = back.payload else { panic!("a body frame") };
            joined.extend_from_slice(b);
        }
        assert_eq!(joined, body);
    }

    /// Arbitrary bytes never panic in either dialect; what decodes re-encodes to the
    /// bytes it took.
    #[test]
    fn any_bytes_decode_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..96), spec in any::<bool>()) {
        let d = if spec { Dialect::Spec } else { Dialect::RabbitMq };
        let cx = Context::new().dialect(d);
        if let Ok((f, n)) = Frame::decode_with(&bytes, &cx) {
            assert_eq!(encode(&f), &bytes[..n]);
        }
        let _ = FieldTable::decode_with(&bytes, &cx).map(|(t, _)| t.iter().count());
    }

    /// Mutations of valid frames never panic either.
    #[test]
    fn mutated_headers_decode_or_fail_cleanly(h in header(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        h.with(|f| {
            let mut bytes = encode(&f);
            let i = at.index(bytes.len());
            bytes[i] = byte;
            if let Ok((f, n)) = Frame::decode_with(&bytes, &Context::new()) {
                assert_eq!(encode(&f), &bytes[..n]);
            }
        });
    }
}

/// Every method, built by its `Arbitrary` impl from proptest's bytes, round trips.
#[cfg(feature = "arbitrary")]
mod methods {
    use arbitrary::{Arbitrary, Unstructured};
    use proptest::prelude::*;
    use std::collections::BTreeSet;
    use std::vec;
    use std::vec::Vec;

    use super::super::{Context, Method, decode_method};

    fn round_trip(seed: &[u8]) -> Option<&'static str> {
        let m = Method::arbitrary(&mut Unstructured::new(seed)).ok()?;
        m.check().ok()?;
        let mut buf = vec![0u8; m.encoded_len()];
        assert_eq!(m.encode(&mut buf), Ok(buf.len()));
        assert_eq!(decode_method(&buf, &Context::new()), Ok(m), "{m:?}");
        Some(m.name())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_methods_round_trip(seed in prop::collection::vec(any::<u8>(), 0..256)) {
            round_trip(&seed);
        }
    }

    #[test]
    fn the_arbitrary_impl_reaches_all_66_methods() {
        // A fixed stream of seeds (xorshift), so the count does not depend on luck.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut seen = BTreeSet::new();
        for _ in 0..20_000 {
            let seed: Vec<u8> = (0..64)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            seen.extend(round_trip(&seed));
        }
        assert_eq!(seen.len(), 66, "{seen:?}");
    }
}
