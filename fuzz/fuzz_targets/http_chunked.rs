//! A chunked body from raw bytes: the streaming `ChunkedDecoder`, fed in pieces of
//! fuzzer-chosen sizes, yields the same data, trailers and end as whole-chunk decoding.
#![no_main]

use iotwire::http::{Chunk, ChunkedDecoder, Piece};
use iotwire::{DecodeError, Packet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&step, body)) = data.split_first() else { return };
    let step = usize::from(step % 16) + 1;

    // Whole chunks.
    let mut whole = Vec::new();
    let mut pos = 0;
    let mut end = None;
    while let Ok((c, n)) = Chunk::decode(&body[pos..]) {
        assert_eq!(c.to_vec().map(|v| v.len()), Ok(c.encoded_len()));
        whole.extend_from_slice(c.data());
        pos += n;
        if c.is_last() {
            end = Some(pos);
            break;
        }
    }

    // The same body in pieces.
    let mut dec = ChunkedDecoder::default();
    let mut streamed = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    let (mut fed, mut consumed) = (0, 0);
    let streamed_end = loop {
        match dec.decode(&buf) {
            Ok((piece, n)) => {
                consumed += n;
                let end = match piece {
                    Piece::Data(d) => {
                        streamed.extend_from_slice(d);
                        false
                    }
                    Piece::End { .. } => true,
                    Piece::Size { .. } => false,
                };
                buf.drain(..n);
                if end {
                    break Some(consumed);
                }
            }
            Err(e) if e.is_incomplete() && fed < body.len() => {
                let next = (fed + step).min(body.len());
                buf.extend_from_slice(&body[fed..next]);
                fed = next;
            }
            Err(_) => break None,
        }
    };
    assert_eq!(end, streamed_end);
    if end.is_some() {
        assert_eq!(whole, streamed);
    }
});
