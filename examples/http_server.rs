//! A tiny blocking HTTP/1.1 server built on iotwire's codec and `std::net` alone.
//!
//! ```text
//! cargo run --example http_server -- 8080
//! curl -v http://127.0.0.1:8080/
//! curl -v --data-binary 'hello' http://127.0.0.1:8080/echo
//! ```
//!
//! Routes: `GET /` answers a line of text; `GET /echo` and `POST /echo` describe the
//! request as decoded (method, target, version, every header, body framing, body length
//! and checksum); anything else is 404. `HEAD` gets the head of what `GET` would get.
//! A head the strict decoder rejects gets 400 with the decoder's error.
//!
//! One thread per connection; each connection serves requests until the client closes
//! it or asks to (keep-alive), and bytes read past the end of one request (a pipelined
//! next request) are kept for the next.

use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use iotwire::http::{
    BodyFraming, ChunkedDecoder, Error, Header, Headers, Piece, Reason, Request, RequestDecoder,
    Response, Status, Version,
};
use iotwire::{DecodeError, Packet};

/// Largest request body this server accepts.
const MAX_BODY: u64 = 16 << 20;

fn main() -> io::Result<()> {
    let port: u16 = match std::env::args().nth(1) {
        Some(p) => p
            .parse()
            .map_err(|_| invalid("usage: http_server [PORT]"))?,
        None => 8080,
    };
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    println!("listening on http://{}", listener.local_addr()?);
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                eprintln!("accept: {e}");
                continue;
            }
        };
        std::thread::spawn(move || {
            let peer = stream.peer_addr().ok();
            if let Err(e) = Connection::new(stream).and_then(|mut c| c.serve()) {
                eprintln!("{peer:?}: {e}");
            }
        });
    }
    Ok(())
}

/// One client connection and the bytes read from it that are not consumed yet.
struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
}

/// What the server keeps of a request head once it is decoded: the decoded
/// `Request` borrows `buf`, which must grow while the body is read, so the
/// fields needed later are copied out first.
struct Head {
    method: String,
    path: String,
    keep_alive: bool,
    expect_continue: bool,
    framing: Result<BodyFraming, Error>,
    /// The echo description of the head (for `/echo`).
    echo: String,
}

/// How a read of the head ended.
enum Next {
    Request(Head),
    /// The client closed the connection between requests.
    Closed,
}

impl Connection {
    fn new(stream: TcpStream) -> io::Result<Self> {
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Self {
            stream,
            buf: Vec::new(),
        })
    }

    /// Serves requests until one of the two sides closes the connection.
    fn serve(&mut self) -> io::Result<()> {
        let mut heads = RequestDecoder::default();
        loop {
            let head = match self.read_head(&mut heads)? {
                Next::Request(head) => head,
                Next::Closed => return Ok(()),
            };
            let framing = match head.framing {
                Ok(f) => f,
                Err(e) => {
                    // Where the body ends is unknown: answer and close.
                    return self.error(Status::BAD_REQUEST, "Bad Request", &e);
                }
            };
            if head.expect_continue && framing != BodyFraming::None {
                self.send(
                    Response::new(Version::HTTP_11, Status::CONTINUE, reason("Continue")?, &[])
                        .map_err(invalid)?,
                )?;
            }
            let body = match self.read_body(framing) {
                Ok(body) => body,
                Err(BodyError::Io(e)) => return Err(e),
                Err(BodyError::TooLarge) => {
                    let text = format!("body over {MAX_BODY} bytes\n");
                    return self.reply(
                        Status::CONTENT_TOO_LARGE,
                        "Content Too Large",
                        &text,
                        false,
                        true,
                    );
                }
                Err(BodyError::Malformed(e)) => {
                    return self.error(Status::BAD_REQUEST, "Bad Request", &e);
                }
            };
            let head_only = head.method == "HEAD";
            let (status, why, text) = route(&head, framing, &body);
            self.reply(status, why, &text, head_only, !head.keep_alive)?;
            if !head.keep_alive {
                return Ok(());
            }
        }
    }

    /// Reads until a whole head is in the buffer, then removes it from the buffer.
    fn read_head(&mut self, heads: &mut RequestDecoder) -> io::Result<Next> {
        loop {
            // Each call gets the whole buffer so far; the decoder resumes after the
            // last complete line it saw.
            match heads.decode(&self.buf) {
                Ok((req, n)) => {
                    let head = Head::of(&req);
                    self.buf.drain(..n);
                    return Ok(Next::Request(head));
                }
                Err(e) if e.is_incomplete() => {
                    if self.fill()? == 0 {
                        // Closed between requests, or in the middle of a head.
                        return Ok(Next::Closed);
                    }
                }
                Err(e) => {
                    let (status, why) = match e {
                        Error::HeadTooLarge { .. }
                        | Error::TooManyHeaders { .. }
                        | Error::LineTooLong { .. } => (
                            Status::REQUEST_HEADER_FIELDS_TOO_LARGE,
                            "Request Header Fields Too Large",
                        ),
                        _ => (Status::BAD_REQUEST, "Bad Request"),
                    };
                    self.error(status, why, &e)?;
                    return Ok(Next::Closed);
                }
            }
        }
    }

    /// Reads the body that `framing` delimits and removes it from the buffer.
    fn read_body(&mut self, framing: BodyFraming) -> Result<Body, BodyError> {
        let mut body = Body::default();
        match framing {
            BodyFraming::None => {}
            BodyFraming::Length(n) if n > MAX_BODY => return Err(BodyError::TooLarge),
            BodyFraming::Length(n) => {
                let n = n as usize;
                while self.buf.len() < n {
                    if self.fill()? == 0 {
                        return Err(closed().into());
                    }
                }
                body.data = self.buf.drain(..n).collect();
            }
            BodyFraming::Chunked => {
                let mut chunks = ChunkedDecoder::default();
                loop {
                    match chunks.decode(&self.buf) {
                        Ok((piece, n)) => {
                            let end = match piece {
                                Piece::Size { size, .. } => {
                                    if (body.data.len() as u64).saturating_add(size) > MAX_BODY {
                                        return Err(BodyError::TooLarge);
                                    }
                                    false
                                }
                                Piece::Data(d) => {
                                    body.data.extend_from_slice(d);
                                    false
                                }
                                Piece::End { trailers, .. } => {
                                    body.trailers = describe_fields("trailer", &trailers);
                                    true
                                }
                            };
                            self.buf.drain(..n);
                            if end {
                                break;
                            }
                        }
                        Err(e) if e.is_incomplete() => {
                            if self.fill()? == 0 {
                                return Err(closed().into());
                            }
                        }
                        Err(e) => return Err(BodyError::Malformed(e)),
                    }
                }
            }
            // Request framing is only ever None, Length or Chunked (RFC 9112 §6.3).
            BodyFraming::UntilClose | BodyFraming::Tunnel => {
                return Err(BodyError::Io(invalid("unexpected request framing")));
            }
        }
        Ok(body)
    }

    /// Reads more bytes into the buffer; returns how many (0 when the peer closed).
    fn fill(&mut self) -> io::Result<usize> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk)?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    /// Sends a plain-text response.
    fn reply(
        &mut self,
        status: Status,
        why: &str,
        text: &str,
        head_only: bool,
        close: bool,
    ) -> io::Result<()> {
        let len = text.len().to_string();
        let mut fields = vec![
            field("Server", "iotwire-example")?,
            field("Content-Type", "text/plain; charset=utf-8")?,
            // A response to HEAD carries the length GET would have had.
            field("Content-Length", &len)?,
        ];
        if close {
            fields.push(field("Connection", "close")?);
        }
        self.send(
            Response::new(Version::HTTP_11, status, reason(why)?, &fields).map_err(invalid)?,
        )?;
        if !head_only {
            self.stream.write_all(text.as_bytes())?;
        }
        Ok(())
    }

    /// Answers a request that cannot be served with the decoder's error, and closes.
    fn error(&mut self, status: Status, why: &str, e: &Error) -> io::Result<()> {
        self.reply(status, why, &format!("{e}\n"), false, true)
    }

    /// Encodes a head and writes it.
    fn send(&mut self, head: Response<'_>) -> io::Result<()> {
        let mut out = vec![0u8; head.encoded_len()];
        let n = head.encode(&mut out).map_err(invalid)?;
        self.stream.write_all(&out[..n])
    }
}

impl Head {
    fn of(req: &Request<'_>) -> Self {
        let headers = req.headers();
        // RFC 9112 §9.3: HTTP/1.1 persists unless told to close; HTTP/1.0 only when
        // told to keep alive.
        let keep_alive = match req.version().is_http11_or_later() {
            true => !has_token(headers, "connection", "close"),
            false => has_token(headers, "connection", "keep-alive"),
        };
        let framing = req.body_framing();
        let mut echo = String::new();
        let _ = writeln!(echo, "method: {}", req.method());
        let _ = writeln!(echo, "target: {}", req.target().as_str());
        let _ = writeln!(echo, "version: {}", req.version());
        let _ = writeln!(echo, "header-count: {}", headers.len());
        echo.push_str(&describe_fields("header", headers));
        let _ = match framing {
            Ok(BodyFraming::Length(n)) => writeln!(echo, "framing: length {n}"),
            Ok(BodyFraming::Chunked) => writeln!(echo, "framing: chunked"),
            Ok(f) => writeln!(echo, "framing: {f:?}"),
            Err(e) => writeln!(echo, "framing: error: {e}"),
        };
        Self {
            method: req.method().as_str().to_owned(),
            path: req.target().path().unwrap_or_default().to_owned(),
            keep_alive,
            expect_continue: has_token(headers, "expect", "100-continue"),
            framing,
            echo,
        }
    }
}

/// A request body and the description of its trailer fields.
#[derive(Default)]
struct Body {
    data: Vec<u8>,
    trailers: String,
}

enum BodyError {
    Io(io::Error),
    TooLarge,
    Malformed(Error),
}

impl From<io::Error> for BodyError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

/// Picks the response: status, reason phrase and text.
fn route(head: &Head, framing: BodyFraming, body: &Body) -> (Status, &'static str, String) {
    match (head.method.as_str(), head.path.as_str()) {
        ("GET" | "HEAD", "/") => (Status::OK, "OK", "hello from iotwire\n".into()),
        ("GET" | "HEAD" | "POST", "/echo") => {
            let mut text = head.echo.clone();
            let _ = writeln!(text, "body-length: {}", body.data.len());
            let _ = writeln!(text, "body-fnv1a64: {:016x}", fnv1a64(&body.data));
            if framing == BodyFraming::Chunked {
                text.push_str(&body.trailers);
            }
            (Status::OK, "OK", text)
        }
        _ => (
            Status::NOT_FOUND,
            "Not Found",
            format!("no route for {} {}\n", head.method, head.path),
        ),
    }
}

/// One `prefix: name: value` line per field, non-ASCII bytes escaped.
fn describe_fields(prefix: &str, fields: &Headers<'_>) -> String {
    let mut s = String::new();
    for h in fields {
        let _ = writeln!(s, "{prefix}: {}: {}", h.name(), printable(h.value()));
    }
    s
}

/// The bytes as text, with bytes other than printable ASCII, SP and HTAB as `\xNN`.
fn printable(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b' ' | b'\t' | b'!'..=b'~' => s.push(char::from(b)),
            _ => {
                let _ = write!(s, "\\x{b:02x}");
            }
        }
    }
    s
}

/// `true` when a comma-separated list field `name` holds `token` (ASCII
/// case-insensitive), in any of its field lines.
fn has_token(headers: &Headers<'_>, name: &str, token: &str) -> bool {
    headers.get_all(name).any(|v| {
        v.split(|&b| b == b',')
            .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
    })
}

/// FNV-1a, 64 bits: a checksum a test script can recompute in a few lines.
fn fnv1a64(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn field<'a>(name: &'a str, value: &'a str) -> io::Result<Header<'a>> {
    Header::new(name, value.as_bytes()).map_err(invalid)
}

fn reason(s: &str) -> io::Result<Reason<'_>> {
    Reason::new(s.as_bytes()).map_err(invalid)
}

fn closed() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "connection closed inside a body",
    )
}

fn invalid<E: std::fmt::Display>(e: E) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}
