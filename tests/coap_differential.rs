//! Differential tests against coap-lite 0.13 on valid CoAP-over-UDP messages (RFC 7252),
//! in both directions: what iotwire encodes, coap-lite decodes to the same fields, and
//! what coap-lite encodes, iotwire decodes to the same fields; the two encoders write
//! the same bytes.
//!
//! The messages are valid by construction: a type the code allows (RFC 7252 §4.3
//! Table 1), an Empty message with nothing after its header (§4.1), registered options
//! with values of their format and length (§5.10, RFC 7641, RFC 7959, RFC 7967,
//! RFC 8768, RFC 9175, RFC 9177) and not repeated where they may not be (§5.4.5),
//! unknown options (kept, §5.4.1), and uint values sometimes with leading zero bytes,
//! which a receiver must accept (§3.2).
#![cfg(feature = "coap")]

use coap_lite::{CoapOption, MessageClass, MessageType, Packet as Lite};
use iotwire::Packet;
use iotwire::coap::{Block, Code, Header, Message, Opt, OptionNumber, Options, Type};
use proptest::prelude::*;

/// A message that owns its parts, for both libraries to be built from.
#[derive(Debug, Clone)]
struct Owned {
    kind: Type,
    code: Code,
    message_id: u16,
    token: Vec<u8>,
    options: Vec<OwnedOpt>,
    payload: Vec<u8>,
}

/// An option value as bytes, and the number it is the shortest form of when it is a
/// uint written so (iotwire then builds it with [`Opt::uint`]).
#[derive(Debug, Clone)]
struct OwnedOpt {
    number: u16,
    bytes: Vec<u8>,
    uint: Option<u32>,
}

/// What a decoder saw: type, code, Message ID, token, options in wire order, payload.
type Seen = (Type, u8, u16, Vec<u8>, Vec<(u16, Vec<u8>)>, Vec<u8>);

impl Owned {
    /// The options in wire order: by number, repeats in the order given.
    fn wire_options(&self) -> Vec<(u16, Vec<u8>)> {
        let mut v: Vec<_> = self
            .options
            .iter()
            .map(|o| (o.number, o.bytes.clone()))
            .collect();
        v.sort_by_key(|o| o.0);
        v
    }

    fn expected(&self) -> Seen {
        (
            self.kind,
            self.code.0,
            self.message_id,
            self.token.clone(),
            self.wire_options(),
            self.payload.clone(),
        )
    }

    /// iotwire's encoding.
    fn encode(&self) -> Vec<u8> {
        let opts: Vec<Opt<'_>> = self
            .options
            .iter()
            .map(|o| match o.uint {
                Some(v) => Opt::uint(OptionNumber(o.number), v),
                None => Opt::new(OptionNumber(o.number), &o.bytes),
            })
            .collect();
        let m = Message {
            header: Header::Udp {
                kind: self.kind,
                message_id: self.message_id,
            },
            code: self.code,
            token: &self.token,
            options: Options::new(&opts),
            payload: &self.payload,
        };
        let mut bytes = vec![0u8; m.encoded_len()];
        m.encode(&mut bytes).expect("a valid message encodes");
        assert_eq!(bytes.len(), m.encoded_len());
        bytes
    }

    /// The same message as coap-lite builds it.
    fn lite(&self) -> Lite {
        let mut p = Lite::new();
        p.header.set_type(match self.kind {
            Type::Confirmable => MessageType::Confirmable,
            Type::NonConfirmable => MessageType::NonConfirmable,
            Type::Acknowledgement => MessageType::Acknowledgement,
            Type::Reset => MessageType::Reset,
        });
        p.header.code = MessageClass::from(self.code.0);
        p.header.message_id = self.message_id;
        p.set_token(self.token.clone());
        for o in &self.options {
            p.add_option(CoapOption::from(o.number), o.bytes.clone());
        }
        p.payload = self.payload.clone();
        p
    }
}

fn seen_by_iotwire(bytes: &[u8]) -> Seen {
    let (m, n) =
        Message::decode(bytes).unwrap_or_else(|e| panic!("iotwire refuses {bytes:02x?}: {e}"));
    assert_eq!(n, bytes.len());
    let Header::Udp { kind, message_id } = m.header else {
        panic!("not a UDP header")
    };
    let options = m
        .options
        .iter()
        .map(|o| {
            (
                o.number.0,
                o.as_bytes().expect("decoded values are bytes").to_vec(),
            )
        })
        .collect();
    (
        kind,
        m.code.0,
        message_id,
        m.token.to_vec(),
        options,
        m.payload.to_vec(),
    )
}

fn seen_by_lite(bytes: &[u8]) -> Seen {
    let p =
        Lite::from_bytes(bytes).unwrap_or_else(|e| panic!("coap-lite refuses {bytes:02x?}: {e:?}"));
    let kind = match p.header.get_type() {
        MessageType::Confirmable => Type::Confirmable,
        MessageType::NonConfirmable => Type::NonConfirmable,
        MessageType::Acknowledgement => Type::Acknowledgement,
        MessageType::Reset => Type::Reset,
    };
    let options = p
        .options()
        .flat_map(|(&n, vs)| vs.iter().map(move |v| (n, v.clone())))
        .collect();
    (
        kind,
        u8::from(p.header.code),
        p.header.message_id,
        p.get_token().to_vec(),
        options,
        p.payload,
    )
}

/// The shortest big-endian form of `v` (no bytes for 0; RFC 7252 §3.2).
fn uint_bytes(v: u32) -> Vec<u8> {
    let b = v.to_be_bytes();
    b[v.leading_zeros() as usize / 8..].to_vec()
}

/// A uint option value of `min..=max` bytes: the shortest form of a number (built by
/// iotwire as a uint), or, one time in four, the same number with a leading zero byte
/// (RFC 7252 §3.2 lets a receiver see those; a registered minimum of 2 bytes can also
/// call for them).
fn uint_value(min: usize, max: usize) -> impl Strategy<Value = (Vec<u8>, Option<u32>)> {
    let top = match max {
        0 => 0,
        1..=3 => (1u32 << (8 * max)) - 1,
        _ => u32::MAX,
    };
    (0..=top, 0..4u8).prop_map(move |(v, pad)| {
        let b = uint_bytes(v);
        let zeros = match pad {
            0 if b.len() < max => 1.max(min.saturating_sub(b.len())),
            _ => min.saturating_sub(b.len()),
        };
        match zeros {
            0 => (b, Some(v)),
            n => ([vec![0; n], b].concat(), None),
        }
    })
}

/// A block option value (RFC 7959 §2.2) with an SZX other than 7, reserved over UDP.
fn block_value() -> impl Strategy<Value = (Vec<u8>, Option<u32>)> {
    (0..1u32 << 20, any::<bool>(), 0..=6u8).prop_map(|(num, more, szx)| {
        let v = Block { num, more, szx }.to_uint();
        (uint_bytes(v), Some(v))
    })
}

/// A string of `min..=max` bytes, mostly ASCII, sometimes not.
fn string_value(min: usize, max: usize) -> impl Strategy<Value = (Vec<u8>, Option<u32>)> {
    let max = max.min(64);
    prop_oneof![
        proptest::string::string_regex(&format!("[a-z0-9./=&?-]{{{min},{max}}}")).expect("regex"),
        proptest::string::string_regex(&format!("[äöü€a-z]{{{min},{}}}", max / 3)).expect("regex"),
    ]
    .prop_filter("within the registered length", move |s| {
        (min..=max).contains(&s.len())
    })
    .prop_map(|s| (s.into_bytes(), None))
}

fn opaque_value(min: usize, max: usize) -> impl Strategy<Value = (Vec<u8>, Option<u32>)> {
    proptest::collection::vec(any::<u8>(), min..=max.min(64)).prop_map(|b| (b, None))
}

/// Every registered option (outside signaling) with a valid value, and unknown options
/// (elective and critical) with any value.
fn option() -> impl Strategy<Value = OwnedOpt> {
    let registered: Vec<u16> = (0..=u16::MAX)
        .filter(|&n| OptionNumber(n).spec().is_some())
        .collect();
    let known = proptest::sample::select(registered).prop_flat_map(|n| {
        let number = OptionNumber(n);
        let spec = number.spec().expect("registered");
        let (min, max) = (usize::from(spec.min), usize::from(spec.max));
        use iotwire::coap::Format;
        let value = match spec.format {
            _ if matches!(
                number,
                OptionNumber::BLOCK1
                    | OptionNumber::BLOCK2
                    | OptionNumber::Q_BLOCK1
                    | OptionNumber::Q_BLOCK2
            ) =>
            {
                block_value().boxed()
            }
            Format::Empty => Just((vec![], None)).boxed(),
            Format::Uint => uint_value(min, max).boxed(),
            Format::String => string_value(min, max).boxed(),
            Format::Opaque => opaque_value(min, max).boxed(),
        };
        value.prop_map(move |(bytes, uint)| OwnedOpt {
            number: n,
            bytes,
            uint,
        })
    });
    let unknown = (
        any::<u16>().prop_filter("unregistered", |&n| OptionNumber(n).spec().is_none()),
        proptest::collection::vec(any::<u8>(), 0..300),
    )
        .prop_map(|(number, bytes)| OwnedOpt {
            number,
            bytes,
            uint: None,
        });
    prop_oneof![6 => known, 1 => unknown]
}

/// Up to 10 options, none repeated that may not be.
fn options() -> impl Strategy<Value = Vec<OwnedOpt>> {
    proptest::collection::vec(option(), 0..10).prop_map(|mut v| {
        let mut seen = std::collections::HashSet::new();
        v.retain(|o| {
            let once = OptionNumber(o.number).spec().is_some_and(|s| !s.repeatable);
            seen.insert(o.number) || !once
        });
        v
    })
}

/// A request, a response (registered or any detail of classes 2, 4, 5), or Empty.
fn code() -> impl Strategy<Value = Code> {
    prop_oneof![
        (1..=7u8).prop_map(|d| Code::new(0, d)),
        proptest::sample::select(vec![
            Code::CONTENT,
            Code::CREATED,
            Code::CHANGED,
            Code::CONTINUE,
            Code::NOT_FOUND,
            Code::BAD_OPTION,
            Code::INTERNAL_SERVER_ERROR,
        ]),
        (proptest::sample::select(vec![2u8, 4, 5]), 0..32u8).prop_map(|(c, d)| Code::new(c, d)),
        Just(Code::EMPTY),
    ]
}

/// A valid UDP message.
fn message() -> impl Strategy<Value = Owned> {
    (code(), any::<u16>(), any::<prop::sample::Index>()).prop_flat_map(|(code, message_id, k)| {
        let kinds: &[Type] = match code {
            Code::EMPTY => &[Type::Confirmable, Type::Acknowledgement, Type::Reset],
            c if c.is_request() => &[Type::Confirmable, Type::NonConfirmable],
            _ => &[
                Type::Confirmable,
                Type::NonConfirmable,
                Type::Acknowledgement,
            ],
        };
        let kind = kinds[k.index(kinds.len())];
        let body = match code {
            Code::EMPTY => Just((vec![], vec![], vec![])).boxed(),
            _ => (
                proptest::collection::vec(any::<u8>(), 0..=8),
                options(),
                prop_oneof![
                    3 => proptest::collection::vec(any::<u8>(), 0..64),
                    1 => proptest::collection::vec(any::<u8>(), 64..1100),
                ],
            )
                .boxed(),
        };
        body.prop_map(move |(token, options, payload)| Owned {
            kind,
            code,
            message_id,
            token,
            options,
            payload,
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// What iotwire encodes, coap-lite decodes to the fields it was built from; so does
    /// iotwire.
    #[test]
    fn coap_lite_decodes_what_iotwire_encodes(m in message()) {
        let bytes = m.encode();
        prop_assert_eq!(seen_by_lite(&bytes), m.expected());
        prop_assert_eq!(seen_by_iotwire(&bytes), m.expected());
    }

    /// What coap-lite encodes, iotwire decodes to the fields it was built from, and the
    /// two encoders agree byte for byte.
    #[test]
    fn iotwire_decodes_what_coap_lite_encodes(m in message()) {
        let bytes = m.lite().to_bytes_unlimited().expect("coap-lite encodes a valid message");
        prop_assert_eq!(seen_by_iotwire(&bytes), m.expected());
        prop_assert_eq!(&bytes, &m.encode());
    }
}
