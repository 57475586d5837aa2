//! Raw bytes into every HTTP decoder, strict and lenient: no panic; whatever decodes
//! re-encodes to bytes that decode to an equal value; the resumable decoder fed the same
//! bytes in two pieces agrees with the one-shot decode.
#![no_main]

use iotwire::http::{Config, Method, Request, RequestDecoder, Response};
use iotwire::{DecodeError, Packet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (split, bytes) = match data.split_first() {
        Some((s, rest)) => (*s as usize, rest),
        None => return,
    };
    for cfg in [Config::new(), Config::lenient()] {
        let one_shot = Request::decode_with(bytes, &cfg);
        if let Ok((req, n)) = &one_shot {
            assert!(*n <= bytes.len());
            let again = req.to_vec().expect("a decoded head passes its encode check");
            assert_eq!(again.len(), req.encoded_len());
            // What encode writes, the strict decoder accepts: as the same head when the
            // input was strictly valid; in strict form (a fixed point of encode) when a
            // leniency let it in.
            let (back, m) = Request::decode(&again).expect("re-encoded head decodes strictly");
            assert_eq!(m, again.len());
            if cfg == Config::new() {
                assert_eq!(back, *req);
            }
            assert_eq!(back.to_vec().as_ref(), Ok(&again));
            let _ = req.body_framing_with(&cfg);
            let mut storage = [iotwire::http::Header::EMPTY; 128];
            let into = Request::decode_into(bytes, &cfg, &mut storage).map(|(r, n)| (r.to_vec().expect("encodes"), n));
            assert_eq!(into, Ok((again, *n)));
        }
        // Streaming equivalence: a prefix then the whole.
        let cut = split.min(bytes.len());
        let mut dec = RequestDecoder::new(cfg);
        match dec.decode(&bytes[..cut]) {
            Err(e) if e.is_incomplete() => assert_eq!(dec.decode(bytes), one_shot),
            Err(e) => assert_eq!(one_shot, Err(e)),
            Ok(v) => assert_eq!(one_shot, Ok(v)),
        }
        if let Ok((resp, _)) = Response::decode_with(bytes, &cfg) {
            let again = resp.to_vec().expect("a decoded head passes its encode check");
            let (back, _) = Response::decode(&again).expect("re-encoded head decodes strictly");
            if cfg == Config::new() {
                assert_eq!(back, resp);
            }
            assert_eq!(back.to_vec().as_ref(), Ok(&again));
            for m in [Method::GET, Method::HEAD, Method::CONNECT] {
                let _ = resp.body_framing_with(&m, &cfg);
            }
        }
    }
});
