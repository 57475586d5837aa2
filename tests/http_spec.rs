//! Spec test vectors for the HTTP/1.1 module, through the public API only.
//!
//! Each test cites the clause it checks: RFC 9112 "HTTP/1.1" (message syntax, framing,
//! chunked coding) and RFC 9110 "HTTP Semantics" (versions, fields, tokens,
//! Content-Length, methods, status codes). Tests marked `#[ignore = "BUG: ..."]` show
//! where the code disagrees with the RFC or with the crate's own contract; they are
//! expected to pass once the code is fixed.

#![cfg(feature = "http")]

use iotwire::http::{
    BodyFraming, Chunk, ChunkedDecoder, Config, Error, Extensions, Header, Headers, Method, Piece,
    Reason, Request, RequestDecoder, Response, ResponseDecoder, Status, Target, TargetForm,
    Version,
};
use iotwire::{DecodeError, EncodeError, Needed, Packet};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn show(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

/// Offset of the first occurrence of `needle` in `hay`.
fn pos(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("{:?} not in {:?}", show(needle), show(hay)))
}

/// Offset of the `n`th (0-based) occurrence of `needle` in `hay`.
fn pos_nth(hay: &[u8], needle: &[u8], n: usize) -> usize {
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .nth(n)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("{:?} #{n} not in {:?}", show(needle), show(hay)))
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// The encoding in a new vector, without the `alloc` feature's `Packet::to_vec` (this
/// file also runs with `--no-default-features --features http`).
fn enc<'a, P: Packet<'a>>(p: &P) -> Vec<u8> {
    let mut v = vec![0; p.encoded_len()];
    let n = p
        .encode(&mut v)
        .expect("encode into a buffer of encoded_len()");
    assert_eq!(n, v.len());
    v
}

fn req_ok(b: &[u8]) -> (Request<'_>, usize) {
    req_ok_with(b, &Config::new())
}

fn req_ok_with<'a>(b: &'a [u8], cfg: &Config) -> (Request<'a>, usize) {
    Request::decode_with(b, cfg).unwrap_or_else(|e| panic!("{e:?} ({e}) for {:?}", show(b)))
}

fn req_err(b: &[u8]) -> Error {
    req_err_with(b, &Config::new())
}

fn req_err_with(b: &[u8], cfg: &Config) -> Error {
    match Request::decode_with(b, cfg) {
        Ok(r) => panic!("accepted {:?} as {r:?}", show(b)),
        Err(e) => e,
    }
}

fn resp_ok(b: &[u8]) -> (Response<'_>, usize) {
    resp_ok_with(b, &Config::new())
}

fn resp_ok_with<'a>(b: &'a [u8], cfg: &Config) -> (Response<'a>, usize) {
    Response::decode_with(b, cfg).unwrap_or_else(|e| panic!("{e:?} ({e}) for {:?}", show(b)))
}

fn resp_err(b: &[u8]) -> Error {
    resp_err_with(b, &Config::new())
}

fn resp_err_with(b: &[u8], cfg: &Config) -> Error {
    match Response::decode_with(b, cfg) {
        Ok(r) => panic!("accepted {:?} as {r:?}", show(b)),
        Err(e) => e,
    }
}

/// Encodes `p` into a buffer pre-filled with 0xA5 and checks the contract of
/// `Packet::encode`: it writes exactly `encoded_len()` bytes and returns that count, it
/// writes nothing past them, and a buffer one byte short gives `BufferTooSmall` with
/// nothing written. Returns the encoding.
fn encode_exact<'a, P: Packet<'a>>(p: &P) -> Vec<u8> {
    let len = p.encoded_len();
    let mut buf = vec![0xA5u8; len + 16];
    let n = p.encode(&mut buf).expect("encode into a big enough buffer");
    assert_eq!(n, len, "encode returned a count other than encoded_len()");
    assert!(
        buf[len..].iter().all(|&b| b == 0xA5),
        "encode wrote past encoded_len(): {:?}",
        show(&buf)
    );
    let mut exact = vec![0xA5u8; len];
    assert_eq!(p.encode(&mut exact), Ok(len));
    assert_eq!(exact, buf[..len], "encode depends on the buffer's size");
    if len > 0 {
        let mut short = vec![0xA5u8; len - 1];
        assert_eq!(
            p.encode(&mut short),
            Err(EncodeError::BufferTooSmall {
                needed: len,
                available: len - 1
            })
        );
        assert!(
            short.iter().all(|&b| b == 0xA5),
            "a failed encode wrote bytes"
        );
    }
    buf.truncate(len);
    #[cfg(feature = "alloc")]
    assert_eq!(p.to_vec(), Ok(buf.clone()), "to_vec disagrees with encode");
    buf
}

/// Encodes a request, decodes the encoding strictly and checks it gives an equal value
/// that takes every byte. Returns the encoding.
fn roundtrip_request(r: &Request<'_>) -> Vec<u8> {
    let bytes = encode_exact(r);
    let (d, n) = req_ok(&bytes);
    assert_eq!(n, bytes.len(), "decode of {:?}", show(&bytes));
    assert_eq!(&d, r, "round trip of {:?}", show(&bytes));
    bytes
}

fn roundtrip_response(r: &Response<'_>) -> Vec<u8> {
    let bytes = encode_exact(r);
    let (d, n) = resp_ok(&bytes);
    assert_eq!(n, bytes.len(), "decode of {:?}", show(&bytes));
    assert_eq!(&d, r, "round trip of {:?}", show(&bytes));
    bytes
}

fn roundtrip_chunk(c: &Chunk<'_>) -> Vec<u8> {
    let bytes = encode_exact(c);
    let (d, n) = Chunk::decode(&bytes).unwrap_or_else(|e| panic!("{e:?} for {:?}", show(&bytes)));
    assert_eq!(n, bytes.len(), "decode of {:?}", show(&bytes));
    assert_eq!(&d, c, "round trip of {:?}", show(&bytes));
    bytes
}

fn names<'a>(r: &Request<'a>) -> Vec<&'a str> {
    r.headers().iter().map(|h| h.name()).collect()
}

fn fields(h: &Headers<'_>) -> Vec<(String, Vec<u8>)> {
    h.iter()
        .map(|f| (f.name().to_owned(), f.value().to_vec()))
        .collect()
}

/// Feeds `bytes` to a fresh `RequestDecoder` in growing prefixes, `step` more bytes each
/// time, until it gives something other than `Incomplete` or all bytes are in.
fn feed_request(bytes: &[u8], step: usize, cfg: Config) -> Result<(Request<'_>, usize), Error> {
    let mut dec = RequestDecoder::new(cfg);
    let mut end = 0;
    loop {
        end = (end + step).min(bytes.len());
        match dec.decode(&bytes[..end]) {
            Err(e) if e.is_incomplete() && end < bytes.len() => continue,
            r => return r,
        }
    }
}

fn feed_response(bytes: &[u8], step: usize, cfg: Config) -> Result<(Response<'_>, usize), Error> {
    let mut dec = ResponseDecoder::new(cfg);
    let mut end = 0;
    loop {
        end = (end + step).min(bytes.len());
        match dec.decode(&bytes[..end]) {
            Err(e) if e.is_incomplete() && end < bytes.len() => continue,
            r => return r,
        }
    }
}

/// What a chunked body decoded to, owned.
#[derive(Debug, Default, PartialEq, Eq)]
struct Body {
    sizes: Vec<u64>,
    data: Vec<u8>,
    extensions: Vec<Vec<u8>>,
    trailers: Vec<(String, Vec<u8>)>,
    consumed: usize,
}

/// Decodes a chunked body with a `ChunkedDecoder`, as a stream reader would: bytes arrive
/// `step` at a time into a buffer, the decoder is run until it says `Incomplete`, and the
/// bytes it consumed are dropped.
fn chunked_stream(src: &[u8], step: usize, cfg: Config) -> Result<Body, Error> {
    let mut dec = ChunkedDecoder::new(cfg);
    let mut pending: Vec<u8> = Vec::new();
    let mut fed = 0;
    let mut body = Body::default();
    loop {
        loop {
            match dec.decode(&pending) {
                Ok((piece, n)) => {
                    assert!(n > 0 || matches!(piece, Piece::Data(d) if d.is_empty()));
                    let done = match piece {
                        Piece::Size { size, extensions } => {
                            assert_eq!(dec.remaining(), size);
                            body.sizes.push(size);
                            body.extensions.push(extensions.as_bytes().to_vec());
                            false
                        }
                        Piece::Data(d) => {
                            body.data.extend_from_slice(d);
                            false
                        }
                        Piece::End {
                            extensions,
                            trailers,
                        } => {
                            body.extensions.push(extensions.as_bytes().to_vec());
                            body.trailers = fields(&trailers);
                            true
                        }
                    };
                    pending.drain(..n);
                    body.consumed += n;
                    if done {
                        return Ok(body);
                    }
                }
                Err(e) if e.is_incomplete() => break,
                Err(e) => return Err(e),
            }
        }
        if fed == src.len() {
            return Err(Error::Incomplete(Needed::Unknown));
        }
        let take = step.min(src.len() - fed);
        pending.extend_from_slice(&src[fed..fed + take]);
        fed += take;
    }
}

/// Valid request heads, each followed by nothing (the head is the whole input).
const REQUESTS: &[&[u8]] = &[
    b"GET /where?q=now HTTP/1.1\r\nHost: www.example.org\r\n\r\n",
    b"POST /upload?x=%41%42&y[]=1 HTTP/1.1\r\nHost: example.com\r\nContent-Type: text/plain; charset=\"utf-8\"\r\nContent-Length: 5\r\nX-Obs: caf\xe9 \x80\xff\r\nX-Empty:\r\n\r\n",
    b"CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n",
    b"CONNECT www.example.com:80 HTTP/1.1\r\nHost: www.example.com:80\r\n\r\n",
    b"OPTIONS * HTTP/1.0\r\n\r\n",
    b"\r\n\r\nGET http://example.org/a/b?c=d HTTP/1.1\r\nA:\r\nB:  spaced  value \t\r\n\r\n",
    b"PROPFIND /dav/ HTTP/1.9\r\nDepth: 1\r\nCookie: session=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef; theme=dark; lang=en-GB\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0\r\n\r\n",
];

/// Valid response heads.
const RESPONSES: &[&[u8]] = &[
    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
    b"HTTP/1.1 204 \r\nDate: Mon, 27 Jul 2009 12:28:53 GMT\r\n\r\n",
    b"HTTP/1.0 404 Not Found\r\nServer: x\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n",
    b"HTTP/1.1 599 \tweird \xe9 reason \r\nX-A: 1\r\nX-A: 2\r\n\r\n",
    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
];

// ---------------------------------------------------------------------------------------
// Request line and request-target (RFC 9112 §3, §3.2)
// ---------------------------------------------------------------------------------------

// RFC 9112 §3.2.1: the origin-form example `GET /where?q=now HTTP/1.1`.
#[test]
fn decode_rfc9112_3_2_1_origin_form_example() {
    let b = b"GET /where?q=now HTTP/1.1\r\nHost: www.example.org\r\n\r\n";
    let (r, n) = req_ok(b);
    assert_eq!(n, b.len());
    assert_eq!(r.method(), Method::GET);
    assert_eq!(r.target().as_str(), "/where?q=now");
    assert_eq!(r.target().form(), TargetForm::Origin);
    assert_eq!(r.target().path(), Some("/where"));
    assert_eq!(r.target().query(), Some("q=now"));
    assert_eq!(r.version(), Version::HTTP_11);
    assert_eq!(r.headers().len(), 1);
    assert_eq!(r.headers().get("host"), Some(&b"www.example.org"[..]));
    assert_eq!(encode_exact(&r), b);
}

// RFC 9112 §3.2.2: the absolute-form example.
#[test]
fn decode_rfc9112_3_2_2_absolute_form_example() {
    let b = b"GET http://www.example.org/pub/WWW/TheProject.html HTTP/1.1\r\nHost: www.example.org\r\n\r\n";
    let (r, n) = req_ok(b);
    assert_eq!(n, b.len());
    assert_eq!(
        r.target().as_str(),
        "http://www.example.org/pub/WWW/TheProject.html"
    );
    assert_eq!(r.target().form(), TargetForm::Absolute);
    assert_eq!(r.target().query(), None);
    assert_eq!(encode_exact(&r), b);
}

// RFC 9112 §3.2.3: the authority-form example `CONNECT www.example.com:80 HTTP/1.1`.
#[test]
fn decode_rfc9112_3_2_3_authority_form_example() {
    let b = b"CONNECT www.example.com:80 HTTP/1.1\r\nHost: www.example.com:80\r\n\r\n";
    let (r, n) = req_ok(b);
    assert_eq!(n, b.len());
    assert_eq!(r.method(), Method::CONNECT);
    assert_eq!(r.target().as_str(), "www.example.com:80");
    assert_eq!(r.target().form(), TargetForm::Authority);
    assert_eq!(r.target().path(), None);
    assert_eq!(r.target().query(), None);
    assert_eq!(encode_exact(&r), b);
}

// RFC 9112 §3.2.4: both examples, `OPTIONS * HTTP/1.1` and the absolute-form OPTIONS
// with an empty path that a proxy turns into it.
#[test]
fn decode_rfc9112_3_2_4_asterisk_form_examples() {
    let b = b"OPTIONS * HTTP/1.1\r\nHost: www.example.org:8001\r\n\r\n";
    let (r, _) = req_ok(b);
    assert_eq!(r.method(), Method::OPTIONS);
    assert_eq!(r.target(), Target::ASTERISK);
    assert_eq!(r.target().form(), TargetForm::Asterisk);
    assert_eq!(r.target().path(), None);
    assert_eq!(encode_exact(&r), b);

    let b = b"OPTIONS http://www.example.org:8001 HTTP/1.1\r\n\r\n";
    let (r, _) = req_ok(b);
    assert_eq!(r.target().form(), TargetForm::Absolute);
    assert_eq!(r.target().as_str(), "http://www.example.org:8001");
}

// RFC 9112 §3.2.3 (authority-form = uri-host ":" port), RFC 3986 §3.2.2 IP-literal.
#[test]
fn decode_connect_ip_literal_authority() {
    let b = b"CONNECT [2001:db8::1]:443 HTTP/1.1\r\n\r\n";
    let (r, _) = req_ok(b);
    assert_eq!(r.target().form(), TargetForm::Authority);
    assert_eq!(r.target().as_str(), "[2001:db8::1]:443");
    let b = b"CONNECT 192.0.2.1:8443 HTTP/1.1\r\n\r\n";
    assert_eq!(req_ok(b).0.target().form(), TargetForm::Authority);
}

// RFC 9112 §3.2.4: asterisk-form is only used for a server-wide OPTIONS request.
#[test]
fn rejects_asterisk_form_without_options() {
    assert_eq!(
        req_err(b"GET * HTTP/1.1\r\n\r\n"),
        Error::TargetForm { at: 4 }
    );
    // RFC 9110 §9.1: the method is case-sensitive; `options` is not OPTIONS.
    assert_eq!(
        req_err(b"options * HTTP/1.1\r\n\r\n"),
        Error::TargetForm { at: 8 }
    );
}

// RFC 9112 §3.2.3: CONNECT takes the authority-form (uri-host ":" port), and nothing else.
#[test]
fn rejects_connect_without_authority_form() {
    for b in [
        &b"CONNECT / HTTP/1.1\r\n\r\n"[..],
        b"CONNECT http://a.example/ HTTP/1.1\r\n\r\n",
        b"CONNECT * HTTP/1.1\r\n\r\n",
        b"CONNECT a.example HTTP/1.1\r\n\r\n",
        b"CONNECT user@a.example:443 HTTP/1.1\r\n\r\n",
        b"CONNECT a.example:44x HTTP/1.1\r\n\r\n",
    ] {
        assert_eq!(req_err(b), Error::TargetForm { at: 8 }, "{:?}", show(b));
    }
}

// RFC 9112 §3.2.3: the authority-form is only used for CONNECT. A bare host:port that
// cannot be read as an absolute-URI (its "scheme" starts with a digit) is rejected.
#[test]
fn rejects_authority_form_without_connect() {
    assert_eq!(
        req_err(b"GET 127.0.0.1:80 HTTP/1.1\r\n\r\n"),
        Error::InvalidTarget { at: 4 }
    );
    // No scheme, no leading slash: no form at all.
    assert!(matches!(
        req_err(b"GET www.example.com HTTP/1.1\r\n\r\n"),
        Error::InvalidTarget { .. }
    ));
    assert!(matches!(
        req_err(b"GET ?a=b HTTP/1.1\r\n\r\n"),
        Error::InvalidTarget { at: 4 }
    ));
}

// RFC 9112 §3.2: the request-target forms carry no fragment; `#` is not allowed.
#[test]
fn rejects_fragment_in_target() {
    assert_eq!(
        req_err(b"GET /a#b HTTP/1.1\r\n\r\n"),
        Error::InvalidTarget { at: 6 }
    );
}

// RFC 9112 §3.2 via RFC 3986 §2.1: pct-encoded = "%" HEXDIG HEXDIG.
#[test]
fn rejects_bad_percent_encoding_in_target() {
    assert_eq!(
        req_err(b"GET /a%zz HTTP/1.1\r\n\r\n"),
        Error::InvalidTarget { at: 7 }
    );
    assert_eq!(
        req_err(b"GET /a%4 HTTP/1.1\r\n\r\n"),
        Error::InvalidTarget { at: 8 }
    );
    assert_eq!(
        req_err(b"GET /a% HTTP/1.1\r\n\r\n"),
        Error::InvalidTarget { at: 7 }
    );
    let (r, _) = req_ok(b"GET /a%4a%4F HTTP/1.1\r\n\r\n");
    assert_eq!(r.target().as_str(), "/a%4a%4F");
}

// RFC 9112 §3.2 and RFC 3986 §2: no CTL, no non-ASCII, none of `"<>\^`{|}` in a target;
// RFC 9112 §3: no whitespace in the request-target.
#[test]
fn rejects_forbidden_bytes_in_target() {
    for bad in [
        0x00u8, 0x01, 0x0B, 0x0C, 0x7F, 0x80, 0xFF, b'"', b'<', b'>', b'\\', b'^', b'`', b'{',
        b'|', b'}',
    ] {
        let b = cat(&[b"GET /a", &[bad], b"c HTTP/1.1\r\n\r\n"]);
        assert_eq!(
            req_err(&b),
            Error::InvalidTarget { at: 6 },
            "{:?}",
            show(&b)
        );
    }
    // A space inside the target splits the line into four parts.
    assert!(Request::decode(b"GET /a b HTTP/1.1\r\n\r\n").is_err());
}

// RFC 9112 §3.2 / RFC 3986: every byte RFC 3986 allows in a path and query is accepted.
#[test]
fn decode_target_with_every_rfc3986_byte() {
    let b = b"GET /azAZ09-._~!$&'()*+,;=:@/?%20/?[] HTTP/1.1\r\n\r\n";
    let (r, _) = req_ok(b);
    assert_eq!(r.target().as_str(), "/azAZ09-._~!$&'()*+,;=:@/?%20/?[]");
    assert_eq!(r.target().path(), Some("/azAZ09-._~!$&'()*+,;=:@/"));
    assert_eq!(r.target().query(), Some("%20/?[]"));
}

// RFC 9112 §3.2 / RFC 3986 §2: `"<>\^`{|}` are not URI bytes and are rejected by default
// (see rejects_forbidden_bytes_in_target). `allow_unsafe_target_chars` accepts them, and
// encoding percent-encodes them (RFC 3986 §2.1) so what is sent on is a valid target.
#[test]
fn decode_lenient_unsafe_target_chars_are_percent_encoded_on_encode() {
    let b = b"GET /a?q={\"x\"}|<>^`\\ HTTP/1.1\r\nHost: h\r\n\r\n";
    assert_eq!(req_err(b), Error::InvalidTarget { at: 9 });
    let cfg = Config::new().allow_unsafe_target_chars(true);
    let (r, n) = req_ok_with(b, &cfg);
    assert_eq!(n, b.len());
    assert_eq!(r.target().as_str(), "/a?q={\"x\"}|<>^`\\");
    assert_eq!(r.target().form(), TargetForm::Origin);
    let out = encode_exact(&r);
    assert_eq!(
        out,
        b"GET /a?q=%7B%22x%22%7D%7C%3C%3E%5E%60%5C HTTP/1.1\r\nHost: h\r\n\r\n"
    );
    let (again, _) = req_ok(&out);
    assert_eq!(
        again.target().as_str(),
        "/a?q=%7B%22x%22%7D%7C%3C%3E%5E%60%5C"
    );
    // Whitespace, CTLs, `#` and non-ASCII stay errors.
    for bad in [0x00u8, 0x09, 0x7f, 0x80, b'#'] {
        let b = cat(&[b"GET /a", &[bad], b"c HTTP/1.1\r\n\r\n"]);
        assert!(Request::decode_with(&b, &cfg).is_err(), "{:?}", show(&b));
    }
    // CONNECT still needs a real authority.
    assert!(matches!(
        req_err_with(b"CONNECT {a}:1 HTTP/1.1\r\n\r\n", &cfg),
        Error::TargetForm { at: 8 }
    ));
}

// RFC 9110 §4.2.4: "A sender MUST NOT generate the userinfo subcomponent (and its "@"
// delimiter) when an "http" or "https" URI reference is generated within a message as a
// target URI"; "a recipient SHOULD parse for userinfo and treat its presence as an
// error". The error names the `@`. Other schemes, and an `@` after the authority, are
// left alone.
#[test]
fn rejects_userinfo_in_http_absolute_form() {
    for t in [
        &b"http://u@h/"[..],
        b"http://u:p@h:80/x?y",
        b"HTTPS://u@h",
        b"hTtP://@h/",
        b"http://a:b@[::1]:8080/",
        b"https://u@h?q=1",
    ] {
        let b = cat(&[b"GET ", t, b" HTTP/1.1\r\nHost: h\r\n\r\n"]);
        assert_eq!(
            req_err(&b),
            Error::InvalidTarget { at: pos(&b, b"@") },
            "{:?}",
            show(&b)
        );
        let s = std::str::from_utf8(t).unwrap();
        assert_eq!(
            Target::new(s),
            Err(EncodeError::InvalidByte {
                field: "request-target",
                at: pos(t, b"@")
            }),
            "{s:?}"
        );
    }
    let b = b"OPTIONS http://u@h:8001 HTTP/1.1\r\nHost: h\r\n\r\n";
    assert_eq!(req_err(b), Error::InvalidTarget { at: pos(b, b"@") });
    for t in [
        "http://h/p@q",
        "http://h?to=a@b",
        "http://u%40h/",
        "ftp://u@h/",
        "mailto:a@b",
        "http:u@h",
    ] {
        let b = format!("GET {t} HTTP/1.1\r\nHost: h\r\n\r\n");
        let (r, _) = req_ok(b.as_bytes());
        assert_eq!(r.target().as_str(), t);
        assert_eq!(r.target().form(), TargetForm::Absolute);
        assert_eq!(encode_exact(&r), b.as_bytes());
        assert!(Target::new(t).is_ok(), "{t:?}");
    }
}

// RFC 9112 §3.2: "A client MUST send a Host header field in all HTTP/1.1 request
// messages"; "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1
// request message that lacks a Host header field and to any request message that
// contains more than one Host header field line". `Request::host` makes the check: the
// value, `MissingHost`, or `DuplicateHost` naming the second value.
#[test]
fn host_rfc9112_3_2_exactly_one_in_http11() {
    let (r, _) = req_ok(b"GET /where HTTP/1.1\r\nHost: www.example.org\r\n\r\n");
    assert_eq!(r.host(), Ok(Some(&b"www.example.org"[..])));
    // Case-insensitive name, value OWS-trimmed; an empty value is allowed (RFC 9110 §7.2:
    // sent empty when the target URI has no authority).
    let (r, _) = req_ok(b"GET / HTTP/1.1\r\nX: 1\r\nhOsT:  a.example:8080 \r\n\r\n");
    assert_eq!(r.host(), Ok(Some(&b"a.example:8080"[..])));
    let (r, _) = req_ok(b"GET urn:x HTTP/1.1\r\nHost:\r\n\r\n");
    assert_eq!(r.host(), Ok(Some(&b""[..])));
    // Missing in HTTP/1.1, and in a higher minor version (RFC 9110 §2.5).
    for b in [
        &b"GET / HTTP/1.1\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nX-Host: a\r\nHosts: a\r\n\r\n",
        b"GET / HTTP/1.9\r\n\r\n",
    ] {
        let e = req_ok(b).0.host().unwrap_err();
        assert_eq!(e, Error::MissingHost, "{:?}", show(b));
        assert_eq!(e.offset(), None);
        assert!(!e.is_incomplete());
    }
    // More than one line, in any version, even with the same value: the error names the
    // second value.
    let cases: &[(&[u8], &[u8])] = &[
        (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", b"b\r\n"),
        (
            b"GET / HTTP/1.1\r\nHost: a\r\nX: y\r\nHOST: a\r\n\r\n",
            b"a\r\n\r\n",
        ),
        (
            b"GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\nHost: c\r\n\r\n",
            b"b\r\n",
        ),
        (b"GET / HTTP/1.1\r\nHost: a\r\nHost:\r\n\r\n", b"\r\n\r\n"),
    ];
    for (b, second) in cases {
        let want = Error::DuplicateHost { at: pos(b, second) };
        assert_eq!(req_ok(b).0.host(), Err(want), "{:?}", show(b));
    }
    // RFC 9112 §3.2.2: the absolute-form does not lift the requirement.
    let (r, _) = req_ok(b"GET http://a.example/ HTTP/1.1\r\n\r\n");
    assert_eq!(r.host(), Err(Error::MissingHost));
    // HTTP/1.0 predates Host: absent is fine.
    let (r, _) = req_ok(b"GET / HTTP/1.0\r\n\r\n");
    assert_eq!(r.host(), Ok(None));
    let (r, _) = req_ok(b"GET / HTTP/1.0\r\nHost: a\r\n\r\n");
    assert_eq!(r.host(), Ok(Some(&b"a"[..])));
    // The lazy and the caller-storage forms agree; offsets count from the head's start.
    let b = b"\r\nGET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n";
    let mut storage = [Header::EMPTY; 4];
    let (into, _) = Request::decode_into(b, &Config::new(), &mut storage).unwrap();
    let e = into.host().unwrap_err();
    assert_eq!(req_ok(b).0.host(), Err(e));
    assert_eq!(b[e.offset().unwrap()], b'b');
}

// RFC 9112 §3.2: a line skipped under `ignore_invalid_headers` is not a Host field, so it
// neither satisfies nor duplicates one (RFC 9112 §5.1: `Host : evil` is the request-routing
// attack whitespace before the colon enables).
#[test]
fn host_ignores_lines_skipped_by_a_leniency() {
    let cfg = Config::new().ignore_invalid_headers(true);
    let (r, _) = req_ok_with(b"GET / HTTP/1.1\r\nHost: good\r\nHost : evil\r\n\r\n", &cfg);
    assert_eq!(r.host(), Ok(Some(&b"good"[..])));
    let (r, _) = req_ok_with(b"GET / HTTP/1.1\r\nHost : evil\r\nH@st: x\r\n\r\n", &cfg);
    assert_eq!(r.host(), Err(Error::MissingHost));
    // With `allow_space_before_colon` the same line is a field, and a duplicate.
    let cfg = Config::new().allow_space_before_colon(true);
    let b = b"GET / HTTP/1.1\r\nHost: good\r\nHost : evil\r\n\r\n";
    let (r, _) = req_ok_with(b, &cfg);
    assert_eq!(
        r.host(),
        Err(Error::DuplicateHost {
            at: pos(b, b"evil")
        })
    );
}

// RFC 9112 §3.2: a server MUST answer 400 to a request with "a Host header field with an
// invalid field value" (Host = uri-host [ ":" port ], RFC 9110 §7.2). `Request::host` is
// documented as the check a server MUST make.
// (`a,b` is not in the list: a reg-name may hold sub-delims, `,` among them, RFC 3986
// §3.2.2, so it is a valid uri-host; see the valid cases below.)
#[test]
fn host_rfc9112_3_2_invalid_value_is_an_error() {
    for v in [
        &b""[..],
        b"example.com",
        b"example.com:8080",
        b"a,b",
        b"[::1]:443",
        b"127.0.0.1",
        b"ex%41mple",
    ] {
        let b = cat(&[b"GET / HTTP/1.1\r\nHost: ", v, b"\r\n\r\n"]);
        let (r, _) = req_ok(&b);
        assert_eq!(r.host(), Ok(Some(v)), "{:?}", show(&b));
    }
    let mut accepted = Vec::new();
    for v in [
        &b"a b"[..],
        b"a/b",
        b"u@a",
        b"a:8x",
        b"[::1",
        b"[]",
        b"ex%4",
    ] {
        let b = cat(&[b"GET / HTTP/1.1\r\nHost: ", v, b"\r\n\r\n"]);
        let (r, _) = req_ok(&b);
        if let Ok(h) = r.host() {
            accepted.push(format!("{:?} -> {h:?}", show(&b)));
        }
    }
    assert!(accepted.is_empty(), "{accepted:#?}");
}

// RFC 9112 §3: request-line = method SP request-target SP HTTP-version, each separated
// by a single SP; no whitespace before the CRLF; the HTTP/0.9 form has no version.
#[test]
fn rejects_request_line_separators_other_than_one_sp() {
    let cases: &[(&[u8], Error)] = &[
        (
            b"GET  / HTTP/1.1\r\n\r\n",
            Error::InvalidRequestLine { at: 4 },
        ),
        (
            b"GET\t/ HTTP/1.1\r\n\r\n",
            Error::InvalidRequestLine { at: 3 },
        ),
        (
            b"GET /\tHTTP/1.1\r\n\r\n",
            Error::InvalidRequestLine { at: 5 },
        ),
        (
            b"GET / HTTP/1.1 \r\n\r\n",
            Error::InvalidRequestLine { at: 14 },
        ),
        (
            b"GET / HTTP/1.1\t\r\n\r\n",
            Error::InvalidRequestLine { at: 14 },
        ),
        (b"GET /  HTTP/1.1\r\n\r\n", Error::InvalidVersion { at: 6 }),
        (b" GET / HTTP/1.1\r\n\r\n", Error::InvalidMethod { at: 0 }),
        (b"GET /\r\n\r\n", Error::InvalidRequestLine { at: 5 }),
        (b"GET\r\n\r\n", Error::InvalidRequestLine { at: 3 }),
    ];
    for (b, want) in cases {
        assert_eq!(req_err(b), *want, "{:?}", show(b));
    }
}

// RFC 9112 §3: "recipients MAY instead parse on whitespace-delimited word boundaries":
// `allow_multiple_spaces`, off by default, and the head re-encodes in the strict form.
#[test]
fn decode_lenient_multiple_spaces_in_request_line() {
    let b = b"GET  /a   HTTP/1.1\r\nHost: a\r\n\r\n";
    assert!(matches!(req_err(b), Error::InvalidRequestLine { at: 4 }));
    let cfg = Config::new().allow_multiple_spaces(true);
    let (r, n) = req_ok_with(b, &cfg);
    assert_eq!(n, b.len());
    assert_eq!(r.target().as_str(), "/a");
    assert_eq!(encode_exact(&r), b"GET /a HTTP/1.1\r\nHost: a\r\n\r\n");
    // Still no empty target, and still no trailing whitespace.
    assert!(Request::decode_with(b"GET   HTTP/1.1\r\n\r\n", &cfg).is_err());
    assert!(Request::decode_with(b"GET / HTTP/1.1 \r\n\r\n", &cfg).is_err());
}

// RFC 9112 §3.1 / RFC 9110 §9.1: method = token.
#[test]
fn rejects_method_that_is_not_a_token() {
    let cases: &[(&[u8], usize)] = &[
        (b"G(T / HTTP/1.1\r\n\r\n", 1),
        (b"GE\x00T / HTTP/1.1\r\n\r\n", 2),
        (b"G\xc3\x89T / HTTP/1.1\r\n\r\n", 1),
        (b"/ HTTP/1.1\r\n\r\n", 0),
        (b"GET/ HTTP/1.1\r\n\r\n", 3),
        (b"GET\x0b/ HTTP/1.1\r\n\r\n", 3),
    ];
    for (b, at) in cases {
        assert_eq!(
            req_err(b),
            Error::InvalidMethod { at: *at },
            "{:?}",
            show(b)
        );
    }
}

// RFC 9110 §9.1: the method token is case-sensitive; extension methods are kept.
#[test]
fn decode_methods_are_case_sensitive_tokens() {
    let (r, _) = req_ok(b"get / HTTP/1.1\r\n\r\n");
    assert_eq!(r.method().as_str(), "get");
    assert_ne!(r.method(), Method::GET);
    let (r, _) = req_ok(b"PROPFIND /x HTTP/1.1\r\n\r\n");
    assert_eq!(r.method(), Method::new("PROPFIND").unwrap());
    let (r, _) = req_ok(b"!#$%&'*+-.^_`|~09azAZ /x HTTP/1.1\r\n\r\n");
    assert_eq!(r.method().as_str(), "!#$%&'*+-.^_`|~09azAZ");
    for m in [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
        Method::PATCH,
    ] {
        let b = format!("{m} /x HTTP/1.1\r\n\r\n");
        assert_eq!(req_ok(b.as_bytes()).0.method(), m);
    }
}

// RFC 9112 §2.2: "a server that is expecting to receive and parse a request-line SHOULD
// ignore at least one empty line (CRLF) received prior to the request-line".
#[test]
fn decode_skips_empty_lines_before_request_line() {
    let b = b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
    let (r, n) = req_ok(b);
    assert_eq!(n, b.len());
    assert_eq!(r.target().as_str(), "/");
    // The skipped lines are not part of the re-encoding (documented non-canonical spot).
    assert_eq!(encode_exact(&r), &b[4..]);
    // A bare CR or bare LF there is not an empty line.
    assert_eq!(
        req_err(b"\rGET / HTTP/1.1\r\n\r\n"),
        Error::InvalidLineEnding { at: 0 }
    );
    assert_eq!(
        req_err(b"\nGET / HTTP/1.1\r\n\r\n"),
        Error::InvalidLineEnding { at: 0 }
    );
    let lf = Config::new().allow_bare_lf(true);
    assert_eq!(req_ok_with(b"\nGET / HTTP/1.1\r\n\r\n", &lf).1, 19);
}

// RFC 9112 §2.2 / §4: only a server skips empty lines before the start line; a response
// starts with its status line.
#[test]
fn rejects_empty_line_before_status_line() {
    assert_eq!(
        resp_err(b"\r\nHTTP/1.1 200 OK\r\n\r\n"),
        Error::InvalidVersion { at: 0 }
    );
}

// ---------------------------------------------------------------------------------------
// HTTP-version (RFC 9112 §2.3, RFC 9110 §2.5)
// ---------------------------------------------------------------------------------------

// RFC 9112 §2.3: HTTP-name = %s"HTTP", case-sensitive.
#[test]
fn rejects_lowercase_http_name() {
    assert_eq!(
        req_err(b"GET / http/1.1\r\n\r\n"),
        Error::InvalidVersion { at: 6 }
    );
    assert_eq!(
        req_err(b"GET / HTTp/1.1\r\n\r\n"),
        Error::InvalidVersion { at: 9 }
    );
    assert_eq!(
        resp_err(b"Http/1.1 200 OK\r\n\r\n"),
        Error::InvalidVersion { at: 1 }
    );
}

// RFC 9112 §2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT.
#[test]
fn rejects_malformed_http_version() {
    let cases: &[(&[u8], usize)] = &[
        (b"GET / HTTP/1.10\r\n\r\n", 14),
        (b"GET / HTTP/1\r\n\r\n", 12),
        (b"GET / HTTP/1.x\r\n\r\n", 13),
        (b"GET / HTTP/x.1\r\n\r\n", 11),
        (b"GET / HTTP 1.1\r\n\r\n", 10),
        (b"GET / HTTPS/1.1\r\n\r\n", 10),
        (b"GET / HTTP/1,1\r\n\r\n", 12),
    ];
    for (b, at) in cases {
        assert_eq!(
            req_err(b),
            Error::InvalidVersion { at: *at },
            "{:?}",
            show(b)
        );
    }
    assert_eq!(
        resp_err(b"HTTP/1.10 200 OK\r\n\r\n"),
        Error::InvalidStatusLine { at: 8 }
    );
}

// RFC 9110 §2.5: a higher minor version is processed as the highest one implemented;
// the digit is kept so the head re-encodes as it came.
#[test]
fn decode_higher_minor_version() {
    let b = b"GET / HTTP/1.9\r\n\r\n";
    let (r, _) = req_ok(b);
    assert_eq!(r.version().minor(), 9);
    assert!(r.version().is_http11_or_later());
    assert_eq!(r.version(), Version::new(9).unwrap());
    assert_eq!(encode_exact(&r), b);
    let (r, _) = req_ok(b"GET / HTTP/1.0\r\n\r\n");
    assert_eq!(r.version(), Version::HTTP_10);
    assert!(!r.version().is_http11_or_later());
}

// RFC 9110 §2.5 / RFC 9112 §2.3: only major version 1 is HTTP/1.x.
#[test]
fn rejects_unsupported_major_version() {
    assert_eq!(
        req_err(b"GET / HTTP/2.0\r\n\r\n"),
        Error::UnsupportedVersion { major: 2, at: 11 }
    );
    assert_eq!(
        resp_err(b"HTTP/0.9 200 OK\r\n\r\n"),
        Error::UnsupportedVersion { major: 0, at: 5 }
    );
    assert_eq!(
        resp_err(b"HTTP/3.0 200 OK\r\n\r\n"),
        Error::UnsupportedVersion { major: 3, at: 5 }
    );
}

// ---------------------------------------------------------------------------------------
// Status line (RFC 9112 §4, RFC 9110 §15)
// ---------------------------------------------------------------------------------------

// RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ].
#[test]
fn decode_status_line_examples() {
    let b = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    let (r, n) = resp_ok(b);
    assert_eq!(n, b.len());
    assert_eq!(r.version(), Version::HTTP_11);
    assert_eq!(r.status(), Status::OK);
    assert_eq!(r.status().code(), 200);
    assert!(r.status().is_success());
    assert_eq!(r.reason().as_bytes(), b"OK");
    assert_eq!(r.headers().get("content-length"), Some(&b"0"[..]));
    assert_eq!(encode_exact(&r), b);

    let (r, _) = resp_ok(b"HTTP/1.0 404 Not Found\r\n\r\n");
    assert_eq!(r.status(), Status::NOT_FOUND);
    assert_eq!(r.reason().as_bytes(), b"Not Found");
    let (r, _) = resp_ok(b"HTTP/1.1 100 Continue\r\n\r\n");
    assert!(r.status().is_informational());
}

// RFC 9112 §4: the SP after the status code is required even when the reason-phrase is
// absent; a server MUST send it.
#[test]
fn decode_empty_reason_phrase_after_required_space() {
    let b = b"HTTP/1.1 204 \r\n\r\n";
    let (r, _) = resp_ok(b);
    assert_eq!(r.status(), Status::NO_CONTENT);
    assert_eq!(r.reason(), Reason::EMPTY);
    assert_eq!(encode_exact(&r), b);
}

// RFC 9112 §4: no SP after the status code is malformed; `allow_missing_reason_space`
// accepts it and re-encodes with the SP.
#[test]
fn rejects_missing_space_after_status_code_unless_allowed() {
    let b = b"HTTP/1.1 200\r\nA: b\r\n\r\n";
    assert_eq!(resp_err(b), Error::InvalidStatusLine { at: 12 });
    let cfg = Config::new().allow_missing_reason_space(true);
    let (r, n) = resp_ok_with(b, &cfg);
    assert_eq!(n, b.len());
    assert_eq!(r.reason(), Reason::EMPTY);
    assert_eq!(encode_exact(&r), b"HTTP/1.1 200 \r\nA: b\r\n\r\n");
    // The leniency is only about the missing SP.
    assert!(Response::decode_with(b"HTTP/1.1 200x\r\n\r\n", &cfg).is_err());
}

// RFC 9112 §4: status-code = 3DIGIT.
#[test]
fn rejects_status_code_that_is_not_three_digits() {
    let cases: &[(&[u8], usize)] = &[
        (b"HTTP/1.1 20 OK\r\n\r\n", 11),
        (b"HTTP/1.1 2000 OK\r\n\r\n", 12),
        (b"HTTP/1.1 2x0 OK\r\n\r\n", 10),
        (b"HTTP/1.1 +20 OK\r\n\r\n", 9),
        (b"HTTP/1.1 OK\r\n\r\n", 9),
    ];
    for (b, at) in cases {
        assert_eq!(
            resp_err(b),
            Error::InvalidStatusLine { at: *at },
            "{:?}",
            show(b)
        );
    }
}

// RFC 9110 §15: "Values outside the range 100..599 are invalid"; unregistered codes
// inside it are valid and understood by their class.
#[test]
fn rejects_status_code_outside_100_to_599() {
    for code in [0u16, 99, 600, 999] {
        let b = format!("HTTP/1.1 {code:03} X\r\n\r\n");
        assert_eq!(
            resp_err(b.as_bytes()),
            Error::StatusOutOfRange { code, at: 9 },
            "{b:?}"
        );
    }
    for code in [100u16, 199, 299, 399, 499, 599] {
        let b = format!("HTTP/1.1 {code} X\r\n\r\n");
        assert_eq!(resp_ok(b.as_bytes()).0.status().code(), code);
    }
}

// RFC 9112 §4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ).
#[test]
fn decode_reason_phrase_with_htab_and_obs_text() {
    let b = b"HTTP/1.1 200 \tO K\xe9 \r\n\r\n";
    let (r, _) = resp_ok(b);
    assert_eq!(r.reason().as_bytes(), b"\tO K\xe9 ");
    assert_eq!(encode_exact(&r), b);
}

// RFC 9112 §4 (reason-phrase bytes) and §2.2 (a bare CR is invalid).
#[test]
fn rejects_ctl_and_bare_cr_in_reason_phrase() {
    assert_eq!(
        resp_err(b"HTTP/1.1 200 O\x00K\r\n\r\n"),
        Error::InvalidReason { at: 14 }
    );
    assert_eq!(
        resp_err(b"HTTP/1.1 200 O\x7fK\r\n\r\n"),
        Error::InvalidReason { at: 14 }
    );
    assert_eq!(
        resp_err(b"HTTP/1.1 200 O\rK\r\n\r\n"),
        Error::InvalidLineEnding { at: 14 }
    );
}

// RFC 9112 §4: single SP separators; RFC 9112 §4 "MAY parse on whitespace-delimited word
// boundaries" is the `allow_multiple_spaces` leniency.
#[test]
fn rejects_status_line_separators_other_than_one_sp() {
    let b = b"HTTP/1.1  200 OK\r\n\r\n";
    assert_eq!(resp_err(b), Error::InvalidStatusLine { at: 9 });
    assert_eq!(
        resp_err(b"HTTP/1.1\t200 OK\r\n\r\n"),
        Error::InvalidStatusLine { at: 8 }
    );
    let cfg = Config::new().allow_multiple_spaces(true);
    let (r, _) = resp_ok_with(b, &cfg);
    assert_eq!(r.status(), Status::OK);
    assert_eq!(encode_exact(&r), b"HTTP/1.1 200 OK\r\n\r\n");
}

// ---------------------------------------------------------------------------------------
// Field lines (RFC 9112 §5, RFC 9110 §5)
// ---------------------------------------------------------------------------------------

// RFC 9112 §5.1: OWS before and after the field value is not part of it; RFC 9110 §5.5:
// field-value = *field-content may be empty.
#[test]
fn decode_field_value_ows_is_trimmed() {
    let b = b"GET / HTTP/1.1\r\nA:x\r\nB: \t y  z \t \r\nC:\r\nD:   \r\n\r\n";
    let (r, _) = req_ok(b);
    let got = fields(r.headers());
    assert_eq!(
        got,
        [
            ("A".to_owned(), b"x".to_vec()),
            ("B".to_owned(), b"y  z".to_vec()),
            ("C".to_owned(), b"".to_vec()),
            ("D".to_owned(), b"".to_vec()),
        ]
    );
    assert_eq!(
        encode_exact(&r),
        b"GET / HTTP/1.1\r\nA: x\r\nB: y  z\r\nC: \r\nD: \r\n\r\n"
    );
}

// RFC 9110 §5.1: field names are case-insensitive; §5.3: repeated field lines keep their
// order.
#[test]
fn decode_field_names_case_insensitive_and_order_kept() {
    let b = b"GET / HTTP/1.1\r\nAccept: a\r\nX: 1\r\naccept: b\r\nACCEPT: c\r\n\r\n";
    let (r, _) = req_ok(b);
    assert_eq!(r.headers().get("aCcEpT"), Some(&b"a"[..]));
    assert_eq!(
        r.headers().get_all("accept").collect::<Vec<_>>(),
        [&b"a"[..], b"b", b"c"]
    );
    assert_eq!(names(&r), ["Accept", "X", "accept", "ACCEPT"]);
    assert!(r.headers().iter().nth(2).unwrap().is("ACCEPT"));
    assert_eq!(r.headers().get("missing"), None);
    assert_eq!(encode_exact(&r), b);
}

// RFC 9110 §5.5: obs-text (%x80-FF) is allowed in a field value; RFC 9112 §2.2: parse as
// octets of a superset of US-ASCII.
#[test]
fn decode_obs_text_in_field_value() {
    let b = b"GET / HTTP/1.1\r\nX: caf\xe9 \x80\xff\r\nY: caf\xc3\xa9\r\n\r\n";
    let (r, _) = req_ok(b);
    let x = r.headers().iter().next().unwrap();
    assert_eq!(x.value(), b"caf\xe9 \x80\xff");
    assert_eq!(x.value_str(), None);
    assert_eq!(r.headers().iter().nth(1).unwrap().value_str(), Some("café"));
    assert_eq!(encode_exact(&r), b);
}

// `Headers::fill` (httparse-style indexed access): copies the fields, or says how many
// fit.
#[test]
fn decode_headers_fill_into_caller_storage() {
    let b = b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    let (r, _) = req_ok(b);
    let mut store = [Header::EMPTY; 4];
    assert_eq!(r.headers().fill(&mut store), Ok(3));
    assert_eq!(store[2].name(), "C");
    assert_eq!(store[2].value(), b"3");
    assert_eq!(store[3], Header::EMPTY);
    let mut small = [Header::EMPTY; 2];
    let e = r.headers().fill(&mut small).unwrap_err();
    assert!(matches!(e, Error::TooManyHeaders { max: 2, .. }), "{e:?}");
    // The offset is inside the first field that did not fit.
    let at = e.offset().unwrap();
    assert!((pos(b, b"C: 3")..pos(b, b"C: 3") + 4).contains(&at), "{at}");
    assert_eq!(small[1].name(), "B");
}

// `Request::decode_into` / `Response::decode_into` (one pass into caller storage, as
// httparse does) give the same head as the lazy decode, strict and lenient, and say when
// the storage is too short.
#[test]
fn decode_into_caller_storage_matches_lazy_decode() {
    let lenient = Config::new()
        .allow_bare_lf(true)
        .allow_obs_fold(true)
        .allow_space_before_colon(true)
        .allow_space_before_first_header(true)
        .ignore_invalid_headers(true);
    let extra: &[&[u8]] = &[
        b"GET / HTTP/1.1\n \tjunk\nA : 1\nB@d: 2\nB: x \r\n\n",
        b"POST / HTTP/1.1\r\nC: \x013\r\nD: 4\r\n\r\n",
        b"GET / HTTP/1.1\r\nA: 1\r\n 2\nB@d: x\r\n y\r\nNo colon\r\nC:\r\n\t3 \r\n\r\n",
        b"GET / HTTP/1.1\r\nA: \x01\r\n 2\r\nB: ok\r\n\r\n",
    ];
    for (cfg, heads) in [
        (Config::new(), REQUESTS),
        (lenient, REQUESTS),
        (lenient, extra),
    ] {
        for b in heads {
            let (lazy, n0) = Request::decode_with(b, &cfg).unwrap();
            let mut storage = [Header::EMPTY; 8];
            let count = {
                let (r, n) = Request::decode_into(b, &cfg, &mut storage).unwrap();
                assert_eq!((n, &r), (n0, &lazy), "{:?}", show(b));
                assert_eq!(encode_exact(&r), encode_exact(&lazy));
                assert_eq!(r.body_framing(), lazy.body_framing());
                r.headers().len()
            };
            assert_eq!(
                storage[..count].to_vec(),
                lazy.headers().iter().collect::<Vec<_>>()
            );
        }
    }
    for b in RESPONSES {
        let (lazy, n0) = Response::decode(b).unwrap();
        let mut storage = [Header::EMPTY; 8];
        let (r, n) = Response::decode_into(b, &Config::new(), &mut storage).unwrap();
        assert_eq!((n, r), (n0, lazy));
    }
    // Storage too short.
    let b = b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n";
    let mut one = [Header::EMPTY; 1];
    let e = Request::decode_into(b, &Config::new(), &mut one).unwrap_err();
    assert!(matches!(e, Error::TooManyHeaders { max: 1, .. }), "{e:?}");
    let at = e.offset().unwrap();
    assert!((pos(b, b"B: 2")..pos(b, b"B: 2") + 4).contains(&at), "{at}");
    // Partial input is still just incomplete.
    let mut storage = [Header::EMPTY; 8];
    assert!(
        Request::decode_into(&b[..20], &Config::new(), &mut storage)
            .unwrap_err()
            .is_incomplete()
    );
}

// RFC 9112 §9.3 (persistence: HTTP/1.1 persists unless `close`; HTTP/1.0 only with
// `keep-alive`) and RFC 9110 §7.6.1 (Connection = #connection-option, case-insensitive,
// across field lines).
#[test]
fn decode_keep_alive_from_connection_options() {
    let cases: &[(&[u8], bool)] = &[
        (b"GET / HTTP/1.1\r\n\r\n", true),
        (b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false),
        (
            b"GET / HTTP/1.1\r\nConnection: Upgrade , CLOSE\r\n\r\n",
            false,
        ),
        (
            b"GET / HTTP/1.1\r\nConnection: upgrade\r\nconnection: close\r\n\r\n",
            false,
        ),
        (b"GET / HTTP/1.1\r\nConnection: closed\r\n\r\n", true),
        (b"GET / HTTP/1.1\r\nX-Connection: close\r\n\r\n", true),
        (b"GET / HTTP/1.9\r\n\r\n", true),
        (b"GET / HTTP/1.0\r\n\r\n", false),
        (b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
        (
            b"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
            false,
        ),
    ];
    for (b, want) in cases {
        assert_eq!(req_ok(b).0.keep_alive(), *want, "{:?}", show(b));
    }
    assert!(!resp_ok(b"HTTP/1.0 200 OK\r\n\r\n").0.keep_alive());
    assert!(
        !resp_ok(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
            .0
            .keep_alive()
    );
    assert!(resp_ok(b"HTTP/1.1 200 OK\r\n\r\n").0.keep_alive());
    let (r, _) =
        req_ok(b"GET / HTTP/1.1\r\nConnection: keep-alive,Upgrade\r\nUpgrade: h2c\r\n\r\n");
    assert!(r.headers().has_token("connection", "upgrade"));
    assert!(!r.headers().has_token("connection", "close"));
    assert!(!r.headers().has_token("upgrade", "h2"));
}

// RFC 9112 §9.3 on built heads and responses: HTTP/1.1 persists unless `close`; HTTP/1.0
// only with `keep-alive`; Connection options are case-insensitive tokens in a list that
// may span lines (RFC 9110 §7.6.1, §5.3). `has_token` ignores empty list elements (RFC
// 9110 §5.6.1) and matches whole elements only.
#[test]
fn keep_alive_rfc9112_9_3_built_heads_and_responses() {
    let close = [Header::new("Connection", b"close").unwrap()];
    let ka = [Header::new("Connection", b", Keep-Alive ,").unwrap()];
    let t = Target::new("/").unwrap();
    for (v, h, want) in [
        (Version::HTTP_11, &[][..], true),
        (Version::HTTP_11, &close[..], false),
        (Version::HTTP_10, &[][..], false),
        (Version::HTTP_10, &ka[..], true),
        (Version::new(2).unwrap(), &[][..], true),
    ] {
        let r = Request::new(Method::GET, t, v, h).unwrap();
        assert_eq!(r.keep_alive(), want, "{v:?} {h:?}");
        assert_eq!(req_ok(&enc(&r)).0.keep_alive(), want);
        let r = Response::new(v, Status::OK, Reason::EMPTY, h).unwrap();
        assert_eq!(r.keep_alive(), want, "{v:?} {h:?}");
        assert_eq!(resp_ok(&enc(&r)).0.keep_alive(), want);
    }
    let (r, _) = resp_ok(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n");
    assert!(!r.keep_alive());
    let (r, _) = resp_ok(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n");
    assert!(r.keep_alive());
    let (r, _) = req_ok(b"GET / HTTP/1.1\r\nConnection: ,,\t,close-ish, xclose\r\n\r\n");
    assert!(r.keep_alive());
    assert!(r.headers().has_token("connection", "CLOSE-ISH"));
}

// RFC 9112 §5.1: "No whitespace is allowed between the field name and colon ... A server
// MUST reject ... any received request message that contains whitespace between a
// header field name and colon."
#[test]
fn rejects_whitespace_between_field_name_and_colon() {
    let b = b"GET / HTTP/1.1\r\nHost : a\r\n\r\n";
    assert_eq!(req_err(b), Error::SpaceBeforeColon { at: 20 });
    let b = b"GET / HTTP/1.1\r\nA: 1\r\nHost\t: a\r\n\r\n";
    assert_eq!(req_err(b), Error::SpaceBeforeColon { at: pos(b, b"\t") });
    let b = b"HTTP/1.1 200 OK\r\nServer  : x\r\n\r\n";
    assert_eq!(resp_err(b), Error::SpaceBeforeColon { at: 23 });
}

// RFC 9112 §5.1 (a proxy MUST remove such whitespace from a response before forwarding):
// `allow_space_before_colon` accepts it and re-encoding removes it.
#[test]
fn decode_lenient_space_before_colon() {
    let b = b"HTTP/1.1 200 OK\r\nServer \t: x\r\nA: 1\r\n\r\n";
    let cfg = Config::new().allow_space_before_colon(true);
    let (r, n) = resp_ok_with(b, &cfg);
    assert_eq!(n, b.len());
    assert_eq!(r.headers().get("server"), Some(&b"x"[..]));
    assert_eq!(r.headers().iter().next().unwrap().name(), "Server");
    assert_eq!(
        roundtrip_response(&r),
        b"HTTP/1.1 200 OK\r\nServer: x\r\nA: 1\r\n\r\n"
    );
}

// RFC 9112 §5.2: "A server that receives an obs-fold in a request message ... MUST either
// reject the message ... or replace each received obs-fold with one or more SP".
#[test]
fn rejects_obs_fold_by_default() {
    let b = b"GET / HTTP/1.1\r\nX: a\r\n b\r\nHost: h\r\n\r\n";
    assert_eq!(req_err(b), Error::ObsFold { at: pos(b, b" b") });
    let b = b"GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n";
    assert_eq!(req_err(b), Error::ObsFold { at: pos(b, b"\tb") });
    let b = b"HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n";
    assert_eq!(resp_err(b), Error::ObsFold { at: pos(b, b" b") });
}

// RFC 9112 §5.2: with `allow_obs_fold` the folded value is kept as it came, and encoding
// replaces each obs-fold with SP, so what is sent on has no line folding.
#[test]
fn decode_lenient_obs_fold_replaced_with_sp_on_encode() {
    let b = b"GET / HTTP/1.1\r\nX: a\r\n b\r\n\tc\r\nHost: h\r\n\r\n";
    let cfg = Config::new().allow_obs_fold(true);
    let (r, n) = req_ok_with(b, &cfg);
    assert_eq!(n, b.len());
    assert_eq!(r.headers().len(), 2);
    assert_eq!(r.headers().get("x"), Some(&b"a\r\n b\r\n\tc"[..]));
    assert_eq!(r.headers().get("host"), Some(&b"h"[..]));
    let out = encode_exact(&r);
    assert_eq!(out, b"GET / HTTP/1.1\r\nX: a   b  \tc\r\nHost: h\r\n\r\n");
    // What was sent on decodes strictly.
    let (again, _) = req_ok(&out);
    assert_eq!(again.headers().get("x"), Some(&b"a   b  \tc"[..]));
}

// RFC 9112 §2.2: "A recipient that receives whitespace between the start-line and the
// first header field MUST either reject the message as invalid or consume each
// whitespace-preceded line without further processing of it".
#[test]
fn rejects_whitespace_line_before_first_field() {
    let b = b"GET / HTTP/1.1\r\n X: y\r\nHost: h\r\n\r\n";
    assert_eq!(req_err(b), Error::SpaceAfterStartLine { at: 16 });
    let b = b"HTTP/1.1 200 OK\r\n\tX: y\r\n\r\n";
    assert_eq!(resp_err(b), Error::SpaceAfterStartLine { at: 17 });
}

// RFC 9112 §2.2, second choice: consume the whitespace-preceded lines (all of them, until
// a properly formed field) without processing them.
#[test]
fn decode_lenient_whitespace_lines_before_first_field_are_consumed() {
    let b = b"GET / HTTP/1.1\r\n X: y\r\n\tZ: w\r\nHost: h\r\n\r\n";
    let cfg = Config::new().allow_space_before_first_header(true);
    let (r, n) = req_ok_with(b, &cfg);
    assert_eq!(n, b.len());
    assert_eq!(names(&r), ["Host"]);
    assert_eq!(encode_exact(&r), b"GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    // Later whitespace-led lines are still obs-fold.
    let b = b"GET / HTTP/1.1\r\nHost: h\r\n X: y\r\n\r\n";
    assert!(matches!(req_err_with(b, &cfg), Error::ObsFold { .. }));
}

// RFC 9110 §5.1: field-name = token (RFC 9110 §5.6.2).
#[test]
fn rejects_field_name_that_is_not_a_token() {
    let cases: &[(&[u8], usize)] = &[
        (b"X(Y: a\r\n", 1),
        (b"X@Y: a\r\n", 1),
        (b"X/Y: a\r\n", 1),
        (b": a\r\n", 0),
        (b"\xc3\xa9: a\r\n", 0),
        (b"X\x00: a\r\n", 1),
        (b"\"X\": a\r\n", 0),
    ];
    for (line, off) in cases {
        let b = cat(&[b"GET / HTTP/1.1\r\n", line, b"\r\n"]);
        assert_eq!(
            req_err(&b),
            Error::InvalidFieldName { at: 16 + off },
            "{:?}",
            show(&b)
        );
    }
    // Whitespace after a token is where the colon must come (RFC 9112 §5.1), whatever
    // follows it: the whitespace error, at the first whitespace byte.
    for line in [&b"X Y: a\r\n"[..], b"X\tY: a\r\n", b"X ?: a\r\n"] {
        let b = cat(&[b"GET / HTTP/1.1\r\n", line, b"\r\n"]);
        assert_eq!(
            req_err(&b),
            Error::SpaceBeforeColon { at: 17 },
            "{:?}",
            show(&b)
        );
    }
}

// RFC 9112 §5.1: field-line = field-name ":" OWS field-value OWS.
#[test]
fn rejects_field_line_without_colon() {
    // The line ends right after the name: the offset is the end of the line.
    let b = b"GET / HTTP/1.1\r\nHost\r\n\r\n";
    assert_eq!(req_err(b), Error::MissingColon { at: 20 });
    let lf = Config::new().allow_bare_lf(true);
    assert_eq!(
        req_err_with(b"GET / HTTP/1.1\nHost\n\n", &lf),
        Error::MissingColon { at: 19 }
    );
    // A name then whitespace is rejected at the whitespace, where the colon must come
    // (RFC 9112 §5.1), without waiting for the end of the line.
    let b = b"GET / HTTP/1.1\r\nHost a\r\n\r\n";
    assert_eq!(req_err(b), Error::SpaceBeforeColon { at: 20 });
    assert_eq!(req_err(&b[..21]), Error::SpaceBeforeColon { at: 20 });
    // With whitespace before a colon allowed, the same line has no colon.
    let cfg = Config::new().allow_space_before_colon(true);
    assert_eq!(req_err_with(b, &cfg), Error::InvalidFieldName { at: 21 });
    assert_eq!(
        req_err_with(b"GET / HTTP/1.1\r\nHost \r\n\r\n", &cfg),
        Error::MissingColon { at: 21 }
    );
}

// RFC 9110 §5.5: "a recipient of CR, LF, or NUL within a field value MUST either reject
// the message or replace each of those characters with SP"; other CTLs are invalid too.
#[test]
fn rejects_ctl_in_field_value() {
    for byte in [0x00u8, 0x01, 0x08, 0x0B, 0x0C, 0x1B, 0x1F, 0x7F] {
        let b = cat(&[b"GET / HTTP/1.1\r\nX: a", &[byte], b"b\r\n\r\n"]);
        assert_eq!(
            req_err(&b),
            Error::InvalidFieldValue { byte, at: 20 },
            "{:?}",
            show(&b)
        );
    }
    // HTAB is allowed inside a value.
    assert_eq!(
        req_ok(b"GET / HTTP/1.1\r\nX: a\tb\r\n\r\n")
            .0
            .headers()
            .get("x"),
        Some(&b"a\tb"[..])
    );
}

// RFC 9112 §2.2: "A recipient of such a bare CR MUST consider that element to be invalid
// or replace each bare CR with SP".
#[test]
fn rejects_bare_cr_in_field_section() {
    let b = b"GET / HTTP/1.1\r\nX: a\rb\r\n\r\n";
    assert_eq!(req_err(b), Error::InvalidLineEnding { at: 20 });
    let b = b"GET / HTTP/1.1\r\nX: a\r\r\n\r\n";
    assert_eq!(req_err(b), Error::InvalidLineEnding { at: 20 });
    let b = b"GET / HTTP/1.1\r\nX: a\r\n\rY: b\r\n\r\n";
    assert_eq!(req_err(b), Error::InvalidLineEnding { at: 22 });
    let b = b"GET / HTTP/1.1\r\n\r\r\n";
    assert_eq!(req_err(b), Error::InvalidLineEnding { at: 16 });
    // In the request line.
    let b = b"GET / HTTP/1.1\r\r\n\r\n";
    assert_eq!(req_err(b), Error::InvalidLineEnding { at: 14 });
    // The leniency for bare LF does not admit bare CR.
    let lf = Config::new().allow_bare_lf(true);
    assert!(Request::decode_with(b"GET / HTTP/1.1\r\nX: a\rb\n\n", &lf).is_err());
}

// RFC 9112 §2.2: the line terminator is CRLF; a bare LF is only a MAY, off by default.
#[test]
fn rejects_bare_lf_by_default() {
    let cases: &[(&[u8], usize)] = &[
        (b"GET / HTTP/1.1\nHost: a\r\n\r\n", 14),
        (b"GET / HTTP/1.1\r\nHost: a\n\r\n", 23),
        (b"GET / HTTP/1.1\r\nHost: a\r\n\n", 25),
    ];
    for (b, at) in cases {
        assert_eq!(
            req_err(b),
            Error::InvalidLineEnding { at: *at },
            "{:?}",
            show(b)
        );
    }
    assert_eq!(
        resp_err(b"HTTP/1.1 200 OK\n\r\n"),
        Error::InvalidLineEnding { at: 15 }
    );
}

// RFC 9112 §2.2: "a recipient MAY recognize a single LF as a line terminator and ignore
// any preceding CR": `allow_bare_lf`.
#[test]
fn decode_lenient_bare_lf() {
    let cfg = Config::new().allow_bare_lf(true);
    let b = b"GET / HTTP/1.1\nHost: a\nX: b\r\n\n";
    let (r, n) = req_ok_with(b, &cfg);
    assert_eq!(n, b.len());
    assert_eq!(
        encode_exact(&r),
        b"GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n\r\n"
    );
    let b = b"HTTP/1.1 200 OK\nContent-Length: 0\n\nNEXT";
    let (r, n) = resp_ok_with(b, &cfg);
    assert_eq!(&b[n..], b"NEXT");
    assert_eq!(r.headers().get("content-length"), Some(&b"0"[..]));
}

// `ignore_invalid_headers` (httparse's tolerance): lines with an invalid name or value are
// skipped instead of failing the head, and are not yielded.
#[test]
fn decode_lenient_ignore_invalid_headers() {
    let b = b"GET / HTTP/1.1\r\nA: 1\r\nB@d: 2\r\nC: \x013\r\nD: 4\r\n\r\n";
    assert_eq!(req_err(b), Error::InvalidFieldName { at: 23 });
    let cfg = Config::new().ignore_invalid_headers(true);
    let (r, n) = req_ok_with(b, &cfg);
    assert_eq!(n, b.len());
    assert_eq!(names(&r), ["A", "D"]);
    assert_eq!(r.headers().len(), 2);
    assert_eq!(
        roundtrip_request(&r),
        b"GET / HTTP/1.1\r\nA: 1\r\nD: 4\r\n\r\n"
    );
}

// RFC 9112 §5.1: a line with whitespace before the colon is invalid (the request-routing
// attack the clause describes). Skipping it under `ignore_invalid_headers` must not let
// iteration hand it out as a field afterwards.
#[test]
fn decode_lenient_ignore_invalid_headers_drops_space_before_colon_line() {
    let b = b"GET / HTTP/1.1\r\nHost: good\r\nHost : evil\r\n\r\n";
    let cfg = Config::new().ignore_invalid_headers(true);
    let (r, _) = req_ok_with(b, &cfg);
    assert_eq!(
        r.headers().get_all("host").collect::<Vec<_>>(),
        [&b"good"[..]]
    );
    assert_eq!(r.headers().len(), 1);
    // The same hole reaches body framing: a skipped `Content-Length : 50` frames a body.
    let b = b"POST / HTTP/1.1\r\nContent-Length : 50\r\n\r\n";
    let (r, _) = req_ok_with(b, &cfg);
    assert_eq!(r.body_framing(), Ok(BodyFraming::None));
}

// RFC 9112 §5.1: a line without a colon is not a field line. Skipped under
// `ignore_invalid_headers`, it must neither be yielded nor make iteration misbehave.
#[test]
fn decode_lenient_ignore_invalid_headers_drops_line_without_colon() {
    let b = b"GET / HTTP/1.1\r\nBogus\r\nA: 1\r\n\r\n";
    let cfg = Config::new().ignore_invalid_headers(true);
    let (r, _) = req_ok_with(b, &cfg);
    assert_eq!(names(&r), ["A"]);
    assert_eq!(r.body_framing(), Ok(BodyFraming::None));
}

// ---------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------

fn head_with_fields(n: usize) -> Vec<u8> {
    let mut b = b"GET / HTTP/1.1\r\n".to_vec();
    for i in 0..n {
        b.extend_from_slice(format!("X-{i}: {i}\r\n").as_bytes());
    }
    b.extend_from_slice(b"\r\n");
    b
}

// `Config::max_headers`: the most field lines a head may have; the error names the
// first line over the limit.
#[test]
fn rejects_more_field_lines_than_max_headers() {
    let b = head_with_fields(5);
    let (r, _) = req_ok_with(&b, &Config::new().max_headers(5));
    assert_eq!(r.headers().len(), 5);
    assert_eq!(
        req_err_with(&b, &Config::new().max_headers(4)),
        Error::TooManyHeaders {
            max: 4,
            at: pos(&b, b"X-4:")
        }
    );
    assert_eq!(
        req_err_with(&b, &Config::new().max_headers(0)),
        Error::TooManyHeaders { max: 0, at: 16 }
    );
    // Default: 100.
    assert_eq!(Config::DEFAULT_MAX_HEADERS, 100);
    assert!(Request::decode(&head_with_fields(100)).is_ok());
    let b = head_with_fields(101);
    assert_eq!(
        req_err(&b),
        Error::TooManyHeaders {
            max: 100,
            at: pos(&b, b"X-100:")
        }
    );
}

// `Config::max_head_len`: a head of exactly the limit passes, one byte more fails, and a
// buffer longer than the limit without the head's end fails without waiting.
#[test]
fn rejects_head_longer_than_max_head_len() {
    let b = head_with_fields(3);
    let len = b.len();
    assert!(Request::decode_with(&b, &Config::new().max_head_len(len)).is_ok());
    let e = req_err_with(&b, &Config::new().max_head_len(len - 1));
    assert_eq!(e, Error::HeadTooLarge { max: len - 1 });
    assert_eq!(e.offset(), None);
    assert!(!e.is_incomplete());
    // Incomplete and already over the limit.
    let cfg = Config::new().max_head_len(20);
    let e = req_err_with(&b[..25], &cfg);
    assert_eq!(e, Error::HeadTooLarge { max: 20 });
    // Within the limit, a partial head is still just incomplete.
    assert!(req_err_with(&b[..20], &cfg).is_incomplete());
    // Same through the resumable decoder, which is ready for a new head afterwards.
    let mut dec = RequestDecoder::new(cfg);
    assert!(dec.decode(&b[..10]).unwrap_err().is_incomplete());
    assert_eq!(dec.decode(&b[..25]), Err(Error::HeadTooLarge { max: 20 }));
    assert!(dec.decode(b"GET / HTTP/1.1\r\n\r\n").is_ok());
    assert_eq!(
        Config::DEFAULT_MAX_HEAD_LEN,
        65_536,
        "documented default changed"
    );
}

// `Config::max_line_len` (CRLF included), for the request line, status line and field
// lines, checked on partial lines too.
#[test]
fn rejects_line_longer_than_max_line_len() {
    let b = b"GET / HTTP/1.1\r\nX-Long: 0123456789abcdefghij\r\n\r\n";
    let req_line = 16;
    let field_line = 30;
    assert!(Request::decode_with(b, &Config::new().max_line_len(field_line)).is_ok());
    assert_eq!(
        req_err_with(b, &Config::new().max_line_len(req_line - 1)),
        Error::LineTooLong {
            max: req_line - 1,
            at: 0
        }
    );
    // After skipped empty lines the offset is the request line's.
    let b2 = cat(&[b"\r\n", b]);
    assert_eq!(
        req_err_with(&b2, &Config::new().max_line_len(req_line - 1)),
        Error::LineTooLong {
            max: req_line - 1,
            at: 2
        }
    );
    assert_eq!(
        req_err_with(b, &Config::new().max_line_len(field_line - 1)),
        Error::LineTooLong {
            max: field_line - 1,
            at: 16
        }
    );
    // A partial field line already over the limit fails without waiting for its end.
    let cfg = Config::new().max_line_len(19);
    assert_eq!(
        req_err_with(&b[..16 + 25], &cfg),
        Error::LineTooLong { max: 19, at: 16 }
    );
    assert!(req_err_with(&b[..16 + 19], &cfg).is_incomplete());
    // A partial request line already over the limit.
    let cfg = Config::new().max_line_len(8);
    assert_eq!(
        req_err_with(&b[..9], &cfg),
        Error::LineTooLong { max: 8, at: 0 }
    );
    assert!(req_err_with(&b[..8], &cfg).is_incomplete());
    // Status line.
    let r = b"HTTP/1.1 200 OK\r\n\r\n";
    assert!(Response::decode_with(r, &Config::new().max_line_len(17)).is_ok());
    assert_eq!(
        resp_err_with(r, &Config::new().max_line_len(16)),
        Error::LineTooLong { max: 16, at: 0 }
    );
    assert_eq!(Config::DEFAULT_MAX_LINE_LEN, 16_384);
}

// ---------------------------------------------------------------------------------------
// Message body length (RFC 9112 §6, RFC 9110 §8.6)
// ---------------------------------------------------------------------------------------

// RFC 9112 §6.3 rule 7: a request with neither Transfer-Encoding nor Content-Length has
// no body.
#[test]
fn framing_request_rule7_no_body() {
    let (r, _) = req_ok(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(r.body_framing(), Ok(BodyFraming::None));
    let (r, _) = req_ok(b"POST / HTTP/1.0\r\n\r\n");
    assert_eq!(r.body_framing(), Ok(BodyFraming::None));
}

// RFC 9112 §6.3 rule 6: a valid Content-Length gives the body length; the body starts
// where decode says the head ends.
#[test]
fn framing_request_rule6_content_length() {
    let b = b"POST /upload HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET";
    let (r, n) = req_ok(b);
    assert_eq!(r.body_framing(), Ok(BodyFraming::Length(5)));
    assert_eq!(&b[n..n + 5], b"hello");
    // RFC 9110 §8.6: leading zeros are digits like any other.
    let (r, _) = req_ok(b"POST / HTTP/1.1\r\nContent-Length: 0005\r\n\r\n");
    assert_eq!(r.body_framing(), Ok(BodyFraming::Length(5)));
    let (r, _) = req_ok(b"POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(r.body_framing(), Ok(BodyFraming::Length(0)));
}

// RFC 9112 §6.3 rule 4: chunked as the final coding frames the request body.
#[test]
fn framing_request_rule4_chunked_final() {
    for te in [&b"chunked"[..], b"gzip, chunked", b"gzip;level=1 , chunked"] {
        let b = cat(&[b"POST / HTTP/1.1\r\nTransfer-Encoding: ", te, b"\r\n\r\n"]);
        let (r, _) = req_ok(&b);
        assert_eq!(r.body_framing(), Ok(BodyFraming::Chunked), "{:?}", show(&b));
    }
}

// RFC 9112 §6.3 rule 3 and §6.1: a request with both Transfer-Encoding and Content-Length
// "ought to be handled as an error"; a server MAY reject it. The error names the value of
// the later field.
#[test]
fn framing_request_rule3_transfer_encoding_with_content_length() {
    let b = b"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n";
    let (r, _) = req_ok(b);
    assert_eq!(
        r.body_framing(),
        Err(Error::TransferEncodingWithContentLength {
            at: pos(b, b"chunked")
        })
    );
    let b = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n";
    let (r, _) = req_ok(b);
    assert_eq!(
        r.body_framing(),
        Err(Error::TransferEncodingWithContentLength {
            at: pos(b, b"5\r\n")
        })
    );
    // §6.1: "or process such a request in accordance with the Transfer-Encoding alone".
    let cfg = Config::new().allow_transfer_encoding_with_content_length(true);
    assert_eq!(r.body_framing_with(&cfg), Ok(BodyFraming::Chunked));
}

// RFC 9112 §6.3 rule 4: "If a Transfer-Encoding header field is present in a request and
// the chunked transfer coding is not the final encoding, the message body length cannot
// be determined reliably; the server MUST respond with the 400".
#[test]
fn framing_request_rule4_rejects_chunked_not_final() {
    for te in [&b"gzip"[..], b"chunked, gzip", b"identity"] {
        let b = cat(&[b"POST / HTTP/1.1\r\nTransfer-Encoding: ", te, b"\r\n\r\n"]);
        let (r, _) = req_ok(&b);
        assert_eq!(
            r.body_framing(),
            Err(Error::ChunkedNotFinal { at: 36 }),
            "{:?}",
            show(&b)
        );
    }
    // Across field lines (RFC 9110 §5.3: one list).
    let b = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n";
    let (r, _) = req_ok(b);
    assert!(matches!(
        r.body_framing(),
        Err(Error::ChunkedNotFinal { .. })
    ));
}

// RFC 9112 §6.1: "A sender MUST NOT apply the chunked transfer coding more than once".
#[test]
fn framing_rejects_chunked_applied_twice() {
    let b = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n";
    let (r, _) = req_ok(b);
    assert_eq!(
        r.body_framing(),
        Err(Error::ChunkedTwice {
            at: pos_nth(b, b"chunked", 1)
        })
    );
    let b = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: Chunked\r\n\r\n";
    let (r, _) = resp_ok(b);
    assert_eq!(
        r.body_framing(&Method::GET),
        Err(Error::ChunkedTwice {
            at: pos(b, b"Chunked")
        })
    );
}

// RFC 9112 §6.1: "A server or client that receives an HTTP/1.0 message containing a
// Transfer-Encoding header field MUST treat the message as if the framing is faulty,
// even if a Content-Length is present".
#[test]
fn framing_transfer_encoding_in_http10_is_faulty() {
    let b = b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n";
    let (r, _) = req_ok(b);
    assert_eq!(
        r.body_framing(),
        Err(Error::TransferEncodingInHttp10 {
            at: pos(b, b"chunked")
        })
    );
    let b = b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    let (r, _) = resp_ok(b);
    assert_eq!(
        r.body_framing(&Method::GET),
        Err(Error::TransferEncodingInHttp10 {
            at: pos(b, b"chunked")
        })
    );
}

// RFC 9110 §8.6: Content-Length = 1*DIGIT; RFC 9112 §6.3 rule 5: an invalid one is an
// unrecoverable error. The offset names the first bad byte.
#[test]
fn framing_rejects_invalid_content_length() {
    let cases: &[(&[u8], usize)] = &[
        (b"abc", 0),
        (b"-1", 0),
        (b"+5", 0),
        (b"5 5", 1),
        (b"0x10", 1),
        (b"1e3", 1),
        (b"5.0", 1),
        (b"5;x", 1),
        (b"\xd9\xa3", 0),
    ];
    for (v, off) in cases {
        let b = cat(&[b"POST / HTTP/1.1\r\nContent-Length: ", v, b"\r\n\r\n"]);
        let (r, _) = req_ok(&b);
        assert_eq!(
            r.body_framing(),
            Err(Error::InvalidContentLength { at: 33 + off }),
            "{:?}",
            show(&b)
        );
        let b = cat(&[b"HTTP/1.1 200 OK\r\nContent-Length: ", v, b"\r\n\r\n"]);
        let (r, _) = resp_ok(&b);
        assert_eq!(
            r.body_framing(&Method::GET),
            Err(Error::InvalidContentLength { at: 33 + off }),
            "{:?}",
            show(&b)
        );
    }
    let (r, _) = req_ok(b"POST / HTTP/1.1\r\nContent-Length:\r\n\r\n");
    assert!(matches!(
        r.body_framing(),
        Err(Error::InvalidContentLength { .. })
    ));
}

// RFC 9110 §8.6: "a recipient MUST anticipate potentially large decimal numerals and
// prevent parsing errors due to integer conversion overflows".
#[test]
fn framing_content_length_overflow_is_an_error_not_a_wrap() {
    let (r, _) = req_ok(b"POST / HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n");
    assert_eq!(r.body_framing(), Ok(BodyFraming::Length(u64::MAX)));
    for v in [
        &b"18446744073709551616"[..],
        b"99999999999999999999",
        b"99999999999999999999999999999999999999",
    ] {
        let b = cat(&[b"POST / HTTP/1.1\r\nContent-Length: ", v, b"\r\n\r\n"]);
        let (r, _) = req_ok(&b);
        assert_eq!(
            r.body_framing(),
            Err(Error::InvalidContentLength { at: 33 + 19 }),
            "{:?}",
            show(&b)
        );
    }
}

// RFC 9110 §8.6 and RFC 9112 §6.3 rule 5: several Content-Length values that differ are
// an error; identical ones (repeated lines or a list) MAY be collapsed, which is the
// `allow_content_length_list` leniency (strict by default).
#[test]
fn framing_duplicate_content_length() {
    let same = b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n";
    let diff = b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n";
    let list = b"POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n";
    let list_diff = b"POST / HTTP/1.1\r\nContent-Length: 5 ,6\r\n\r\n";
    let lenient = Config::new().allow_content_length_list(true);

    let (r, _) = req_ok(same);
    assert_eq!(
        r.body_framing(),
        Err(Error::ConflictingContentLength {
            at: pos_nth(same, b"5", 1)
        })
    );
    assert_eq!(r.body_framing_with(&lenient), Ok(BodyFraming::Length(5)));

    let (r, _) = req_ok(diff);
    let want = Err(Error::ConflictingContentLength {
        at: pos(diff, b"6"),
    });
    assert_eq!(r.body_framing(), want);
    assert_eq!(r.body_framing_with(&lenient), want);

    let (r, _) = req_ok(list);
    assert!(r.body_framing().is_err());
    assert_eq!(r.body_framing_with(&lenient), Ok(BodyFraming::Length(5)));

    let (r, _) = req_ok(list_diff);
    assert_eq!(
        r.body_framing_with(&lenient),
        Err(Error::ConflictingContentLength {
            at: pos(list_diff, b"6")
        })
    );
    // Responses follow the same rule.
    let b = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n";
    let (r, _) = resp_ok(b);
    assert!(matches!(
        r.body_framing(&Method::GET),
        Err(Error::ConflictingContentLength { .. })
    ));
}

// RFC 9112 §6.3 rule 1: "Any response to a HEAD request and any response with a 1xx
// (Informational), 204 (No Content), or 304 (Not Modified) status code is always
// terminated by the first empty line after the header fields".
#[test]
fn framing_response_rule1_head_1xx_204_304_have_no_body() {
    let fields = "Content-Length: 10\r\nTransfer-Encoding: chunked\r\n";
    for (method, code) in [
        (Method::HEAD, 200u16),
        (Method::HEAD, 404),
        (Method::GET, 100),
        (Method::GET, 103),
        (Method::GET, 199),
        (Method::GET, 204),
        (Method::GET, 304),
        (Method::POST, 304),
    ] {
        let b = format!("HTTP/1.1 {code} X\r\n{fields}\r\n");
        let (r, _) = resp_ok(b.as_bytes());
        assert_eq!(
            r.body_framing(&method),
            Ok(BodyFraming::None),
            "{method} {code}"
        );
    }
}

// RFC 9110 §15.2.2: after a 101 (Switching Protocols) the server "will switch protocols
// to those defined by the response's Upgrade header field immediately after the empty
// line that terminates the 101 response": no HTTP/1.1 body or message follows.
#[test]
fn framing_response_101_switching_protocols_is_a_tunnel() {
    let b = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nContent-Length: 10\r\n\r\n";
    let (r, _) = resp_ok(b);
    assert_eq!(r.status(), Status::SWITCHING_PROTOCOLS);
    assert_eq!(r.body_framing(&Method::GET), Ok(BodyFraming::Tunnel));
}

// RFC 9112 §6.3 rule 2: "Any 2xx (Successful) response to a CONNECT request implies that
// the connection will become a tunnel immediately after the empty line"; other statuses
// to CONNECT are framed as usual.
#[test]
fn framing_response_rule2_connect_2xx_is_a_tunnel() {
    let (r, _) = resp_ok(b"HTTP/1.1 200 Connection Established\r\nContent-Length: 10\r\n\r\n");
    assert_eq!(r.body_framing(&Method::CONNECT), Ok(BodyFraming::Tunnel));
    let (r, _) = resp_ok(b"HTTP/1.1 299 X\r\n\r\n");
    assert_eq!(r.body_framing(&Method::CONNECT), Ok(BodyFraming::Tunnel));
    let (r, _) = resp_ok(b"HTTP/1.1 407 Proxy Auth\r\nContent-Length: 5\r\n\r\n");
    assert_eq!(r.body_framing(&Method::CONNECT), Ok(BodyFraming::Length(5)));
    let (r, _) = resp_ok(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
    assert_eq!(
        r.body_framing(&Method::CONNECT),
        Ok(BodyFraming::UntilClose)
    );
    // 2xx to another method is not a tunnel.
    let (r, _) = resp_ok(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
    assert_eq!(r.body_framing(&Method::GET), Ok(BodyFraming::Length(10)));
}

// RFC 9112 §6.3 rule 3: in a response, Transfer-Encoding overrides Content-Length.
#[test]
fn framing_response_rule3_transfer_encoding_overrides_content_length() {
    let b = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n";
    let (r, _) = resp_ok(b);
    assert_eq!(r.body_framing(&Method::GET), Ok(BodyFraming::Chunked));
}

// RFC 9112 §6.3 rule 4: "If a Transfer-Encoding header field is present in a response and
// the chunked transfer coding is not the final encoding, the message body length is
// determined by reading the connection until it is closed by the server."
#[test]
fn framing_response_rule4_transfer_encoding_without_final_chunked() {
    for te in ["gzip", "chunked, gzip", "gzip, chunked", "deflate"] {
        let b = format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: {te}\r\n\r\n");
        let (r, _) = resp_ok(b.as_bytes());
        let want = if te.ends_with("chunked") {
            BodyFraming::Chunked
        } else {
            BodyFraming::UntilClose
        };
        assert_eq!(r.body_framing(&Method::GET), Ok(want), "{te}");
    }
}

// RFC 9112 §6.3 rules 6 and 8: Content-Length, else read until close.
#[test]
fn framing_response_rule6_length_and_rule8_until_close() {
    let (r, _) = resp_ok(b"HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n");
    assert_eq!(r.body_framing(&Method::GET), Ok(BodyFraming::Length(42)));
    let (r, _) = resp_ok(b"HTTP/1.1 200 OK\r\nServer: x\r\n\r\n");
    assert_eq!(r.body_framing(&Method::GET), Ok(BodyFraming::UntilClose));
    let (r, _) = resp_ok(b"HTTP/1.0 200 OK\r\n\r\n");
    assert_eq!(r.body_framing(&Method::POST), Ok(BodyFraming::UntilClose));
}

// RFC 9112 §7: "All transfer-coding names are case-insensitive".
#[test]
fn framing_transfer_coding_names_are_case_insensitive() {
    for te in ["Chunked", "CHUNKED", "gzip, ChUnKeD"] {
        let b = format!("POST / HTTP/1.1\r\nTransfer-Encoding: {te}\r\n\r\n");
        let (r, _) = req_ok(b.as_bytes());
        assert_eq!(r.body_framing(), Ok(BodyFraming::Chunked), "{te}");
    }
}

// RFC 9112 §6.1: Transfer-Encoding = #transfer-coding; RFC 9110 §5.3 (field lines combine
// into one list) and §5.6.1 (a recipient MUST parse and ignore empty list elements).
#[test]
fn framing_transfer_encoding_list_across_lines_and_empty_elements() {
    let b = b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert_eq!(req_ok(b).0.body_framing(), Ok(BodyFraming::Chunked));
    let b = b"POST / HTTP/1.1\r\nTransfer-Encoding: , gzip,,  chunked ,\r\n\r\n";
    assert_eq!(req_ok(b).0.body_framing(), Ok(BodyFraming::Chunked));
}

// RFC 9112 §7 / RFC 9110 §5.6.6: transfer-coding = token *( OWS ";" OWS
// transfer-parameter ), transfer-parameter = token BWS "=" BWS ( token / quoted-string ).
#[test]
fn framing_rejects_malformed_transfer_encoding() {
    for te in [
        &b""[..],
        b",",
        b"chunked;",
        b"chunked;a",
        b"chunked;=b",
        b"gzip chunked",
        b"\"chunked\"",
        b"chunked/1",
    ] {
        let b = cat(&[b"POST / HTTP/1.1\r\nTransfer-Encoding: ", te, b"\r\n\r\n"]);
        let (r, _) = req_ok(&b);
        let e = r.body_framing().unwrap_err();
        assert!(
            matches!(e, Error::InvalidTransferEncoding { .. }),
            "{:?}: {e:?}",
            show(&b)
        );
        let at = e.offset().unwrap();
        assert!((36..b.len() - 2).contains(&at) || te.is_empty(), "{at}");
    }
}

// RFC 9112 §7.1: "The chunked coding does not define any parameters. Their presence SHOULD
// be treated as an error." The error points just past the coding's name.
#[test]
fn framing_rejects_parameters_on_chunked() {
    for te in [
        &b"chunked;a=b"[..],
        b"Chunked ; q=1",
        b"gzip, chunked;x=\"y\"",
        b"chunked;a=b, gzip",
    ] {
        let b = cat(&[b"POST / HTTP/1.1\r\nTransfer-Encoding: ", te, b"\r\n\r\n"]);
        let (r, _) = req_ok(&b);
        // Just past `chunked`: the `;` or the whitespace before it.
        let semi = pos(&b, b";");
        let spaces = b[..semi].iter().rev().take_while(|&&c| c == b' ').count();
        let want = Error::InvalidTransferEncoding { at: semi - spaces };
        assert_eq!(r.body_framing(), Err(want), "{:?}", show(&b));
        let b = cat(&[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: ", te, b"\r\n\r\n"]);
        let (r, _) = resp_ok(&b);
        assert!(
            matches!(
                r.body_framing(&Method::GET),
                Err(Error::InvalidTransferEncoding { .. })
            ),
            "{:?}",
            show(&b)
        );
    }
}

// RFC 9112 §7: transfer-parameter = token BWS "=" BWS ( token / quoted-string ); RFC 9110
// §5.6.4 quoted-string (qdtext, quoted-pair, obs-text). Parameters on codings other than
// chunked are accepted in either form.
#[test]
fn framing_accepts_quoted_string_parameters_on_other_codings() {
    for te in [
        &b"gzip;level=\"9\", chunked"[..],
        b"x;a=\"\", chunked",
        b"x;a=\"sp ace\\\"q\";b=tok , chunked",
        b"x ; a=\"caf\xe9\"\t;b=1, chunked",
    ] {
        let b = cat(&[b"POST / HTTP/1.1\r\nTransfer-Encoding: ", te, b"\r\n\r\n"]);
        let (r, _) = req_ok(&b);
        assert_eq!(r.body_framing(), Ok(BodyFraming::Chunked), "{:?}", show(&b));
    }
    for te in [
        &b"x;a=\"open, chunked"[..],
        b"x;=b, chunked",
        b"x;a, chunked",
        b"x;a=\"\\\", chunked",
        b"x;a=\"b\"c, chunked",
        b"x;a=b c, chunked",
    ] {
        let b = cat(&[b"POST / HTTP/1.1\r\nTransfer-Encoding: ", te, b"\r\n\r\n"]);
        let (r, _) = req_ok(&b);
        assert!(
            matches!(r.body_framing(), Err(Error::InvalidTransferEncoding { .. })),
            "{:?}",
            show(&b)
        );
    }
}

// RFC 9110 §5.6.1 / §5.6.4: a comma inside a quoted-string is part of the string, not a
// list delimiter; RFC 9112 §7 / RFC 9110 §5.6.3: BWS around a parameter's "=" — "Recipients
// MUST accept such bad optional whitespace and remove it before interpreting the field
// value".
#[test]
fn framing_transfer_parameters_comma_in_quotes_and_bws() {
    let mut wrong = Vec::new();
    for te in [
        &b"x;p=\"a,b\", chunked"[..],
        b"gzip;level = 1, chunked",
        b"gzip;level= \"1\", chunked",
    ] {
        let b = cat(&[b"POST / HTTP/1.1\r\nTransfer-Encoding: ", te, b"\r\n\r\n"]);
        let (r, _) = req_ok(&b);
        let got = r.body_framing();
        if got != Ok(BodyFraming::Chunked) {
            wrong.push(format!("{:?}: {got:?}", show(te)));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

// RFC 9112 §6.3: framing errors carry offsets from the start of the head (empty lines
// skipped before the request line included).
#[test]
fn framing_error_offsets_count_from_the_start_of_the_head() {
    let b = b"\r\nPOST / HTTP/1.1\r\nA: b\r\nContent-Length: 1x\r\n\r\n";
    let (r, _) = req_ok(b);
    let e = r.body_framing().unwrap_err();
    assert_eq!(
        e,
        Error::InvalidContentLength {
            at: pos(b, b"x\r\n")
        }
    );
    assert_eq!(b[e.offset().unwrap()], b'x');
}

// A head built with the API reports error offsets into its own encoding. Framing errors
// can no longer be built (see encode_cannot_emit_a_request_with_invalid_framing), so the
// check goes through `Request::host` (RFC 9112 §3.2), whose error names the second Host.
#[test]
fn error_offset_of_a_built_request_points_into_its_encoding() {
    let h = [
        Header::new("Host", b"a.example").unwrap(),
        Header::new("X", b"y").unwrap(),
        Header::new("Host", b"b.example").unwrap(),
    ];
    let r = Request::new(
        Method::POST,
        Target::new("/x").unwrap(),
        Version::HTTP_11,
        &h,
    )
    .unwrap();
    let bytes = encode_exact(&r);
    let e = r.host().unwrap_err();
    assert!(matches!(e, Error::DuplicateHost { .. }), "{e:?}");
    let at = e.offset().unwrap();
    assert!(
        bytes[at..].starts_with(b"b.example\r\n"),
        "{}",
        show(&bytes[at..])
    );
    // The decoded encoding says the same.
    let (d, _) = req_ok(&bytes);
    assert_eq!(d.host(), Err(e));
}

// ---------------------------------------------------------------------------------------
// Chunked transfer coding (RFC 9112 §7.1)
// ---------------------------------------------------------------------------------------

/// chunked-body = *chunk last-chunk trailer-section CRLF (RFC 9112 §7.1).
const WIKI: &[u8] = b"4\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\n\r\n";

/// With chunk extensions (§7.1.1) and a trailer section (§7.1.2).
const FULL: &[u8] = b"5;name=value;flag\r\nhello\r\n1A ; q=\"a;b\\\"c\"\r\nabcdefghijklmnopqrstuvwxyz\r\n0;last\r\nExpires: Wed, 21 Oct 2015 07:28:00 GMT\r\nX-Checksum: abc\r\n\r\n";

// RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF, the size in hex.
#[test]
fn chunked_decode_chunk_by_chunk() {
    let mut rest = WIKI;
    let mut data = Vec::new();
    let mut sizes = Vec::new();
    loop {
        let (c, n) = Chunk::decode(rest).unwrap();
        rest = &rest[n..];
        if c.is_last() {
            assert!(c.trailers().is_empty());
            break;
        }
        sizes.push(c.data().len());
        data.extend_from_slice(c.data());
    }
    assert!(rest.is_empty());
    assert_eq!(sizes, [4, 6, 14]);
    assert_eq!(data, b"Wikipedia in \r\n\r\nchunks.");
}

// RFC 9112 §7.1.3: the decoding algorithm, end to end, with extensions and trailers.
#[test]
fn chunked_rfc9112_7_1_3_decoding_whole() {
    let body = chunked_stream(FULL, FULL.len(), Config::new()).unwrap();
    assert_eq!(body.sizes, [5, 26]);
    assert_eq!(body.data, b"helloabcdefghijklmnopqrstuvwxyz");
    assert_eq!(
        body.extensions,
        [&b";name=value;flag"[..], b" ; q=\"a;b\\\"c\"", b";last"]
    );
    assert_eq!(
        body.trailers,
        [
            (
                "Expires".to_owned(),
                b"Wed, 21 Oct 2015 07:28:00 GMT".to_vec()
            ),
            ("X-Checksum".to_owned(), b"abc".to_vec()),
        ]
    );
    assert_eq!(body.consumed, FULL.len());
}

// RFC 9112 §7.1: ChunkedDecoder fed in pieces of 1, 7 and 64 bytes gives what it gives on
// the whole body.
#[test]
fn chunked_decoder_piecewise_matches_whole() {
    for src in [WIKI, FULL] {
        let whole = chunked_stream(src, src.len(), Config::new()).unwrap();
        for step in [1, 2, 7, 64] {
            assert_eq!(
                chunked_stream(src, step, Config::new()).unwrap(),
                whole,
                "step {step}"
            );
        }
    }
}

// RFC 9112 §7.1: data is handed out as it arrives; `remaining` counts what is still due;
// an empty buffer inside chunk data says exactly how many bytes are missing.
#[test]
fn chunked_decoder_hands_out_partial_data() {
    let mut dec = ChunkedDecoder::default();
    let (p, n) = dec.decode(b"a\r\n0123").unwrap();
    assert_eq!(
        p,
        Piece::Size {
            size: 10,
            extensions: Extensions::NONE
        }
    );
    assert_eq!(n, 3);
    assert_eq!(dec.remaining(), 10);
    assert_eq!(dec.decode(b"0123"), Ok((Piece::Data(b"0123"), 4)));
    assert_eq!(dec.remaining(), 6);
    assert_eq!(dec.decode(b""), Err(Error::Incomplete(Needed::new(6))));
    assert_eq!(dec.decode(b"456789\r\n0"), Ok((Piece::Data(b"456789"), 6)));
    assert_eq!(dec.remaining(), 0);
    assert_eq!(dec.decode(b"\r"), Err(Error::Incomplete(Needed::new(1))));
    assert!(dec.decode(b"\r\n0\r\n").unwrap_err().is_incomplete());
    let (p, n) = dec.decode(b"\r\n0\r\n\r\nNEXT").unwrap();
    assert!(matches!(p, Piece::End { .. }));
    assert_eq!(n, 7);
    // Ready for the next body.
    assert_eq!(
        dec.decode(b"1\r\n").map(|(p, _)| p),
        Ok(Piece::Size {
            size: 1,
            extensions: Extensions::NONE
        })
    );
}

// RFC 9112 §7.1: last-chunk = 1*("0") [ chunk-ext ] CRLF; chunk-size = 1*HEXDIG in either
// case, leading zeros allowed. Re-encoding uses the canonical lowercase form.
#[test]
fn chunked_size_hex_forms_and_last_chunk_zeros() {
    let (c, n) = Chunk::decode(b"000\r\n\r\n").unwrap();
    assert!(c.is_last());
    assert_eq!(n, 7);
    assert_eq!(encode_exact(&c), b"0\r\n\r\n");
    for (b, len) in [
        (&b"a\r\n0123456789\r\n"[..], 10),
        (b"A\r\n0123456789\r\n", 10),
        (b"00a\r\n0123456789\r\n", 10),
        (b"1F\r\n0123456789012345678901234567890\r\n", 31),
    ] {
        let (c, n) = Chunk::decode(b).unwrap();
        assert_eq!((c.data().len(), n), (len, b.len()), "{:?}", show(b));
    }
    let (c, _) = Chunk::decode(b"00A\r\n0123456789\r\n").unwrap();
    assert_eq!(encode_exact(&c), b"a\r\n0123456789\r\n");
}

// RFC 9112 §7.1: "recipients MUST anticipate potentially large hexadecimal numerals and
// prevent parsing errors due to integer conversion overflows".
#[test]
fn chunked_rejects_size_overflow() {
    let b = b"10000000000000000\r\nx\r\n";
    assert_eq!(
        Chunk::decode(b).unwrap_err(),
        Error::ChunkSizeOverflow { at: 16 }
    );
    assert_eq!(
        ChunkedDecoder::default().decode(b),
        Err(Error::ChunkSizeOverflow { at: 16 })
    );
    let b = b"fffffffffffffffffff\r\n";
    assert_eq!(
        Chunk::decode(b).unwrap_err(),
        Error::ChunkSizeOverflow { at: 16 }
    );
    // The largest size fits, and asking for it does not panic.
    let b = b"ffffffffffffffff\r\n";
    let mut dec = ChunkedDecoder::default();
    assert_eq!(
        dec.decode(b),
        Ok((
            Piece::Size {
                size: u64::MAX,
                extensions: Extensions::NONE
            },
            18
        ))
    );
    assert_eq!(dec.remaining(), u64::MAX);
    assert!(Chunk::decode(b).unwrap_err().is_incomplete());
    // Leading zeros do not count toward overflow.
    let (c, _) = Chunk::decode(b"00000000000000000000000000000001\r\nx\r\n").unwrap();
    assert_eq!(c.data(), b"x");
}

// RFC 9112 §7.1: chunk-size = 1*HEXDIG, followed by chunk-ext or CRLF and nothing else
// (no whitespace after the size unless a `;` follows: BWS is only before `;`).
#[test]
fn chunked_rejects_invalid_chunk_size() {
    let cases: &[(&[u8], Error)] = &[
        (b"\r\n", Error::InvalidChunkSize { at: 0 }),
        (b"x\r\n", Error::InvalidChunkSize { at: 0 }),
        (b"-1\r\n", Error::InvalidChunkSize { at: 0 }),
        (b" 5\r\n", Error::InvalidChunkSize { at: 0 }),
        (b";a\r\n", Error::InvalidChunkSize { at: 0 }),
        (b"5 \r\n", Error::InvalidChunkSize { at: 1 }),
        (b"5 5\r\n", Error::InvalidChunkSize { at: 1 }),
        (b"0x5\r\n", Error::InvalidChunkSize { at: 1 }),
        (b"5g\r\n", Error::InvalidChunkSize { at: 1 }),
    ];
    for (b, want) in cases {
        assert_eq!(Chunk::decode(b).unwrap_err(), *want, "{:?}", show(b));
        assert_eq!(
            ChunkedDecoder::default().decode(b),
            Err(*want),
            "{:?}",
            show(b)
        );
    }
}

// RFC 9112 §7.1 and §2.2: chunk framing lines end in CRLF; a bare CR is invalid. The
// `allow_bare_lf` leniency is for the start line and fields, not for chunked framing.
#[test]
fn chunked_rejects_bare_lf_and_bare_cr_in_framing_lines() {
    let lf = Config::new().allow_bare_lf(true);
    for cfg in [Config::new(), lf] {
        assert_eq!(
            Chunk::decode_with(b"5\nhello\r\n", &cfg).unwrap_err(),
            Error::InvalidLineEnding { at: 1 }
        );
        assert_eq!(
            Chunk::decode_with(b"5\rhello\r\n", &cfg).unwrap_err(),
            Error::InvalidLineEnding { at: 1 }
        );
        assert_eq!(
            Chunk::decode_with(b"5;a=b\nhello\r\n", &cfg).unwrap_err(),
            Error::InvalidLineEnding { at: 5 }
        );
        assert_eq!(
            Chunk::decode_with(b"5\r\nhello\n", &cfg).unwrap_err(),
            Error::MissingChunkDataEnd { at: 8 }
        );
        // The last chunk, its trailer fields and the final empty line too.
        for (b, at) in [
            (&b"0\n\r\n"[..], 1),
            (b"0\r\n\n", 3),
            (b"0\r\nX: a\n\r\n", 7),
            (b"0\r\nX: a\r\n\n", 9),
        ] {
            let want = Error::InvalidLineEnding { at };
            assert_eq!(Chunk::decode_with(b, &cfg), Err(want), "{:?}", show(b));
            assert_eq!(
                ChunkedDecoder::new(cfg).decode(b),
                Err(want),
                "{:?}",
                show(b)
            );
        }
        // Through the streaming decoder, after data.
        let b = b"1\r\nx\n0\r\n\r\n";
        assert_eq!(
            chunked_stream(b, 1, cfg),
            Err(Error::MissingChunkDataEnd { at: 0 })
        );
    }
}

// RFC 9112 §7.1: chunk-data is exactly chunk-size octets, then CRLF.
#[test]
fn chunked_rejects_data_not_followed_by_crlf() {
    assert_eq!(
        Chunk::decode(b"5\r\nhelloX\r\n").unwrap_err(),
        Error::MissingChunkDataEnd { at: 8 }
    );
    assert_eq!(
        Chunk::decode(b"5\r\nhello\rX").unwrap_err(),
        Error::MissingChunkDataEnd { at: 9 }
    );
    assert_eq!(
        Chunk::decode(b"3\r\nhello\r\n").unwrap_err(),
        Error::MissingChunkDataEnd { at: 6 }
    );
    let mut dec = ChunkedDecoder::default();
    dec.decode(b"5\r\n").unwrap();
    dec.decode(b"hello").unwrap();
    assert_eq!(
        dec.decode(b"X\r\n"),
        Err(Error::MissingChunkDataEnd { at: 0 })
    );
    assert_eq!(
        dec.decode(b"\rX"),
        Err(Error::MissingChunkDataEnd { at: 1 })
    );
    // Errors in the next size line count from the start of that call's buffer.
    assert_eq!(
        dec.decode(b"\r\nzz\r\n"),
        Err(Error::InvalidChunkSize { at: 2 })
    );
}

// RFC 9112 §7.1: a partial chunk is incomplete, and says how many bytes are missing once
// the size is known.
#[test]
fn chunked_incomplete_says_how_many_bytes_are_missing() {
    assert_eq!(
        Chunk::decode(b"5\r\n").unwrap_err(),
        Error::Incomplete(Needed::new(7))
    );
    assert_eq!(
        Chunk::decode(b"5\r\nhel").unwrap_err(),
        Error::Incomplete(Needed::new(4))
    );
    assert_eq!(
        Chunk::decode(b"5\r\nhello").unwrap_err(),
        Error::Incomplete(Needed::new(2))
    );
    assert_eq!(
        Chunk::decode(b"5\r\nhello\r").unwrap_err(),
        Error::Incomplete(Needed::new(1))
    );
    let e = Chunk::decode(b"5").unwrap_err();
    assert!(e.is_incomplete());
    assert_eq!(e.offset(), None);
}

// RFC 9112 §7.1: every strict prefix of a valid chunk (data chunk or last chunk with
// trailers) is incomplete, never malformed.
#[test]
fn chunked_truncated_chunks_are_incomplete() {
    let mut rest = FULL;
    while !rest.is_empty() {
        let (_, n) = Chunk::decode(rest).unwrap();
        for cut in 0..n {
            let e = Chunk::decode(&rest[..cut]).unwrap_err();
            assert!(e.is_incomplete(), "{:?}: {e:?}", show(&rest[..cut]));
        }
        rest = &rest[n..];
    }
    // And through the piecewise decoder, byte by byte, nothing but Incomplete until a
    // piece is complete (checked inside chunked_stream).
    assert!(chunked_stream(FULL, 1, Config::new()).is_ok());
    assert!(
        chunked_stream(&FULL[..FULL.len() - 1], 1, Config::new())
            .unwrap_err()
            .is_incomplete()
    );
}

// RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val
// ] ), values tokens or quoted-strings; "A recipient MUST ignore unrecognized chunk
// extensions" (the data still decodes).
#[test]
fn chunked_extensions_are_parsed_and_kept() {
    let b = b"5;name=value;flag\r\nhello\r\n";
    let (c, _) = Chunk::decode(b).unwrap();
    assert_eq!(c.data(), b"hello");
    assert_eq!(c.extensions().as_bytes(), b";name=value;flag");
    assert_eq!(
        c.extensions().iter().collect::<Vec<_>>(),
        [("name", Some(&b"value"[..])), ("flag", None)]
    );
    assert_eq!(encode_exact(&c), b);

    let b = b"5 ; a = b ;\tc=\"x\\\"y;z\"\r\nhello\r\n";
    let (c, _) = Chunk::decode(b).unwrap();
    assert_eq!(
        c.extensions().iter().collect::<Vec<_>>(),
        [("a", Some(&b"b"[..])), ("c", Some(&b"\"x\\\"y;z\""[..]))]
    );
    assert_eq!(encode_exact(&c), b);

    let (c, _) = Chunk::decode(b"0;done\r\n\r\n").unwrap();
    assert!(c.is_last());
    assert_eq!(c.extensions().iter().collect::<Vec<_>>(), [("done", None)]);
}

// RFC 9112 §7.1.1 grammar: what is not a chunk extension is an error, with its offset.
#[test]
fn chunked_rejects_malformed_extensions() {
    let cases: &[(&[u8], usize)] = &[
        (b"5;\r\nhello\r\n", 2),
        (b"5;=x\r\nhello\r\n", 2),
        (b"5;a=\r\nhello\r\n", 4),
        (b"5;a=\"x\r\nhello\r\n", 6),
        (b"5;a b\r\nhello\r\n", 4),
        (b"5;a=b c\r\nhello\r\n", 6),
        (b"5;a \r\nhello\r\n", 4),
        (b"5;a=b;\r\nhello\r\n", 6),
        (b"5;a=(b)\r\nhello\r\n", 4),
        (b"5;a\x00\r\nhello\r\n", 3),
    ];
    for (b, at) in cases {
        assert_eq!(
            Chunk::decode(b).unwrap_err(),
            Error::InvalidChunkExtension { at: *at },
            "{:?}",
            show(b)
        );
    }
}

// RFC 9112 §7.1.1 / RFC 9110 §5.6.4: qdtext and quoted-pair include obs-text. A decoded
// extension that is accepted must be kept, so that the chunk re-encodes as it came.
#[test]
fn chunked_extension_with_obs_text_is_kept() {
    let b = b"5;a=\"caf\xe9\";b=\"\\\xff\"\r\nhello\r\n";
    let (c, n) = Chunk::decode(b).unwrap();
    assert_eq!(n, b.len());
    assert_eq!(c.extensions().as_bytes(), b";a=\"caf\xe9\";b=\"\\\xff\"");
    assert_eq!(
        c.extensions().iter().collect::<Vec<_>>(),
        [
            ("a", Some(&b"\"caf\xe9\""[..])),
            ("b", Some(&b"\"\\\xff\""[..]))
        ]
    );
    assert_eq!(encode_exact(&c), b);
    // The streaming decoder keeps them too.
    let mut dec = ChunkedDecoder::default();
    assert_eq!(
        dec.decode(b).map(|(p, _)| p),
        Ok(Piece::Size {
            size: 5,
            extensions: c.extensions()
        })
    );
}

// Crate contract (round trip of every value the API builds) with RFC 9110 §5.6.4 (qdtext
// includes obs-text): `Extensions::new` accepts a quoted-string holding UTF-8 (or any
// obs-text), so decoding its encoding must give it back.
#[test]
fn encode_chunk_extension_with_utf8_quoted_value_roundtrips() {
    let e = Extensions::new(";a=\"é\"".as_bytes()).unwrap();
    let c = Chunk::new(b"x").unwrap().with_extensions(e);
    assert_eq!(roundtrip_chunk(&c), "1;a=\"é\"\r\nx\r\n".as_bytes());
    let mut dec = ChunkedDecoder::default();
    assert_eq!(
        dec.decode("1;a=\"é\"\r\n".as_bytes()).map(|(p, _)| p),
        Ok(Piece::Size {
            size: 1,
            extensions: e
        })
    );
    let e = Extensions::new(b";a=\"\xe9\"").unwrap();
    roundtrip_chunk(&Chunk::last(&[]).unwrap().with_extensions(e));
    // obs-text stays out of names and token values.
    assert!(Extensions::new(b";\xe9").is_err());
    assert!(Extensions::new(b";a=\xe9").is_err());
}

// RFC 9112 §7.1.2: trailer-section = *( field-line CRLF ), ended by an empty line.
#[test]
fn chunked_trailer_section() {
    let b = b"0\r\nExpires: x\r\nX-Sum:  y \r\n\r\nNEXT";
    let (c, n) = Chunk::decode(b).unwrap();
    assert_eq!(&b[n..], b"NEXT");
    assert_eq!(c.trailers().len(), 2);
    assert_eq!(c.trailers().get("x-sum"), Some(&b"y"[..]));
    assert_eq!(encode_exact(&c), b"0\r\nExpires: x\r\nX-Sum: y\r\n\r\n");
}

// RFC 9112 §7.1.2 with RFC 9112 §5: trailer fields are field lines and are checked like
// header fields, under the same limits.
#[test]
fn chunked_rejects_invalid_trailer_fields() {
    assert_eq!(
        Chunk::decode(b"0\r\nBad Name: x\r\n\r\n").unwrap_err(),
        Error::SpaceBeforeColon { at: 6 }
    );
    assert_eq!(
        Chunk::decode(b"0\r\nBad@Name: x\r\n\r\n").unwrap_err(),
        Error::InvalidFieldName { at: 6 }
    );
    assert_eq!(
        Chunk::decode(b"0\r\nX : y\r\n\r\n").unwrap_err(),
        Error::SpaceBeforeColon { at: 4 }
    );
    assert_eq!(
        Chunk::decode(b"0\r\nX: a\r\n b\r\n\r\n").unwrap_err(),
        Error::ObsFold { at: 9 }
    );
    assert_eq!(
        Chunk::decode(b"0\r\nX: a\x00\r\n\r\n").unwrap_err(),
        Error::InvalidFieldValue { byte: 0, at: 7 }
    );
    assert_eq!(
        Chunk::decode(b"0\r\nX: a\r\n\n").unwrap_err(),
        Error::InvalidLineEnding { at: 9 }
    );
    let cfg = Config::new().max_headers(1);
    assert_eq!(
        Chunk::decode_with(b"0\r\nA: 1\r\nB: 2\r\n\r\n", &cfg).unwrap_err(),
        Error::TooManyHeaders { max: 1, at: 9 }
    );
    let mut dec = ChunkedDecoder::new(cfg);
    assert_eq!(
        dec.decode(b"0\r\nA: 1\r\nB: 2\r\n\r\n"),
        Err(Error::TooManyHeaders { max: 1, at: 9 })
    );
}

// `Config::max_line_len` bounds the chunk-size line (RFC 9112 §7.1.1: a server ought to
// limit the total length of chunk extensions).
#[test]
fn chunked_rejects_size_line_longer_than_max_line_len() {
    let cfg = Config::new().max_line_len(10);
    assert!(Chunk::decode_with(b"1;abcdef\r\nx\r\n", &cfg).is_ok());
    assert_eq!(
        Chunk::decode_with(b"1;abcdefg\r\nx\r\n", &cfg).unwrap_err(),
        Error::LineTooLong { max: 10, at: 0 }
    );
    assert_eq!(
        ChunkedDecoder::new(cfg).decode(b"1;abcdefghijk"),
        Err(Error::LineTooLong { max: 10, at: 0 })
    );
    // A run of leading zeros is a long line too, not unbounded work.
    let zeros = [b'0'; 100];
    assert_eq!(
        Chunk::decode_with(&zeros, &cfg).unwrap_err(),
        Error::LineTooLong { max: 10, at: 0 }
    );
}

// RFC 9112 §7.1: encoding a chunk writes the size in hex, the extensions, the data; the
// last chunk writes `0`, the trailers and the final CRLF. `encode` writes exactly
// `encoded_len()` bytes; decode gives back an equal chunk.
#[test]
fn chunked_encode_roundtrip() {
    assert_eq!(
        roundtrip_chunk(&Chunk::new(b"hello").unwrap()),
        b"5\r\nhello\r\n"
    );
    let data = [b'x'; 4096];
    for len in [1usize, 15, 16, 255, 256, 4095, 4096] {
        let c = Chunk::new(&data[..len]).unwrap();
        let bytes = roundtrip_chunk(&c);
        let hex = format!("{len:x}\r\n");
        assert!(bytes.starts_with(hex.as_bytes()), "{len}");
        assert_eq!(c.head_len(), hex.len());
        let mut head = vec![0xA5u8; c.head_len() + 4];
        assert_eq!(c.encode_head(&mut head), Ok(hex.len()));
        assert_eq!(&head[..hex.len()], hex.as_bytes());
        assert!(head[hex.len()..].iter().all(|&b| b == 0xA5));
        let mut short = vec![0xA5u8; c.head_len() - 1];
        assert!(c.encode_head(&mut short).is_err());
        assert!(short.iter().all(|&b| b == 0xA5));
    }
    let ext = Extensions::new(b";a=b;c=\"q;\\\"\"").unwrap();
    let c = Chunk::new(b"hello").unwrap().with_extensions(ext);
    assert_eq!(roundtrip_chunk(&c), b"5;a=b;c=\"q;\\\"\"\r\nhello\r\n");
    let t = [
        Header::new("Expires", b"never").unwrap(),
        Header::new("X-Sum", b"1").unwrap(),
    ];
    assert_eq!(roundtrip_chunk(&Chunk::last(&[]).unwrap()), b"0\r\n\r\n");
    assert_eq!(
        roundtrip_chunk(
            &Chunk::last(&t)
                .unwrap()
                .with_extensions(Extensions::new(b";z").unwrap())
        ),
        b"0;z\r\nExpires: never\r\nX-Sum: 1\r\n\r\n"
    );
    assert_eq!(Chunk::DATA_END, b"\r\n");
}

// RFC 9112 §7.1: a chunk of size 0 is the last chunk, so an empty data chunk cannot be
// built; chunk extensions to encode must follow §7.1.1.
#[test]
fn encode_chunk_validation() {
    assert_eq!(
        Chunk::new(b""),
        Err(EncodeError::Empty {
            field: "chunk data"
        })
    );
    for bad in [
        "x", ";", ";a=", ";a=\"x", ";a b", ";a\r\n", " ", ";a ", ";\u{e9}", "\r\n",
    ] {
        assert!(
            matches!(
                Extensions::new(bad.as_bytes()),
                Err(EncodeError::InvalidByte { .. })
            ),
            "{bad:?}"
        );
    }
    // Everything Extensions::new accepts decodes back equal.
    for good in [
        "",
        ";a",
        ";a=b",
        " ;a",
        "; a = b",
        ";a=\"q;\\\"\"",
        ";a;b;c=1",
    ] {
        let e = Extensions::new(good.as_bytes()).unwrap_or_else(|e| panic!("{good:?}: {e:?}"));
        roundtrip_chunk(&Chunk::new(b"x").unwrap().with_extensions(e));
        roundtrip_chunk(&Chunk::last(&[]).unwrap().with_extensions(e));
    }
}

// ---------------------------------------------------------------------------------------
// Encoding and round trips
// ---------------------------------------------------------------------------------------

// RFC 9112 §3 (request-line) and §5 (field lines): what the API builds encodes exactly
// and decodes back equal.
#[test]
fn encode_request_roundtrip() {
    let h = [
        Header::new("Host", b"example.com").unwrap(),
        Header::new("Accept", b"*/*").unwrap(),
        Header::new("X-Obs", b"caf\xe9 \tx").unwrap(),
        Header::new("X-Empty", b"").unwrap(),
        Header::new("!#$%&'*+-.^_`|~09", b"token name").unwrap(),
    ];
    let cases = [
        (
            Method::GET,
            Target::new("/status?x=1").unwrap(),
            Version::HTTP_11,
            &h[..],
        ),
        (
            Method::GET,
            Target::new("/").unwrap(),
            Version::HTTP_10,
            &h[..0],
        ),
        (Method::OPTIONS, Target::ASTERISK, Version::HTTP_11, &h[..1]),
        (
            Method::CONNECT,
            Target::authority("example.com:443").unwrap(),
            Version::HTTP_11,
            &h[..1],
        ),
        (
            Method::CONNECT,
            Target::authority("[::1]:8080").unwrap(),
            Version::HTTP_11,
            &h[..0],
        ),
        (
            Method::POST,
            Target::new("http://a.example/p?q").unwrap(),
            Version::new(9).unwrap(),
            &h[..],
        ),
        (
            Method::new("M-SEARCH").unwrap(),
            Target::new("/%41[]").unwrap(),
            Version::HTTP_11,
            &h[2..],
        ),
    ];
    for (m, t, v, fields) in cases {
        let r = Request::new(m, t, v, fields).unwrap();
        let bytes = roundtrip_request(&r);
        assert!(bytes.ends_with(b"\r\n\r\n") || fields.is_empty());
    }
    let r = Request::new(
        Method::GET,
        Target::new("/status").unwrap(),
        Version::HTTP_11,
        &h[..1],
    )
    .unwrap();
    assert_eq!(
        roundtrip_request(&r),
        b"GET /status HTTP/1.1\r\nHost: example.com\r\n\r\n"
    );
}

// RFC 9112 §4: status-line encoding; "A server MUST send the space that separates the
// status-code from the reason-phrase even when the reason-phrase is absent".
#[test]
fn encode_response_roundtrip() {
    let h = [
        Header::new("Content-Length", b"0").unwrap(),
        Header::new("Server", b"iotwire").unwrap(),
    ];
    let r = Response::new(Version::HTTP_11, Status::NO_CONTENT, Reason::EMPTY, &h[1..]).unwrap();
    assert_eq!(
        roundtrip_response(&r),
        b"HTTP/1.1 204 \r\nServer: iotwire\r\n\r\n"
    );
    let r = Response::new(
        Version::HTTP_10,
        Status::NOT_FOUND,
        Reason::new(b"Not Found").unwrap(),
        &h,
    )
    .unwrap();
    assert_eq!(
        roundtrip_response(&r),
        b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\nServer: iotwire\r\n\r\n"
    );
    for code in [100u16, 101, 199, 200, 299, 304, 418, 599] {
        let r = Response::new(
            Version::HTTP_11,
            Status::new(code).unwrap(),
            Reason::new(b" \tw\xe9ird ").unwrap(),
            &h[..0],
        )
        .unwrap();
        let bytes = roundtrip_response(&r);
        assert!(bytes.starts_with(format!("HTTP/1.1 {code} ").as_bytes()));
    }
}

// Round trip of accepted input: every valid head in canonical form (one SP after the
// colon, no trailing whitespace) re-encodes byte for byte.
#[test]
fn decode_canonical_heads_reencode_byte_for_byte() {
    for b in REQUESTS {
        let (r, n) = req_ok(b);
        assert_eq!(n, b.len());
        let out = encode_exact(&r);
        // The non-canonical spots (skipped empty lines, OWS around values) aside.
        if !b.starts_with(b"\r\n") && !b.windows(3).any(|w| w == b":\r\n" || w == b"  s") {
            assert_eq!(out, *b, "{:?}", show(b));
        }
        // Either way the re-encoding decodes to an equal head.
        let (again, _) = req_ok(&out);
        assert_eq!(again, r);
    }
    for b in RESPONSES {
        let (r, n) = resp_ok(b);
        assert_eq!(n, b.len());
        assert_eq!(encode_exact(&r), *b, "{:?}", show(b));
    }
}

// RFC 9110 §5.5: "a sender MUST NOT generate" a CR, LF or NUL in a field value (the
// response-splitting / header-injection hole); CTLs are refused; leading and trailing
// whitespace would be trimmed by decode, so it is refused too.
#[test]
fn encode_rejects_invalid_field_values() {
    let cases: &[(&[u8], usize)] = &[
        (b"a\r\nSet-Cookie: b", 1),
        (b"a\nb", 1),
        (b"a\rb", 1),
        (b"a\x00b", 1),
        (b"\x7f", 0),
        (b"ab\x1b", 2),
        (b" a", 0),
        (b"\ta", 0),
        (b"a ", 1),
        (b"a\t", 1),
    ];
    for (v, at) in cases {
        assert_eq!(
            Header::new("X", v),
            Err(EncodeError::InvalidByte {
                field: "field value",
                at: *at
            }),
            "{:?}",
            show(v)
        );
    }
    assert!(Header::new("X", b"a \t b").is_ok());
    assert!(Header::new("X", b"").is_ok());
}

// RFC 9110 §5.1 / §5.6.2: field-name = token.
#[test]
fn encode_rejects_non_token_field_names() {
    assert_eq!(
        Header::new("", b"x"),
        Err(EncodeError::Empty {
            field: "field name"
        })
    );
    for (n, at) in [
        ("A B", 1),
        ("A:B", 1),
        ("Host:", 4),
        ("(x)", 0),
        ("caf\u{e9}", 3),
        ("X\r\nY", 1),
    ] {
        assert_eq!(
            Header::new(n, b"x"),
            Err(EncodeError::InvalidByte {
                field: "field name",
                at
            }),
            "{n:?}"
        );
    }
}

// RFC 9110 §15: a status code is three digits in 100..599.
#[test]
fn encode_rejects_status_outside_100_to_599() {
    for code in [0u16, 1, 99, 600, 999, 1000, u16::MAX] {
        assert_eq!(
            Status::new(code),
            Err(EncodeError::OutOfRange {
                field: "status code",
                value: u64::from(code)
            })
        );
    }
    assert_eq!(Status::new(100).unwrap(), Status::CONTINUE);
    assert_eq!(Status::new(599).unwrap().code(), 599);
}

// RFC 9112 §4: reason-phrase bytes; RFC 9112 §2.3: one minor digit.
#[test]
fn encode_rejects_bad_reason_and_version() {
    assert_eq!(
        Reason::new(b"OK\r\nX: y"),
        Err(EncodeError::InvalidByte {
            field: "reason phrase",
            at: 2
        })
    );
    assert!(Reason::new(b"\x00").is_err());
    assert!(Reason::new(b"\x7f").is_err());
    assert!(Reason::new(b" \t ok \xff").is_ok());
    assert!(Version::new(9).is_ok());
    assert!(matches!(
        Version::new(10),
        Err(EncodeError::OutOfRange { value: 10, .. })
    ));
}

// RFC 9110 §9.1: method = token.
#[test]
fn encode_rejects_non_token_method() {
    assert_eq!(Method::new(""), Err(EncodeError::Empty { field: "method" }));
    assert_eq!(
        Method::new("GE T"),
        Err(EncodeError::InvalidByte {
            field: "method",
            at: 2
        })
    );
    assert!(Method::new("GET\r\n").is_err());
    assert!(Method::new("GET/").is_err());
    assert_eq!(Method::new("GET").unwrap(), Method::GET);
}

// RFC 9112 §3.2: only the four forms, only RFC 3986 bytes, pct-encoding complete.
#[test]
fn encode_rejects_bad_targets() {
    assert_eq!(
        Target::new(""),
        Err(EncodeError::Empty {
            field: "request-target"
        })
    );
    let cases: &[(&str, usize)] = &[
        ("/a b", 2),
        ("/a#b", 2),
        ("/a%zz", 3),
        ("/\r\n", 1),
        ("/caf\u{e9}", 4),
        ("/a\"", 2),
        ("nope", 4),
        ("?q", 0),
        ("*x", 0),
        ("1http://a/", 0),
    ];
    for (t, at) in cases {
        assert_eq!(
            Target::new(t),
            Err(EncodeError::InvalidByte {
                field: "request-target",
                at: *at
            }),
            "{t:?}"
        );
    }
    assert!(matches!(
        Target::new("/a%4"),
        Err(EncodeError::InvalidByte { .. })
    ));
    // authority-form = uri-host ":" port.
    for t in ["example.com", "a@b:1", "h:8x", ":80", "/a:1", "a:", "h:80/"] {
        assert!(
            matches!(Target::authority(t), Err(EncodeError::InvalidByte { .. })),
            "{t:?}"
        );
    }
    assert_eq!(Target::new("*").unwrap(), Target::ASTERISK);
    assert_eq!(Target::new("/x").unwrap().form(), TargetForm::Origin);
    assert_eq!(Target::new("urn:a").unwrap().form(), TargetForm::Absolute);
}

// RFC 9112 §3.2.3 and §3.2.4: authority-form only with CONNECT and CONNECT only with it;
// asterisk-form only with OPTIONS.
#[test]
fn encode_rejects_target_form_that_does_not_fit_the_method() {
    let auth = Target::authority("a.example:443").unwrap();
    let origin = Target::new("/").unwrap();
    let v = Version::HTTP_11;
    for (m, t) in [
        (Method::GET, Target::ASTERISK),
        (Method::CONNECT, Target::ASTERISK),
        (Method::GET, auth),
        (Method::new("connect").unwrap(), auth),
        (Method::CONNECT, origin),
        (Method::CONNECT, Target::new("http://a.example/").unwrap()),
    ] {
        assert!(
            matches!(
                Request::new(m, t, v, &[]),
                Err(EncodeError::Inconsistent(_))
            ),
            "{m} {t:?}"
        );
    }
    assert!(Request::new(Method::OPTIONS, Target::ASTERISK, v, &[]).is_ok());
    assert!(Request::new(Method::OPTIONS, origin, v, &[]).is_ok());
    assert!(Request::new(Method::CONNECT, auth, v, &[]).is_ok());
}

// Crate contract ("the crate cannot emit a unit its own strict decoder rejects") with RFC
// 9110 §5.1 (field-name = token): `Header::EMPTY` is public and documented as "not a valid
// field", so every constructor of an encodable section refuses it.
#[test]
fn encode_cannot_emit_a_field_with_an_empty_name() {
    let empty = EncodeError::Empty {
        field: "field name",
    };
    let ok = Header::new("A", b"1").unwrap();
    for h in [
        &[Header::EMPTY][..],
        &[ok, Header::EMPTY],
        &[Header::EMPTY, ok],
    ] {
        let target = Target::new("/").unwrap();
        assert_eq!(
            Request::new(Method::GET, target, Version::HTTP_11, h).unwrap_err(),
            empty
        );
        assert_eq!(
            Response::new(Version::HTTP_11, Status::OK, Reason::EMPTY, h).unwrap_err(),
            empty
        );
        assert_eq!(Chunk::last(h).unwrap_err(), empty);
        assert_eq!(Headers::checked(h).unwrap_err(), empty);
    }
    assert_eq!(Headers::checked(&[ok]).map(|h| h.len()), Ok(1));
    assert_eq!(Headers::checked(&[]).unwrap(), Headers::EMPTY);
}

// RFC 9112 §5.2: "A sender MUST NOT generate a message that includes line folding", and
// the crate contract (cannot emit what the strict decoder rejects). A folded value let in
// by `allow_obs_fold` is unfolded whenever it is encoded: from the lazy form, from a head
// decoded by `decode_into`, from a decoded field reused in a new head, in trailers.
#[test]
fn encode_never_emits_obs_fold_taken_from_a_lenient_decode() {
    let b = b"GET / HTTP/1.1\r\nB: x\r\n  y\r\n\r\n";
    let cfg = Config::new().allow_obs_fold(true);
    let want: &[u8] = b"GET / HTTP/1.1\r\nB: x    y\r\n\r\n";
    let (lazy, _) = Request::decode_with(b, &cfg).unwrap();
    assert_eq!(lazy.headers().get("b"), Some(&b"x\r\n  y"[..]));
    assert_eq!(encode_exact(&lazy), want);
    let mut storage = [Header::EMPTY; 4];
    let (r, _) = Request::decode_into(b, &cfg, &mut storage).unwrap();
    assert_eq!(encode_exact(&r), want);
    // A decoded field reused in a new head, and in trailers.
    let h: Vec<Header<'_>> = lazy.headers().iter().collect();
    let r = Request::new(Method::GET, Target::new("/").unwrap(), Version::HTTP_11, &h).unwrap();
    let out = encode_exact(&r);
    assert_eq!(out, want);
    assert!(Request::decode(&out).is_ok(), "emitted {:?}", show(&out));
    let r = Response::new(Version::HTTP_11, Status::OK, Reason::EMPTY, &h).unwrap();
    let out = encode_exact(&r);
    assert_eq!(out, b"HTTP/1.1 200 \r\nB: x    y\r\n\r\n");
    let c = Chunk::last(&h).unwrap();
    let out = encode_exact(&c);
    assert_eq!(out, b"0\r\nB: x    y\r\n\r\n");
    assert!(Chunk::decode(&out).is_ok(), "emitted {:?}", show(&out));
    // Folded trailers of a lenient chunked body, and a response head.
    let t = b"0\r\nT: a\r\n\tb\r\n\r\n";
    let (c, _) = Chunk::decode_with(t, &cfg).unwrap();
    assert_eq!(c.trailers().get("t"), Some(&b"a\r\n\tb"[..]));
    assert_eq!(encode_exact(&c), b"0\r\nT: a  \tb\r\n\r\n");
    let (r, _) = resp_ok_with(b"HTTP/1.1 200 OK\r\nA: 1\r\n 2\r\n\r\n", &cfg);
    assert_eq!(encode_exact(&r), b"HTTP/1.1 200 OK\r\nA: 1   2\r\n\r\n");
}

// RFC 9112 §5.2: an obs-fold is whitespace ("replace each received obs-fold with one or
// more SP octets prior to interpreting the field value"), so a fold at either end of a
// value is trimmed like OWS (RFC 9112 §5.1); a fold inside it is kept as it came and
// unfolded on encode. Decoding through `decode_into` gives the same values.
#[test]
fn decode_lenient_obs_fold_at_either_end_of_a_value_is_trimmed() {
    let cfg = Config::new().allow_obs_fold(true);
    let cases: &[(&[u8], &[u8])] = &[
        (b"X:\r\n b\r\n", b"b"),
        (b"X: \r\n\tb \r\n", b"b"),
        (b"X: a\r\n \r\n", b"a"),
        (b"X: a \r\n \t\r\n", b"a"),
        (b"X:\r\n \r\n", b""),
        (b"X:\r\n a\r\n b\r\n \r\n", b"a\r\n b"),
    ];
    for (field, value) in cases {
        let b = cat(&[b"GET / HTTP/1.1\r\n", field, b"Host: h\r\n\r\n"]);
        let (r, n) = req_ok_with(&b, &cfg);
        assert_eq!(n, b.len());
        assert_eq!(
            fields(r.headers()),
            [
                ("X".to_owned(), value.to_vec()),
                ("Host".to_owned(), b"h".to_vec())
            ],
            "{:?}",
            show(&b)
        );
        let mut storage = [Header::EMPTY; 4];
        let (into, _) = Request::decode_into(&b, &cfg, &mut storage).unwrap();
        assert_eq!(into, r, "{:?}", show(&b));
        // Encoding never folds, and the strict decoder takes what it wrote.
        let out = encode_exact(&r);
        let (again, _) = req_ok(&out);
        let unfolded: Vec<u8> = value
            .iter()
            .map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c })
            .collect();
        assert_eq!(again.headers().get("x"), Some(&unfolded[..]));
    }
    // A fold before the first field is not a fold (RFC 9112 §2.2).
    assert!(matches!(
        req_err_with(b"GET / HTTP/1.1\r\n X: y\r\n\r\n", &cfg),
        Error::SpaceAfterStartLine { .. }
    ));
}

// RFC 9112 §5.2 (an obs-fold is SP before the value is interpreted) with RFC 9110 §5.6.1
// (list elements are separated by OWS "," OWS) and RFC 9112 §9.3 (`close` ends
// persistence): a fold next to a list comma must not hide an element.
#[test]
fn decode_lenient_obs_fold_inside_a_list_still_lists_its_elements() {
    let cfg = Config::new().allow_obs_fold(true);
    let b = b"GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive,\r\n close\r\n\r\n";
    let (r, _) = req_ok_with(b, &cfg);
    assert!(r.headers().has_token("connection", "close"));
    assert!(!r.keep_alive());
    let b = b"HTTP/1.1 200 OK\r\nConnection: close\r\n , upgrade\r\n\r\n";
    let (r, _) = resp_ok_with(b, &cfg);
    assert!(r.headers().has_token("connection", "close"));
    assert!(!r.keep_alive());
    // The re-encoded (unfolded) head says the same.
    let out = enc(&r);
    assert!(!resp_ok(&out).0.keep_alive());
}

// RFC 9112 §6.2: "A sender MUST NOT send a Content-Length header field in any message that
// contains a Transfer-Encoding header field"; §6.1: chunked once, final in a request, no
// Transfer-Encoding in HTTP/1.0; §7.1: chunked has no parameters; RFC 9110 §8.6:
// Content-Length = 1*DIGIT, one value. `Request::new` refuses such heads (they would
// encode to bytes whose body_framing() the strict decoder rejects).
#[test]
fn encode_cannot_emit_a_request_with_invalid_framing() {
    let te = Header::new("Transfer-Encoding", b"chunked").unwrap();
    let cl = Header::new("Content-Length", b"5").unwrap();
    let sets: &[(&[Header<'_>], Version)] = &[
        (&[te, cl], Version::HTTP_11),
        (&[cl, te], Version::HTTP_11),
        (
            &[Header::new("Content-Length", b"abc").unwrap()],
            Version::HTTP_11,
        ),
        (
            &[Header::new("Content-Length", b"").unwrap()],
            Version::HTTP_11,
        ),
        (
            &[Header::new("Content-Length", b"5, 5").unwrap()],
            Version::HTTP_11,
        ),
        (&[cl, cl], Version::HTTP_11),
        (
            &[Header::new("Content-Length", b"18446744073709551616").unwrap()],
            Version::HTTP_11,
        ),
        (
            &[Header::new("Transfer-Encoding", b"chunked, gzip").unwrap()],
            Version::HTTP_11,
        ),
        (
            &[Header::new("Transfer-Encoding", b"gzip").unwrap()],
            Version::HTTP_11,
        ),
        (
            &[te, Header::new("Transfer-Encoding", b"gzip").unwrap()],
            Version::HTTP_11,
        ),
        (
            &[Header::new("Transfer-Encoding", b"chunked, chunked").unwrap()],
            Version::HTTP_11,
        ),
        (
            &[Header::new("Transfer-Encoding", b"chunked;a=b").unwrap()],
            Version::HTTP_11,
        ),
        (
            &[Header::new("Transfer-Encoding", b"gzip chunked").unwrap()],
            Version::HTTP_11,
        ),
        (
            &[Header::new("Transfer-Encoding", b"").unwrap()],
            Version::HTTP_11,
        ),
        (&[te], Version::HTTP_10),
    ];
    for (h, v) in sets {
        let r = Request::new(Method::POST, Target::new("/").unwrap(), *v, h);
        assert!(
            matches!(r, Err(EncodeError::Inconsistent(_))),
            "{h:?} {v:?}: {r:?}"
        );
    }
    // What a sender may send builds, encodes and frames the same once decoded.
    let ok: &[(&[Header<'_>], BodyFraming)] = &[
        (&[cl], BodyFraming::Length(5)),
        (&[te], BodyFraming::Chunked),
        (
            &[Header::new("Transfer-Encoding", b"gzip;level=\"9\", chunked").unwrap()],
            BodyFraming::Chunked,
        ),
        (&[], BodyFraming::None),
    ];
    for (h, framing) in ok {
        let r = Request::new(Method::POST, Target::new("/").unwrap(), Version::HTTP_11, h).unwrap();
        assert_eq!(r.body_framing(), Ok(*framing));
        let bytes = roundtrip_request(&r);
        assert_eq!(req_ok(&bytes).0.body_framing(), Ok(*framing));
    }
}

// RFC 9112 §6.1 (no Transfer-Encoding in HTTP/1.0, chunked once), §7.1 (no parameters on
// chunked), RFC 9110 §8.6 (Content-Length = 1*DIGIT, one value): `Response::new` refuses
// what a sender MUST NOT send. A response may end its codings with something other than
// chunked (RFC 9112 §6.1: then the connection closes), so that builds.
#[test]
fn encode_cannot_emit_a_response_with_invalid_framing() {
    let te = Header::new("Transfer-Encoding", b"chunked").unwrap();
    let cl = Header::new("Content-Length", b"5").unwrap();
    let sets: &[(&[Header<'_>], Version)] = &[
        (
            &[Header::new("Content-Length", b"5x").unwrap()],
            Version::HTTP_11,
        ),
        (&[cl, cl], Version::HTTP_11),
        (
            &[Header::new("Transfer-Encoding", b"chunked, chunked").unwrap()],
            Version::HTTP_11,
        ),
        (
            &[Header::new("Transfer-Encoding", b"chunked;a=b").unwrap()],
            Version::HTTP_11,
        ),
        (
            &[Header::new("Transfer-Encoding", b"\"gzip\"").unwrap()],
            Version::HTTP_11,
        ),
        (&[te], Version::HTTP_10),
    ];
    for (h, v) in sets {
        let r = Response::new(*v, Status::OK, Reason::EMPTY, h);
        assert!(
            matches!(r, Err(EncodeError::Inconsistent(_))),
            "{h:?} {v:?}: {r:?}"
        );
    }
    let gzip = [Header::new("Transfer-Encoding", b"chunked, gzip").unwrap()];
    let r = Response::new(Version::HTTP_11, Status::OK, Reason::EMPTY, &gzip).unwrap();
    let bytes = roundtrip_response(&r);
    assert_eq!(
        resp_ok(&bytes).0.body_framing(&Method::GET),
        Ok(BodyFraming::UntilClose)
    );
}

// RFC 9112 §6.2: "A sender MUST NOT send a Content-Length header field in any message that
// contains a Transfer-Encoding header field" (any message, responses included); RFC 9112
// §6.1 / RFC 9110 §8.6: "A server MUST NOT send a Transfer-Encoding [Content-Length]
// header field in any response with a status code of 1xx (Informational) or 204 (No
// Content)". `Response::new` documents refusing fields that frame the body in a way RFC
// 9112 §6 forbids a sender to.
#[test]
fn encode_cannot_emit_a_response_with_framing_a_server_must_not_send() {
    let te = Header::new("Transfer-Encoding", b"chunked").unwrap();
    let cl = Header::new("Content-Length", b"5").unwrap();
    let mut built = Vec::new();
    let mut check = |code: u16, h: &[Header<'_>]| {
        let r = Response::new(
            Version::HTTP_11,
            Status::new(code).unwrap(),
            Reason::EMPTY,
            h,
        );
        if let Ok(r) = r {
            built.push(show(&enc(&r)));
        }
    };
    check(200, &[te, cl]);
    check(200, &[cl, te]);
    for code in [100u16, 101, 103, 204] {
        check(code, &[te]);
        check(code, &[cl]);
    }
    assert!(built.is_empty(), "{built:#?}");
}

// ---------------------------------------------------------------------------------------
// Resuming decoders and truncation
// ---------------------------------------------------------------------------------------

// Feeding a head to RequestDecoder in pieces of 1, 7 and 64 bytes gives what one-shot
// decode gives, for every sample head, strict and lenient.
#[test]
fn decode_resume_request_in_pieces_matches_one_shot() {
    let lenient = Config::new()
        .allow_obs_fold(true)
        .allow_bare_lf(true)
        .allow_multiple_spaces(true)
        .allow_space_before_colon(true)
        .allow_space_before_first_header(true);
    let lenient_heads: &[&[u8]] = &[
        b"GET  /x  HTTP/1.1\n \tjunk\nA : 1\nB: x\r\n  y\r\n\tz\n\n",
        b"\n\r\nPOST / HTTP/1.1\r\nC: 3\n\n",
    ];
    for (cfg, heads) in [(Config::new(), REQUESTS), (lenient, lenient_heads)] {
        for b in heads {
            let one = Request::decode_with(b, &cfg).unwrap();
            for step in [1, 7, 64] {
                assert_eq!(
                    feed_request(b, step, cfg),
                    Ok(one),
                    "step {step} {:?}",
                    show(b)
                );
            }
        }
    }
}

#[test]
fn decode_resume_response_in_pieces_matches_one_shot() {
    for b in RESPONSES {
        let one = Response::decode(b).unwrap();
        for step in [1, 7, 64] {
            assert_eq!(feed_response(b, step, Config::new()), Ok(one), "{step}");
        }
    }
    let cfg = Config::new()
        .allow_missing_reason_space(true)
        .allow_obs_fold(true);
    let b = b"HTTP/1.1 200\r\nA: 1\r\n 2\r\n\r\n";
    let one = Response::decode_with(b, &cfg).unwrap();
    for step in [1, 7, 64] {
        assert_eq!(feed_response(b, step, cfg), Ok(one));
    }
}

// The same decoder, given every prefix in turn, says Incomplete until the head is whole,
// then decodes it; it is then ready for the next head, also after an error or `reset`.
#[test]
fn decode_resume_every_prefix_then_next_head() {
    let mut dec = RequestDecoder::default();
    for b in REQUESTS {
        for end in 0..b.len() {
            let e = dec.decode(&b[..end]).unwrap_err();
            assert_eq!(e.needed(), Some(Needed::Unknown), "{end} {:?}", show(b));
        }
        assert_eq!(dec.decode(b), Request::decode(b));
    }
    // After an error.
    assert!(
        dec.decode(b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n")
            .is_err()
    );
    assert!(dec.decode(b"GET /ok HTTP/1.1\r\n\r\n").is_ok());
    // Reset forgets a partial head.
    let a = b"GET /a HTTP/1.1\r\nA: 1\r\n";
    assert!(dec.decode(a).unwrap_err().is_incomplete());
    dec.reset();
    let b = b"POST /bb HTTP/1.0\r\nB: 2\r\n\r\n";
    let (r, n) = dec.decode(b).unwrap();
    assert_eq!((r.target().as_str(), n), ("/bb", b.len()));
    assert_eq!(names(&r), ["B"]);

    let mut dec = ResponseDecoder::default();
    for b in RESPONSES {
        for end in 0..b.len() {
            assert!(dec.decode(&b[..end]).unwrap_err().is_incomplete());
        }
        assert_eq!(dec.decode(b), Response::decode(b));
    }
    dec.reset();
    assert!(dec.decode(RESPONSES[0]).is_ok());
}

// Stream transport: every strict prefix of a valid head is Incomplete (needed unknown,
// no offset), never malformed, under the strict and the lenient configs.
#[test]
fn decode_truncated_heads_are_incomplete() {
    let lenient = Config::new()
        .allow_obs_fold(true)
        .allow_space_before_first_header(true)
        .allow_missing_reason_space(true);
    for cfg in [Config::new(), lenient] {
        for b in REQUESTS {
            for end in 0..b.len() {
                let e = Request::decode_with(&b[..end], &cfg).unwrap_err();
                assert!(e.is_incomplete(), "{:?}: {e:?}", show(&b[..end]));
                assert_eq!(e.needed(), Some(Needed::Unknown));
                assert_eq!(e.offset(), None);
            }
        }
        for b in RESPONSES {
            for end in 0..b.len() {
                let e = Response::decode_with(&b[..end], &cfg).unwrap_err();
                assert!(e.is_incomplete(), "{:?}: {e:?}", show(&b[..end]));
            }
        }
    }
}

// Bytes that already prove a head malformed give the malformed error at once, not
// Incomplete (crate contract; RFC 9112 §2.2 grammar).
#[test]
fn rejects_malformed_prefix_without_waiting_for_more() {
    let cases: &[(&[u8], Error)] = &[
        (b"GE\x01", Error::InvalidMethod { at: 2 }),
        (b"GET /\x00", Error::InvalidTarget { at: 5 }),
        (b"GET / HTTX", Error::InvalidVersion { at: 9 }),
        (
            b"GET / HTTP/1.1\r\nX\x00",
            Error::InvalidFieldName { at: 17 },
        ),
        (
            b"GET / HTTP/1.1\r\nX: \x00",
            Error::InvalidFieldValue { byte: 0, at: 19 },
        ),
        (
            b"GET / HTTP/1.1\r\nX : ",
            Error::SpaceBeforeColon { at: 17 },
        ),
        (
            b"GET / HTTP/1.1\r\n ",
            Error::SpaceAfterStartLine { at: 16 },
        ),
    ];
    for (b, want) in cases {
        assert_eq!(req_err(b), *want, "{:?}", show(b));
    }
    assert_eq!(
        resp_err(b"HTTP/1.1 2x"),
        Error::InvalidStatusLine { at: 10 }
    );
}

// RFC 9112 §2.1 / §9.3.2: heads follow one another on a connection; decode takes exactly
// one and says where the next starts.
#[test]
fn decode_pipelined_requests() {
    let b = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n\r\nPOST";
    let (first, n) = req_ok(b);
    assert_eq!(first.target().as_str(), "/a");
    let (second, m) = req_ok(&b[n..]);
    assert_eq!(second.target().as_str(), "/b");
    assert!(Request::decode(&b[n + m..]).unwrap_err().is_incomplete());
}

// ---------------------------------------------------------------------------------------
// Error offsets
// ---------------------------------------------------------------------------------------

// `DecodeError::offset` points at the byte that proved the input malformed.
#[test]
fn decode_error_offsets_point_at_the_offending_byte() {
    let cases: &[(&[u8], u8)] = &[
        (b"G@T / HTTP/1.1\r\n\r\n", b'@'),
        (b"GET /a<b HTTP/1.1\r\n\r\n", b'<'),
        (b"GET /%g0 HTTP/1.1\r\n\r\n", b'g'),
        (b"GET / HTTP/1.x\r\n\r\n", b'x'),
        (b"GET / HTTP/3.0\r\n\r\n", b'3'),
        (b"GET / HTTP/1.1\r\nX{: a\r\n\r\n", b'{'),
        (b"GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", 0x7f),
        (b"GET / HTTP/1.1\r\nX\t: a\r\n\r\n", b'\t'),
        (b"GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n", b'\t'),
        (b"GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", b'\r'),
        (b"GET / HTTP/1.1\r\nX: a\n\r\n", b'\n'),
    ];
    for (b, byte) in cases {
        let e = req_err(b);
        let at = e.offset().unwrap_or_else(|| panic!("{e:?} has no offset"));
        assert_eq!(b[at], *byte, "{e:?} for {:?}", show(b));
    }
    let rcases: &[(&[u8], u8)] = &[
        (b"HTTP/1.1 2_0 OK\r\n\r\n", b'_'),
        (b"HTTP/1.1 200 O\x01\r\n\r\n", 0x01),
        (b"HTTP/1.1 700 X\r\n\r\n", b'7'),
    ];
    for (b, byte) in rcases {
        let e = resp_err(b);
        assert_eq!(b[e.offset().unwrap()], *byte, "{e:?}");
    }
    let e = Chunk::decode(b"5;a=\"\x01\"\r\nhello\r\n").unwrap_err();
    assert_eq!(e, Error::InvalidChunkExtension { at: 5 });
    assert_eq!(Error::Incomplete(Needed::Unknown).offset(), None);
    assert_eq!(Error::HeadTooLarge { max: 1 }.offset(), None);
}

// The Packet trait's generic contract on HTTP units: decode returns the bytes taken;
// Incomplete is told apart from malformed without knowing the protocol.
#[test]
fn decode_through_the_generic_packet_trait() {
    fn next<'a, P: Packet<'a>>(buf: &'a [u8]) -> Result<Option<usize>, P::Error> {
        match P::decode(buf) {
            Ok((_, n)) => Ok(Some(n)),
            Err(e) if e.is_incomplete() => Ok(None),
            Err(e) => Err(e),
        }
    }
    assert_eq!(next::<Request>(b"GET / HTTP/1.1\r\n"), Ok(None));
    assert_eq!(next::<Request>(b"GET / HTTP/1.1\r\n\r\nX"), Ok(Some(18)));
    assert_eq!(next::<Response>(b"HTTP/1.1 200 OK\r\n\r\n"), Ok(Some(19)));
    assert_eq!(next::<Chunk>(b"1\r\nx\r\n"), Ok(Some(6)));
    assert!(next::<Request>(b"GET / HTTP/1.1\r\n\x00").is_err());
    assert_eq!(Config::default(), Config::new());
}

// ---------------------------------------------------------------------------------------
// Hostile inputs
// ---------------------------------------------------------------------------------------

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

// Crate contract (decode is total, never panics; offsets are inside the input) and round
// trip of accepted input: mutated valid heads and chunked bodies, under the strict and
// lenient configs, either fail with an offset inside the input or decode to a value whose
// encoding the strict decoder accepts (and decodes to an equal value unless obs-fold was
// let in, which re-encodes as SP), whose prefixes are all Incomplete, and which the
// resumable decoders reach piecewise too.
#[test]
fn decode_mutated_inputs_never_panic_and_reencode() {
    let configs = [
        (Config::new(), true),
        (Config::new().allow_bare_lf(true), true),
        (
            Config::new()
                .max_headers(2)
                .max_line_len(12)
                .max_head_len(40),
            true,
        ),
        (Config::lenient(), false),
    ];
    // `Config::lenient` is every leniency at once.
    assert_eq!(
        Config::lenient(),
        Config::new()
            .allow_obs_fold(true)
            .allow_bare_lf(true)
            .allow_space_before_colon(true)
            .allow_space_before_first_header(true)
            .allow_multiple_spaces(true)
            .allow_missing_reason_space(true)
            .allow_content_length_list(true)
            .allow_unsafe_target_chars(true)
            .ignore_invalid_headers(true)
            .allow_transfer_encoding_with_content_length(true)
    );
    let special = b"\r\n \t:;=\",\x00\x7f\x80%/*?#[]@0aAzZ";
    let mut samples: Vec<&[u8]> = REQUESTS.iter().chain(RESPONSES).copied().collect();
    samples.extend([FULL, WIKI]);
    let mut rng = Lcg(0x5eed);
    for _ in 0..3000 {
        let mut b = samples[rng.next() as usize % samples.len()].to_vec();
        for _ in 0..1 + rng.next() % 3 {
            let i = rng.next() as usize % b.len();
            match rng.next() % 4 {
                0 => b[i] = special[rng.next() as usize % special.len()],
                1 => b.insert(i, special[rng.next() as usize % special.len()]),
                2 => drop(b.remove(i)),
                _ => b[i] = rng.next() as u8,
            }
        }
        for (cfg, equal) in &configs {
            check_hostile(&b, cfg, *equal);
        }
    }
}

fn check_hostile(b: &[u8], cfg: &Config, equal: bool) {
    let ctx = || show(b);
    match Request::decode_with(b, cfg) {
        Ok((r, n)) => {
            let _ = (r.headers().len(), r.body_framing_with(cfg));
            let out = encode_exact(&r);
            let (d, m) = Request::decode(&out)
                .unwrap_or_else(|e| panic!("re-encoding rejected: {e:?} {:?}", ctx()));
            assert_eq!(m, out.len());
            if equal {
                assert_eq!(d, r, "{:?}", ctx());
            }
            for end in 0..n {
                let e = Request::decode_with(&b[..end], cfg).unwrap_err();
                assert!(
                    e.is_incomplete() || matches!(e, Error::LineTooLong { .. }),
                    "prefix {end}: {e:?} {:?}",
                    ctx()
                );
            }
            for step in [1, 7] {
                assert_eq!(feed_request(b, step, *cfg), Ok((r, n)), "{:?}", ctx());
            }
        }
        Err(e) => assert!(e.offset().is_none_or(|at| at <= b.len()), "{e:?}"),
    }
    match Response::decode_with(b, cfg) {
        Ok((r, n)) => {
            for m in [Method::GET, Method::HEAD, Method::CONNECT] {
                let _ = r.body_framing_with(&m, cfg);
            }
            let out = encode_exact(&r);
            let (d, _) = Response::decode(&out)
                .unwrap_or_else(|e| panic!("re-encoding rejected: {e:?} {:?}", ctx()));
            if equal {
                assert_eq!(d, r, "{:?}", ctx());
            }
            for step in [1, 7] {
                assert_eq!(feed_response(b, step, *cfg), Ok((r, n)), "{:?}", ctx());
            }
        }
        Err(e) => assert!(e.offset().is_none_or(|at| at <= b.len()), "{e:?}"),
    }
    match Chunk::decode_with(b, cfg) {
        Ok((c, n)) => {
            let _ = c.extensions().iter().count();
            let out = encode_exact(&c);
            let (d, _) = Chunk::decode(&out)
                .unwrap_or_else(|e| panic!("re-encoding rejected: {e:?} {:?}", ctx()));
            if equal {
                assert_eq!(d, c, "{:?}", ctx());
            }
            for end in 0..n {
                let e = Chunk::decode_with(&b[..end], cfg).unwrap_err();
                assert!(
                    e.is_incomplete() || matches!(e, Error::LineTooLong { .. }),
                    "prefix {end}: {e:?} {:?}",
                    ctx()
                );
            }
        }
        Err(e) => assert!(e.offset().is_none_or(|at| at <= b.len()), "{e:?}"),
    }
    let whole = chunked_stream(b, b.len(), *cfg);
    for step in [1, 3] {
        let s = chunked_stream(b, step, *cfg);
        assert!(
            whole.as_ref().ok() == s.as_ref().ok() && whole.is_ok() == s.is_ok(),
            "step {step}: {whole:?} vs {s:?} for {:?}",
            ctx()
        );
    }
}
