//! A small CoAP client built on iotwire's codec and `std::net` alone: it sends one
//! request over UDP (RFC 7252) or TCP (RFC 8323) and prints the response's code,
//! options and payload.
//!
//! ```text
//! coap_client [--tcp] [--non] [--observe N] HOST:PORT METHOD PATH [PAYLOAD]
//!
//! cargo run --example coap_client -- 127.0.0.1:5683 GET /.well-known/core
//! cargo run --example coap_client -- --tcp 127.0.0.1:5683 PUT /store 'some text'
//! cargo run --example coap_client -- --observe 5 127.0.0.1:5683 GET /obs
//! ```
//!
//! METHOD is GET, POST, PUT, DELETE, FETCH, PATCH or iPATCH; PATH may carry a query
//! (`/time?ticks`); a PAYLOAD of `@FILE` is read from FILE. A body the server sends in
//! blocks (Block2) is fetched in full and printed once; a PAYLOAD over 1024 bytes goes
//! in 1024-byte blocks (Block1, RFC 7959). Over UDP the request is Confirmable and
//! retransmitted (RFC 7252 §4.2) unless `--non`; over TCP the CSM exchange comes first
//! and Pings are answered. With `--observe N` the request registers as an observer
//! (RFC 7641), prints N notifications (the first response counts), then deregisters.
//!
//! Exits 0 when a response came, whatever its code; 1 otherwise.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs, UdpSocket};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use iotwire::coap::{
    Block, Code, Context, Format, Header, Message, Opt, OptionNumber, Options, Transport, Type,
    signaling,
};
use iotwire::{DecodeError, Packet};

/// Bodies longer than this are uploaded in blocks of this size (SZX 6).
const BLOCK_SIZE: usize = 1024;
const BLOCK_SZX: u8 = 6;
/// RFC 7252 §4.8: the first retransmission timeout and how many retransmissions.
const ACK_TIMEOUT: Duration = Duration::from_secs(2);
const MAX_RETRANSMIT: u32 = 4;
/// How long to wait for a response (or the next notification) at all.
const PATIENCE: Duration = Duration::from_secs(30);

const USAGE: &str =
    "usage: coap_client [--tcp] [--non] [--observe N] HOST:PORT METHOD PATH [PAYLOAD]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("coap_client: {e}");
            ExitCode::FAILURE
        }
    }
}

fn invalid(e: impl ToString) -> io::Error {
    io::Error::new(ErrorKind::InvalidData, e.to_string())
}

fn run() -> io::Result<()> {
    let (mut tcp, mut non, mut observe) = (false, false, None);
    let mut positional = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--tcp" => tcp = true,
            "--non" => non = true,
            "--observe" => {
                let n = args.next().and_then(|n| n.parse::<usize>().ok());
                observe = Some(n.filter(|&n| n > 0).ok_or_else(|| invalid(USAGE))?);
            }
            a if a.starts_with("--") => return Err(invalid(USAGE)),
            _ => positional.push(arg),
        }
    }
    let [addr, method, target, rest @ ..] = positional.as_slice() else {
        return Err(invalid(USAGE));
    };
    let code = match method.to_ascii_uppercase().as_str() {
        "GET" => Code::GET,
        "POST" => Code::POST,
        "PUT" => Code::PUT,
        "DELETE" => Code::DELETE,
        "FETCH" => Code::FETCH,
        "PATCH" => Code::PATCH,
        "IPATCH" => Code::IPATCH,
        _ => return Err(invalid(format!("unknown method {method}\n{USAGE}"))),
    };
    let payload = match rest {
        [] => Vec::new(),
        [p] => match p.strip_prefix('@') {
            Some(file) => std::fs::read(file)?,
            None => p.clone().into_bytes(),
        },
        _ => return Err(invalid(USAGE)),
    };

    // Uri-Path and Uri-Query options from the path (RFC 7252 §6.4).
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut options: Vec<Opt<'_>> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| Opt::str(OptionNumber::URI_PATH, s))
        .collect();
    options.extend(
        query
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|q| Opt::str(OptionNumber::URI_QUERY, q)),
    );

    let mut conn = Conn::open(addr, tcp, non)?;
    let Some(count) = observe else {
        let response = conn.request(code, &options, &payload)?;
        print_response(&response.message(), &response.body);
        return Ok(());
    };

    // Observe: register, print notifications, deregister with the same token.
    let token = conn.token();
    let mut opts = options.clone();
    opts.push(Opt::uint(OptionNumber::OBSERVE, 0));
    let first = conn.exchange(code, &token, &opts, &payload)?;
    let registered = first.message().observe().is_some();
    println!("notification 1:");
    print_response(&first.message(), first.message().payload);
    if !registered {
        println!("(the server did not register the observation)");
        return Ok(());
    }
    for i in 2..=count {
        let n = conn.wait_for(&token, PATIENCE)?;
        println!("notification {i}:");
        print_response(&n.message(), n.message().payload);
    }
    opts.pop();
    opts.push(Opt::uint(OptionNumber::OBSERVE, 1));
    let bye = conn.exchange(code, &token, &opts, &[])?;
    println!("deregistered: {:?}", bye.message().code);
    Ok(())
}

/// A message as received: its bytes, decoded again on demand (decoding borrows, so a
/// message cannot outlive the buffer it was read into).
struct Received {
    bytes: Vec<u8>,
    cx: Context,
}

impl Received {
    fn message(&self) -> Message<'_> {
        Message::decode_with(&self.bytes, &self.cx)
            .expect("validated when received")
            .0
    }
}

/// A response and the whole body when it came in blocks.
struct Response {
    last: Received,
    body: Vec<u8>,
}

impl Response {
    fn message(&self) -> Message<'_> {
        self.last.message()
    }
}

enum Link {
    Udp(UdpSocket),
    Tcp { stream: TcpStream, buf: Vec<u8> },
}

struct Conn {
    link: Link,
    cx: Context,
    non: bool,
    next_message_id: u16,
    next_token: u64,
}

impl Conn {
    fn open(addr: &str, tcp: bool, non: bool) -> io::Result<Conn> {
        let target = addr
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| invalid(format!("{addr}: no address")))?;
        let seed = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let link = match tcp {
            false => {
                let local = if target.is_ipv4() {
                    "0.0.0.0:0"
                } else {
                    "[::]:0"
                };
                let sock = UdpSocket::bind(local)?;
                sock.connect(target)?;
                Link::Udp(sock)
            }
            true => {
                let stream = TcpStream::connect(target)?;
                stream.set_nodelay(true)?;
                Link::Tcp {
                    stream,
                    buf: Vec::new(),
                }
            }
        };
        let transport = if tcp { Transport::Tcp } else { Transport::Udp };
        let mut conn = Conn {
            link,
            cx: Context::new(transport),
            non,
            next_message_id: seed as u16,
            next_token: u64::from(seed),
        };
        if tcp {
            conn.csm()?;
        }
        Ok(conn)
    }

    /// RFC 8323 §5.3: both ends send a CSM first; the server's must be the first
    /// message it sends.
    fn csm(&mut self) -> io::Result<()> {
        let options = [Opt::empty(signaling::BLOCK_WISE_TRANSFER)];
        self.send(&Message {
            header: Header::Tcp,
            code: Code::CSM,
            token: &[],
            options: Options::new(&options),
            payload: &[],
        })?;
        let first = self
            .receive(PATIENCE)?
            .ok_or_else(|| invalid("no CSM from the server"))?;
        let m = first.message();
        if m.code != Code::CSM {
            return Err(invalid(format!(
                "the server's first message is {:?}, not a CSM",
                m.code
            )));
        }
        Ok(())
    }

    fn token(&mut self) -> Vec<u8> {
        self.next_token = self.next_token.wrapping_add(1);
        self.next_token.to_be_bytes()[4..].to_vec()
    }

    fn send(&mut self, m: &Message<'_>) -> io::Result<()> {
        let bytes = m.to_vec().map_err(invalid)?;
        match &mut self.link {
            Link::Udp(sock) => sock.send(&bytes).map(drop),
            Link::Tcp { stream, .. } => stream.write_all(&bytes),
        }
    }

    /// The next message, or `None` after `timeout`. Over TCP, Pings are answered and
    /// other signals handled here; Abort and Release end the connection.
    fn receive(&mut self, timeout: Duration) -> io::Result<Option<Received>> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            let cx = self.cx;
            let bytes = match &mut self.link {
                Link::Udp(sock) => {
                    sock.set_read_timeout(Some(left))?;
                    let mut datagram = vec![0u8; 64 * 1024];
                    match sock.recv(&mut datagram) {
                        Ok(n) => datagram.truncate(n),
                        Err(e)
                            if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
                        {
                            return Ok(None);
                        }
                        Err(e) => return Err(e),
                    }
                    if let Err(e) = Message::decode_with(&datagram, &cx) {
                        eprintln!("coap_client: ignoring a malformed datagram: {e}");
                        continue;
                    }
                    datagram
                }
                Link::Tcp { stream, buf } => {
                    // The framing loop: decode; while only part of a frame is in, read.
                    let used = loop {
                        match Message::decode_with(buf, &cx) {
                            Ok((_, used)) => break used,
                            Err(e) if e.is_incomplete() => {
                                stream.set_read_timeout(Some(left))?;
                                let mut chunk = [0u8; 16 * 1024];
                                match stream.read(&mut chunk) {
                                    Ok(0) => {
                                        return Err(invalid("the server closed the connection"));
                                    }
                                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                                    Err(e)
                                        if matches!(
                                            e.kind(),
                                            ErrorKind::WouldBlock | ErrorKind::TimedOut
                                        ) =>
                                    {
                                        return Ok(None);
                                    }
                                    Err(e) => return Err(e),
                                }
                            }
                            Err(e) => return Err(invalid(format!("malformed frame: {e}"))),
                        }
                    };
                    buf.drain(..used).collect()
                }
            };
            let received = Received { bytes, cx };
            let m = received.message();
            match m.code {
                Code::PING => {
                    let pong = Message {
                        code: Code::PONG,
                        options: Options::EMPTY,
                        payload: &[],
                        ..m
                    };
                    self.send(&pong)?;
                }
                Code::ABORT | Code::RELEASE => {
                    let why = String::from_utf8_lossy(m.payload).into_owned();
                    return Err(invalid(format!("the server sent {:?}: {why}", m.code)));
                }
                Code::PONG | Code::EMPTY if matches!(m.header, Header::Tcp) => {}
                _ => return Ok(Some(received)),
            }
        }
    }

    /// Acknowledges a Confirmable message over UDP.
    fn ack(&mut self, m: &Message<'_>) -> io::Result<()> {
        if let Header::Udp {
            kind: Type::Confirmable,
            message_id,
        } = m.header
        {
            self.send(&empty(Type::Acknowledgement, message_id))?;
        }
        Ok(())
    }

    /// The next message with `token` (a separate response, a notification),
    /// acknowledged if Confirmable; anything else Confirmable is rejected with a Reset.
    fn wait_for(&mut self, token: &[u8], timeout: Duration) -> io::Result<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let r = self
                .receive(left)?
                .ok_or_else(|| io::Error::new(ErrorKind::TimedOut, "no response"))?;
            let m = r.message();
            if m.code.is_response() && m.token == token {
                self.ack(&m)?;
                return Ok(r);
            }
            if let Header::Udp {
                kind: Type::Confirmable,
                message_id,
            } = m.header
            {
                self.send(&empty(Type::Reset, message_id))?;
            }
        }
    }

    /// Sends one request with `token` and returns its response: over UDP, a CON is
    /// retransmitted until acknowledged, and an Empty ACK means the response comes
    /// separately (RFC 7252 §5.2.2). A response carrying Observe to a deregistration
    /// (Observe 1) is a notification still on its way, and skipped.
    fn exchange(
        &mut self,
        code: Code,
        token: &[u8],
        options: &[Opt<'_>],
        payload: &[u8],
    ) -> io::Result<Received> {
        let deregistering = options
            .iter()
            .any(|o| o.number == OptionNumber::OBSERVE && o.as_uint() == Some(1));
        let skip = |r: &Received| deregistering && r.message().observe().is_some();
        let message_id = self.next_message_id;
        self.next_message_id = self.next_message_id.wrapping_add(1);
        let header = match (&self.link, self.non) {
            (Link::Tcp { .. }, _) => Header::Tcp,
            (Link::Udp(_), false) => Header::Udp {
                kind: Type::Confirmable,
                message_id,
            },
            (Link::Udp(_), true) => Header::Udp {
                kind: Type::NonConfirmable,
                message_id,
            },
        };
        let request = Message {
            header,
            code,
            token,
            options: Options::new(options),
            payload,
        };
        self.send(&request)?;
        if !matches!(
            header,
            Header::Udp {
                kind: Type::Confirmable,
                ..
            }
        ) {
            loop {
                let r = self.wait_for(token, PATIENCE)?;
                if !skip(&r) {
                    return Ok(r);
                }
            }
        }
        let mut timeout = ACK_TIMEOUT;
        let mut retransmissions = 0;
        loop {
            let Some(r) = self.receive(timeout)? else {
                if retransmissions == MAX_RETRANSMIT {
                    return Err(io::Error::new(ErrorKind::TimedOut, "no ACK"));
                }
                retransmissions += 1;
                timeout *= 2;
                self.send(&request)?;
                continue;
            };
            let m = r.message();
            match m.header {
                Header::Udp {
                    kind: Type::Acknowledgement,
                    message_id: id,
                } if id == message_id => {
                    if m.code == Code::EMPTY {
                        // Acknowledged; the response comes later as its own message.
                        loop {
                            let r = self.wait_for(token, PATIENCE)?;
                            if !skip(&r) {
                                return Ok(r);
                            }
                        }
                    }
                    return Ok(r);
                }
                Header::Udp {
                    kind: Type::Reset,
                    message_id: id,
                } if id == message_id => {
                    return Err(invalid("the server rejected the request with a Reset"));
                }
                // The response, its ACK lost (or a notification on the same token).
                _ if m.code.is_response() && m.token == token => {
                    self.ack(&m)?;
                    if !skip(&r) {
                        return Ok(r);
                    }
                }
                Header::Udp {
                    kind: Type::Confirmable,
                    message_id: id,
                } => self.send(&empty(Type::Reset, id))?,
                _ => {}
            }
        }
    }

    /// One request, block-wise as needed (RFC 7959): a payload over [`BLOCK_SIZE`]
    /// goes in Block1 blocks (each but the last answered 2.31 Continue, the server
    /// choosing the block size if it asks for smaller ones); a response in Block2
    /// blocks is fetched to its end, each block with a new token.
    fn request(&mut self, code: Code, options: &[Opt<'_>], payload: &[u8]) -> io::Result<Response> {
        let mut response = if payload.len() <= BLOCK_SIZE {
            let token = self.token();
            self.exchange(code, &token, options, payload)?
        } else {
            self.upload(code, options, payload)?
        };
        let mut body = response.message().payload.to_vec();
        let etag = response.message().etags().next().map(<[u8]>::to_vec);
        while let Some(block) = response.message().block2().filter(|b| b.more) {
            let next = Block {
                num: block.num + (response.message().payload.len() / block.size()) as u32,
                more: false,
                szx: block.szx,
            };
            let mut opts: Vec<Opt<'_>> = options.to_vec();
            opts.push(Opt::uint(OptionNumber::BLOCK2, next.to_uint()));
            let token = self.token();
            response = self.exchange(Code::GET, &token, &opts, &[])?;
            let m = response.message();
            if !m.code.is_response() || m.code.class() != 2 {
                return Ok(Response {
                    last: response,
                    body,
                });
            }
            if m.etags().next().map(<[u8]>::to_vec) != etag {
                return Err(invalid("the body changed between blocks (another ETag)"));
            }
            if m.block2().map(|b| b.offset()) != Some(body.len()) {
                return Err(invalid(
                    "the server sent another block than the one asked for",
                ));
            }
            body.extend_from_slice(m.payload);
        }
        Ok(Response {
            last: response,
            body,
        })
    }

    fn upload(&mut self, code: Code, options: &[Opt<'_>], payload: &[u8]) -> io::Result<Received> {
        let mut szx = BLOCK_SZX;
        let mut offset = 0;
        loop {
            let size = 1usize << (szx + 4);
            let end = (offset + size).min(payload.len());
            let block = Block {
                num: (offset / size) as u32,
                more: end < payload.len(),
                szx,
            };
            let mut opts: Vec<Opt<'_>> = options.to_vec();
            opts.push(Opt::uint(OptionNumber::BLOCK1, block.to_uint()));
            if offset == 0 {
                opts.push(Opt::uint(OptionNumber::SIZE1, payload.len() as u32));
            }
            let token = self.token();
            let r = self.exchange(code, &token, &opts, &payload[offset..end])?;
            let m = r.message();
            if m.code != Code::CONTINUE || !block.more {
                return Ok(r);
            }
            offset = end;
            // The server may ask for smaller blocks from now on (RFC 7959 §2.3).
            if let Some(b) = m.block1().filter(|b| b.szx < szx) {
                szx = b.szx;
            }
        }
    }
}

fn empty(kind: Type, message_id: u16) -> Message<'static> {
    Message {
        header: Header::Udp { kind, message_id },
        code: Code::EMPTY,
        token: &[],
        options: Options::EMPTY,
        payload: &[],
    }
}

/// Code, one line per option, an empty line, the payload (as text when it is UTF-8,
/// else in hex).
fn print_response(m: &Message<'_>, body: &[u8]) {
    println!("{:?}", m.code);
    for o in m.options.iter() {
        let spec = o.number.spec_in(m.code);
        let name = spec.map_or_else(|| format!("Option {}", o.number.0), |s| s.name.to_string());
        let value = match (o.number, spec.map(|s| s.format)) {
            (OptionNumber::BLOCK1 | OptionNumber::BLOCK2, _) => {
                match o.as_uint().and_then(Block::from_uint) {
                    Some(b) => format!("{}/{}/{}", b.num, if b.more { "M" } else { "_" }, b.size()),
                    None => hex(o.as_bytes().unwrap_or_default()),
                }
            }
            (_, Some(Format::Uint)) => o.as_uint().map_or_else(String::new, |v| v.to_string()),
            (_, Some(Format::String)) => o.as_str().unwrap_or_default().to_string(),
            _ => hex(o.as_bytes().unwrap_or_default()),
        };
        println!("{name}: {value}");
    }
    if !body.is_empty() {
        println!();
        match std::str::from_utf8(body) {
            Ok(text) => println!("{text}"),
            Err(_) => println!("{}", hex(body)),
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}
