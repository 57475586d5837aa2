//! Raw bytes into the CoAP decoder as the front of a TCP stream (RFC 8323 §3.2), with no
//! size limit and with a limit taken from the first byte: no panic; every prefix of the
//! input is `Incomplete` (never asking for more bytes than the frame still lacks) or
//! decodes as the whole input does, and a prefix that holds the whole frame decodes to
//! the same frame (streaming equivalence); a decoded frame re-encodes to exactly its
//! bytes.
#![no_main]

use iotwire::coap::{Context, Error, Message, Transport};
use iotwire::{DecodeError, Packet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&limit, bytes)) = data.split_first() else {
        return;
    };
    let limited = Context::new(Transport::Tcp).max_message_size(usize::from(limit) * 4);
    for cx in [Context::new(Transport::Tcp), limited] {
        let whole = Message::decode_with(bytes, &cx);
        let frame = match &whole {
            Ok((m, n)) => {
                assert!(*n <= bytes.len());
                assert_eq!(m.encoded_len(), *n);
                let again = m
                    .to_vec()
                    .expect("a decoded message passes its encode check");
                assert_eq!(
                    &again[..],
                    &bytes[..*n],
                    "re-encoding differs from the frame"
                );
                Some(*n)
            }
            Err(_) => None,
        };
        for cut in 0..bytes.len() {
            let part = Message::decode_with(&bytes[..cut], &cx);
            match (frame, part) {
                (Some(n), Err(e)) if cut < n => {
                    let needed = e.needed().expect("a prefix of a frame is incomplete");
                    if let Some(k) = needed.size() {
                        assert!(
                            cut + k <= n,
                            "{cut} bytes of a {n}-byte frame: asks for {k} more"
                        );
                    }
                }
                (Some(n), part) if cut < n => {
                    panic!("{cut} bytes of a {n}-byte frame give {part:?}")
                }
                (_, Err(e)) if e.is_incomplete() => {}
                // The size is known exactly only once the extended length has arrived;
                // before, the error names the least the frame can be.
                (_, Err(Error::MessageTooLarge { size, .. })) => assert!(
                    matches!(whole, Err(Error::MessageTooLarge { size: s, .. }) if size <= s),
                    "a prefix of {cut} bytes: too large, the whole: {whole:?}"
                ),
                (_, part) => assert_eq!(part, whole, "a prefix of {cut} bytes"),
            }
        }
    }
});
