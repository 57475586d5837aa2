//! Structured heads and chunks built from arbitrary valid parts: encode writes exactly
//! `encoded_len` bytes, and decoding them gives back an equal value, consuming all.
#![no_main]

use arbitrary::Arbitrary;
use iotwire::Packet;
use iotwire::http::{Config, Chunk, Extensions, Header, Method, Reason, Request, Response, Status, Target, Version};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    method: Method<'a>,
    target: Target<'a>,
    version: Version,
    headers: Vec<Header<'a>>,
    status: Status,
    reason: Reason<'a>,
    data: &'a [u8],
    extensions: Extensions<'a>,
}

fn check<'a, P: Packet<'a> + core::fmt::Debug>(p: &P) -> Vec<u8> {
    let mut buf = vec![0xA5; p.encoded_len() + 4];
    let n = p.encode(&mut buf).expect("room");
    assert_eq!(n, p.encoded_len());
    assert!(buf[n..].iter().all(|&b| b == 0xA5));
    buf.truncate(n);
    buf
}

/// Encoding does not apply a recipient's limits (a peer may allow more than the default
/// 100 fields), so the round trip decodes with limits that cannot bind.
fn unlimited() -> Config {
    Config::new().max_headers(usize::MAX).max_head_len(usize::MAX).max_line_len(usize::MAX)
}

fuzz_target!(|input: Input<'_>| {
    if let Ok(req) = Request::new(input.method, input.target, input.version, &input.headers) {
        let bytes = check(&req);
        assert_eq!(Request::decode_with(&bytes, &unlimited()), Ok((req, bytes.len())));
    }
    if let Ok(resp) = Response::new(input.version, input.status, input.reason, &input.headers) {
        let bytes = check(&resp);
        assert_eq!(Response::decode_with(&bytes, &unlimited()), Ok((resp, bytes.len())));
    }
    let chunk = match Chunk::new(input.data) {
        Ok(c) => c.with_extensions(input.extensions),
        Err(_) => match Chunk::last(&input.headers) {
            Ok(last) => last.with_extensions(input.extensions),
            Err(_) => return,
        },
    };
    let bytes = check(&chunk);
    assert_eq!(Chunk::decode_with(&bytes, &unlimited()), Ok((chunk, bytes.len())));
});
