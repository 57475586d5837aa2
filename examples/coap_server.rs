//! A small CoAP server built on iotwire's codec and `std::net` alone. It serves the
//! same resources over UDP (RFC 7252) and over TCP (RFC 8323) on one port:
//!
//! ```text
//! cargo run --example coap_server -- 5683
//! coap-client-notls coap://127.0.0.1/.well-known/core       # libcoap, in another terminal
//! coap-client-notls -s 5 coap+tcp://127.0.0.1/obs
//! cargo run --example coap_client -- 127.0.0.1:5683 GET /large
//! ```
//!
//! | resource            | methods                 |                                              |
//! |---------------------|-------------------------|----------------------------------------------|
//! | `/.well-known/core` | GET                     | the resources in CoRE Link Format (RFC 6690) |
//! | `/hello`            | GET                     | a line of text                               |
//! | `/store`            | GET, PUT, POST, DELETE  | in memory; PUT replaces, POST appends; Block1 uploads (RFC 7959) |
//! | `/obs`              | GET (Observe)           | a counter, notified every 200 ms (RFC 7641)  |
//! | `/large`            | GET                     | 4 KiB of text, served in blocks (Block2)     |
//!
//! Over UDP a Confirmable request gets a piggybacked ACK, a Non-confirmable one a
//! Non-confirmable response; a duplicate (same peer, same Message ID) gets the response
//! sent the first time; an Empty CON (a CoAP ping) gets a Reset. Over TCP the server
//! sends its CSM first, expects the peer's CSM as its first message, answers Ping with
//! Pong, and frames with the Len/TKL header. Bodies longer than 1024 bytes go in blocks
//! of 1024 bytes, or of the size the client asks for with Block2.
//!
//! Every message is decoded with `Message::decode_with` and built as a `Message` value
//! encoded with `Packet::to_vec`; nothing here parses or writes CoAP bytes by hand. One
//! line per request goes to standard output.

use std::collections::{HashMap, VecDeque};
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use iotwire::coap::{
    Block, Code, ContentFormat, Context, Error, Header, Message, Opt, OptionNumber, Options,
    Transport, Type, signaling,
};
use iotwire::{DecodeError, Packet};

/// Bodies longer than this go in blocks (RFC 7959 §2), and uploads come in blocks of at
/// most this size: 1024 bytes plus headers fit in the default Max-Message-Size of
/// RFC 8323 §5.3.1 (1152) and in any IPv6 path.
const BLOCK_SIZE: usize = 1024;
/// SZX of 1024-byte blocks.
const BLOCK_SZX: u8 = 6;
/// The largest frame accepted over TCP, said in our CSM (RFC 8323 §5.3.1).
const MAX_MESSAGE_SIZE: u32 = 1152;
/// The largest body `/store` takes.
const MAX_STORE: usize = 1 << 20;
/// How often `/obs` changes.
const OBSERVE_PERIOD: Duration = Duration::from_millis(200);
/// How long a response is kept to answer a duplicate request (EXCHANGE_LIFETIME,
/// RFC 7252 §4.8.2).
const EXCHANGE_LIFETIME: Duration = Duration::from_secs(247);

fn main() -> io::Result<()> {
    let port: u16 = match std::env::args().nth(1).map(|p| p.parse()) {
        Some(Ok(port)) => port,
        _ => return Err(invalid("usage: coap_server PORT")),
    };
    let udp = UdpSocket::bind(("127.0.0.1", port))?;
    let tcp = TcpListener::bind(("127.0.0.1", port))?;
    println!("coap_server: listening on udp and tcp 127.0.0.1:{port}");
    let server = Arc::new(Server::new(udp));

    let s = Arc::clone(&server);
    std::thread::spawn(move || s.notify_observers());
    let s = Arc::clone(&server);
    std::thread::spawn(move || {
        for stream in tcp.incoming().flatten() {
            let s = Arc::clone(&s);
            std::thread::spawn(move || {
                let peer = stream.peer_addr().ok();
                if let Err(e) = s.serve_tcp(stream) {
                    println!("tcp {peer:?}: connection ended: {e}");
                }
            });
        }
    });
    server.serve_udp()
}

fn invalid(e: impl ToString) -> io::Error {
    io::Error::new(ErrorKind::InvalidData, e.to_string())
}

/// Who sent a request, and how to send to them again (for notifications).
#[derive(Clone)]
enum Peer {
    Udp(SocketAddr),
    Tcp {
        connection: u64,
        /// The connection's writing half.
        out: Arc<Mutex<TcpStream>>,
    },
}

/// A peer's identity: its UDP address, or the number of its TCP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum PeerId {
    Udp(SocketAddr),
    Tcp(u64),
}

impl Peer {
    fn id(&self) -> PeerId {
        match self {
            Peer::Udp(addr) => PeerId::Udp(*addr),
            Peer::Tcp { connection, .. } => PeerId::Tcp(*connection),
        }
    }
}

/// A registered observer of `/obs` (RFC 7641 §4.1), keyed by peer and token.
struct Observer {
    peer: Peer,
    token: Vec<u8>,
    /// Over UDP: Message IDs of the last notifications, to match a Reset to them.
    sent: VecDeque<u16>,
    /// Over UDP: the Confirmable notification not acknowledged yet.
    unacked: Option<u16>,
}

/// A Block1 upload in progress (RFC 7959 §2.5): what came so far.
struct Upload {
    method: Code,
    body: Vec<u8>,
}

/// What the resources hold, behind one lock.
#[derive(Default)]
struct State {
    /// `/store`'s body; `None` until the first PUT or POST, and after DELETE.
    store: Option<Vec<u8>>,
    /// `/obs`'s value, also the Observe sequence number of its notifications.
    counter: u32,
    observers: Vec<Observer>,
    uploads: HashMap<PeerId, Upload>,
    /// Responses to recent UDP requests: (peer, Message ID, when, the bytes sent).
    recent: VecDeque<(SocketAddr, u16, Instant, Vec<u8>)>,
}

struct Server {
    udp: UdpSocket,
    state: Mutex<State>,
    next_message_id: AtomicU16,
    next_connection: AtomicU64,
}

/// A response, transport aside: code, the options this server uses, payload.
#[derive(Default)]
struct Reply {
    code: Code,
    content_format: Option<ContentFormat>,
    etag: Option<[u8; 4]>,
    observe: Option<u32>,
    block2: Option<Block>,
    block1: Option<Block>,
    size2: Option<u32>,
    payload: Vec<u8>,
}

impl Reply {
    fn new(code: Code) -> Self {
        Reply {
            code,
            ..Reply::default()
        }
    }

    /// A response with a diagnostic payload (RFC 7252 §5.5.2).
    fn error(code: Code, why: &str) -> Self {
        Reply {
            payload: why.as_bytes().to_vec(),
            ..Reply::new(code)
        }
    }

    /// The options, in any order: `Options::new` writes them in number order.
    fn options(&self) -> Vec<Opt<'_>> {
        let mut o = Vec::new();
        let uint = |n, v: Option<u32>| v.map(|v| Opt::uint(n, v));
        o.extend(self.etag.as_ref().map(|e| Opt::new(OptionNumber::ETAG, e)));
        o.extend(uint(OptionNumber::OBSERVE, self.observe));
        o.extend(uint(
            OptionNumber::CONTENT_FORMAT,
            self.content_format.map(|c| c.0.into()),
        ));
        o.extend(uint(OptionNumber::BLOCK2, self.block2.map(Block::to_uint)));
        o.extend(uint(OptionNumber::BLOCK1, self.block1.map(Block::to_uint)));
        o.extend(uint(OptionNumber::SIZE2, self.size2));
        o
    }

    /// Encodes it as a message with `header` and `token`.
    fn encode(&self, header: Header, token: &[u8]) -> Vec<u8> {
        let options = self.options();
        let m = Message {
            header,
            code: self.code,
            token,
            options: Options::new(&options),
            payload: &self.payload,
        };
        // Every value this server builds is valid: encoding cannot fail.
        m.to_vec().expect("a valid response")
    }
}

/// `/large`: 4 KiB, 64 numbered lines of 64 bytes, the same on every run.
fn large_body() -> Vec<u8> {
    (0..64)
        .map(|i| {
            format!(
                "{:<63}\n",
                format!("line {i:02} of /large, from iotwire's coap_server")
            )
        })
        .collect::<String>()
        .into_bytes()
}

/// A short, stable ETag for a body (FNV-1a).
fn etag(body: &[u8]) -> [u8; 4] {
    let h = body.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    h.to_be_bytes()
}

/// A 2.05 Content with `body`, in blocks when it is longer than [`BLOCK_SIZE`] or the
/// request asks for a block (RFC 7959 §2.4): the client's block size (SZX) is honoured,
/// and every block carries Size2 and an ETag so the client can tell the body did not
/// change between blocks.
fn content(req: &Message<'_>, format: ContentFormat, body: &[u8]) -> Reply {
    let mut reply = Reply {
        content_format: Some(format),
        ..Reply::new(Code::CONTENT)
    };
    let asked = req.block2();
    if asked.is_none() && body.len() <= BLOCK_SIZE {
        reply.payload = body.to_vec();
        return reply;
    }
    let block = asked.unwrap_or(Block {
        num: 0,
        more: false,
        szx: BLOCK_SZX,
    });
    let start = block.offset();
    if start >= body.len() && !(start == 0 && body.is_empty()) {
        return Reply::error(Code::BAD_OPTION, "Block2 beyond the end of the body");
    }
    let end = (start + block.size()).min(body.len());
    reply.block2 = Some(Block {
        more: end < body.len(),
        ..block
    });
    reply.size2 = Some(body.len() as u32);
    reply.etag = Some(etag(body));
    reply.payload = body[start..end].to_vec();
    reply
}

impl Server {
    fn new(udp: UdpSocket) -> Self {
        // Message IDs start somewhere unpredictable (RFC 7252 §4.4).
        let seed = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Server {
            udp,
            state: Mutex::new(State::default()),
            next_message_id: AtomicU16::new(seed as u16),
            next_connection: AtomicU64::new(1),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn message_id(&self) -> u16 {
        self.next_message_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The resources: answers one request, transport aside.
    fn handle(&self, peer: &Peer, req: &Message<'_>) -> Reply {
        // RFC 7252 §5.4.1: a critical option we do not know makes the request fail.
        if let Some(n) = req.unknown_critical() {
            return Reply::error(Code::BAD_OPTION, &format!("unknown critical option {n}"));
        }
        let path: Vec<&str> = req.uri_path().collect();
        match (path.as_slice(), req.code) {
            ([".well-known", "core"], Code::GET) => {
                let links = format!(
                    "</hello>;rt=\"greeting\";ct=0,</store>;ct=0,</obs>;obs;rt=\"counter\";ct=0,\
                     </large>;sz={};ct=0",
                    large_body().len()
                );
                content(req, ContentFormat::LINK_FORMAT, links.as_bytes())
            }
            (["hello"], Code::GET) => content(
                req,
                ContentFormat::TEXT_PLAIN,
                b"Hello from iotwire's coap_server",
            ),
            (["store"], Code::GET) => match &self.state().store {
                Some(body) => content(req, ContentFormat::TEXT_PLAIN, body),
                None => Reply::error(Code::NOT_FOUND, "nothing stored"),
            },
            (["store"], Code::PUT | Code::POST) => self.store(peer, req),
            (["store"], Code::DELETE) => {
                self.state().store = None;
                Reply::new(Code::DELETED)
            }
            (["obs"], Code::GET) => self.observe(peer, req),
            (["large"], Code::GET) => content(req, ContentFormat::TEXT_PLAIN, &large_body()),
            ([".well-known", "core"] | ["hello"] | ["obs"] | ["large"], _) => {
                Reply::error(Code::METHOD_NOT_ALLOWED, "GET only")
            }
            _ => Reply::error(Code::NOT_FOUND, "no such resource"),
        }
    }

    /// PUT replaces `/store`, POST appends to it; a large body comes in Block1 blocks,
    /// each but the last answered 2.31 Continue (RFC 7959 §2.3).
    fn store(&self, peer: &Peer, req: &Message<'_>) -> Reply {
        let mut st = self.state();
        let body = match req.block1() {
            None => {
                st.uploads.remove(&peer.id());
                req.payload.to_vec()
            }
            Some(block) => {
                if block.num == 0 {
                    st.uploads.insert(
                        peer.id(),
                        Upload {
                            method: req.code,
                            body: Vec::new(),
                        },
                    );
                }
                let Some(up) = st.uploads.get_mut(&peer.id()) else {
                    return Reply::error(Code::REQUEST_ENTITY_INCOMPLETE, "no block 0 came");
                };
                // Blocks in order, each but the last a whole block (a whole number of
                // 1024-byte blocks with BERT, RFC 8323 §6).
                let whole =
                    !req.payload.is_empty() && req.payload.len().is_multiple_of(block.size());
                if up.method != req.code || block.offset() != up.body.len() || block.more && !whole
                {
                    st.uploads.remove(&peer.id());
                    return Reply::error(Code::REQUEST_ENTITY_INCOMPLETE, "block out of order");
                }
                if up.body.len() + req.payload.len() > MAX_STORE {
                    st.uploads.remove(&peer.id());
                    return Reply::error(Code::REQUEST_ENTITY_TOO_LARGE, "1 MiB at most");
                }
                up.body.extend_from_slice(req.payload);
                if block.more {
                    return Reply {
                        block1: Some(block),
                        ..Reply::new(Code::CONTINUE)
                    };
                }
                st.uploads
                    .remove(&peer.id())
                    .map(|u| u.body)
                    .unwrap_or_default()
            }
        };
        let code = match (&mut st.store, req.code) {
            (Some(stored), Code::POST) if stored.len() + body.len() <= MAX_STORE => {
                stored.extend_from_slice(&body);
                Code::CHANGED
            }
            (Some(_), Code::POST) => {
                return Reply::error(Code::REQUEST_ENTITY_TOO_LARGE, "1 MiB at most");
            }
            (stored, _) => {
                let code = if stored.is_some() {
                    Code::CHANGED
                } else {
                    Code::CREATED
                };
                *stored = Some(body);
                code
            }
        };
        Reply {
            block1: req.block1(),
            ..Reply::new(code)
        }
    }

    /// GET `/obs`: Observe 0 registers (or re-registers) the peer and token, Observe 1
    /// or no Observe at all removes them (RFC 7641 §3.1, §3.6, §4.1).
    fn observe(&self, peer: &Peer, req: &Message<'_>) -> Reply {
        let mut st = self.state();
        st.observers
            .retain(|o| !(o.peer.id() == peer.id() && o.token == req.token));
        let mut reply = content(
            req,
            ContentFormat::TEXT_PLAIN,
            format!("count {}", st.counter).as_bytes(),
        );
        if req.observe() == Some(0) {
            st.observers.push(Observer {
                peer: peer.clone(),
                token: req.token.to_vec(),
                sent: VecDeque::new(),
                unacked: None,
            });
            reply.observe = Some(st.counter);
        }
        reply
    }

    /// Sends `bytes` to `peer`.
    fn send(&self, peer: &Peer, bytes: &[u8]) -> io::Result<()> {
        match peer {
            Peer::Udp(addr) => self.udp.send_to(bytes, addr).map(drop),
            Peer::Tcp { out, .. } => out
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .write_all(bytes),
        }
    }

    /// The `/obs` clock: every [`OBSERVE_PERIOD`] the counter goes up and every
    /// observer gets a notification. Over UDP every fifth one is Confirmable; an
    /// observer that has not acknowledged the previous Confirmable one by then is
    /// removed (RFC 7641 §4.5), as is one that answers a notification with Reset.
    fn notify_observers(&self) {
        loop {
            std::thread::sleep(OBSERVE_PERIOD);
            let mut st = self.state();
            st.counter = (st.counter + 1) & 0xFF_FFFF;
            let counter = st.counter;
            let reply = Reply {
                observe: Some(counter),
                content_format: Some(ContentFormat::TEXT_PLAIN),
                payload: format!("count {counter}").into_bytes(),
                ..Reply::new(Code::CONTENT)
            };
            st.observers.retain_mut(|o| {
                let header = match o.peer {
                    Peer::Tcp { .. } => Header::Tcp,
                    Peer::Udp(_) => {
                        let confirmable = counter.is_multiple_of(5);
                        if confirmable && o.unacked.is_some() {
                            println!("observer {:?} gone: no ACK", o.peer.id());
                            return false;
                        }
                        let message_id = self.message_id();
                        o.sent.push_back(message_id);
                        if o.sent.len() > 8 {
                            o.sent.pop_front();
                        }
                        let kind = match confirmable {
                            true => {
                                o.unacked = Some(message_id);
                                Type::Confirmable
                            }
                            false => Type::NonConfirmable,
                        };
                        Header::Udp { kind, message_id }
                    }
                };
                match self.send(&o.peer, &reply.encode(header, &o.token)) {
                    Ok(()) => true,
                    Err(e) => {
                        println!("observer {:?} gone: {e}", o.peer.id());
                        false
                    }
                }
            });
        }
    }

    /// The UDP side: one datagram is one message.
    fn serve_udp(&self) -> io::Result<()> {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let (n, from) = self.udp.recv_from(&mut buf)?;
            let datagram = &buf[..n];
            let peer = Peer::Udp(from);
            let msg = match Message::decode_with(datagram, &Context::new(Transport::Udp)) {
                Ok((msg, _)) => msg,
                Err(e) => {
                    println!("udp {from}: rejected: {e}");
                    if let Some(answer) = reject_udp(datagram, &e) {
                        self.udp.send_to(&answer, from)?;
                    }
                    continue;
                }
            };
            let Header::Udp { kind, message_id } = msg.header else {
                continue;
            };
            if msg.code.is_request() {
                let answer = self.udp_request(&peer, &msg, kind, message_id);
                self.udp.send_to(&answer, from)?;
                continue;
            }
            match (kind, msg.code) {
                // A CoAP ping (RFC 7252 §4.3): a Reset answers it.
                (Type::Confirmable, Code::EMPTY) => {
                    let rst = Message {
                        header: Header::Udp {
                            kind: Type::Reset,
                            message_id,
                        },
                        code: Code::EMPTY,
                        token: &[],
                        options: Options::EMPTY,
                        payload: &[],
                    };
                    self.udp.send_to(&rst.to_vec().map_err(invalid)?, from)?;
                }
                // An ACK of a Confirmable notification.
                (Type::Acknowledgement, _) => {
                    for o in &mut self.state().observers {
                        if o.peer.id() == peer.id() && o.unacked == Some(message_id) {
                            o.unacked = None;
                        }
                    }
                }
                // A Reset of a notification: the observer is not interested any more.
                (Type::Reset, _) => self.state().observers.retain(|o| {
                    let gone = o.peer.id() == peer.id() && o.sent.contains(&message_id);
                    if gone {
                        println!("udp {from}: observer reset");
                    }
                    !gone
                }),
                // A response or a signal we did not ask for: rejected.
                (Type::Confirmable, _) => {
                    let rst = reset(message_id);
                    self.udp.send_to(&rst, from)?;
                }
                _ => {}
            }
        }
    }

    /// Answers a request over UDP: piggybacked on the ACK of a CON, a NON to a NON; a
    /// duplicate gets the bytes sent the first time (RFC 7252 §4.5).
    fn udp_request(&self, peer: &Peer, req: &Message<'_>, kind: Type, id: u16) -> Vec<u8> {
        let &Peer::Udp(from) = peer else {
            unreachable!("a UDP peer")
        };
        {
            let mut st = self.state();
            while st
                .recent
                .front()
                .is_some_and(|r| r.2.elapsed() > EXCHANGE_LIFETIME || st.recent.len() > 1024)
            {
                st.recent.pop_front();
            }
            if let Some(r) = st.recent.iter().find(|r| r.0 == from && r.1 == id) {
                println!("udp {from}: duplicate of Message ID {id}, answered again");
                return r.3.clone();
            }
        }
        let reply = match (kind, req.unknown_critical()) {
            // In a NON, an unknown critical option makes the message rejected
            // (RFC 7252 §5.4.1, §4.3).
            (Type::NonConfirmable, Some(_)) => None,
            _ => Some(self.handle(peer, req)),
        };
        let answer = match &reply {
            Some(reply) => {
                let header = match kind {
                    Type::Confirmable => Header::Udp {
                        kind: Type::Acknowledgement,
                        message_id: id,
                    },
                    _ => Header::Udp {
                        kind: Type::NonConfirmable,
                        message_id: self.message_id(),
                    },
                };
                reply.encode(header, req.token)
            }
            None => reset(id),
        };
        log("udp", from, Some(kind), req, reply.as_ref());
        self.state()
            .recent
            .push_back((from, id, Instant::now(), answer.clone()));
        answer
    }

    /// One TCP connection (RFC 8323 §3): CSM both ways first, then requests and
    /// signals, each message a Len/TKL-framed unit of the stream.
    fn serve_tcp(&self, stream: TcpStream) -> io::Result<()> {
        stream.set_write_timeout(Some(Duration::from_secs(5)))?;
        let peer = Peer::Tcp {
            connection: self.next_connection.fetch_add(1, Ordering::Relaxed),
            out: Arc::new(Mutex::new(stream.try_clone()?)),
        };
        let result = self.tcp_session(&peer, stream);
        let mut st = self.state();
        st.observers.retain(|o| o.peer.id() != peer.id());
        st.uploads.remove(&peer.id());
        result
    }

    fn tcp_session(&self, peer: &Peer, mut stream: TcpStream) -> io::Result<()> {
        let addr = stream.peer_addr()?;
        // Our CSM goes first, without waiting for the peer's (RFC 8323 §5.3).
        let csm_options = [
            Opt::uint(signaling::MAX_MESSAGE_SIZE, MAX_MESSAGE_SIZE),
            Opt::empty(signaling::BLOCK_WISE_TRANSFER),
        ];
        self.send(peer, &signal(Code::CSM, &[], &csm_options, b""))?;

        let cx = Context::new(Transport::Tcp).max_message_size(MAX_MESSAGE_SIZE as usize);
        let mut buf: Vec<u8> = Vec::new();
        let mut chunk = [0u8; 4096];
        let mut got_csm = false;
        loop {
            // Decode what has arrived; read more while it holds only part of a frame.
            let (msg, used) = match Message::decode_with(&buf, &cx) {
                Ok(decoded) => decoded,
                Err(e) if e.is_incomplete() => {
                    let n = stream.read(&mut chunk)?;
                    if n == 0 {
                        return Ok(());
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    continue;
                }
                Err(e) => {
                    // A request with a malformed critical option gets 4.02 Bad Option
                    // (RFC 7252 §5.4.1, as RFC 8323 §3 keeps it) and the connection goes
                    // on past its frame; anything else malformed ends the connection
                    // with an Abort (RFC 8323 §5.6).
                    if let (Error::BadCriticalOption { number, .. }, Some((code, token, len))) =
                        (&e, Message::peek_tcp(&buf))
                        && code.is_request()
                        && let Ok(len) = usize::try_from(len)
                        && len <= buf.len()
                    {
                        let reply = Reply::error(Code::BAD_OPTION, &format!("bad option {number}"));
                        println!("tcp {addr}: {e}: 4.02");
                        self.send(peer, &reply.encode(Header::Tcp, token))?;
                        buf.drain(..len);
                        continue;
                    }
                    let why = format!("malformed message: {e}");
                    self.send(peer, &signal(Code::ABORT, &[], &[], why.as_bytes()))?;
                    return Err(invalid(why));
                }
            };
            if !got_csm && msg.code != Code::CSM {
                let why = "the first message must be a CSM";
                self.send(peer, &signal(Code::ABORT, &[], &[], why.as_bytes()))?;
                return Err(invalid(why));
            }
            match msg.code {
                Code::CSM => {
                    got_csm = true;
                    println!(
                        "tcp {addr}: CSM, Max-Message-Size {}, Block-Wise-Transfer {}",
                        msg.max_message_size().unwrap_or(1152),
                        msg.block_wise_transfer()
                    );
                }
                // A Pong echoes the Ping's token, and Custody when asked (§5.4).
                Code::PING => {
                    let custody = [Opt::empty(signaling::CUSTODY)];
                    let opts: &[Opt<'_>] = if msg.custody() { &custody } else { &[] };
                    self.send(peer, &signal(Code::PONG, msg.token, opts, b""))?;
                }
                Code::RELEASE | Code::ABORT => {
                    println!("tcp {addr}: {:?}", msg.code);
                    return Ok(());
                }
                code if code.is_request() => {
                    let reply = self.handle(peer, &msg);
                    log("tcp", addr, None, &msg, Some(&reply));
                    self.send(peer, &reply.encode(Header::Tcp, msg.token))?;
                }
                // Empty messages are ignored (§3.3); so are responses and Pongs.
                _ => {}
            }
            buf.drain(..used);
        }
    }
}

/// A signaling message (RFC 8323 §5) over TCP.
fn signal(code: Code, token: &[u8], options: &[Opt<'_>], payload: &[u8]) -> Vec<u8> {
    let m = Message {
        header: Header::Tcp,
        code,
        token,
        options: Options::new(options),
        payload,
    };
    m.to_vec().expect("a valid signal")
}

/// An Empty Reset for Message ID `id`.
fn reset(id: u16) -> Vec<u8> {
    let m = Message {
        header: Header::Udp {
            kind: Type::Reset,
            message_id: id,
        },
        code: Code::EMPTY,
        token: &[],
        options: Options::EMPTY,
        payload: &[],
    };
    m.to_vec().expect("a valid Reset")
}

/// What to answer a datagram that does not decode (RFC 7252 §4.2, §5.4.1; RFC 7959
/// §2.2): a CON request with a malformed critical option gets 4.02 Bad Option, one
/// with a reserved block size 4.00 Bad Request, any other CON a Reset; anything else
/// is dropped silently, as is what has no readable header and token.
/// `Message::peek_udp` reads those leniently for this.
fn reject_udp(datagram: &[u8], e: &Error) -> Option<Vec<u8>> {
    let (kind, id, code, token) = Message::peek_udp(datagram)?;
    if kind != Type::Confirmable {
        return None;
    }
    let reply = match e {
        Error::BadCriticalOption { number, .. } if code.is_request() => {
            Reply::error(Code::BAD_OPTION, &format!("bad option {number}"))
        }
        Error::ReservedBlockSize { .. } if code.is_request() => {
            Reply::error(Code::BAD_REQUEST, "SZX 7 is reserved over UDP")
        }
        _ => return Some(reset(id)),
    };
    let header = Header::Udp {
        kind: Type::Acknowledgement,
        message_id: id,
    };
    Some(reply.encode(header, token))
}

/// One line per request: transport, peer, type, method, path, and the answer.
fn log(
    transport: &str,
    from: SocketAddr,
    kind: Option<Type>,
    req: &Message<'_>,
    r: Option<&Reply>,
) {
    let path: String = req.uri_path().map(|s| format!("/{s}")).collect();
    let kind = kind.map_or(String::new(), |k| format!(" {k:?}"));
    let mut extra = String::new();
    if let Some(b) = req.block1() {
        extra += &format!(" Block1 {}/{}/{}", b.num, u8::from(b.more), b.size());
    }
    if let Some(b) = req.block2() {
        extra += &format!(" Block2 {}/{}/{}", b.num, u8::from(b.more), b.size());
    }
    if let Some(o) = req.observe() {
        extra += &format!(" Observe {o}");
    }
    let answer = match r {
        Some(r) => format!("{:?}", r.code),
        None => "Reset".into(),
    };
    println!(
        "{transport} {from}{kind} {:?} {}{extra} -> {answer}",
        req.code,
        if path.is_empty() { "/" } else { &path }
    );
}
