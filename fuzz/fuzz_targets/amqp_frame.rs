//! One AMQP frame from arbitrary bytes, in RabbitMQ's dialect, in the spec's, and with
//! a small frame-max taken from the input: never a panic; an accepted frame re-encodes
//! to exactly the bytes it was decoded from (0-9-1 has one encoding of every frame:
//! the size field, the property flags and the table lengths are all fixed by the
//! content), its `encoded_len` is what was consumed, it fits the frame-max, and every
//! proper prefix of it is `Incomplete`, needing no more than the rest of the frame.
#![no_main]

use iotwire::Packet;
use iotwire::amqp::{Context, Dialect, Error, Frame};
use libfuzzer_sys::fuzz_target;

fn check(data: &[u8], cx: &Context, frame_max: u32) {
    let Ok((f, n)) = Frame::decode_with(data, cx) else {
        return;
    };
    assert!(n <= data.len() && n as u64 <= u64::from(frame_max));
    assert_eq!(f.encoded_len(), n, "encoded_len is not what was consumed");
    let mut buf = vec![0xA5u8; n + 8];
    assert_eq!(f.encode(&mut buf), Ok(n), "{f:?}");
    assert_eq!(&buf[..n], &data[..n], "re-encoding differs: {f:?}");
    assert!(
        buf[n..].iter().all(|&b| b == 0xA5),
        "encode wrote past its length"
    );
    for k in 0..n {
        match Frame::decode_with(&data[..k], cx) {
            Err(Error::Incomplete(needed)) => {
                if let Some(more) = needed.size() {
                    assert!(
                        more >= 1 && k + more <= n,
                        "prefix {k}: needs {more} of {n}"
                    );
                }
            }
            other => panic!("prefix of {k} of {n} octets: {other:?}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check(data, &Context::new(), u32::MAX);
    check(data, &Context::new().dialect(Dialect::Spec), u32::MAX);
    // A frame-max from the input's last octet: 0 to 1020 octets (0 here is not "no
    // limit": 4 is the least).
    let small = u32::from(data.last().copied().unwrap_or(0)) * 4 + 4;
    check(data, &Context::new().frame_max(small), small);
});
