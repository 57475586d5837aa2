//! Properties every HTTP unit keeps, for any input proptest can find.

use std::vec;
use std::vec::Vec;

use proptest::prelude::*;

use super::strategy::{self, field_value, token};
use super::{
    Chunk, ChunkedDecoder, Config, Extensions, Header, Piece, Request, RequestDecoder, Response,
    ResponseDecoder,
};
use crate::packet::encode_checked as encode;
use crate::{DecodeError, Packet};

/// Whatever the bytes are, decoding gives a value or an error, and an accepted unit
/// re-encodes to bytes that decode to an equal unit.
macro_rules! decode_is_total {
    ($ty:ident, $bytes:expr) => {
        if let Ok((v, n)) = $ty::decode($bytes) {
            assert!(n <= $bytes.len());
            let again = encode(&v);
            let (back, m) = $ty::decode(&again).expect("re-encoding of an accepted unit decodes");
            assert_eq!((back, m), (v, again.len()));
        }
    };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn request_round_trips(owned in strategy::request()) {
        let headers = owned.headers();
        let req = owned.build(&headers);
        let bytes = encode(&req);
        let (back, n) = Request::decode(&bytes).expect("decodes");
        prop_assert_eq!(n, bytes.len());
        prop_assert_eq!(back, req);
        // A decoded head re-encodes byte for byte: the encoding is canonical.
        prop_assert_eq!(encode(&back), bytes);
    }

    #[test]
    fn response_round_trips(owned in strategy::response()) {
        let headers = owned.headers();
        let resp = owned.build(&headers);
        let bytes = encode(&resp);
        let (back, n) = Response::decode(&bytes).expect("decodes");
        prop_assert_eq!(n, bytes.len());
        prop_assert_eq!(back, resp);
        prop_assert_eq!(encode(&back), bytes);
    }

    #[test]
    fn chunk_round_trips(data in proptest::collection::vec(any::<u8>(), 1..300), ext in proptest::option::of((token(8), token(8)))) {
        let ext_text = ext.map(|(n, v)| std::format!(";{n}={v}")).unwrap_or_default();
        let chunk = Chunk::new(&data).unwrap().with_extensions(Extensions::new(ext_text.as_bytes()).unwrap());
        let bytes = encode(&chunk);
        let (back, n) = Chunk::decode(&bytes).expect("decodes");
        prop_assert_eq!(n, bytes.len());
        prop_assert_eq!(back, chunk);
        let mut head = vec![0u8; chunk.head_len()];
        prop_assert_eq!(chunk.encode_head(&mut head), Ok(chunk.head_len()));
        prop_assert_eq!(&bytes[..head.len()], &head[..]);
    }

    #[test]
    fn last_chunk_round_trips(fields in proptest::collection::vec((token(16), field_value()), 0..6)) {
        let trailers: Vec<Header<'_>> = fields.iter().map(|(n, v)| Header::new(n, v).unwrap()).collect();
        let last = Chunk::last(&trailers).unwrap();
        let bytes = encode(&last);
        let (back, n) = Chunk::decode(&bytes).expect("decodes");
        prop_assert_eq!(n, bytes.len());
        prop_assert_eq!(back, last);
    }

    #[test]
    fn any_bytes_decode_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        decode_is_total!(Request, &bytes);
        decode_is_total!(Response, &bytes);
        decode_is_total!(Chunk, &bytes);
        let lenient = Config::lenient();
        if let Ok((r, _)) = Request::decode_with(&bytes, &lenient) {
            let _ = r.body_framing_with(&lenient);
            let _ = r.headers().iter().count();
            let _ = encode(&r);
        }
        if let Ok((r, _)) = Response::decode_with(&bytes, &lenient) {
            let _ = r.body_framing_with(&super::Method::GET, &lenient);
            let _ = encode(&r);
        }
        let mut dec = ChunkedDecoder::default();
        let mut rest = &bytes[..];
        while let Ok((piece, n)) = dec.decode(rest) {
            rest = &rest[n..];
            if matches!(piece, Piece::End { .. }) || n == 0 {
                break;
            }
        }
    }

    #[test]
    fn mutated_heads_decode_without_panic_and_reencode(
        owned in strategy::request(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        let headers = owned.headers();
        let mut bytes = encode(&owned.build(&headers));
        for (at, byte, op) in edits {
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => { bytes.remove(i); }
            }
        }
        if let Ok((req, n)) = Request::decode(&bytes) {
            let again = encode(&req);
            let (back, m) = Request::decode(&again).expect("re-encoding of an accepted head decodes");
            prop_assert_eq!(m, again.len());
            prop_assert_eq!(back, req);
            prop_assert!(n <= bytes.len());
            let _ = req.body_framing();
        }
    }

    #[test]
    fn pieces_give_the_one_shot_result(owned in strategy::request(), cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6)) {
        let headers = owned.headers();
        let bytes = encode(&owned.build(&headers));
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len())).collect();
        cuts.sort_unstable();
        let mut dec = RequestDecoder::default();
        for c in cuts {
            let r = dec.decode(&bytes[..c]);
            prop_assert!(r.as_ref().is_err_and(|e| e.is_incomplete()), "prefix {} gave {:?}", c, r);
        }
        prop_assert_eq!(dec.decode(&bytes), Request::decode(&bytes));
    }

    #[test]
    fn response_pieces_give_the_one_shot_result(owned in strategy::response(), cut in any::<prop::sample::Index>()) {
        let headers = owned.headers();
        let bytes = encode(&owned.build(&headers));
        let c = cut.index(bytes.len());
        let mut dec = ResponseDecoder::default();
        prop_assert!(dec.decode(&bytes[..c]).is_err_and(|e| e.is_incomplete()));
        prop_assert_eq!(dec.decode(&bytes), Response::decode(&bytes));
    }

    #[test]
    fn any_bytes_in_pieces_give_the_one_shot_result(bytes in proptest::collection::vec(any::<u8>(), 0..200), cut in any::<prop::sample::Index>()) {
        let one_shot = Request::decode(&bytes);
        let c = cut.index(bytes.len() + 1);
        let mut dec = RequestDecoder::default();
        match dec.decode(&bytes[..c]) {
            Err(e) if e.is_incomplete() => prop_assert_eq!(dec.decode(&bytes), one_shot),
            // A prefix that already fails fails the same way whole; a prefix that
            // decodes is a whole head followed by more bytes.
            Err(e) => prop_assert_eq!(one_shot, Err(e)),
            Ok((v, n)) => prop_assert_eq!(one_shot, Ok((v, n))),
        }
    }
}

#[test]
fn chunked_decoder_in_pieces_gives_the_data() {
    let body = b"5;a=b\r\nhello\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-T: 1\r\n\r\n";
    for step in 1..body.len() {
        let mut dec = ChunkedDecoder::default();
        let mut data = Vec::new();
        let mut buf: Vec<u8> = Vec::new();
        let mut fed = 0;
        let mut ended = false;
        while !ended {
            match dec.decode(&buf) {
                Ok((piece, n)) => {
                    match piece {
                        Piece::Data(d) => data.extend_from_slice(d),
                        Piece::End { trailers, .. } => {
                            assert_eq!(trailers.get("x-t"), Some(&b"1"[..]));
                            ended = true;
                        }
                        Piece::Size { .. } => {}
                    }
                    buf.drain(..n);
                }
                Err(e) => {
                    assert!(e.is_incomplete(), "step {step}: {e}");
                    let next = (fed + step).min(body.len());
                    assert!(next > fed, "step {step}: stuck");
                    buf.extend_from_slice(&body[fed..next]);
                    fed = next;
                }
            }
        }
        assert_eq!(data, b"helloabcdefghijklmnopqrstuvwxyz", "step {step}");
        assert_eq!(fed, body.len());
    }
}

/// What `httparse` makes of a request: method, path, minor version, fields, length.
type Parsed = (String, String, u8, Vec<(String, Vec<u8>)>, usize);

fn httparse_request(bytes: &[u8]) -> Option<Parsed> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(bytes) {
        Ok(httparse::Status::Complete(n)) => Some((
            req.method?.into(),
            req.path?.into(),
            req.version?,
            req.headers
                .iter()
                .map(|h| (h.name.into(), h.value.to_vec()))
                .collect(),
            n,
        )),
        _ => None,
    }
}

fn ours(req: &Request<'_>, n: usize) -> Parsed {
    (
        req.method().as_str().into(),
        req.target().as_str().into(),
        req.version().minor(),
        req.headers()
            .iter()
            .map(|h| (h.name().into(), h.value().to_vec()))
            .collect(),
        n,
    )
}

use std::string::String;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// On valid HTTP/1.0 and 1.1 heads, httparse and iotwire see the same request.
    #[test]
    fn httparse_agrees_on_valid_requests(mut owned in strategy::request(), minor in 0u8..=1) {
        owned.minor = minor;
        let headers = owned.headers();
        let bytes = encode(&owned.build(&headers));
        let (req, n) = Request::decode(&bytes).expect("decodes");
        prop_assert_eq!(httparse_request(&bytes), Some(ours(&req, n)));
    }

    /// Where both accept a mutated head, they agree on what it says.
    #[test]
    fn httparse_agrees_where_both_accept(
        owned in strategy::request(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..3),
    ) {
        let headers = owned.headers();
        let mut bytes = encode(&owned.build(&headers));
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if let (Ok((req, n)), Some(theirs)) = (Request::decode(&bytes), httparse_request(&bytes)) {
            prop_assert_eq!(theirs, ours(&req, n));
        }
    }
}
