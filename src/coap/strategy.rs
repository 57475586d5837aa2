//! proptest strategies: owned CoAP messages of every transport that tests borrow to
//! build API values.

use std::vec::Vec;

use proptest::prelude::*;

use super::{Code, Format, Header, Message, Opt, OptionNumber, Options, Transport, Type};
use crate::Packet;

/// An owned message: options as (number, value bytes), in generation order.
#[derive(Debug, Clone)]
pub(crate) struct OwnedMessage {
    pub(crate) header: Header,
    pub(crate) code: Code,
    pub(crate) token: Vec<u8>,
    pub(crate) options: Vec<(u16, Vec<u8>)>,
    pub(crate) payload: Vec<u8>,
}

impl OwnedMessage {
    /// Calls `f` with the message borrowed from `self`.
    pub(crate) fn with<R>(&self, f: impl FnOnce(Message<'_>) -> R) -> R {
        let opts: Vec<Opt<'_>> = self
            .options
            .iter()
            .map(|(n, v)| Opt::new(OptionNumber(*n), v))
            .collect();
        f(Message {
            header: self.header,
            code: self.code,
            token: &self.token,
            options: Options::new(&opts),
            payload: &self.payload,
        })
    }

    /// The transport of its header.
    pub(crate) fn transport(&self) -> Transport {
        self.header.transport()
    }
}

/// Registered and unregistered option numbers, with the registered ones most often.
fn option_number() -> impl Strategy<Value = u16> {
    prop_oneof![
        8 => prop::sample::select(&[
            1u16, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 15, 16, 17, 19, 20, 21, 23, 27, 28, 31, 35,
            39, 60, 252, 258, 292,
        ][..]),
        1 => 0u16..=300,
        1 => any::<u16>(),
    ]
}

/// A value of the format and length the option's registry entry gives it (anything
/// short for an unknown option).
fn option_value(n: u16, code: Code) -> BoxedStrategy<Vec<u8>> {
    let Some(spec) = OptionNumber(n).spec_in(code) else {
        return prop::collection::vec(any::<u8>(), 0..12).boxed();
    };
    let (min, max) = (usize::from(spec.min), usize::from(spec.max).min(40));
    match spec.format {
        Format::String => {
            prop::collection::vec(prop::sample::select(&b"abcxyz019-._~/?=&%"[..]), min..=max)
                .boxed()
        }
        Format::Uint => prop::collection::vec(any::<u8>(), min..=max)
            // The shortest form (the encoder's Opt::uint makes no other), some of the time.
            .prop_map(|v| v.into_iter().skip_while(|&b| b == 0).collect())
            .boxed(),
        _ => prop::collection::vec(any::<u8>(), min..=max).boxed(),
    }
}

fn options(code: Code) -> impl Strategy<Value = Vec<(u16, Vec<u8>)>> {
    prop::collection::vec(
        option_number().prop_flat_map(move |n| option_value(n, code).prop_map(move |v| (n, v))),
        0..8,
    )
}

fn code(transport: Transport) -> impl Strategy<Value = Code> {
    let classes: &'static [u8] = match transport {
        Transport::Udp => &[0, 2, 4, 5],
        _ => &[0, 2, 4, 5, 7],
    };
    (prop::sample::select(classes), 0u8..32).prop_map(|(c, d)| Code::new(c, d))
}

fn header(transport: Transport) -> BoxedStrategy<Header> {
    match transport {
        Transport::Udp => (0u8..4, any::<u16>())
            .prop_map(|(t, message_id)| Header::Udp {
                kind: Type::from_bits(t),
                message_id,
            })
            .boxed(),
        Transport::Tcp => Just(Header::Tcp).boxed(),
        Transport::WebSocket => Just(Header::WebSocket).boxed(),
    }
}

/// Messages on `transport` that the encoder accepts.
pub(crate) fn message(transport: Transport) -> impl Strategy<Value = OwnedMessage> {
    any_message(transport).prop_filter("a message the encoder accepts", |m| {
        m.with(|msg| msg.check().is_ok())
    })
}

/// Messages on `transport` built like [`message`]'s, with some options the encoder
/// refuses: values of any bytes and lengths, signaling and Empty codes with anything.
pub(crate) fn any_message(transport: Transport) -> impl Strategy<Value = OwnedMessage> {
    (
        messages_of(transport),
        prop::collection::vec(
            (
                option_number(),
                prop_oneof![
                    4 => prop::collection::vec(any::<u8>(), 0..6),
                    1 => prop::collection::vec(any::<u8>(), 0..300),
                ],
            ),
            0..3,
        ),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(mut m, bad, at)| {
            for (i, o) in bad.into_iter().enumerate() {
                let at = at.index(m.options.len() + 1 + i);
                m.options.insert(at.min(m.options.len()), o);
            }
            m
        })
}

/// Messages on `transport`, mostly valid.
fn messages_of(transport: Transport) -> impl Strategy<Value = OwnedMessage> {
    (header(transport), code(transport))
        .prop_flat_map(|(header, code)| {
            (
                Just(header),
                Just(code),
                prop::collection::vec(any::<u8>(), 0..=8),
                options(code),
                prop_oneof![
                    2 => prop::collection::vec(any::<u8>(), 0..40),
                    1 => prop::collection::vec(any::<u8>(), 200..400),
                ],
            )
        })
        .prop_map(|(header, code, token, options, payload)| {
            // Empty messages carry nothing (RFC 7252 §4.1).
            let empty = code == Code::EMPTY;
            fn or_none<T>(empty: bool, v: Vec<T>) -> Vec<T> {
                if empty { Vec::new() } else { v }
            }
            OwnedMessage {
                header,
                code,
                token: or_none(empty, token),
                options: or_none(empty, options),
                payload: or_none(empty, payload),
            }
        })
}

/// Any transport.
pub(crate) fn transport() -> impl Strategy<Value = Transport> {
    prop_oneof![
        Just(Transport::Udp),
        Just(Transport::Tcp),
        Just(Transport::WebSocket)
    ]
}
