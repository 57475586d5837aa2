//! Interoperability of iotwire's HTTP/1.1 codec with nginx, iotwire being the client.
//!
//! Every request head is encoded by iotwire (`Request::new` + `Packet::encode`), every
//! chunked request body by `Chunk`; every response head is decoded by
//! `ResponseDecoder`, its body delimited by `Response::body_framing` and, when chunked,
//! decoded by `ChunkedDecoder`. Only `std::net::TcpStream` besides.
//!
//! Needs a running nginx configured by `tests/interop/nginx.conf.in`, so it is not part
//! of `cargo test`; `scripts/interop.sh` starts nginx and runs
//!
//! ```text
//! IOTWIRE_NGINX_ADDR=127.0.0.1:PORT IOTWIRE_NGINX_ROOT=DOCROOT cargo test --test interop
//! ```
//!
//! It prints one line per check and exits non-zero if any check fails or the variables
//! are not set.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use iotwire::http::{
    BodyFraming, Chunk, ChunkedDecoder, Extensions, Header, Method, Piece, Request,
    ResponseDecoder, Target, Version,
};
use iotwire::{DecodeError, Packet};

/// What a check reports: a short description of what nginx did, or what went wrong.
type Outcome = Result<String, String>;

/// One check: runs against nginx and says what happened.
type Check = fn(&Env) -> Outcome;

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

fn main() -> ExitCode {
    let (Some(addr), Some(root)) = (
        std::env::var_os("IOTWIRE_NGINX_ADDR"),
        std::env::var_os("IOTWIRE_NGINX_ROOT"),
    ) else {
        eprintln!(
            "interop: FAIL: IOTWIRE_NGINX_ADDR and IOTWIRE_NGINX_ROOT must be set \
             (nginx's host:port and docroot); run scripts/interop.sh, which starts nginx"
        );
        return ExitCode::FAILURE;
    };
    let env = Env {
        addr: addr.to_string_lossy().into_owned(),
        root: PathBuf::from(root),
    };
    let checks: &[(&str, Check)] = &[
        ("GET static file (Content-Length)", get_static),
        ("GET 1 MiB file (Content-Length)", get_large),
        ("HEAD then GET on one connection", head),
        ("GET gzip (chunked response)", gzip_chunked),
        ("GET gzip over HTTP/1.0 (until close)", gzip_until_close),
        ("conditional GET If-None-Match (304)", if_none_match),
        ("conditional GET If-Modified-Since (304)", if_modified_since),
        ("keep-alive: 6 requests, one connection", keep_alive),
        ("pipelined GET + HEAD + GET", pipelined),
        ("pipelined PUT (Content-Length) + GET", pipelined_put),
        ("PUT chunked body, GET it back", put_chunked),
        ("refused: HTTP/1.1 without Host (400)", refuse_no_host),
        ("refused: request line over 1 KiB (414)", refuse_long_target),
        (
            "refused: Transfer-Encoding + Content-Length (400)",
            refuse_te_and_cl,
        ),
    ];
    let mut failed = 0;
    for (name, check) in checks {
        match check(&env) {
            Ok(what) => println!("ok   {name}: {what}"),
            Err(why) => {
                failed += 1;
                println!("FAIL {name}: {why}");
            }
        }
    }
    let passed = checks.len() - failed;
    println!(
        "interop: {passed}/{} checks passed against nginx at {}",
        checks.len(),
        env.addr
    );
    match failed {
        0 => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

struct Env {
    addr: String,
    root: PathBuf,
}

impl Env {
    fn connect(&self) -> Result<Conn, String> {
        let stream = TcpStream::connect(&self.addr)
            .map_err(|e| format!("cannot connect to nginx at {}: {e}", self.addr))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        Ok(Conn {
            stream,
            buf: Vec::new(),
            host: self.addr.clone(),
        })
    }

    fn file(&self, name: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.root.join(name)).map_err(|e| format!("reading docroot {name}: {e}"))
    }
}

/// A decoded response, copied out of the connection's buffer.
#[derive(Debug)]
struct Reply {
    status: u16,
    fields: Vec<(String, Vec<u8>)>,
    framing: BodyFraming,
    body: Vec<u8>,
    /// Number of chunks of a chunked body.
    chunks: usize,
    /// Status codes of the 1xx responses that came first.
    interim: Vec<u16>,
}

impl Reply {
    fn field(&self, name: &str) -> Option<&str> {
        let (_, v) = self
            .fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        std::str::from_utf8(v).ok()
    }

    fn expect_status(&self, status: u16) -> Result<(), String> {
        ensure!(
            self.status == status,
            "status {} (want {status}); fields {:?}; body {:?}",
            self.status,
            self.fields
                .iter()
                .map(|(n, v)| format!("{n}: {}", v.escape_ascii()))
                .collect::<Vec<_>>(),
            String::from_utf8_lossy(&self.body[..self.body.len().min(200)])
        );
        Ok(())
    }
}

/// A connection and the bytes read from it that are not consumed yet.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    host: String,
}

/// The body of a request to send.
enum Body<'a> {
    None,
    /// Sent with Content-Length.
    Bytes(&'a [u8]),
    /// Sent with `Transfer-Encoding: chunked`, one chunk per piece.
    Chunked(&'a [&'a [u8]]),
}

impl Conn {
    /// Encodes a request: a `Host` field (unless `host` is false), then `fields`,
    /// then the framing fields and the body.
    fn encode(
        &self,
        method: &str,
        target: &str,
        version: Version,
        fields: &[(&str, &[u8])],
        body: &Body<'_>,
        host: bool,
    ) -> Result<Vec<u8>, String> {
        let len;
        let mut all = Vec::new();
        if host {
            all.push(("Host", self.host.as_bytes()));
        }
        all.extend_from_slice(fields);
        match body {
            Body::None => {}
            Body::Bytes(b) => {
                len = b.len().to_string();
                all.push(("Content-Length", len.as_bytes()));
            }
            Body::Chunked(_) => all.push(("Transfer-Encoding", b"chunked")),
        }
        let headers = all
            .iter()
            .map(|&(n, v)| Header::new(n, v))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("building a field: {e}"))?;
        let method = Method::new(method).map_err(|e| e.to_string())?;
        let target = Target::new(target).map_err(|e| e.to_string())?;
        let head = Request::new(method, target, version, &headers).map_err(|e| e.to_string())?;
        let mut out = vec![0u8; head.encoded_len()];
        let n = head.encode(&mut out).map_err(|e| e.to_string())?;
        out.truncate(n);
        match body {
            Body::None => {}
            Body::Bytes(b) => out.extend_from_slice(b),
            Body::Chunked(pieces) => encode_chunked(pieces, &mut out)?,
        }
        Ok(out)
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.stream
            .write_all(bytes)
            .map_err(|e| format!("writing to nginx: {e}"))
    }

    /// Sends one HTTP/1.1 request and reads its response.
    fn request(
        &mut self,
        method: &str,
        target: &str,
        fields: &[(&str, &[u8])],
        body: Body<'_>,
    ) -> Result<Reply, String> {
        let bytes = self.encode(method, target, Version::HTTP_11, fields, &body, true)?;
        self.send(&bytes)?;
        self.read_response(method)
    }

    /// Reads more bytes; `Ok(0)` when nginx closed the connection.
    fn fill(&mut self) -> Result<usize, String> {
        let mut chunk = [0u8; 32 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(n)
            }
            Err(e) if e.kind() == ErrorKind::ConnectionReset => Ok(0),
            Err(e) => Err(format!("reading from nginx: {e}")),
        }
    }

    fn fill_or_fail(&mut self, what: &str) -> Result<(), String> {
        match self.fill()? {
            0 => Err(format!(
                "nginx closed the connection inside {what} ({} bytes unread)",
                self.buf.len()
            )),
            _ => Ok(()),
        }
    }

    /// `true` when nginx has closed the connection and sent nothing more.
    fn closed_by_peer(&mut self) -> Result<bool, String> {
        Ok(self.buf.is_empty() && self.fill()? == 0)
    }

    /// Reads one response (after any 1xx) to a request with `method`.
    fn read_response(&mut self, method: &str) -> Result<Reply, String> {
        let method = Method::new(method).map_err(|e| e.to_string())?;
        let mut heads = ResponseDecoder::default();
        let mut interim = Vec::new();
        let (status, fields, framing) = loop {
            match heads.decode(&self.buf) {
                Ok((resp, n)) => {
                    let status = resp.status();
                    let fields: Vec<_> = resp
                        .headers()
                        .iter()
                        .map(|h| (h.name().to_owned(), h.value().to_vec()))
                        .collect();
                    let framing = resp
                        .body_framing(&method)
                        .map_err(|e| format!("framing of the {status} response: {e}"))?;
                    self.buf.drain(..n);
                    if status.is_informational() {
                        interim.push(status.code());
                        continue;
                    }
                    break (status.code(), fields, framing);
                }
                Err(e) if e.is_incomplete() => self.fill_or_fail("a response head")?,
                Err(e) => {
                    let shown = &self.buf[..self.buf.len().min(300)];
                    return Err(format!(
                        "iotwire rejected nginx's response head: {e}; bytes: \"{}\"",
                        shown.escape_ascii()
                    ));
                }
            }
        };
        let mut reply = Reply {
            status,
            fields,
            framing,
            body: Vec::new(),
            chunks: 0,
            interim,
        };
        self.read_body(&mut reply)?;
        Ok(reply)
    }

    fn read_body(&mut self, reply: &mut Reply) -> Result<(), String> {
        match reply.framing {
            BodyFraming::None => {}
            BodyFraming::Length(n) => {
                let n = usize::try_from(n).map_err(|e| e.to_string())?;
                while self.buf.len() < n {
                    self.fill_or_fail("a Content-Length body")?;
                }
                reply.body = self.buf.drain(..n).collect();
            }
            BodyFraming::Chunked => {
                let mut chunked = ChunkedDecoder::default();
                loop {
                    match chunked.decode(&self.buf) {
                        Ok((piece, n)) => {
                            let end = match piece {
                                Piece::Size { .. } => {
                                    reply.chunks += 1;
                                    false
                                }
                                Piece::Data(d) => {
                                    reply.body.extend_from_slice(d);
                                    false
                                }
                                Piece::End { .. } => true,
                            };
                            self.buf.drain(..n);
                            if end {
                                break;
                            }
                        }
                        Err(e) if e.is_incomplete() => self.fill_or_fail("a chunked body")?,
                        Err(e) => {
                            let shown = &self.buf[..self.buf.len().min(100)];
                            return Err(format!(
                                "iotwire rejected nginx's chunked body: {e}; bytes: \"{}\"",
                                shown.escape_ascii()
                            ));
                        }
                    }
                }
            }
            BodyFraming::UntilClose => {
                while self.fill()? > 0 {}
                reply.body = std::mem::take(&mut self.buf);
            }
            BodyFraming::Tunnel => return Err("unexpected tunnel framing".into()),
        }
        Ok(())
    }
}

/// Appends a chunked body: one `Chunk` per piece, then the last chunk with a trailer
/// field. The second chunk carries a chunk extension.
fn encode_chunked(pieces: &[&[u8]], out: &mut Vec<u8>) -> Result<(), String> {
    let err = |e: iotwire::EncodeError| format!("encoding a chunk: {e}");
    let ext = Extensions::new(b";iotwire=1").map_err(err)?;
    for (i, piece) in pieces.iter().enumerate() {
        let mut chunk = Chunk::new(piece).map_err(err)?;
        if i == 1 {
            chunk = chunk.with_extensions(ext);
        }
        let start = out.len();
        out.resize(start + chunk.encoded_len(), 0);
        chunk.encode(&mut out[start..]).map_err(err)?;
    }
    let trailers = [Header::new("X-Iotwire-Trailer", b"done").map_err(err)?];
    let last = Chunk::last(&trailers).map_err(err)?;
    let start = out.len();
    out.resize(start + last.encoded_len(), 0);
    last.encode(&mut out[start..]).map_err(err)?;
    Ok(())
}

fn get_static(env: &Env) -> Outcome {
    let want = env.file("static.txt")?;
    let r = env
        .connect()?
        .request("GET", "/static.txt", &[], Body::None)?;
    r.expect_status(200)?;
    ensure!(
        r.framing == BodyFraming::Length(want.len() as u64),
        "framing {:?}, want Length({})",
        r.framing,
        want.len()
    );
    ensure!(r.body == want, "body differs from the file");
    Ok(format!(
        "200, Content-Length {}, body identical",
        want.len()
    ))
}

fn get_large(env: &Env) -> Outcome {
    let want = env.file("large.bin")?;
    let r = env
        .connect()?
        .request("GET", "/large.bin", &[], Body::None)?;
    r.expect_status(200)?;
    ensure!(
        r.framing == BodyFraming::Length(want.len() as u64),
        "framing {:?}",
        r.framing
    );
    ensure!(r.body == want, "body differs from the file");
    Ok(format!(
        "200, Content-Length {}, body identical",
        want.len()
    ))
}

fn head(env: &Env) -> Outcome {
    let size = env.file("large.bin")?.len();
    let mut c = env.connect()?;
    let r = c.request("HEAD", "/large.bin", &[], Body::None)?;
    r.expect_status(200)?;
    ensure!(
        r.framing == BodyFraming::None,
        "HEAD framing {:?}, want None",
        r.framing
    );
    ensure!(
        r.field("content-length") == Some(size.to_string().as_str()),
        "Content-Length {:?}, want {size}",
        r.field("content-length")
    );
    // Had the client expected a body after HEAD, this GET's response would be misread.
    let g = c.request("GET", "/static.txt", &[], Body::None)?;
    g.expect_status(200)?;
    ensure!(
        g.body == env.file("static.txt")?,
        "GET after HEAD: body differs"
    );
    Ok(format!(
        "200, Content-Length {size} and no body; next GET on the connection fine"
    ))
}

/// Checks a gzip member's header and its trailer (CRC-32 and size of the original).
fn check_gzip(gz: &[u8], original: &[u8]) -> Result<(), String> {
    ensure!(
        gz.len() >= 18 && gz[..3] == [0x1f, 0x8b, 8],
        "not a gzip stream"
    );
    let trailer = &gz[gz.len() - 8..];
    let crc = u32::from_le_bytes(trailer[..4].try_into().unwrap_or_default());
    let size = u32::from_le_bytes(trailer[4..].try_into().unwrap_or_default());
    ensure!(size as usize == original.len(), "gzip ISIZE {size}");
    ensure!(
        crc == crc32(original),
        "gzip CRC-32 {crc:08x} differs from the file's"
    );
    Ok(())
}

fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |mut c, &b| {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = (c >> 1) ^ (0xEDB8_8320 & (c & 1).wrapping_neg());
        }
        c
    })
}

fn gzip_chunked(env: &Env) -> Outcome {
    let text = env.file("text.txt")?;
    let r = env.connect()?.request(
        "GET",
        "/text.txt",
        &[("Accept-Encoding", b"gzip")],
        Body::None,
    )?;
    r.expect_status(200)?;
    ensure!(
        r.field("content-encoding") == Some("gzip"),
        "not gzip-encoded"
    );
    ensure!(
        r.framing == BodyFraming::Chunked,
        "framing {:?}, want Chunked",
        r.framing
    );
    ensure!(r.chunks > 1, "{} chunk(s), want several", r.chunks);
    check_gzip(&r.body, &text)?;
    Ok(format!(
        "200 gzip, {} chunks, {} bytes whose gzip CRC-32 and size match the {}-byte file",
        r.chunks,
        r.body.len(),
        text.len()
    ))
}

fn gzip_until_close(env: &Env) -> Outcome {
    let text = env.file("text.txt")?;
    let mut c = env.connect()?;
    let fields: &[(&str, &[u8])] = &[("Accept-Encoding", b"gzip")];
    let bytes = c.encode(
        "GET",
        "/text.txt",
        Version::HTTP_10,
        fields,
        &Body::None,
        true,
    )?;
    c.send(&bytes)?;
    let r = c.read_response("GET")?;
    r.expect_status(200)?;
    ensure!(
        r.field("content-encoding") == Some("gzip"),
        "not gzip-encoded"
    );
    ensure!(
        r.framing == BodyFraming::UntilClose,
        "framing {:?}, want UntilClose",
        r.framing
    );
    check_gzip(&r.body, &text)?;
    Ok(format!(
        "HTTP/1.0 200 gzip without length, {} bytes to close",
        r.body.len()
    ))
}

fn if_none_match(env: &Env) -> Outcome {
    let mut c = env.connect()?;
    let first = c.request("GET", "/static.txt", &[], Body::None)?;
    first.expect_status(200)?;
    let etag = first.field("etag").ok_or("no ETag")?.to_owned();
    let r = c.request(
        "GET",
        "/static.txt",
        &[("If-None-Match", etag.as_bytes())],
        Body::None,
    )?;
    r.expect_status(304)?;
    ensure!(
        r.framing == BodyFraming::None,
        "304 framing {:?}",
        r.framing
    );
    let again = c.request("GET", "/index.html", &[], Body::None)?;
    again.expect_status(200)?;
    Ok(format!(
        "304 for ETag {etag}, no body; connection still usable"
    ))
}

fn if_modified_since(env: &Env) -> Outcome {
    let mut c = env.connect()?;
    let first = c.request("HEAD", "/static.txt", &[], Body::None)?;
    let date = first
        .field("last-modified")
        .ok_or("no Last-Modified")?
        .to_owned();
    let r = c.request(
        "GET",
        "/static.txt",
        &[("If-Modified-Since", date.as_bytes())],
        Body::None,
    )?;
    r.expect_status(304)?;
    ensure!(
        r.framing == BodyFraming::None,
        "304 framing {:?}",
        r.framing
    );
    Ok(format!("304 for If-Modified-Since: {date}"))
}

fn keep_alive(env: &Env) -> Outcome {
    let mut c = env.connect()?;
    let mut seen = Vec::new();
    for (method, target) in [
        ("GET", "/static.txt"),
        ("HEAD", "/text.txt"),
        ("GET", "/missing"),
        ("GET", "/index.html"),
        ("GET", "/large.bin"),
        ("GET", "/static.txt"),
    ] {
        let r = c.request(method, target, &[], Body::None)?;
        ensure!(
            r.field("connection") != Some("close"),
            "nginx closes after {method} {target}"
        );
        seen.push(r.status.to_string());
    }
    ensure!(
        seen == ["200", "200", "404", "200", "200", "200"],
        "statuses {seen:?}"
    );
    Ok(format!("statuses {}", seen.join(" ")))
}

fn pipelined(env: &Env) -> Outcome {
    let mut c = env.connect()?;
    let mut bytes = Vec::new();
    for (method, target) in [
        ("GET", "/static.txt"),
        ("HEAD", "/text.txt"),
        ("GET", "/index.html"),
    ] {
        bytes.extend(c.encode(method, target, Version::HTTP_11, &[], &Body::None, true)?);
    }
    c.send(&bytes)?;
    // Let all three responses arrive, so that the first read holds more than one.
    std::thread::sleep(Duration::from_millis(200));
    let a = c.read_response("GET")?;
    let left = c.buf.len();
    let b = c.read_response("HEAD")?;
    let d = c.read_response("GET")?;
    a.expect_status(200)?;
    b.expect_status(200)?;
    d.expect_status(200)?;
    ensure!(a.body == env.file("static.txt")?, "first body differs");
    ensure!(
        b.body.is_empty() && b.framing == BodyFraming::None,
        "HEAD got a body"
    );
    ensure!(d.body == env.file("index.html")?, "third body differs");
    Ok(format!(
        "3 requests in one write, 3 responses in order ({left} bytes buffered past the first)"
    ))
}

fn pipelined_put(env: &Env) -> Outcome {
    let mut c = env.connect()?;
    let target = format!("/dav/pipelined-{}.txt", std::process::id());
    let data = b"written by a pipelined PUT\n";
    let mut bytes = c.encode(
        "PUT",
        &target,
        Version::HTTP_11,
        &[],
        &Body::Bytes(data),
        true,
    )?;
    bytes.extend(c.encode("GET", &target, Version::HTTP_11, &[], &Body::None, true)?);
    c.send(&bytes)?;
    let put = c.read_response("PUT")?;
    let get = c.read_response("GET")?;
    ensure!(
        put.status == 201 || put.status == 204,
        "PUT status {}",
        put.status
    );
    get.expect_status(200)?;
    ensure!(
        get.body == data,
        "read back {:?}",
        String::from_utf8_lossy(&get.body)
    );
    let del = c.request("DELETE", &target, &[], Body::None)?;
    del.expect_status(204)?;
    Ok(format!(
        "PUT {}, GET 200 with the same bytes, DELETE 204",
        put.status
    ))
}

fn put_chunked(env: &Env) -> Outcome {
    let large = env.file("large.bin")?;
    let data = &large[..300_000];
    // Chunks of uneven sizes, one of a single byte.
    let pieces: Vec<&[u8]> = vec![
        &data[..1],
        &data[1..4096],
        &data[4096..70_000],
        &data[70_000..70_017],
        &data[70_017..],
    ];
    let target = format!("/dav/chunked-{}.bin", std::process::id());
    let mut c = env.connect()?;
    let put = c.request(
        "PUT",
        &target,
        &[("Expect", b"100-continue")],
        Body::Chunked(&pieces),
    )?;
    put.expect_status(201)?;
    let get = c.request("GET", &target, &[], Body::None)?;
    get.expect_status(200)?;
    ensure!(
        get.body.len() == data.len(),
        "read back {} bytes, want {}",
        get.body.len(),
        data.len()
    );
    ensure!(get.body == data, "read-back bytes differ");
    let again = c.request("PUT", &target, &[], Body::Chunked(&pieces[..2]))?;
    again.expect_status(204)?;
    let del = c.request("DELETE", &target, &[], Body::None)?;
    del.expect_status(204)?;
    Ok(format!(
        "PUT of {} bytes in {} chunks (+extension, +trailer) → 201{}; GET back identical; \
         overwrite → 204",
        data.len(),
        pieces.len(),
        match put.interim.as_slice() {
            [] => String::new(),
            codes => format!(" after {codes:?}"),
        }
    ))
}

fn refuse_no_host(env: &Env) -> Outcome {
    let mut c = env.connect()?;
    let bytes = c.encode(
        "GET",
        "/static.txt",
        Version::HTTP_11,
        &[],
        &Body::None,
        false,
    )?;
    c.send(&bytes)?;
    let r = c.read_response("GET")?;
    r.expect_status(400)?;
    ensure!(
        c.closed_by_peer()?,
        "nginx kept the connection open after 400"
    );
    Ok(format!(
        "400 ({:?}), connection closed",
        r.field("connection").unwrap_or("no Connection field")
    ))
}

fn refuse_long_target(env: &Env) -> Outcome {
    let mut c = env.connect()?;
    let target = format!("/{}", "a".repeat(2000));
    let bytes = c.encode("GET", &target, Version::HTTP_11, &[], &Body::None, true)?;
    c.send(&bytes)?;
    let r = c.read_response("GET")?;
    r.expect_status(414)?;
    ensure!(
        c.closed_by_peer()?,
        "nginx kept the connection open after 414"
    );
    Ok(format!(
        "414 for a {}-byte target, connection closed",
        target.len()
    ))
}

fn refuse_te_and_cl(env: &Env) -> Outcome {
    // A request smuggling vector (RFC 9112 §6.1, §11.2). iotwire refuses to build it
    // (a sender MUST NOT send both), and its strict decoder refuses its framing, so the
    // bytes are written by hand, as an attacker would.
    let err = |e: iotwire::EncodeError| format!("building a field: {e}");
    let fields = [
        Header::new("Host", b"localhost").map_err(err)?,
        Header::new("Content-Length", b"5").map_err(err)?,
        Header::new("Transfer-Encoding", b"chunked").map_err(err)?,
    ];
    let target = Target::new("/post").map_err(err)?;
    ensure!(
        Request::new(Method::POST, target, Version::HTTP_11, &fields).is_err(),
        "iotwire's encoder builds a request with both framing fields"
    );
    let bytes: &[u8] = b"POST /post HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    let (req, _) = Request::decode(bytes).map_err(|e| e.to_string())?;
    ensure!(req.body_framing().is_err(), "iotwire accepts the framing");
    let mut c = env.connect()?;
    c.send(bytes)?;
    let r = c.read_response("POST")?;
    r.expect_status(400)?;
    ensure!(
        c.closed_by_peer()?,
        "nginx kept the connection open after 400"
    );
    Ok(
        "400, connection closed (iotwire refuses to encode it and its body_framing rejects it)"
            .into(),
    )
}
