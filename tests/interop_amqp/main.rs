//! Interoperability of iotwire's AMQP 0-9-1 codec with RabbitMQ, iotwire being the
//! client, and with pika (a Python client no one here wrote) as the other end.
//!
//! Every frame the client sends is built from `iotwire::amqp` values and encoded with
//! `Packet::to_vec` (content bodies with `Frame::body_head` and one vectored write of
//! head, body octets and frame-end, or cut by `Frame::bodies`); every frame it receives
//! is framed and decoded by `Frame::decode_with` over a growing buffer, with the
//! negotiated frame-max, reading more while the decoder says `Incomplete`. Only
//! `std::net::TcpStream` besides, and `std::process` to run pika and rabbitmqctl.
//!
//! Each check opens its own connection: the protocol header, connection.start (the
//! server's properties and capabilities read), start-ok with PLAIN and client properties
//! holding a nested capabilities table, tune / tune-ok at a frame-max of 4096 (so that
//! bodies split), open / open-ok; then exchanges and queues with argument tables, bindings,
//! publishes with all 14 basic properties and headers of every RabbitMQ field type,
//! consumers, basic.get, basic.qos, publisher confirms, transactions, reject and nack,
//! heartbeats both ways, and closes started by either side; a login with AMQPLAIN (its
//! response a field table encoded by iotwire) and refused logins with either mechanism;
//! connection.blocked and connection.unblocked under a memory alarm that the client
//! raises and lifts with rabbitmqctl (last, and lifted also when the check fails).
//!
//! Needs a running RabbitMQ, so it is not part of `cargo test`; `scripts/interop_amqp.sh`
//! starts one and runs
//!
//! ```text
//! IOTWIRE_AMQP_ADDR=127.0.0.1:PORT IOTWIRE_AMQP_USER=guest IOTWIRE_AMQP_PASSWORD=guest \
//! IOTWIRE_PYTHON=python3 IOTWIRE_RABBITMQCTL=.../rabbitmqctl IOTWIRE_RABBITMQ_NODE=NODE \
//! IOTWIRE_RABBITMQ_HOME=DIR cargo test --test interop_amqp
//! ```
//!
//! `IOTWIRE_PYTHON` is a python3 that imports pika; `IOTWIRE_RABBITMQCTL` a rabbitmqctl
//! run as `rabbitmqctl -n $IOTWIRE_RABBITMQ_NODE` with `HOME=$IOTWIRE_RABBITMQ_HOME` (where
//! the node's Erlang cookie is; optional): without the first two the blocked check fails.
//! It prints one line per check and exits non-zero if any check fails or a variable of
//! the first four is not set.

use std::collections::VecDeque;
use std::io::{ErrorKind, IoSlice, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use iotwire::amqp::{
    BasicAck, BasicCancel, BasicConsume, BasicGet, BasicNack, BasicProperties, BasicPublish,
    BasicQos, BasicReject, ChannelClose, ChannelOpen, ConfirmSelect, ConnectionClose,
    ConnectionCloseOk, ConnectionOpen, ConnectionStartOk, ConnectionTune, ConnectionTuneOk,
    ContentHeader, Context, ExchangeBind, ExchangeDeclare, ExchangeDelete, FRAME_END, FieldArray,
    FieldTable, FieldValue, Frame, LongStr, Method, PROTOCOL_HEADER, Payload, QueueBind,
    QueueDeclare, QueueDelete, ShortStr, TxCommit, TxRollback, TxSelect, reply,
};
use iotwire::{DecodeError, Packet};

/// What a check reports: a short description of what RabbitMQ (or pika) did, or what
/// went wrong.
type Outcome = Result<String, String>;

/// One check: runs its own session and says what happened.
type Check = fn(&Env) -> Outcome;

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

/// The frame-max the client asks for: RabbitMQ's minimum, so that a body of a few
/// kilobytes already takes several body frames.
const FRAME_MAX: u32 = 4096;

/// What `recv_wire` says when the broker closed the socket, or reset it.
const CLOSED: &str = "the broker closed the connection";
const RESET: &str = "the broker reset the connection";

/// How long to wait for an answer before calling it missing.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

struct Env {
    addr: String,
    user: String,
    password: String,
    python: String,
    pika_script: String,
    /// The rabbitmqctl to run against the broker (check_blocked), the node's name, and
    /// the HOME that holds its Erlang cookie: `IOTWIRE_RABBITMQCTL`,
    /// `IOTWIRE_RABBITMQ_NODE`, `IOTWIRE_RABBITMQ_HOME`.
    rabbitmqctl: Option<String>,
    rabbitmq_node: Option<String>,
    rabbitmq_home: Option<String>,
}

fn main() -> ExitCode {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(addr), Some(user), Some(password), Some(python)) = (
        var("IOTWIRE_AMQP_ADDR"),
        var("IOTWIRE_AMQP_USER"),
        var("IOTWIRE_AMQP_PASSWORD"),
        var("IOTWIRE_PYTHON"),
    ) else {
        eprintln!(
            "interop_amqp: set IOTWIRE_AMQP_ADDR, IOTWIRE_AMQP_USER, IOTWIRE_AMQP_PASSWORD and \
             IOTWIRE_PYTHON (scripts/interop_amqp.sh does)"
        );
        return ExitCode::FAILURE;
    };
    let env = Env {
        addr,
        user,
        password,
        python,
        pika_script: concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/interop_amqp/pika_peer.py"
        )
        .into(),
        rabbitmqctl: var("IOTWIRE_RABBITMQCTL"),
        rabbitmq_node: var("IOTWIRE_RABBITMQ_NODE"),
        rabbitmq_home: var("IOTWIRE_RABBITMQ_HOME"),
    };
    let checks: &[(&str, Check)] = &[
        (
            "handshake: header, start, start-ok PLAIN, tune, open; close",
            check_handshake,
        ),
        (
            "refused login: connection.close 403 (authentication_failure_close)",
            check_refused_login,
        ),
        (
            "AMQPLAIN login: a LOGIN / PASSWORD table; a wrong password refused with 403",
            check_amqplain,
        ),
        (
            "two channels: exchanges, queues and bindings with argument tables",
            check_declare,
        ),
        (
            "publish all 14 properties and every field type; consume; ack",
            check_publish_consume,
        ),
        (
            "dead-lettering: RabbitMQ re-encodes the headers and adds x-death",
            check_dead_letter,
        ),
        ("basic.get: get-ok and get-empty", check_get),
        (
            "basic.qos: prefetch-count holds deliveries back until acked",
            check_qos,
        ),
        (
            "publisher confirms: confirm.select, basic.ack, basic.return",
            check_confirms,
        ),
        ("transactions: tx.select, tx.rollback, tx.commit", check_tx),
        (
            "basic.reject and basic.nack with requeue",
            check_reject_nack,
        ),
        ("heartbeats both ways at 1 s", check_heartbeats),
        (
            "server-initiated closes: channel.close 404, connection.close 504",
            check_server_close,
        ),
        (
            "pika publishes rich headers; iotwire consumes and checks them",
            check_from_pika,
        ),
        (
            "iotwire publishes; pika consumes and checks every field",
            check_to_pika,
        ),
        // Last: it raises a memory alarm on the broker (and lifts it, also when it fails).
        (
            "connection.blocked / unblocked: a memory alarm raised and lifted with rabbitmqctl",
            check_blocked,
        ),
    ];
    let mut passed = 0;
    let mut failed = 0;
    for (name, check) in checks {
        let started = Instant::now();
        match check(&env) {
            Ok(what) => {
                passed += 1;
                println!("ok   {name}: {what} ({} ms)", started.elapsed().as_millis());
            }
            Err(why) => {
                failed += 1;
                println!("FAIL {name}: {why}");
            }
        }
    }
    if failed > 0 {
        println!(
            "interop_amqp: {failed} of {} checks failed",
            passed + failed
        );
        return ExitCode::FAILURE;
    }
    println!("interop_amqp: {passed} checks passed");
    ExitCode::SUCCESS
}

// --- values -----------------------------------------------------------------------

/// A short string from a literal (const: panics at compile time if over 255 octets).
const fn s(v: &'static str) -> ShortStr<'static> {
    match ShortStr::new(v) {
        Ok(s) => s,
        Err(_) => panic!("short string over 255 octets"),
    }
}

const INNERMOST: &[(ShortStr<'static>, FieldValue<'static>)] = &[
    (s("depth"), FieldValue::U8(3)),
    (s("empty-array"), FieldValue::Array(FieldArray::new(&[]))),
    (s("empty-table"), FieldValue::Table(FieldTable::new(&[]))),
];

const NESTED: &[(ShortStr<'static>, FieldValue<'static>)] = &[
    (s("depth"), FieldValue::U8(2)),
    (s("sensor"), FieldValue::LongStr(LongStr::text("t-17"))),
    (s("reading"), FieldValue::F64(21.375)),
    (s("deeper"), FieldValue::Table(FieldTable::new(INNERMOST))),
];

const ARRAY: &[FieldValue<'static>] = &[
    FieldValue::I32(1),
    FieldValue::LongStr(LongStr::text("two")),
    FieldValue::Bool(false),
    FieldValue::Array(FieldArray::new(&[FieldValue::I64(-3), FieldValue::Void])),
    FieldValue::Table(FieldTable::new(&[(s("in-array"), FieldValue::U16(4))])),
    FieldValue::Timestamp(1_600_000_000),
    FieldValue::Bytes(b"\x05"),
];

/// Headers with every field type RabbitMQ reads (t b B s u I i l f d D S x A T F V),
/// nested tables and arrays.
const HEADERS: &[(ShortStr<'static>, FieldValue<'static>)] = &[
    (s("t-bool"), FieldValue::Bool(true)),
    (s("b-i8"), FieldValue::I8(-100)),
    (s("B-u8"), FieldValue::U8(250)),
    (s("s-i16"), FieldValue::I16(-30_000)),
    (s("u-u16"), FieldValue::U16(60_000)),
    (s("I-i32"), FieldValue::I32(-2_000_000_000)),
    (s("i-u32"), FieldValue::U32(4_000_000_000)),
    (s("l-i64"), FieldValue::I64(-9_000_000_000_000_000)),
    (s("f-f32"), FieldValue::F32(1.5)),
    (s("d-f64"), FieldValue::F64(-2.25e100)),
    (
        s("D-decimal"),
        FieldValue::Decimal {
            scale: 3,
            value: -123_456,
        },
    ),
    (
        s("S-longstr"),
        FieldValue::LongStr(LongStr::text("grüße, 温度")),
    ),
    (s("x-bytes"), FieldValue::Bytes(b"\x00\x01\xfe\xff")),
    (s("A-array"), FieldValue::Array(FieldArray::new(ARRAY))),
    (s("T-timestamp"), FieldValue::Timestamp(1_700_000_000)),
    (s("F-table"), FieldValue::Table(FieldTable::new(NESTED))),
    (s("V-void"), FieldValue::Void),
];

/// All 14 basic properties, with values RabbitMQ takes: `user-id` must be the user who
/// logged in; RabbitMQ 3.10 passes `cluster-id` through untouched.
fn all_properties(user: &str) -> Result<BasicProperties<'_>, String> {
    Ok(BasicProperties {
        content_type: Some(s("application/x-iotwire")),
        content_encoding: Some(s("identity")),
        headers: Some(FieldTable::new(HEADERS)),
        delivery_mode: Some(2),
        priority: Some(7),
        correlation_id: Some(s("corr-0042")),
        reply_to: Some(s("iotwire.replies")),
        expiration: Some(s("600000")),
        message_id: Some(s("msg-0001")),
        timestamp: Some(1_700_000_123),
        kind: Some(s("iotwire.interop")),
        user_id: Some(ShortStr::new(user).map_err(|e| e.to_string())?),
        app_id: Some(s("iotwire-interop-amqp")),
        cluster_id: Some(s("iotwire-cluster")),
    })
}

/// A body of `n` octets that is not one repeated pattern.
fn body(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 8) as u8)
        .collect()
}

/// Compares two tables entry by entry (names, order, values, recursing into tables and
/// arrays); returns how many leaf values matched, or what differs.
fn compare_tables(path: &str, want: FieldTable<'_>, got: FieldTable<'_>) -> Result<usize, String> {
    let w: Vec<_> = want.iter().collect();
    let g: Vec<_> = got.iter().collect();
    ensure!(
        w.len() == g.len(),
        "{path}: {} entries sent, {} came back: {:?}",
        w.len(),
        g.len(),
        g.iter().map(|(k, _)| *k).collect::<Vec<_>>()
    );
    let mut n = 0;
    for ((wk, wv), (gk, gv)) in w.iter().zip(&g) {
        ensure!(wk == gk, "{path}: entry {wk:?} came back as {gk:?}");
        n += compare_values(&format!("{path}.{}", wk.as_str().unwrap_or("?")), *wv, *gv)?;
    }
    Ok(n)
}

fn compare_values(path: &str, want: FieldValue<'_>, got: FieldValue<'_>) -> Result<usize, String> {
    match (want, got) {
        (FieldValue::Table(w), FieldValue::Table(g)) => compare_tables(path, w, g),
        (FieldValue::Array(w), FieldValue::Array(g)) => {
            let w: Vec<_> = w.iter().collect();
            let g: Vec<_> = g.iter().collect();
            ensure!(
                w.len() == g.len(),
                "{path}: {} values sent, {} came back",
                w.len(),
                g.len()
            );
            let mut n = 0;
            for (i, (wv, gv)) in w.iter().zip(&g).enumerate() {
                n += compare_values(&format!("{path}[{i}]"), *wv, *gv)?;
            }
            Ok(n)
        }
        (w, g) => {
            ensure!(w == g, "{path}: sent {w:?}, got {g:?}");
            Ok(1)
        }
    }
}

/// Compares the 14 properties one by one, the headers entry by entry; returns how many
/// fields matched.
fn compare_properties(
    want: &BasicProperties<'_>,
    got: &BasicProperties<'_>,
) -> Result<usize, String> {
    macro_rules! same {
        ($($f:ident),*) => {$(
            ensure!(want.$f == got.$f, "property {}: sent {:?}, got {:?}", stringify!($f), want.$f, got.$f);
        )*};
    }
    same!(
        content_type,
        content_encoding,
        delivery_mode,
        priority,
        correlation_id,
        reply_to,
        expiration,
        message_id,
        timestamp,
        kind,
        user_id,
        app_id,
        cluster_id
    );
    let headers = match (want.headers, got.headers) {
        (Some(w), Some(g)) => compare_tables("headers", w, g)?,
        (None, None) => 0,
        (w, g) => return Err(format!("headers: sent {w:?}, got {g:?}")),
    };
    Ok(13 + headers)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

// --- the client -----------------------------------------------------------------------

/// One frame received, owned: decode it again with [`Conn::frame`].
struct Raw {
    bytes: Vec<u8>,
    channel: u16,
}

/// What the handshake learned.
struct Handshake {
    product: String,
    version: String,
    capabilities: Vec<String>,
    mechanisms: String,
    locales: String,
    tune: ConnectionTune,
}

/// The SASL mechanism of connection.start-ok.
#[derive(Clone, Copy)]
enum Mechanism {
    /// `\0user\0password`.
    Plain,
    /// RabbitMQ's (and Qpid's) AMQPLAIN: a field table of LOGIN and PASSWORD.
    AmqPlain,
}

impl Mechanism {
    const fn name(self) -> &'static str {
        match self {
            Self::Plain => "PLAIN",
            Self::AmqPlain => "AMQPLAIN",
        }
    }
}

/// The response of AMQPLAIN: a field table holding LOGIN and PASSWORD as long strings,
/// without the table's 4-octet size (rabbit_auth_mechanism_amqplain parses the
/// response with `rabbit_binary_parser:parse_table`, which takes the entries only).
fn amqplain_response(user: &str, password: &str) -> Result<Vec<u8>, String> {
    let entries = [
        (s("LOGIN"), FieldValue::LongStr(LongStr::text(user))),
        (s("PASSWORD"), FieldValue::LongStr(LongStr::text(password))),
    ];
    let table = FieldTable::new(&entries);
    // Size, then per entry: name length, name, 'S', 4-octet length, text.
    let want = 4 + (1 + 5 + 1 + 4 + user.len()) + (1 + 8 + 1 + 4 + password.len());
    let mut buf = vec![0; want + 16];
    let n = table
        .encode(&mut buf)
        .map_err(|e| format!("encoding the AMQPLAIN table: {e}"))?;
    ensure!(n == want, "the AMQPLAIN table took {n} octets, not {want}");
    ensure!(
        buf[..4] == ((n - 4) as u32).to_be_bytes(),
        "the AMQPLAIN table's size prefix {}",
        hex(&buf[..4])
    );
    buf.truncate(n);
    buf.drain(..4);
    Ok(buf)
}

/// How to open a connection.
struct Opts<'e> {
    user: &'e str,
    password: &'e str,
    frame_max: u32,
    heartbeat: u16,
}

struct Conn {
    stream: TcpStream,
    inbuf: Vec<u8>,
    pending: VecDeque<Raw>,
    cx: Context,
    frame_max: u32,
    heartbeat: Option<Duration>,
    /// Send heartbeats when idle (off to see the broker give up on a silent client).
    send_heartbeats: bool,
    last_sent: Instant,
    heartbeats_in: usize,
    heartbeats_out: usize,
    frames_in: usize,
    frames_out: usize,
}

impl Conn {
    fn connect(addr: &str) -> Result<Self, String> {
        let stream = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        Ok(Self {
            stream,
            inbuf: Vec::with_capacity(64 * 1024),
            pending: VecDeque::new(),
            // Until tune, frames may be as large as the spec's minimum frame-max allows.
            cx: Context::new().frame_max(FRAME_MAX),
            frame_max: FRAME_MAX,
            heartbeat: None,
            send_heartbeats: true,
            last_sent: Instant::now(),
            heartbeats_in: 0,
            heartbeats_out: 0,
            frames_in: 0,
            frames_out: 0,
        })
    }

    /// Connects and runs the handshake up to open-ok.
    fn open(env: &Env) -> Result<Self, String> {
        Self::open_with(
            env,
            &Opts {
                user: &env.user,
                password: &env.password,
                frame_max: FRAME_MAX,
                heartbeat: 0,
            },
        )
        .map(|(c, _)| c)
    }

    fn open_with(env: &Env, o: &Opts<'_>) -> Result<(Self, Handshake), String> {
        let mut c = Self::connect(&env.addr)?;
        let hs = c.handshake(o)?;
        c.call(
            0,
            ConnectionOpen {
                virtual_host: s("/"),
                ..Default::default()
            },
            "connection.open-ok",
        )?;
        Ok((c, hs))
    }

    /// The protocol header, start / start-ok, tune / tune-ok.
    fn handshake(&mut self, o: &Opts<'_>) -> Result<Handshake, String> {
        let mut hs = self.start(o)?;
        hs.tune = self.tune(o)?;
        Ok(hs)
    }

    /// The protocol header, connection.start (read) and start-ok with PLAIN.
    fn start(&mut self, o: &Opts<'_>) -> Result<Handshake, String> {
        self.start_as(o, Mechanism::Plain)
    }

    /// The protocol header, connection.start (read) and start-ok with `mechanism`.
    fn start_as(&mut self, o: &Opts<'_>, mechanism: Mechanism) -> Result<Handshake, String> {
        self.write(&PROTOCOL_HEADER)?;
        let raw = self.want(0, "connection.start")?;
        let Method::ConnectionStart(start) = self.method(&raw)? else {
            unreachable!()
        };
        ensure!(
            (start.version_major, start.version_minor) == (0, 9),
            "connection.start for version {}-{}",
            start.version_major,
            start.version_minor
        );
        let props = start.server_properties;
        let text = |v: Option<FieldValue<'_>>| match v {
            Some(FieldValue::LongStr(s)) => s.as_str().unwrap_or("?").to_owned(),
            other => format!("{other:?}"),
        };
        let capabilities = match props.get("capabilities") {
            Some(FieldValue::Table(t)) => t
                .iter()
                .filter(|(_, v)| *v == FieldValue::Bool(true))
                .map(|(k, _)| k.as_str().unwrap_or("?").to_owned())
                .collect(),
            other => return Err(format!("server-properties capabilities: {other:?}")),
        };
        let hs = Handshake {
            product: text(props.get("product")),
            version: text(props.get("version")),
            capabilities,
            mechanisms: start.mechanisms.as_str().unwrap_or("?").to_owned(),
            locales: start.locales.as_str().unwrap_or("?").to_owned(),
            tune: ConnectionTune::default(),
        };
        let name = mechanism.name();
        ensure!(
            hs.mechanisms.split(' ').any(|m| m == name),
            "no {name} among the mechanisms {:?}",
            hs.mechanisms
        );

        let capabilities = [
            (s("publisher_confirms"), FieldValue::Bool(true)),
            (s("basic.nack"), FieldValue::Bool(true)),
            (s("consumer_cancel_notify"), FieldValue::Bool(true)),
            (s("connection.blocked"), FieldValue::Bool(true)),
            (s("authentication_failure_close"), FieldValue::Bool(true)),
        ];
        let client_properties = [
            (
                s("product"),
                FieldValue::LongStr(LongStr::text("iotwire interop_amqp")),
            ),
            (
                s("version"),
                FieldValue::LongStr(LongStr::text(env!("CARGO_PKG_VERSION"))),
            ),
            (
                s("platform"),
                FieldValue::LongStr(LongStr::text("Rust, std::net")),
            ),
            (
                s("connection_name"),
                FieldValue::LongStr(LongStr::text("iotwire-interop")),
            ),
            (
                s("capabilities"),
                FieldValue::Table(FieldTable::new(&capabilities)),
            ),
        ];
        let response = match mechanism {
            Mechanism::Plain => format!("\0{}\0{}", o.user, o.password).into_bytes(),
            Mechanism::AmqPlain => amqplain_response(o.user, o.password)?,
        };
        self.send(
            0,
            ConnectionStartOk {
                client_properties: FieldTable::new(&client_properties),
                mechanism: ShortStr::new(name).map_err(|e| e.to_string())?,
                response: LongStr::new(&response),
                locale: s("en_US"),
            },
        )?;
        Ok(hs)
    }

    /// connection.tune, answered with tune-ok: the smaller frame-max (0 is no limit),
    /// the heartbeat asked for.
    fn tune(&mut self, o: &Opts<'_>) -> Result<ConnectionTune, String> {
        let raw = self.want(0, "connection.tune")?;
        let Method::ConnectionTune(tune) = self.method(&raw)? else {
            unreachable!()
        };
        let frame_max = match tune.frame_max {
            0 => o.frame_max,
            n => n.min(o.frame_max),
        };
        self.send(
            0,
            ConnectionTuneOk {
                channel_max: tune.channel_max,
                frame_max,
                heartbeat: o.heartbeat,
            },
        )?;
        self.frame_max = frame_max;
        self.cx = Context::new().frame_max(frame_max);
        self.heartbeat = (o.heartbeat > 0).then(|| Duration::from_secs(o.heartbeat.into()));
        Ok(tune)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.stream
            .write_all(bytes)
            .map_err(|e| format!("write: {e}"))?;
        self.last_sent = Instant::now();
        Ok(())
    }

    fn send_frame(&mut self, f: &Frame<'_>) -> Result<(), String> {
        let bytes = f.to_vec().map_err(|e| format!("encoding {f:?}: {e}"))?;
        ensure!(
            bytes.len() <= self.frame_max as usize,
            "own frame of {} octets over frame-max {}",
            bytes.len(),
            self.frame_max
        );
        self.frames_out += 1;
        self.write(&bytes)
    }

    fn send<'m>(&mut self, channel: u16, m: impl Into<Method<'m>>) -> Result<(), String> {
        self.send_frame(&Frame {
            channel,
            payload: Payload::Method(m.into()),
        })
    }

    /// Sends a method and waits for the reply named `reply` on the same channel.
    fn call<'m>(
        &mut self,
        channel: u16,
        m: impl Into<Method<'m>>,
        reply: &str,
    ) -> Result<Raw, String> {
        self.send(channel, m)?;
        self.want(channel, reply)
    }

    /// basic.publish, the content header, and the body: written with `Frame::body_head`
    /// and vectored writes when `vectored`, else as the frames of `Frame::bodies`.
    fn publish(
        &mut self,
        channel: u16,
        publish: BasicPublish<'_>,
        properties: BasicProperties<'_>,
        body: &[u8],
        vectored: bool,
    ) -> Result<(), String> {
        self.send(channel, publish)?;
        self.send_frame(&Frame {
            channel,
            payload: Payload::Header(ContentHeader {
                body_size: body.len() as u64,
                properties,
            }),
        })?;
        if !vectored {
            for f in Frame::bodies(channel, body, self.frame_max) {
                self.send_frame(&f)?;
            }
            return Ok(());
        }
        let room = self.frame_max as usize - 8;
        for chunk in body.chunks(room) {
            let head = Frame::body_head(channel, chunk.len()).map_err(|e| e.to_string())?;
            let end = [FRAME_END];
            let mut slices = [IoSlice::new(&head), IoSlice::new(chunk), IoSlice::new(&end)];
            let mut rest = &mut slices[..];
            while !rest.is_empty() {
                let n = self
                    .stream
                    .write_vectored(rest)
                    .map_err(|e| format!("write_vectored: {e}"))?;
                ensure!(n > 0, "write_vectored wrote nothing");
                IoSlice::advance_slices(&mut rest, n);
            }
            self.frames_out += 1;
        }
        self.last_sent = Instant::now();
        Ok(())
    }

    /// Sends a heartbeat when one is due (half the negotiated interval without sending).
    fn heartbeat_if_due(&mut self) -> Result<(), String> {
        if let Some(h) = self.heartbeat
            && self.send_heartbeats
            && self.last_sent.elapsed() >= h / 2
        {
            self.send_frame(&Frame::HEARTBEAT)?;
            self.heartbeats_out += 1;
        }
        Ok(())
    }

    /// The next frame from the wire that is not a heartbeat (heartbeats are counted),
    /// or `None` after `timeout`. An end of stream is an error naming it.
    fn recv_wire(&mut self, timeout: Duration) -> Result<Option<Raw>, String> {
        let deadline = Instant::now() + timeout;
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match Frame::decode_with(&self.inbuf, &self.cx) {
                Ok((f, used)) => {
                    let heartbeat = f.payload == Payload::Heartbeat;
                    let channel = f.channel;
                    let bytes: Vec<u8> = self.inbuf.drain(..used).collect();
                    self.frames_in += 1;
                    if heartbeat {
                        self.heartbeats_in += 1;
                        continue;
                    }
                    return Ok(Some(Raw { bytes, channel }));
                }
                Err(e) if e.is_incomplete() => {}
                Err(e) => {
                    return Err(format!(
                        "iotwire cannot decode a frame from the broker: {e}; frame hex {}",
                        hex(&self.inbuf[..self.inbuf.len().min(256)])
                    ));
                }
            }
            self.heartbeat_if_due()?;
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            let wait = (deadline - now).min(Duration::from_millis(100));
            self.stream
                .set_read_timeout(Some(wait))
                .map_err(|e| e.to_string())?;
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(CLOSED.into()),
                // RabbitMQ closes a connection it gave up on with SO_LINGER 0: a reset.
                Err(e) if e.kind() == ErrorKind::ConnectionReset => return Err(RESET.into()),
                Ok(n) => self.inbuf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => return Err(format!("read: {e}")),
            }
        }
    }

    /// The next frame on `channel` within `timeout` (frames of other channels wait in
    /// order).
    fn recv_on_within(&mut self, channel: u16, timeout: Duration) -> Result<Option<Raw>, String> {
        if let Some(i) = self.pending.iter().position(|r| r.channel == channel) {
            return Ok(self.pending.remove(i));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.recv_wire(left)? {
                Some(r) if r.channel == channel => return Ok(Some(r)),
                Some(r) => self.pending.push_back(r),
                None => return Ok(None),
            }
        }
    }

    fn recv_on(&mut self, channel: u16) -> Result<Raw, String> {
        self.recv_on_within(channel, ANSWER_TIMEOUT)?
            .ok_or_else(|| {
                format!("nothing from the broker on channel {channel} in {ANSWER_TIMEOUT:?}")
            })
    }

    fn frame<'r>(&self, raw: &'r Raw) -> Frame<'r> {
        // Decoded once already, with this same context.
        Frame::decode_with(&raw.bytes, &self.cx)
            .expect("a frame decoded before")
            .0
    }

    fn method<'r>(&self, raw: &'r Raw) -> Result<Method<'r>, String> {
        match self.frame(raw).payload {
            Payload::Method(m) => Ok(m),
            other => Err(format!("a method expected, got {other:?}")),
        }
    }

    /// The next frame on `channel`, which must be the method named `name` (else the
    /// error says what came, with a channel.close or connection.close's reply text).
    fn want(&mut self, channel: u16, name: &str) -> Result<Raw, String> {
        let raw = self.recv_on(channel)?;
        let m = self.method(&raw)?;
        if m.name() != name {
            return Err(format!("{name} expected on channel {channel}, got {m:?}"));
        }
        Ok(raw)
    }

    /// A message: the method that brings it (deliver, get-ok, return), its header and
    /// its body, with the number of body frames.
    fn recv_message(&mut self, channel: u16, method: &str) -> Result<Message, String> {
        let method = self.want(channel, method)?;
        let header = self.recv_on(channel)?;
        let Payload::Header(h) = self.frame(&header).payload else {
            return Err(format!(
                "a content header expected, got {:?}",
                self.frame(&header)
            ));
        };
        let size = h.body_size as usize;
        let mut body = Vec::with_capacity(size);
        let mut frames = 0;
        while body.len() < size {
            let raw = self.recv_on(channel)?;
            let Payload::Body(b) = self.frame(&raw).payload else {
                return Err(format!("a body frame expected, got {:?}", self.frame(&raw)));
            };
            ensure!(
                raw.bytes.len() <= self.frame_max as usize,
                "body frame of {} octets over frame-max {}",
                raw.bytes.len(),
                self.frame_max
            );
            body.extend_from_slice(b);
            frames += 1;
        }
        ensure!(
            body.len() == size,
            "body of {} octets, header said {size}",
            body.len()
        );
        Ok(Message {
            method,
            header,
            body,
            frames,
        })
    }

    fn open_channel(&mut self, channel: u16) -> Result<(), String> {
        self.call(channel, ChannelOpen::default(), "channel.open-ok")
            .map(|_| ())
    }

    fn close_channel(&mut self, channel: u16) -> Result<(), String> {
        self.call(
            channel,
            ChannelClose {
                reply_code: reply::REPLY_SUCCESS,
                reply_text: s("bye"),
                ..Default::default()
            },
            "channel.close-ok",
        )
        .map(|_| ())
    }

    /// connection.close from the client; close-ok from the broker; then the client
    /// closes the socket (RabbitMQ waits for it to).
    fn close(mut self) -> Result<(), String> {
        self.call(
            0,
            ConnectionClose {
                reply_code: reply::REPLY_SUCCESS,
                reply_text: s("iotwire interop done"),
                ..Default::default()
            },
            "connection.close-ok",
        )?;
        self.stream
            .shutdown(Shutdown::Both)
            .map_err(|e| format!("shutdown: {e}"))
    }

    /// Waits for the broker to close (or reset) the socket, with nothing more than
    /// heartbeats before.
    fn expect_eof(&mut self) -> Result<(), String> {
        match self.recv_wire(ANSWER_TIMEOUT) {
            Err(e) if e == CLOSED || e == RESET => Ok(()),
            Err(e) => Err(e),
            Ok(Some(r)) => Err(format!("a frame after the close: {:?}", self.frame(&r))),
            Ok(None) => Err("the broker kept the socket open after the close".into()),
        }
    }

    fn queue_declare(
        &mut self,
        channel: u16,
        q: QueueDeclare<'_>,
    ) -> Result<(String, u32, u32), String> {
        let raw = self.call(channel, q, "queue.declare-ok")?;
        let Method::QueueDeclareOk(ok) = self.method(&raw)? else {
            unreachable!()
        };
        Ok((
            ok.queue.as_str().unwrap_or("?").to_owned(),
            ok.message_count,
            ok.consumer_count,
        ))
    }

    /// The number of messages ready in `queue` (a passive declare).
    fn message_count(&mut self, channel: u16, queue: &str) -> Result<u32, String> {
        let q = ShortStr::new(queue).map_err(|e| e.to_string())?;
        self.queue_declare(
            channel,
            QueueDeclare {
                queue: q,
                passive: true,
                ..Default::default()
            },
        )
        .map(|(_, n, _)| n)
    }

    /// The message count of `queue` once it is `want`, or the last one after 3 s:
    /// RabbitMQ answers a passive declare from the queue's statistics, which another
    /// process updates, so a count may lag behind the methods before it.
    fn count_eventually(&mut self, channel: u16, queue: &str, want: u32) -> Result<u32, String> {
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            let n = self.message_count(channel, queue)?;
            if n == want || Instant::now() >= deadline {
                return Ok(n);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// basic.get: `Some(message)` for get-ok, `None` for get-empty.
    fn get(&mut self, channel: u16, queue: &str, no_ack: bool) -> Result<Option<Message>, String> {
        let q = ShortStr::new(queue).map_err(|e| e.to_string())?;
        self.send(
            channel,
            BasicGet {
                queue: q,
                no_ack,
                ..Default::default()
            },
        )?;
        let raw = self.recv_on(channel)?;
        match self.method(&raw)? {
            Method::BasicGetEmpty(_) => Ok(None),
            Method::BasicGetOk(_) => {
                // Put the method back in front and read it as a message.
                self.pending.push_front(raw);
                self.recv_message(channel, "basic.get-ok").map(Some)
            }
            m => Err(format!("basic.get-ok or get-empty expected, got {m:?}")),
        }
    }

    /// basic.get until a message comes or 3 s pass (for what another queue's process
    /// routes, such as dead letters).
    fn get_eventually(
        &mut self,
        channel: u16,
        queue: &str,
        no_ack: bool,
    ) -> Result<Option<Message>, String> {
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            match self.get(channel, queue, no_ack)? {
                Some(m) => return Ok(Some(m)),
                None if Instant::now() >= deadline => return Ok(None),
                None => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }

    fn ack(&mut self, channel: u16, delivery_tag: u64, multiple: bool) -> Result<(), String> {
        self.send(
            channel,
            BasicAck {
                delivery_tag,
                multiple,
            },
        )
    }
}

struct Message {
    method: Raw,
    header: Raw,
    body: Vec<u8>,
    frames: usize,
}

impl Message {
    fn properties<'r>(&'r self, c: &Conn) -> BasicProperties<'r> {
        match c.frame(&self.header).payload {
            Payload::Header(h) => h.properties,
            _ => unreachable!("checked in recv_message"),
        }
    }

    /// delivery-tag and redelivered of a deliver or get-ok.
    fn tag(&self, c: &Conn) -> (u64, bool) {
        match c.method(&self.method) {
            Ok(Method::BasicDeliver(d)) => (d.delivery_tag, d.redelivered),
            Ok(Method::BasicGetOk(g)) => (g.delivery_tag, g.redelivered),
            _ => (0, false),
        }
    }
}

fn publish_to<'q>(exchange: &'q str, routing_key: &'q str) -> Result<BasicPublish<'q>, String> {
    Ok(BasicPublish {
        exchange: ShortStr::new(exchange).map_err(|e| e.to_string())?,
        routing_key: ShortStr::new(routing_key).map_err(|e| e.to_string())?,
        ..Default::default()
    })
}

fn plain(text: &str) -> BasicProperties<'_> {
    BasicProperties {
        content_type: ShortStr::new(text).ok(),
        ..Default::default()
    }
}

// --- checks -----------------------------------------------------------------------

fn check_handshake(env: &Env) -> Outcome {
    let (c, hs) = Conn::open_with(
        env,
        &Opts {
            user: &env.user,
            password: &env.password,
            frame_max: FRAME_MAX,
            heartbeat: 0,
        },
    )?;
    ensure!(hs.product == "RabbitMQ", "server product {:?}", hs.product);
    for cap in [
        "publisher_confirms",
        "basic.nack",
        "consumer_cancel_notify",
        "authentication_failure_close",
    ] {
        ensure!(
            hs.capabilities.iter().any(|c| c == cap),
            "capability {cap} not among {:?}",
            hs.capabilities
        );
    }
    ensure!(
        hs.tune.frame_max >= FRAME_MAX,
        "server frame-max {} below 4096",
        hs.tune.frame_max
    );
    ensure!(
        c.frame_max == FRAME_MAX,
        "negotiated frame-max {}",
        c.frame_max
    );
    c.close()?;
    Ok(format!(
        "{} {}, mechanisms {:?}, locales {:?}, {} capabilities; tune: channel-max {}, frame-max {} \
         (took {FRAME_MAX}), heartbeat {} s; open-ok; close / close-ok",
        hs.product,
        hs.version,
        hs.mechanisms,
        hs.locales,
        hs.capabilities.len(),
        hs.tune.channel_max,
        hs.tune.frame_max,
        hs.tune.heartbeat
    ))
}

/// After a start-ok with a wrong password: with authentication_failure_close among the
/// client's capabilities, RabbitMQ answers with connection.close 403 instead of
/// dropping the socket. Answers close-ok, waits for the socket to close, and returns
/// the reply text.
fn expect_refused(c: &mut Conn) -> Result<String, String> {
    let raw = c.recv_on(0)?;
    let text = match c.method(&raw) {
        Ok(Method::ConnectionClose(close)) => {
            ensure!(
                close.reply_code == reply::ACCESS_REFUSED,
                "connection.close with {} {:?}",
                close.reply_code,
                close.reply_text
            );
            close.reply_text.as_str().unwrap_or("?").to_owned()
        }
        other => return Err(format!("connection.close 403 expected, got {other:?}")),
    };
    c.send(0, ConnectionCloseOk)?;
    c.expect_eof()?;
    Ok(text)
}

fn check_refused_login(env: &Env) -> Outcome {
    let mut c = Conn::connect(&env.addr)?;
    c.start(&Opts {
        user: &env.user,
        password: "not the password",
        frame_max: FRAME_MAX,
        heartbeat: 0,
    })?;
    let text = expect_refused(&mut c)?;
    Ok(format!(
        "connection.close 403: {text:?}; close-ok; socket closed"
    ))
}

fn check_amqplain(env: &Env) -> Outcome {
    let o = Opts {
        user: &env.user,
        password: &env.password,
        frame_max: FRAME_MAX,
        heartbeat: 0,
    };
    let mut c = Conn::connect(&env.addr)?;
    let hs = c.start_as(&o, Mechanism::AmqPlain)?;
    c.tune(&o)?;
    c.call(
        0,
        ConnectionOpen {
            virtual_host: s("/"),
            ..Default::default()
        },
        "connection.open-ok",
    )?;
    c.open_channel(1)?;
    let (queue, messages, consumers) = c.queue_declare(
        1,
        QueueDeclare {
            exclusive: true,
            auto_delete: true,
            ..Default::default()
        },
    )?;
    ensure!(
        queue.starts_with("amq.gen-") && (messages, consumers) == (0, 0),
        "queue.declare-ok {queue:?} with {messages} messages, {consumers} consumers"
    );
    c.close_channel(1)?;
    c.close()?;

    let mut c = Conn::connect(&env.addr)?;
    c.start_as(
        &Opts {
            password: "not the password",
            ..o
        },
        Mechanism::AmqPlain,
    )?;
    let text = expect_refused(&mut c)?;
    Ok(format!(
        "mechanisms {:?}; start-ok AMQPLAIN {{LOGIN, PASSWORD}}, tune, open-ok, queue.declare-ok \
         {queue:?}, close / close-ok; a wrong password: connection.close 403 {text:?}",
        hs.mechanisms
    ))
}

/// The objects of check_declare.
const AE: &str = "iotwire.ae";
const DIRECT: &str = "iotwire.direct";
const TOPIC: &str = "iotwire.topic";
const DLX: &str = "iotwire.dlx";
const Q_AE: &str = "iotwire.q.ae";
const Q_LIMITED: &str = "iotwire.q.limited";
const Q_DEAD: &str = "iotwire.q.dead";

fn check_declare(env: &Env) -> Outcome {
    let mut c = Conn::open(env)?;
    c.open_channel(1)?;
    c.open_channel(2)?;
    // Whatever an earlier run against this broker left (deleting what does not exist
    // is not an error in RabbitMQ).
    delete_declared(&mut c, 1)?;
    let ae_args = [(
        s("alternate-exchange"),
        FieldValue::LongStr(LongStr::text(AE)),
    )];
    for (channel, name, kind, args) in [
        (1, AE, "fanout", FieldTable::EMPTY),
        (1, DLX, "fanout", FieldTable::EMPTY),
        (1, DIRECT, "direct", FieldTable::new(&ae_args)),
        (2, TOPIC, "topic", FieldTable::EMPTY),
    ] {
        c.call(
            channel,
            ExchangeDeclare {
                exchange: s(name),
                kind: s(kind),
                auto_delete: false,
                arguments: args,
                ..Default::default()
            },
            "exchange.declare-ok",
        )?;
    }
    let limited_args = [
        (s("x-message-ttl"), FieldValue::I32(600_000)),
        (s("x-max-length"), FieldValue::I64(2)),
        (
            s("x-dead-letter-exchange"),
            FieldValue::LongStr(LongStr::text(DLX)),
        ),
    ];
    let limited = |args| QueueDeclare {
        queue: s(Q_LIMITED),
        arguments: args,
        ..Default::default()
    };
    c.queue_declare(2, limited(FieldTable::new(&limited_args)))?;
    for q in [Q_AE, Q_DEAD] {
        c.queue_declare(
            2,
            QueueDeclare {
                queue: s(q),
                ..Default::default()
            },
        )?;
    }
    let bind_args = [(s("x-iotwire-binding"), FieldValue::Bool(true))];
    for (queue, exchange, key) in [
        (Q_AE, AE, ""),
        (Q_LIMITED, DIRECT, "limited"),
        (Q_LIMITED, TOPIC, "sensor.*.temp"),
        (Q_DEAD, DLX, ""),
    ] {
        c.call(
            1,
            QueueBind {
                queue: s(queue),
                exchange: s(exchange),
                routing_key: s(key),
                arguments: FieldTable::new(&bind_args),
                ..Default::default()
            },
            "queue.bind-ok",
        )?;
    }
    // RabbitMQ's exchange-to-exchange binding: the topic exchange also gets what the
    // direct one routes with "sensor.e2e.temp" (the topic binding then takes it).
    c.call(
        1,
        ExchangeBind {
            destination: s(TOPIC),
            source: s(DIRECT),
            routing_key: s("sensor.e2e.temp"),
            ..Default::default()
        },
        "exchange.bind-ok",
    )?;

    // The broker read the argument table: declaring again with another x-max-length is
    // refused with channel.close 406 naming it.
    let other_args = [
        (s("x-message-ttl"), FieldValue::I32(600_000)),
        (s("x-max-length"), FieldValue::I64(3)),
        (
            s("x-dead-letter-exchange"),
            FieldValue::LongStr(LongStr::text(DLX)),
        ),
    ];
    c.send(2, limited(FieldTable::new(&other_args)))?;
    let raw = c.want(2, "channel.close")?;
    let Method::ChannelClose(close) = c.method(&raw)? else {
        unreachable!()
    };
    let refusal = close.reply_text.as_str().unwrap_or("?").to_owned();
    ensure!(
        close.reply_code == reply::PRECONDITION_FAILED && refusal.contains("x-max-length"),
        "channel.close {} {refusal:?}",
        close.reply_code
    );
    c.send(2, iotwire::amqp::ChannelCloseOk)?;
    c.open_channel(2)?;

    // Routing through what was declared: an unroutable key goes to the alternate
    // exchange; a topic key and the exchange-to-exchange binding reach the limited queue.
    c.publish(
        1,
        publish_to(DIRECT, "nowhere")?,
        plain("text/plain"),
        b"to the AE",
        false,
    )?;
    c.publish(
        2,
        publish_to(TOPIC, "sensor.7.temp")?,
        plain("text/plain"),
        b"topic",
        false,
    )?;
    c.publish(
        2,
        publish_to(DIRECT, "sensor.e2e.temp")?,
        plain("text/plain"),
        b"e2e",
        false,
    )?;
    let got = c
        .get_eventually(1, Q_AE, true)?
        .ok_or("the alternate exchange's queue is empty")?;
    ensure!(
        got.body == b"to the AE",
        "alternate exchange: body {:?}",
        got.body
    );
    let topic = c
        .get_eventually(2, Q_LIMITED, false)?
        .ok_or("the limited queue is empty")?;
    ensure!(
        topic.body == b"topic",
        "first in the limited queue: {:?}",
        topic.body
    );
    let (tag, _) = topic.tag(&c);
    c.send(
        2,
        BasicNack {
            delivery_tag: tag,
            multiple: false,
            requeue: false,
        },
    )?;
    // The nack without requeue dead-letters to the DLX, into the dead queue; the e2e
    // message is still in the limited queue.
    let e2e = c
        .get_eventually(2, Q_LIMITED, true)?
        .ok_or("the e2e message did not arrive")?;
    ensure!(e2e.body == b"e2e", "exchange-to-exchange: {:?}", e2e.body);
    let dead = c
        .get_eventually(1, Q_DEAD, true)?
        .ok_or("nothing dead-lettered by the nack")?;
    let reason = dead
        .properties(&c)
        .headers
        .and_then(|h| h.get("x-death"))
        .and_then(|v| match v {
            FieldValue::Array(a) => a.iter().next(),
            _ => None,
        })
        .and_then(|v| match v {
            FieldValue::Table(t) => t.get("reason"),
            _ => None,
        });
    ensure!(
        reason == Some(FieldValue::LongStr(LongStr::text("rejected"))),
        "x-death reason {reason:?}"
    );
    c.close_channel(2)?;
    c.close_channel(1)?;
    c.close()?;
    Ok(format!(
        "4 exchanges (alternate-exchange argument), 3 queues (x-message-ttl, x-max-length, \
         x-dead-letter-exchange), 4 queue bindings with arguments, 1 exchange binding; \
         redeclare refused: 406 {refusal:?}; unroutable -> AE, topic and e2e routed, \
         nack -> dead-lettered (x-death reason rejected); channels and connection closed"
    ))
}

fn check_publish_consume(env: &Env) -> Outcome {
    let mut c = Conn::open(env)?;
    c.open_channel(1)?;
    c.open_channel(2)?;
    let (queue, _, _) = c.queue_declare(
        1,
        QueueDeclare {
            exclusive: true,
            ..Default::default()
        },
    )?;
    ensure!(
        queue.starts_with("amq.gen-"),
        "server-named queue {queue:?}"
    );
    c.call(
        2,
        BasicQos {
            prefetch_count: 10,
            ..Default::default()
        },
        "basic.qos-ok",
    )?;
    let consume_args = [(s("x-priority"), FieldValue::I32(5))];
    c.call(
        2,
        BasicConsume {
            queue: ShortStr::new(&queue).map_err(|e| e.to_string())?,
            consumer_tag: s("iotwire-consumer"),
            arguments: FieldTable::new(&consume_args),
            ..Default::default()
        },
        "basic.consume-ok",
    )?;
    let props = all_properties(&env.user)?;
    let small = body(10_000, 1);
    let large = body(200_000, 2);
    c.publish(1, publish_to("", &queue)?, props, &small, true)?;
    c.publish(1, publish_to("", &queue)?, props, &large, false)?;
    let mut fields = 0;
    let mut frames = Vec::new();
    for (i, sent) in [&small, &large].into_iter().enumerate() {
        let m = c.recv_message(2, "basic.deliver")?;
        let Method::BasicDeliver(d) = c.method(&m.method)? else {
            unreachable!()
        };
        ensure!(
            d.consumer_tag == "iotwire-consumer"
                && d.delivery_tag == i as u64 + 1
                && !d.redelivered
                && d.exchange == ""
                && d.routing_key == queue.as_str(),
            "deliver {d:?}"
        );
        ensure!(m.body == *sent, "body {i} of {} octets differs", sent.len());
        let want = sent.len().div_ceil(FRAME_MAX as usize - 8);
        ensure!(
            m.frames == want,
            "{} body frames, {want} expected",
            m.frames
        );
        fields += compare_properties(&props, &m.properties(&c))?;
        frames.push(m.frames);
    }
    c.ack(2, 2, true)?;
    c.call(
        2,
        BasicCancel {
            consumer_tag: s("iotwire-consumer"),
            nowait: false,
        },
        "basic.cancel-ok",
    )?;
    let left = c.count_eventually(1, &queue, 0)?;
    ensure!(left == 0, "{left} messages left after the ack");
    c.close_channel(2)?;
    c.close_channel(1)?;
    c.close()?;
    Ok(format!(
        "2 messages (10000 octets in {} body frames by body_head + write_vectored, 200000 in {} \
         by Frame::bodies) delivered back on the other channel with {fields} fields equal \
         (13 properties, every header leaf), acked (multiple), cancel-ok, queue empty",
        frames[0], frames[1]
    ))
}

fn check_dead_letter(env: &Env) -> Outcome {
    // The limited queue (x-max-length 2, from check_declare) drops its head into the
    // DLX when a third message comes: RabbitMQ decodes the headers, adds x-death and
    // encodes them again with its own encoder.
    let mut c = Conn::open(env)?;
    c.open_channel(1)?;
    let props = all_properties(&env.user)?;
    c.publish(1, publish_to(DIRECT, "limited")?, props, b"first", false)?;
    c.publish(
        1,
        publish_to(DIRECT, "limited")?,
        plain("text/plain"),
        b"second",
        false,
    )?;
    c.publish(
        1,
        publish_to(DIRECT, "limited")?,
        plain("text/plain"),
        b"third",
        false,
    )?;
    let limited = c.count_eventually(1, Q_LIMITED, 2)?;
    ensure!(limited == 2, "the x-max-length 2 queue holds {limited}");
    let dead = c
        .get_eventually(1, Q_DEAD, false)?
        .ok_or("nothing dead-lettered")?;
    ensure!(dead.body == b"first", "dead-lettered body {:?}", dead.body);
    let got = dead.properties(&c);
    let headers = got
        .headers
        .ok_or("no headers on the dead-lettered message")?;
    // The sent headers come back in order, then RabbitMQ's own.
    let ours = FieldTable::new(HEADERS);
    let mut leaves = 0;
    let mut extra = Vec::new();
    for (k, v) in headers.iter() {
        match ours.get(k.as_str().unwrap_or("")) {
            Some(w) => leaves += compare_values(&format!("headers.{k:?}"), w, v)?,
            None => extra.push(k.as_str().unwrap_or("?").to_owned()),
        }
    }
    ensure!(
        leaves > 0
            && ours
                .iter()
                .all(|(k, _)| headers.get(k.as_str().unwrap_or("")).is_some()),
        "headers lost in dead-lettering: {headers:?}"
    );
    let death = match headers.get("x-death") {
        Some(FieldValue::Array(a)) => a.iter().next(),
        other => return Err(format!("x-death {other:?}")),
    };
    let Some(FieldValue::Table(death)) = death else {
        return Err(format!("x-death[0] {death:?}"));
    };
    let want = [
        ("reason", FieldValue::LongStr(LongStr::text("maxlen"))),
        ("queue", FieldValue::LongStr(LongStr::text(Q_LIMITED))),
        ("exchange", FieldValue::LongStr(LongStr::text(DIRECT))),
        ("count", FieldValue::I64(1)),
    ];
    for (k, v) in want {
        ensure!(
            death.get(k) == Some(v),
            "x-death[0].{k}: {:?} ({death:?})",
            death.get(k)
        );
    }
    ensure!(
        matches!(death.get("time"), Some(FieldValue::Timestamp(_))),
        "x-death[0].time {:?}",
        death.get("time")
    );
    // The properties other than headers survive too (the expiration is moved into
    // x-death's original-expiration by RabbitMQ when dead-lettering).
    let mut same = 0;
    macro_rules! same {
        ($($f:ident),*) => {$(
            ensure!(props.$f == got.$f, "{}: sent {:?}, dead-lettered {:?}", stringify!($f), props.$f, got.$f);
            same += 1;
        )*};
    }
    same!(
        content_type,
        content_encoding,
        delivery_mode,
        priority,
        correlation_id,
        reply_to
    );
    same!(message_id, timestamp, kind, user_id, app_id, cluster_id);
    let (tag, _) = dead.tag(&c);
    c.ack(1, tag, false)?;
    delete_declared(&mut c, 1)?;
    c.close_channel(1)?;
    c.close()?;
    Ok(format!(
        "x-max-length 2 dropped the head into the DLX; {leaves} header leaves re-encoded by \
         RabbitMQ equal what was sent, RabbitMQ added {extra:?} (x-death reason maxlen, count \
         1, time), {same} other properties kept; queues and exchanges deleted"
    ))
}

/// Deletes the queues and exchanges of check_declare.
fn delete_declared(c: &mut Conn, channel: u16) -> Result<(), String> {
    for q in [Q_LIMITED, Q_DEAD, Q_AE] {
        c.call(
            channel,
            QueueDelete {
                queue: s(q),
                ..Default::default()
            },
            "queue.delete-ok",
        )?;
    }
    for x in [DIRECT, TOPIC, AE, DLX] {
        c.call(
            channel,
            ExchangeDelete {
                exchange: s(x),
                ..Default::default()
            },
            "exchange.delete-ok",
        )?;
    }
    Ok(())
}

fn check_get(env: &Env) -> Outcome {
    let mut c = Conn::open(env)?;
    c.open_channel(1)?;
    let (queue, _, _) = c.queue_declare(
        1,
        QueueDeclare {
            exclusive: true,
            ..Default::default()
        },
    )?;
    for i in 0..2u8 {
        c.publish(
            1,
            publish_to("", &queue)?,
            plain("text/plain"),
            &[b'0' + i; 5000],
            true,
        )?;
    }
    let first = c
        .get(1, &queue, false)?
        .ok_or("get-empty with 2 messages queued")?;
    let Method::BasicGetOk(ok) = c.method(&first.method)? else {
        unreachable!()
    };
    ensure!(
        ok.message_count == 1
            && ok.delivery_tag == 1
            && first.body == [b'0'; 5000]
            && first.frames == 2,
        "first get-ok {ok:?}, {} frames",
        first.frames
    );
    c.ack(1, ok.delivery_tag, false)?;
    let second = c
        .get(1, &queue, true)?
        .ok_or("get-empty with 1 message queued")?;
    let Method::BasicGetOk(ok2) = c.method(&second.method)? else {
        unreachable!()
    };
    ensure!(
        ok2.message_count == 0 && second.body == [b'1'; 5000],
        "second get-ok {ok2:?}"
    );
    let third = c.get(1, &queue, false)?;
    ensure!(third.is_none(), "a third message from an empty queue");
    c.close_channel(1)?;
    c.close()?;
    Ok(
        "get-ok (message-count 1, 5000 octets in 2 body frames), ack; get-ok no-ack \
        (message-count 0); get-empty"
            .into(),
    )
}

fn check_qos(env: &Env) -> Outcome {
    let mut c = Conn::open(env)?;
    c.open_channel(1)?;
    let (queue, _, _) = c.queue_declare(
        1,
        QueueDeclare {
            exclusive: true,
            ..Default::default()
        },
    )?;
    for i in 0..5u8 {
        c.publish(1, publish_to("", &queue)?, plain("text/plain"), &[i], false)?;
    }
    c.call(
        1,
        BasicQos {
            prefetch_count: 2,
            ..Default::default()
        },
        "basic.qos-ok",
    )?;
    c.call(
        1,
        BasicConsume {
            queue: ShortStr::new(&queue).map_err(|e| e.to_string())?,
            consumer_tag: s("qos"),
            ..Default::default()
        },
        "basic.consume-ok",
    )?;
    let mut seen = Vec::new();
    let mut rounds = Vec::new();
    while seen.len() < 5 {
        // Take what arrives, then make sure nothing more comes unacknowledged.
        let mut round = 0;
        while let Some(raw) = c.recv_on_within(1, Duration::from_millis(300))? {
            c.pending.push_front(raw);
            let m = c.recv_message(1, "basic.deliver")?;
            seen.push((m.tag(&c).0, m.body[0]));
            round += 1;
        }
        ensure!(
            round > 0 && round <= 2,
            "{round} deliveries in flight with prefetch-count 2"
        );
        rounds.push(round);
        let last = seen.last().map_or(0, |t| t.0);
        c.ack(1, last, true)?;
    }
    let order: Vec<u8> = seen.iter().map(|t| t.1).collect();
    ensure!(order == [0, 1, 2, 3, 4], "delivered in order {order:?}");
    c.close_channel(1)?;
    c.close()?;
    Ok(format!(
        "5 messages came in rounds of {rounds:?} with prefetch-count 2, each after an ack (multiple)"
    ))
}

fn check_confirms(env: &Env) -> Outcome {
    let mut c = Conn::open(env)?;
    c.open_channel(1)?;
    let (queue, _, _) = c.queue_declare(
        1,
        QueueDeclare {
            exclusive: true,
            ..Default::default()
        },
    )?;
    c.call(1, ConfirmSelect { nowait: false }, "confirm.select-ok")?;
    for i in 0..3u8 {
        c.publish(
            1,
            publish_to("", &queue)?,
            plain("text/plain"),
            &[i; 100],
            false,
        )?;
    }
    let mut confirmed = 0;
    let mut acks = 0;
    while confirmed < 3 {
        let raw = c.want(1, "basic.ack")?;
        let Method::BasicAck(a) = c.method(&raw)? else {
            unreachable!()
        };
        ensure!(
            a.delivery_tag > confirmed && a.delivery_tag <= 3,
            "basic.ack {a:?} after {confirmed}"
        );
        ensure!(
            a.multiple || a.delivery_tag == confirmed + 1,
            "basic.ack {a:?} skips a tag"
        );
        confirmed = a.delivery_tag;
        acks += 1;
    }
    // Mandatory and unroutable: basic.return (312 NO_ROUTE) with the message, then the
    // confirm.
    let mut p = publish_to("amq.direct", "nobody-listens")?;
    p.mandatory = true;
    c.publish(1, p, plain("text/plain"), b"returned", false)?;
    let ret = c.recv_message(1, "basic.return")?;
    let Method::BasicReturn(r) = c.method(&ret.method)? else {
        unreachable!()
    };
    ensure!(
        r.reply_code == reply::NO_ROUTE && r.exchange == "amq.direct" && ret.body == b"returned",
        "basic.return {r:?}"
    );
    let raw = c.want(1, "basic.ack")?;
    let Method::BasicAck(a) = c.method(&raw)? else {
        unreachable!()
    };
    ensure!(a.delivery_tag == 4, "confirm of the returned message {a:?}");
    let n = c.count_eventually(1, &queue, 3)?;
    ensure!(n == 3, "{n} messages queued");
    c.close_channel(1)?;
    c.close()?;
    Ok(format!(
        "confirm.select-ok; 3 publishes confirmed by {acks} basic.ack; a mandatory unroutable \
         publish came back as basic.return 312 {:?} with its body, then basic.ack 4",
        r.reply_text
    ))
}

fn check_tx(env: &Env) -> Outcome {
    let mut c = Conn::open(env)?;
    c.open_channel(1)?;
    c.open_channel(2)?;
    let (queue, _, _) = c.queue_declare(
        2,
        QueueDeclare {
            exclusive: true,
            ..Default::default()
        },
    )?;
    c.call(1, TxSelect, "tx.select-ok")?;
    c.publish(
        1,
        publish_to("", &queue)?,
        plain("text/plain"),
        b"rolled back",
        false,
    )?;
    c.call(1, TxRollback, "tx.rollback-ok")?;
    ensure!(
        c.get(2, &queue, true)?.is_none(),
        "a rolled-back publish was queued"
    );
    c.publish(
        1,
        publish_to("", &queue)?,
        plain("text/plain"),
        &body(9000, 3),
        true,
    )?;
    let before = c.message_count(2, &queue)?;
    c.call(1, TxCommit, "tx.commit-ok")?;
    let got = c
        .get_eventually(2, &queue, true)?
        .ok_or("the committed publish is not queued")?;
    ensure!(
        before == 0 && got.body == body(9000, 3),
        "before commit {before} queued; body differs?"
    );
    c.close_channel(1)?;
    c.close_channel(2)?;
    c.close()?;
    Ok(
        "tx.select-ok; publish + tx.rollback-ok: nothing queued; publish (9000 octets) not \
        queued before tx.commit-ok, queued after"
            .into(),
    )
}

fn check_reject_nack(env: &Env) -> Outcome {
    let mut c = Conn::open(env)?;
    c.open_channel(1)?;
    let (queue, _, _) = c.queue_declare(
        1,
        QueueDeclare {
            exclusive: true,
            ..Default::default()
        },
    )?;
    c.publish(
        1,
        publish_to("", &queue)?,
        plain("text/plain"),
        b"bounce",
        false,
    )?;
    let m = c.get(1, &queue, false)?.ok_or("empty")?;
    let (tag, redelivered) = m.tag(&c);
    ensure!(!redelivered, "first get redelivered");
    c.send(
        1,
        BasicReject {
            delivery_tag: tag,
            requeue: true,
        },
    )?;
    let m = c
        .get(1, &queue, false)?
        .ok_or("the rejected message was not requeued")?;
    let (tag, redelivered) = m.tag(&c);
    ensure!(redelivered, "requeued by reject, not flagged redelivered");
    c.send(
        1,
        BasicNack {
            delivery_tag: tag,
            multiple: false,
            requeue: true,
        },
    )?;
    let m = c
        .get(1, &queue, false)?
        .ok_or("the nacked message was not requeued")?;
    let (tag, redelivered) = m.tag(&c);
    ensure!(redelivered, "requeued by nack, not flagged redelivered");
    c.send(
        1,
        BasicNack {
            delivery_tag: tag,
            multiple: false,
            requeue: false,
        },
    )?;
    ensure!(
        c.get(1, &queue, false)?.is_none(),
        "nack without requeue kept the message"
    );
    // Multiple: three gets, one nack of the last with multiple requeues all three.
    for i in 0..3u8 {
        c.publish(1, publish_to("", &queue)?, plain("text/plain"), &[i], false)?;
    }
    let mut last = 0;
    for _ in 0..3 {
        last = c
            .get(1, &queue, false)?
            .ok_or("fewer than 3 messages")?
            .tag(&c)
            .0;
    }
    c.send(
        1,
        BasicNack {
            delivery_tag: last,
            multiple: true,
            requeue: true,
        },
    )?;
    let n = c.count_eventually(1, &queue, 3)?;
    ensure!(n == 3, "{n} requeued by a multiple nack");
    c.close_channel(1)?;
    c.close()?;
    Ok(
        "reject requeue -> redelivered; nack requeue -> redelivered; nack no requeue -> \
        dropped (get-empty); nack multiple requeued 3"
            .into(),
    )
}

fn check_heartbeats(env: &Env) -> Outcome {
    let (mut c, hs) = Conn::open_with(
        env,
        &Opts {
            user: &env.user,
            password: &env.password,
            frame_max: FRAME_MAX,
            heartbeat: 1,
        },
    )?;
    // Idle 3.5 s: only heartbeats cross, each side's every half interval or so.
    ensure!(
        c.recv_wire(Duration::from_millis(3500))?.is_none(),
        "a frame while idle"
    );
    let (got, sent) = (c.heartbeats_in, c.heartbeats_out);
    ensure!(got >= 2, "{got} heartbeats from the broker in 3.5 s at 1 s");
    // Still alive.
    c.open_channel(1)?;
    c.close_channel(1)?;
    c.close()?;

    // A silent client: the broker gives up on it after missing its heartbeats.
    let (mut quiet, _) = Conn::open_with(
        env,
        &Opts {
            user: &env.user,
            password: &env.password,
            frame_max: FRAME_MAX,
            heartbeat: 1,
        },
    )?;
    quiet.send_heartbeats = false;
    let started = Instant::now();
    let end = quiet.recv_wire(Duration::from_secs(8));
    ensure!(
        matches!(&end, Err(e) if e == CLOSED || e == RESET),
        "a client sending no heartbeats was not dropped: {:?}",
        end.map(|r| r.is_some())
    );
    Ok(format!(
        "server proposed {} s, took 1 s: idle 3.5 s, {got} heartbeats received, {sent} sent, \
         connection alive after; a silent client was dropped after {:.1} s",
        hs.tune.heartbeat,
        started.elapsed().as_secs_f32()
    ))
}

fn check_server_close(env: &Env) -> Outcome {
    let mut c = Conn::open(env)?;
    c.open_channel(1)?;
    // A passive declare of a queue that does not exist: channel.close 404.
    c.send(
        1,
        QueueDeclare {
            queue: s("iotwire.no-such-queue"),
            passive: true,
            ..Default::default()
        },
    )?;
    let raw = c.want(1, "channel.close")?;
    let Method::ChannelClose(close) = c.method(&raw)? else {
        unreachable!()
    };
    ensure!(
        close.reply_code == reply::NOT_FOUND,
        "channel.close {close:?}"
    );
    ensure!(
        (close.class_id, close.method_id) == (50, 10),
        "channel.close names {}.{}",
        close.class_id,
        close.method_id
    );
    let ch_text = close.reply_text.as_str().unwrap_or("?").to_owned();
    c.send(1, iotwire::amqp::ChannelCloseOk)?;
    // The channel can be opened again.
    c.open_channel(1)?;
    // A method on a channel never opened: connection.close 504.
    c.send(
        7,
        BasicQos {
            prefetch_count: 1,
            ..Default::default()
        },
    )?;
    let raw = c.want(0, "connection.close")?;
    let Method::ConnectionClose(close) = c.method(&raw)? else {
        unreachable!()
    };
    ensure!(
        close.reply_code == reply::CHANNEL_ERROR,
        "connection.close {close:?}"
    );
    let conn_text = close.reply_text.as_str().unwrap_or("?").to_owned();
    c.send(0, ConnectionCloseOk)?;
    c.expect_eof()?;
    Ok(format!(
        "channel.close 404 {ch_text:?} -> close-ok, channel reopened; basic.qos on channel 7 -> \
         connection.close 504 {conn_text:?} -> close-ok, socket closed"
    ))
}

// --- pika -------------------------------------------------------------------------

fn run_pika(env: &Env, args: &[&str]) -> Result<String, String> {
    let out = Command::new(&env.python)
        .arg(&env.pika_script)
        .args(args)
        .output()
        .map_err(|e| format!("running {} {}: {e}", env.python, env.pika_script))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    ensure!(
        out.status.success(),
        "pika_peer.py {args:?} failed ({}): {stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(stdout)
}

/// The headers pika_peer.py publishes, as pika encodes them: str -> S, bytes -> x,
/// bool -> t, int -> I (l past 32 bits), float -> d, Decimal -> D, datetime -> T,
/// dict -> F, list -> A, None -> V.
const PIKA_NESTED: &[(ShortStr<'static>, FieldValue<'static>)] = &[
    (s("name"), FieldValue::LongStr(LongStr::text("inner"))),
    (
        s("list"),
        FieldValue::Array(FieldArray::new(&[FieldValue::I32(1), FieldValue::I32(2)])),
    ),
    (
        s("deeper"),
        FieldValue::Table(FieldTable::new(&[(s("x"), FieldValue::Bool(false))])),
    ),
];

const PIKA_HEADERS: &[(ShortStr<'static>, FieldValue<'static>)] = &[
    (
        s("str"),
        FieldValue::LongStr(LongStr::text("héllo from pika")),
    ),
    (s("int"), FieldValue::I32(-42)),
    (s("big"), FieldValue::I64(1 << 40)),
    (s("true"), FieldValue::Bool(true)),
    (s("bytes"), FieldValue::Bytes(b"\x00\xff\x10")),
    (
        s("decimal"),
        FieldValue::Decimal {
            scale: 2,
            value: 314,
        },
    ),
    (s("datetime"), FieldValue::Timestamp(1_704_164_645)),
    (s("none"), FieldValue::Void),
    (
        s("list"),
        FieldValue::Array(FieldArray::new(&[
            FieldValue::LongStr(LongStr::text("a")),
            FieldValue::I32(7),
            FieldValue::Table(FieldTable::new(&[(
                s("k"),
                FieldValue::LongStr(LongStr::text("v")),
            )])),
            FieldValue::Array(FieldArray::new(&[FieldValue::Bool(true), FieldValue::Void])),
        ])),
    ),
    (s("nested"), FieldValue::Table(FieldTable::new(PIKA_NESTED))),
];

const FROM_PIKA: &str = "iotwire.from-pika";
const TO_PIKA: &str = "iotwire.to-pika";

fn check_from_pika(env: &Env) -> Outcome {
    let out = run_pika(env, &["publish", &env.addr, FROM_PIKA])?;
    let mut c = Conn::open(env)?;
    c.open_channel(1)?;
    c.call(
        1,
        BasicConsume {
            queue: s(FROM_PIKA),
            consumer_tag: s("from-pika"),
            ..Default::default()
        },
        "basic.consume-ok",
    )?;
    let want = BasicProperties {
        content_type: Some(s("application/json")),
        content_encoding: Some(s("utf-8")),
        headers: Some(FieldTable::new(PIKA_HEADERS)),
        delivery_mode: Some(2),
        priority: Some(3),
        correlation_id: Some(s("pika-corr")),
        reply_to: Some(s("pika.replies")),
        expiration: Some(s("600000")),
        message_id: Some(s("pika-1")),
        timestamp: Some(1_704_164_645),
        kind: Some(s("pika.test")),
        user_id: Some(ShortStr::new(&env.user).map_err(|e| e.to_string())?),
        app_id: Some(s("pika")),
        cluster_id: Some(s("pika-cluster")),
    };
    let mut fields = 0;
    let mut frames = Vec::new();
    for i in 0..3 {
        let m = c.recv_message(1, "basic.deliver")?;
        let got = m.properties(&c);
        if i == 0 {
            fields += compare_properties(&want, &got)?;
            ensure!(
                m.body == b"{\"from\": \"pika\"}",
                "body {:?}",
                String::from_utf8_lossy(&m.body)
            );
        } else {
            // Bodies of pika's messages 1 and 2: 300000 octets, i * 7 + j mod 251.
            let n = i as u64;
            ensure!(
                m.body.len() == 300_000
                    && m.body
                        .iter()
                        .enumerate()
                        .all(|(j, &b)| u64::from(b) == (n * 7 + j as u64) % 251),
                "large body from pika differs ({} octets)",
                m.body.len()
            );
            ensure!(
                got.message_id == ShortStr::new(&format!("pika-{}", i + 1)).ok(),
                "message-id {:?}",
                got.message_id
            );
        }
        frames.push(m.frames);
        c.ack(1, m.tag(&c).0, false)?;
    }
    c.call(
        1,
        BasicCancel {
            consumer_tag: s("from-pika"),
            nowait: false,
        },
        "basic.cancel-ok",
    )?;
    c.call(
        1,
        QueueDelete {
            queue: s(FROM_PIKA),
            ..Default::default()
        },
        "queue.delete-ok",
    )?;
    c.close_channel(1)?;
    c.close()?;
    Ok(format!(
        "pika {}: 3 messages consumed, {fields} fields of the first equal (13 properties, every \
         header leaf: str, int, long, bool, bytes, Decimal, datetime, None, list, dict); \
         300000-octet bodies re-framed by RabbitMQ into {frames:?} body frames at frame-max 4096",
        out.lines()
            .find_map(|l| l.strip_prefix("pika "))
            .unwrap_or("?")
    ))
}

fn check_to_pika(env: &Env) -> Outcome {
    let mut c = Conn::open(env)?;
    c.open_channel(1)?;
    c.queue_declare(
        1,
        QueueDeclare {
            queue: s(TO_PIKA),
            ..Default::default()
        },
    )?;
    let props = all_properties(&env.user)?;
    c.publish(1, publish_to("", TO_PIKA)?, props, &body(50_000, 9), true)?;
    c.publish(
        1,
        publish_to("", TO_PIKA)?,
        plain("text/plain"),
        b"last",
        false,
    )?;
    c.close_channel(1)?;
    c.close()?;
    let out = run_pika(env, &["consume", &env.addr, TO_PIKA, &env.user])?;
    let oks = out.lines().filter(|l| l.starts_with("ok ")).count();
    let notes: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("note "))
        .collect();
    ensure!(oks > 0, "pika_peer.py consume printed no checks: {out}");
    Ok(format!(
        "pika consumed 2 messages and checked {oks} fields (all 14 properties, every header, \
         the 50000-octet body){}",
        if notes.is_empty() {
            String::new()
        } else {
            format!("; {}", notes.join("; "))
        }
    ))
}

// --- resource alarms ------------------------------------------------------------------

/// Runs `rabbitmqctl -n NODE ARGS...` (with HOME set to the node's, for the Erlang
/// cookie) and returns its standard output; an error when rabbitmqctl is not set, does
/// not run, or fails.
fn rabbitmqctl(env: &Env, args: &[&str]) -> Result<String, String> {
    let (program, node) = rabbitmqctl_node(env)?;
    let mut cmd = Command::new(program);
    cmd.arg("-n").arg(node).args(args);
    if let Some(home) = &env.rabbitmq_home {
        cmd.env("HOME", home);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("running {program}: {e}"))?;
    ensure!(
        out.status.success(),
        "{program} -n {node} {} failed ({}): {}{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stdout).trim(),
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The rabbitmqctl and the node it reaches, or why there is none.
fn rabbitmqctl_node(env: &Env) -> Result<(&str, &str), String> {
    match (&env.rabbitmqctl, &env.rabbitmq_node) {
        (Some(program), Some(node)) => Ok((program, node)),
        _ => Err(
            "IOTWIRE_RABBITMQCTL and IOTWIRE_RABBITMQ_NODE are not both set: no rabbitmqctl \
             to raise a memory alarm with (scripts/interop_amqp.sh sets them)"
                .into(),
        ),
    }
}

/// RabbitMQ's default vm_memory_high_watermark (the script's node does not set it).
const WATERMARK: &str = "0.4";

/// A memory alarm raised on the broker (a high watermark of 0): lifted by
/// [`MemoryAlarm::lift`], or when dropped, so that a failing check does not leave the
/// broker blocking publishers for the checks after it.
struct MemoryAlarm<'e> {
    env: &'e Env,
    raised: bool,
}

impl<'e> MemoryAlarm<'e> {
    fn raise(env: &'e Env) -> Result<Self, String> {
        rabbitmqctl_node(env)?;
        // Raised before asking, so that dropping it lifts whatever got through.
        let alarm = Self { env, raised: true };
        rabbitmqctl(env, &["set_vm_memory_high_watermark", "0"])?;
        Ok(alarm)
    }

    fn lift(mut self) -> Result<(), String> {
        self.raised = false;
        rabbitmqctl(self.env, &["set_vm_memory_high_watermark", WATERMARK]).map(|_| ())
    }
}

impl Drop for MemoryAlarm<'_> {
    fn drop(&mut self) {
        if self.raised
            && let Err(e) = rabbitmqctl(self.env, &["set_vm_memory_high_watermark", WATERMARK])
        {
            println!("FAIL lifting the memory alarm: {e}");
        }
    }
}

fn check_blocked(env: &Env) -> Outcome {
    // No rabbitmqctl is a failure, told before anything else.
    rabbitmqctl_node(env)?;
    // The client advertises capabilities {connection.blocked: true} (Conn::start).
    let mut c = Conn::open(env)?;
    c.open_channel(1)?;
    let (queue, _, _) = c.queue_declare(
        1,
        QueueDeclare {
            exclusive: true,
            auto_delete: true,
            ..Default::default()
        },
    )?;
    let alarm = MemoryAlarm::raise(env)?;
    let alarm_raised = Instant::now();
    // RabbitMQ blocks a connection that publishes while the alarm is on, and then tells
    // it so; the alarm reaches the connection's process a moment after rabbitmqctl
    // returns, so publish until connection.blocked comes.
    let mut published = 0u32;
    let reason = loop {
        ensure!(
            alarm_raised.elapsed() < Duration::from_secs(10),
            "no connection.blocked 10 s after the memory alarm, {published} messages published"
        );
        c.publish(
            1,
            publish_to("", &queue)?,
            plain("text/plain"),
            b"published under a memory alarm",
            false,
        )?;
        published += 1;
        if let Some(raw) = c.recv_on_within(0, Duration::from_millis(500))? {
            match c.method(&raw)? {
                Method::ConnectionBlocked(b) => {
                    break b.reason.as_str().unwrap_or("?").to_owned();
                }
                m => return Err(format!("connection.blocked expected, got {m:?}")),
            }
        }
    };
    let blocked_after = alarm_raised.elapsed();
    ensure!(
        !reason.is_empty(),
        "connection.blocked with an empty reason"
    );
    // Nothing else while the alarm is on.
    if let Some(raw) = c.recv_on_within(0, Duration::from_millis(300))? {
        return Err(format!(
            "{:?} while the alarm is on",
            c.method(&raw)?.name()
        ));
    }
    alarm.lift()?;
    let lifted = Instant::now();
    let raw = c
        .recv_on_within(0, Duration::from_secs(10))?
        .ok_or("no connection.unblocked 10 s after lifting the alarm")?;
    match c.method(&raw)? {
        Method::ConnectionUnblocked(_) => {}
        m => return Err(format!("connection.unblocked expected, got {m:?}")),
    }
    let unblocked_after = lifted.elapsed();
    // What was held back goes through.
    let n = c.count_eventually(1, &queue, published)?;
    ensure!(
        n == published,
        "{n} messages in {queue:?} after the unblock, {published} published"
    );
    c.close_channel(1)?;
    c.close()?;
    Ok(format!(
        "high watermark 0: connection.blocked {reason:?} on publish {published} ({} ms after \
         rabbitmqctl returned); watermark {WATERMARK}: connection.unblocked ({} ms after); \
         held-back messages queued: {published}",
        blocked_after.as_millis(),
        unblocked_after.as_millis()
    ))
}
