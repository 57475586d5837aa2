//! iotwire against httparse on the same bytes: where both decode a whole request or
//! response head, they agree on method, target, version, fields and length.
#![no_main]

use iotwire::Packet;
use iotwire::http::{Request, Response};
use libfuzzer_sys::fuzz_target;

type Fields = Vec<(String, Vec<u8>)>;

fuzz_target!(|data: &[u8]| {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut theirs = httparse::Request::new(&mut headers);
    if let (Ok(httparse::Status::Complete(n)), Ok((ours, m))) = (theirs.parse(data), Request::decode(data)) {
        assert_eq!(n, m);
        assert_eq!(theirs.method, Some(ours.method().as_str()));
        assert_eq!(theirs.path, Some(ours.target().as_str()));
        assert_eq!(theirs.version, Some(ours.version().minor()));
        let a: Fields = theirs.headers.iter().map(|h| (h.name.into(), h.value.to_vec())).collect();
        let b: Fields = ours.headers().iter().map(|h| (h.name().into(), h.value().to_vec())).collect();
        assert_eq!(a, b);
    }
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut theirs = httparse::Response::new(&mut headers);
    if let (Ok(httparse::Status::Complete(n)), Ok((ours, m))) = (theirs.parse(data), Response::decode(data)) {
        assert_eq!(n, m);
        assert_eq!(theirs.code, Some(ours.status().code()));
        assert_eq!(theirs.version, Some(ours.version().minor()));
        // httparse gives an empty reason when the phrase has obs-text.
        if ours.reason().as_bytes().is_ascii() {
            assert_eq!(theirs.reason.map(str::as_bytes), Some(ours.reason().as_bytes()));
        }
        let a: Fields = theirs.headers.iter().map(|h| (h.name.into(), h.value.to_vec())).collect();
        let b: Fields = ours.headers().iter().map(|h| (h.name().into(), h.value().to_vec())).collect();
        assert_eq!(a, b);
    }
});
