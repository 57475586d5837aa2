//! iotwire against amq-protocol 10 on the same frame: wherever iotwire accepts a frame
//! (RabbitMQ's dialect, the default frame-max), amq-protocol decodes it too, to the same
//! frame type, channel, method and arguments (every one, see below), content header
//! properties and body; the comparison and amq-protocol's known differences are in
//! `tests/support/amqp_compare.rs`, shared with `tests/amqp_differential.rs`.
//!
//! The first octet picks how the rest is used: odd, as an `Arbitrary` frame of
//! iotwire's that is encoded (so every method and property shape arrives well formed,
//! with field tables cut from the input); even, as raw octets, of which the first
//! frame iotwire accepts is compared.
#![no_main]

#[path = "../../tests/support/amqp_compare.rs"]
mod support;

use arbitrary::{Arbitrary, Unstructured};
use iotwire::Packet;
use iotwire::amqp::Frame;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 1 {
        let Ok(frame) = Frame::arbitrary_take_rest(Unstructured::new(rest)) else {
            return;
        };
        let mut buf = vec![0; frame.encoded_len()];
        if frame.encode(&mut buf).is_err() {
            return; // a table value its dialect cannot write, a channel its type may not use
        }
        if Frame::decode(&buf).is_ok() {
            support::compare(&buf, "arbitrary frame");
        }
    } else if let Ok((_, n)) = Frame::decode(rest) {
        support::compare(&rest[..n], "raw frame");
    }
});
