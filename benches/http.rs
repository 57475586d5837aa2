//! iotwire's HTTP/1.1 head decoder against httparse, on the same inputs in one run.
//!
//! Each decode also walks every header field (name and value), since that is what a
//! caller does next: httparse hands out a filled array, iotwire a lazy iterator over the
//! validated head. `cargo bench --bench http`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use iotwire::Packet;
use iotwire::http::{Request, RequestDecoder, Response};

/// A Chrome navigation request, 720-odd bytes.
const BROWSER: &[u8] = b"GET /wiki/Hypertext_Transfer_Protocol?action=view&oldid=1187654321 HTTP/1.1\r\n\
Host: en.wikipedia.org\r\n\
Connection: keep-alive\r\n\
sec-ch-ua: \"Chromium\";v=\"119\", \"Not?A_Brand\";v=\"24\"\r\n\
sec-ch-ua-mobile: ?0\r\n\
sec-ch-ua-platform: \"Linux\"\r\n\
Upgrade-Insecure-Requests: 1\r\n\
User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8\r\n\
Sec-Fetch-Site: none\r\n\
Sec-Fetch-Mode: navigate\r\n\
Sec-Fetch-User: ?1\r\n\
Sec-Fetch-Dest: document\r\n\
Accept-Encoding: gzip, deflate, br\r\n\
Accept-Language: en-US,en;q=0.9\r\n\
Cookie: enwikimwuser-sessionId=8f3a2c1d9e7b6a50; WMF-Last-Access=22-Nov-2026; GeoIP=DE:BE:Berlin:52.52:13.40:v4\r\n\r\n";

/// A small API request, about 70 bytes.
const SMALL: &[u8] = b"GET /api/v1/status HTTP/1.1\r\nHost: 10.0.0.7:8080\r\nAccept: */*\r\n\r\n";

/// An nginx response head, about 700 bytes.
const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\n\
Server: nginx/1.22.1\r\n\
Date: Mon, 23 Nov 2026 20:23:16 GMT\r\n\
Content-Type: text/html; charset=UTF-8\r\n\
Content-Length: 98765\r\n\
Connection: keep-alive\r\n\
Last-Modified: Sun, 22 Nov 2026 08:15:42 GMT\r\n\
ETag: \"655e35ce-181cd\"\r\n\
Cache-Control: private, s-maxage=0, max-age=0, must-revalidate\r\n\
Vary: Accept-Encoding,Cookie,Authorization\r\n\
X-Content-Type-Options: nosniff\r\n\
Content-Language: en\r\n\
Accept-Ranges: bytes\r\n\
Strict-Transport-Security: max-age=106384710; includeSubDomains; preload\r\n\
Permissions-Policy: browsing-topics=(), interest-cohort=()\r\n\
Report-To: { \"group\": \"wm_nel\", \"max_age\": 604800, \"endpoints\": [{ \"url\": \"https://intake-logging.wikimedia.org/v1/events?stream=w3c.reportingapi.network_error&schema_uri=/w3c/reportingapi/network_error/1.0.0\" }] }\r\n\
NEL: { \"report_to\": \"wm_nel\", \"max_age\": 604800, \"failure_fraction\": 0.05, \"success_fraction\": 0.0}\r\n\
Set-Cookie: WMF-Last-Access=23-Nov-2026;Path=/;HttpOnly;secure;Expires=Fri, 25 Dec 2026 00:00:00 GMT\r\n\r\n";

fn walk<'a>(headers: impl Iterator<Item = (&'a str, &'a [u8])>) -> usize {
    headers.map(|(n, v)| n.len() + v.len()).sum()
}

fn iotwire_request(buf: &[u8]) -> usize {
    let (req, n) = Request::decode(buf).expect("valid");
    n + req.target().as_str().len() + walk(req.headers().iter().map(|h| (h.name(), h.value())))
}

fn iotwire_request_into(buf: &[u8]) -> usize {
    let mut storage = [iotwire::http::Header::EMPTY; 64];
    let (req, n) =
        Request::decode_into(buf, &iotwire::http::Config::new(), &mut storage).expect("valid");
    n + req.target().as_str().len() + walk(req.headers().iter().map(|h| (h.name(), h.value())))
}

fn httparse_request(buf: &[u8]) -> usize {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(n) = req.parse(buf).expect("valid") else {
        panic!("incomplete")
    };
    n + req.path.map_or(0, str::len) + walk(req.headers.iter().map(|h| (h.name, h.value)))
}

fn iotwire_response(buf: &[u8]) -> usize {
    let (resp, n) = Response::decode(buf).expect("valid");
    n + walk(resp.headers().iter().map(|h| (h.name(), h.value())))
}

fn httparse_response(buf: &[u8]) -> usize {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut resp = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(n) = resp.parse(buf).expect("valid") else {
        panic!("incomplete")
    };
    n + walk(resp.headers.iter().map(|h| (h.name, h.value)))
}

/// The head arrives 64 bytes at a time; the decoder is called after each arrival.
fn iotwire_pieces(buf: &[u8]) -> usize {
    let mut dec = RequestDecoder::default();
    let mut end = 64.min(buf.len());
    loop {
        match dec.decode(&buf[..end]) {
            Ok((req, n)) => return n + walk(req.headers().iter().map(|h| (h.name(), h.value()))),
            Err(_) => end = (end + 64).min(buf.len()),
        }
    }
}

fn httparse_pieces(buf: &[u8]) -> usize {
    let mut end = 64.min(buf.len());
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(&buf[..end]).expect("valid") {
            httparse::Status::Complete(n) => {
                return n + walk(req.headers.iter().map(|h| (h.name, h.value)));
            }
            httparse::Status::Partial => end = (end + 64).min(buf.len()),
        }
    }
}

/// Decodes a head and walks its fields; returns a checksum of what it saw.
type Decoder = fn(&[u8]) -> usize;

fn decode(c: &mut Criterion) {
    // Same answers before timing anything.
    for input in [BROWSER, SMALL] {
        assert_eq!(iotwire_request(input), httparse_request(input));
        assert_eq!(iotwire_request_into(input), httparse_request(input));
    }
    assert_eq!(iotwire_response(RESPONSE), httparse_response(RESPONSE));
    assert_eq!(iotwire_pieces(BROWSER), httparse_pieces(BROWSER));

    let mut g = c.benchmark_group("http_decode");
    let cases: [(&str, &[u8], Decoder, Decoder); 4] = [
        ("request_720", BROWSER, iotwire_request, httparse_request),
        ("request_70", SMALL, iotwire_request, httparse_request),
        (
            "response_700",
            RESPONSE,
            iotwire_response,
            httparse_response,
        ),
        (
            "request_720_in_64b_pieces",
            BROWSER,
            iotwire_pieces,
            httparse_pieces,
        ),
    ];
    for (name, input, ours, theirs) in cases {
        g.throughput(Throughput::Bytes(input.len() as u64));
        g.bench_with_input(BenchmarkId::new("iotwire", name), input, |b, i| {
            b.iter(|| ours(black_box(i)))
        });
        g.bench_with_input(BenchmarkId::new("httparse", name), input, |b, i| {
            b.iter(|| theirs(black_box(i)))
        });
    }
    // One pass that fills caller storage, as httparse does.
    for (name, input) in [("request_720", BROWSER), ("request_70", SMALL)] {
        g.throughput(Throughput::Bytes(input.len() as u64));
        g.bench_with_input(BenchmarkId::new("iotwire_into", name), input, |b, i| {
            b.iter(|| iotwire_request_into(black_box(i)))
        });
    }
    g.finish();
}

fn encode(c: &mut Criterion) {
    let (req, _) = Request::decode(BROWSER).expect("valid");
    let (resp, _) = Response::decode(RESPONSE).expect("valid");
    let mut out = [0u8; 1024];
    let mut g = c.benchmark_group("http_encode");
    g.throughput(Throughput::Bytes(BROWSER.len() as u64));
    g.bench_function("iotwire/request_720", |b| {
        b.iter(|| black_box(&req).encode(black_box(&mut out)).expect("room"))
    });
    g.throughput(Throughput::Bytes(RESPONSE.len() as u64));
    g.bench_function("iotwire/response_700", |b| {
        b.iter(|| black_box(&resp).encode(black_box(&mut out)).expect("room"))
    });
    g.finish();
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
