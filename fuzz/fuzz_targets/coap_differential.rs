//! iotwire against coap-lite 0.13 on the same bytes, as UDP datagrams: wherever iotwire
//! accepts a datagram, coap-lite accepts it too and agrees on type, code, Message ID,
//! token, options (numbers and values, in wire order) and payload.
//!
//! Only that direction is checked: coap-lite checks much less than RFC 7252 asks, so it
//! accepts datagrams that iotwire refuses, rightly. Known cases, none of which reach the
//! comparison because iotwire refuses them first:
//! - a payload marker with no payload after it (coap-lite: an empty payload; RFC 7252
//!   §3: a message format error);
//! - a version other than 1 (RFC 7252 §3: silently ignored);
//! - reserved code classes 1, 6 and 7, an Empty message with a token, options or
//!   payload, a Reset that is not Empty, an Acknowledgement carrying a request
//!   (RFC 7252 §4.1, §4.2, §4.3, §12.1);
//! - registered critical options with a value of a length out of range, or repeated
//!   where they may not be (RFC 7252 §5.4.1, §5.4.5), and Block options with SZX 7 over
//!   UDP (RFC 7959 §2.2);
//! - string options (critical or elective) that are not UTF-8, which iotwire takes as
//!   a malformed message (RFC 7252 §3.2; the coap module docs say why).
//!
//! Unregistered options, and elective ones with a length out of range, iotwire keeps
//! (RFC 7252 §5.4.1: ignore them, do not refuse the message), and so does coap-lite,
//! so they are compared too: the comparison is not limited to registered, well-formed
//! options.
#![no_main]

use coap_lite::{MessageType, Packet as Lite};
use iotwire::Packet;
use iotwire::coap::{Message, Type};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((ours, _)) = Message::decode(data) else {
        return;
    };
    let theirs = match Lite::from_bytes(data) {
        Ok(p) => p,
        Err(e) => panic!("coap-lite refuses a datagram iotwire accepts ({e:?}): {ours:?}"),
    };
    let iotwire::coap::Header::Udp { kind, message_id } = ours.header else {
        unreachable!()
    };
    let their_kind = match theirs.header.get_type() {
        MessageType::Confirmable => Type::Confirmable,
        MessageType::NonConfirmable => Type::NonConfirmable,
        MessageType::Acknowledgement => Type::Acknowledgement,
        MessageType::Reset => Type::Reset,
    };
    assert_eq!(kind, their_kind, "type");
    assert_eq!(ours.code.0, u8::from(theirs.header.code), "code");
    assert_eq!(message_id, theirs.header.message_id, "message id");
    assert_eq!(ours.token, theirs.get_token(), "token");
    let our_opts: Vec<(u16, &[u8])> = ours
        .options
        .iter()
        .map(|o| (o.number.0, o.as_bytes().expect("decoded values are bytes")))
        .collect();
    let their_opts: Vec<(u16, &[u8])> = theirs
        .options()
        .flat_map(|(&n, vs)| vs.iter().map(move |v| (n, &v[..])))
        .collect();
    assert_eq!(our_opts, their_opts, "options");
    assert_eq!(ours.payload, &theirs.payload[..], "payload");
});
