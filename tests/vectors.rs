//! Real traffic as test vectors: every byte curl, nginx and `examples/http_server`
//! exchanged on loopback, recorded by `scripts/capture_http.sh` into `tests/vectors/http/`.
//! Each stream is decoded unit by unit (heads, then bodies by their framing, RFC 9112
//! §6.3) to its last byte, and every head and chunk re-encodes byte for byte.

#![cfg(feature = "http")]

use iotwire::Packet;
use iotwire::http::{BodyFraming, Chunk, Method, Request, RequestDecoder, Response};

/// The encoding, in a new vector (without needing the `alloc` feature's `to_vec`).
fn encode<'a, P: Packet<'a>>(p: &P) -> Vec<u8> {
    let mut v = vec![0; p.encoded_len()];
    let n = p.encode(&mut v).unwrap();
    assert_eq!(n, v.len());
    v
}

struct Exchange {
    name: String,
    methods: Vec<String>,
    statuses: Vec<Vec<u16>>,
    request: Vec<u8>,
    response: Vec<u8>,
}

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

fn exchanges() -> Vec<Exchange> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/http");
    let manifest = std::fs::read_to_string(format!("{dir}/MANIFEST.tsv")).unwrap();
    manifest
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let read = |side: &str| {
                hex(&std::fs::read_to_string(format!("{dir}/{}.{side}.hex", c[0])).unwrap())
            };
            Exchange {
                name: c[0].into(),
                methods: c[3].split(',').map(String::from).collect(),
                statuses: c[4]
                    .split(',')
                    .map(|s| s.split('+').map(|n| n.parse().unwrap()).collect())
                    .collect(),
                request: read("request"),
                response: read("response"),
            }
        })
        .collect()
}

/// Skips (and checks) one body at the front of `buf`; returns its length on the wire.
fn body(buf: &[u8], framing: BodyFraming, what: &str) -> usize {
    match framing {
        BodyFraming::None | BodyFraming::Tunnel => 0,
        BodyFraming::Length(n) => {
            assert!(
                buf.len() as u64 >= n,
                "{what}: body shorter than Content-Length"
            );
            n as usize
        }
        BodyFraming::UntilClose => buf.len(),
        BodyFraming::Chunked => {
            let mut pos = 0;
            loop {
                let (chunk, n) = Chunk::decode(&buf[pos..])
                    .unwrap_or_else(|e| panic!("{what}: chunk at {pos}: {e}"));
                assert_eq!(
                    encode(&chunk),
                    &buf[pos..pos + n],
                    "{what}: chunk at {pos} re-encodes"
                );
                pos += n;
                if chunk.is_last() {
                    return pos;
                }
            }
        }
    }
}

#[test]
fn captured_requests_decode_and_reencode_byte_for_byte() {
    let all = exchanges();
    assert!(all.len() >= 10);
    let mut heads = 0;
    for ex in &all {
        let mut pos = 0;
        for (i, method) in ex.methods.iter().enumerate() {
            let what = format!("{} request {i}", ex.name);
            let buf = &ex.request[pos..];
            let (req, n) = Request::decode(buf).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(req.method().as_str(), method, "{what}");
            assert_eq!(encode(&req), &buf[..n], "{what}: re-encodes");
            // Fed one byte at a time, the resumable decoder gives the same head.
            let mut dec = RequestDecoder::default();
            for end in 0..n {
                assert!(
                    dec.decode(&buf[..end])
                        .is_err_and(|e| iotwire::DecodeError::is_incomplete(&e)),
                    "{what}"
                );
            }
            assert_eq!(dec.decode(buf), Ok((req, n)), "{what}");
            let framing = req
                .body_framing()
                .unwrap_or_else(|e| panic!("{what}: framing: {e}"));
            pos += n + body(&buf[n..], framing, &what);
            heads += 1;
        }
        assert_eq!(
            pos,
            ex.request.len(),
            "{}: every request byte accounted for",
            ex.name
        );
    }
    assert!(heads >= 20, "{heads} request heads");
}

#[test]
fn captured_responses_decode_and_reencode_byte_for_byte() {
    for ex in exchanges() {
        let mut pos = 0;
        for (i, (method, statuses)) in ex.methods.iter().zip(&ex.statuses).enumerate() {
            let method = Method::new(method).unwrap();
            for &status in statuses {
                let what = format!("{} response {i} ({status})", ex.name);
                let buf = &ex.response[pos..];
                let (resp, n) = Response::decode(buf).unwrap_or_else(|e| panic!("{what}: {e}"));
                assert_eq!(resp.status().code(), status, "{what}");
                assert_eq!(encode(&resp), &buf[..n], "{what}: re-encodes");
                let framing = resp
                    .body_framing(&method)
                    .unwrap_or_else(|e| panic!("{what}: framing: {e}"));
                pos += n + body(&buf[n..], framing, &what);
            }
        }
        assert_eq!(
            pos,
            ex.response.len(),
            "{}: every response byte accounted for",
            ex.name
        );
    }
}
