//! Interoperability of iotwire's MQTT codec with mosquitto, iotwire being the client.
//!
//! Every packet the client sends is built from `iotwire::mqtt` values and encoded with
//! `Packet::encode` (the 2.5 MB PUBLISH with `Publish::encode_head` and one vectored
//! write of head and payload); every packet it receives is framed and decoded by
//! `ControlPacket::decode_with` over a growing buffer, reading more while the decoder
//! says `Incomplete`. Only `std::net::TcpStream` besides, and `std::process` to run
//! mosquitto's own clients, `mosquitto_pub` and `mosquitto_sub`, as the other peer.
//!
//! Whole sessions run in MQTT 3.1.1 and in 5.0 (and a CONNECT in 3.1): CONNECT with a
//! will, user name and password; SUBSCRIBE with wildcards and the 5.0 options; PUBLISH
//! at QoS 0, 1 and 2 with their acknowledgement flows both ways; retained messages; a
//! 2.5 MB payload; UNSUBSCRIBE; PINGREQ; DISCONNECT with a reason code; the will after
//! an abrupt close; refused CONNECTs.
//!
//! Needs a running mosquitto configured by `tests/interop_mqtt/mosquitto.conf.in`, so it
//! is not part of `cargo test`; `scripts/interop_mqtt.sh` starts mosquitto and runs
//!
//! ```text
//! IOTWIRE_MQTT_ADDR=127.0.0.1:PORT IOTWIRE_MQTT_AUTH_ADDR=127.0.0.1:PORT2 \
//! IOTWIRE_MQTT_USER=USER IOTWIRE_MQTT_PASSWORD=PASSWORD cargo test --test interop_mqtt
//! ```
//!
//! `IOTWIRE_MQTT_ADDR` is a listener that allows anonymous clients,
//! `IOTWIRE_MQTT_AUTH_ADDR` one that requires the user name and password. It prints one
//! line per check and exits non-zero if any check fails or a variable is not set.

use std::io::{BufRead, BufReader, ErrorKind, IoSlice, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::num::NonZeroU16;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use iotwire::mqtt::{
    Ack, ConnAck, Connect, Context, ControlPacket, Disconnect, Filters, PacketId, Properties,
    Property, Publish, QoS, Str, SubAck, Subscribe, SubscriptionOptions, Unsubscribe, VarInt,
    Version, Will,
};
use iotwire::{DecodeError, Packet};

/// What a check reports: a short description of what mosquitto did, or what went wrong.
type Outcome = Result<String, String>;

/// One check: runs against mosquitto in one protocol version and says what happened.
type Check = fn(&Env, Version) -> Outcome;

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

const V311: Version = Version::V3_1_1;
const V5: Version = Version::V5;

fn main() -> ExitCode {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(addr), Some(auth_addr), Some(user), Some(password)) = (
        var("IOTWIRE_MQTT_ADDR"),
        var("IOTWIRE_MQTT_AUTH_ADDR"),
        var("IOTWIRE_MQTT_USER"),
        var("IOTWIRE_MQTT_PASSWORD"),
    ) else {
        eprintln!(
            "interop_mqtt: FAIL: IOTWIRE_MQTT_ADDR, IOTWIRE_MQTT_AUTH_ADDR, IOTWIRE_MQTT_USER \
             and IOTWIRE_MQTT_PASSWORD must be set; run scripts/interop_mqtt.sh, which starts \
             mosquitto"
        );
        return ExitCode::FAILURE;
    };
    let env = Env {
        addr,
        auth_addr,
        user,
        password,
        run: std::process::id(),
    };
    let both: &[(&str, Check)] = &[
        (
            "CONNECT with will, user name and password; DISCONNECT discards the will",
            connect_with_credentials,
        ),
        ("wrong password and no credentials refused", refused),
        (
            "will delivered after an abrupt close",
            will_after_abrupt_close,
        ),
        ("SUBSCRIBE with + and # wildcards", subscribe_wildcards),
        (
            "PUBLISH QoS 0, 1, 2: flows client->broker and broker->client",
            qos_flows,
        ),
        (
            "persistent session: unacknowledged QoS 1 and 2 redelivered with DUP",
            redelivery,
        ),
        ("retained messages", retained),
        (
            "2.5 MB payload (4-byte Remaining Length), vectored write",
            large_payload,
        ),
        ("UNSUBSCRIBE", unsubscribe),
        ("PINGREQ and keep alive", ping_and_keep_alive),
        ("session taken over by a second CONNECT", session_takeover),
        ("mosquitto_pub -> iotwire", from_mosquitto_pub),
        ("iotwire -> mosquitto_sub", to_mosquitto_sub),
        ("iotwire 2.5 MB -> mosquitto_sub", large_to_mosquitto_sub),
    ];
    let v5_only: &[(&str, Check)] = &[
        (
            "DISCONNECT with reason 0x04 (with will) and properties",
            disconnect_with_will,
        ),
        ("SUBSCRIBE No Local", no_local),
        (
            "SUBSCRIBE Retain Handling 0/1/2 and Retain As Published",
            retain_handling,
        ),
        ("Subscription Identifier", subscription_identifier),
        ("Topic Alias from the client", topic_alias),
        (
            "CONNECT with an Authentication Method refused",
            auth_method_refused,
        ),
        (
            "PUBACK reason 0x10: no matching subscribers",
            no_subscribers,
        ),
    ];
    let mut checks: Vec<(&str, Version, Check)> = Vec::new();
    checks.push(("CONNECT as MQTT 3.1 (MQIsdp)", Version::V3_1, mqtt31));
    for &(name, check) in both {
        checks.push((name, V311, check));
        checks.push((name, V5, check));
    }
    for &(name, check) in v5_only {
        checks.push((name, V5, check));
    }
    let mut failed = 0;
    for (name, version, check) in &checks {
        let label = label(*version);
        match check(&env, *version) {
            Ok(what) => println!("ok   [{label}] {name}: {what}"),
            Err(why) => {
                failed += 1;
                println!("FAIL [{label}] {name}: {why}");
            }
        }
    }
    let passed = checks.len() - failed;
    println!(
        "interop_mqtt: {passed}/{} checks passed against mosquitto at {} and {}",
        checks.len(),
        env.addr,
        env.auth_addr
    );
    match failed {
        0 => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

fn label(v: Version) -> &'static str {
    match v {
        Version::V3_1 => "3.1",
        Version::V3_1_1 => "3.1.1",
        Version::V5 => "5.0",
    }
}

/// What `-V` mosquitto_pub and mosquitto_sub take.
fn tool_version(v: Version) -> &'static str {
    match v {
        Version::V3_1 => "mqttv31",
        Version::V3_1_1 => "mqttv311",
        Version::V5 => "mqttv5",
    }
}

struct Env {
    /// The anonymous listener.
    addr: String,
    /// The listener with a password file.
    auth_addr: String,
    user: String,
    password: String,
    /// Makes topics and client identifiers unique to this run.
    run: u32,
}

impl Env {
    /// A topic under this run's prefix for version `v`.
    fn topic(&self, v: Version, rest: &str) -> String {
        format!("iotwire/{}/{}/{rest}", self.run, tool_version(v))
    }

    /// A client identifier unique to this run (at most 23 bytes, as 3.1 requires).
    fn client_id(&self, v: Version, tag: &str) -> String {
        let id = format!("iw{}{}-{tag}", self.run, v.level());
        id.chars().take(23).collect()
    }

    fn host_port(addr: &str) -> (&str, &str) {
        addr.rsplit_once(':').unwrap_or((addr, "1883"))
    }

    /// A TCP connection to `addr`, without any MQTT yet.
    fn open(&self, addr: &str, v: Version) -> Result<Conn, String> {
        let stream = TcpStream::connect(addr)
            .map_err(|e| format!("cannot connect to mosquitto at {addr}: {e}"))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        Ok(Conn {
            stream,
            version: v,
            cx: Context::new(v),
            buf: Vec::new(),
            consumed: 0,
            next_id: 0,
            reads: 0,
            last_header: Vec::new(),
            awaiting_rel: Vec::new(),
            completed: Vec::new(),
        })
    }

    /// An anonymous client with a clean session, connected and accepted.
    fn client(&self, v: Version, tag: &str) -> Result<Conn, String> {
        let id = self.client_id(v, tag);
        let mut c = self.open(&self.addr, v)?;
        let ack = c.connect(&connect(v, &id))?;
        ack.accepted()?;
        Ok(c)
    }
}

/// A CONNECT with a clean session, keep alive 30 s and nothing else.
fn connect<'a>(v: Version, client_id: &'a str) -> Connect<'a> {
    Connect {
        version: v,
        clean_start: true,
        keep_alive: 30,
        properties: Properties::EMPTY,
        client_id: Str::new(client_id).unwrap_or_default(),
        will: None,
        username: None,
        password: None,
    }
}

fn st(s: &str) -> Result<Str<'_>, String> {
    Str::new(s).map_err(|e| format!("{s:?} is not an MQTT string: {e}"))
}

fn qos(n: u8) -> QoS {
    QoS::try_from(n).unwrap_or(QoS::AtMostOnce)
}

/// The options of a subscription at `q` with the 5.0 extras off.
fn at(q: u8) -> SubscriptionOptions {
    SubscriptionOptions {
        qos: qos(q),
        ..SubscriptionOptions::default()
    }
}

/// A short description of a packet for error messages (not its whole payload).
fn describe(p: &ControlPacket<'_>) -> String {
    match p {
        ControlPacket::Publish(p) => format!(
            "PUBLISH(topic {:?}, qos {}, retain {}, dup {}, id {:?}, {} payload bytes, properties {:?})",
            p.topic.as_str(),
            p.qos as u8,
            p.retain,
            p.dup,
            p.packet_id,
            p.payload.len(),
            p.properties
        ),
        other => {
            let s = format!("{other:?}");
            match s.chars().count() > 300 {
                true => format!("{}...", s.chars().take(300).collect::<String>()),
                false => s,
            }
        }
    }
}

/// A connection, and the bytes read from it: `buf[..consumed]` is the packet last
/// returned by [`Conn::recv`], dropped at the next call.
struct Conn {
    stream: TcpStream,
    version: Version,
    cx: Context,
    buf: Vec<u8>,
    consumed: usize,
    next_id: u16,
    /// `read` calls so far.
    reads: usize,
    /// The fixed header of the packet last received.
    last_header: Vec<u8>,
    /// QoS 2 PUBLISH received and PUBREC sent, waiting for the broker's PUBREL.
    awaiting_rel: Vec<PacketId>,
    /// QoS 2 PUBLISH received whose flow ended (PUBREL received, PUBCOMP sent).
    completed: Vec<PacketId>,
}

/// What a CONNACK said.
#[derive(Debug)]
struct Accepted {
    session_present: bool,
    code: u8,
    properties: String,
    topic_alias_maximum: u16,
}

impl Accepted {
    fn accepted(&self) -> Result<(), String> {
        ensure!(
            self.code == 0,
            "CONNACK refused with {:#04x} ({})",
            self.code,
            self.properties
        );
        Ok(())
    }
}

impl Conn {
    fn id(&mut self) -> PacketId {
        self.next_id = self.next_id.wrapping_add(1).max(1);
        NonZeroU16::new(self.next_id).unwrap_or(NonZeroU16::MIN)
    }

    fn send(&mut self, p: &ControlPacket<'_>) -> Result<(), String> {
        let mut out = vec![0u8; p.encoded_len()];
        let n = p
            .encode(&mut out)
            .map_err(|e| format!("encoding {}: {e}", describe(p)))?;
        ensure!(
            n == out.len(),
            "encode wrote {n} bytes, encoded_len said {}",
            out.len()
        );
        self.stream
            .write_all(&out)
            .map_err(|e| format!("writing {} to mosquitto: {e}", describe(p)))
    }

    /// Reads more bytes, at least `at_least`; fails when the peer closed the connection.
    fn fill(&mut self, at_least: usize, what: &str) -> Result<(), String> {
        let start = self.buf.len();
        let mut chunk = vec![0u8; at_least.clamp(1, 1 << 20).max(64 * 1024)];
        while self.buf.len() - start < at_least {
            self.reads += 1;
            match self.stream.read(&mut chunk) {
                Ok(0) => {
                    return Err(format!(
                        "mosquitto closed the connection while {what} was expected ({} bytes \
                         unread)",
                        self.buf.len() - self.consumed
                    ));
                }
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                    return Err(format!(
                        "mosquitto closed the connection (reset) while {what} was expected"
                    ));
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Err(format!(
                        "nothing from mosquitto within 10 s while {what} was expected"
                    ));
                }
                Err(e) => return Err(format!("reading from mosquitto: {e}")),
            }
        }
        Ok(())
    }

    /// The framing loop: decodes the next packet from the buffer, reading more as long
    /// as the decoder says the buffer holds only the start of one (`Incomplete`, with how
    /// many more bytes it needs once the Remaining Length has arrived).
    fn recv_any(&mut self) -> Result<ControlPacket<'_>, String> {
        self.buf.drain(..self.consumed);
        self.consumed = 0;
        let n = loop {
            match ControlPacket::decode_with(&self.buf, &self.cx) {
                Ok((_, n)) => break n,
                Err(e) => match e.needed() {
                    Some(needed) => self.fill(needed.size().unwrap_or(1), "a packet")?,
                    None => {
                        let shown = &self.buf[..self.buf.len().min(64)];
                        return Err(format!(
                            "iotwire rejected what mosquitto sent: {e}; bytes: {shown:02x?}"
                        ));
                    }
                },
            }
        };
        self.consumed = n;
        let len_bytes = self.buf[1..n]
            .iter()
            .position(|b| b & 0x80 == 0)
            .map_or(1, |i| i + 1);
        self.last_header = self.buf[..1 + len_bytes].to_vec();
        self.current()
    }

    /// The packet last received, decoded again. (Returning the packet decoded inside the
    /// loop that also reads into `self.buf` is rejected by the borrow checker.)
    fn current(&self) -> Result<ControlPacket<'_>, String> {
        ControlPacket::decode_with(&self.buf[..self.consumed], &self.cx)
            .map(|(p, _)| p)
            .map_err(|e| format!("second decode of the same bytes failed: {e}"))
    }

    /// The next packet that is not a PUBREL: a PUBREL (it may come after other packets)
    /// ends the flow of a QoS 2 PUBLISH received earlier, and is answered with PUBCOMP.
    fn recv(&mut self) -> Result<ControlPacket<'_>, String> {
        loop {
            let rel = match self.recv_any()? {
                ControlPacket::PubRel(a) => Some((a.packet_id, a.reason)),
                _ => None,
            };
            let Some((id, reason)) = rel else {
                return self.current();
            };
            ensure!(reason == 0, "PUBREL for {id} with reason {reason:#04x}");
            let Some(i) = self.awaiting_rel.iter().position(|&w| w == id) else {
                return Err(format!(
                    "PUBREL for {id}, which is not a QoS 2 PUBLISH awaiting it ({:?})",
                    self.awaiting_rel
                ));
            };
            self.awaiting_rel.remove(i);
            self.send(&ControlPacket::PubComp(self.ack(id)))?;
            self.completed.push(id);
        }
    }

    /// Succeeds when mosquitto has closed the connection and sent nothing more.
    fn expect_closed(&mut self, after: &str) -> Result<(), String> {
        self.buf.drain(..self.consumed);
        self.consumed = 0;
        if !self.buf.is_empty() {
            return Err(format!("{} unexpected bytes after {after}", self.buf.len()));
        }
        let mut one = [0u8; 1];
        match self.stream.read(&mut one) {
            Ok(0) => Ok(()),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => Ok(()),
            Ok(_) => {
                self.buf.push(one[0]);
                let more = self
                    .recv()
                    .map(|p| describe(&p))
                    .unwrap_or_else(|e| e.to_string());
                Err(format!(
                    "after {after}, mosquitto sent {more} instead of closing"
                ))
            }
            Err(e) => Err(format!(
                "mosquitto did not close the connection after {after}: {e}"
            )),
        }
    }

    /// Sends CONNECT and reads the CONNACK.
    fn connect(&mut self, c: &Connect<'_>) -> Result<Accepted, String> {
        self.send(&ControlPacket::Connect(*c))?;
        match self.recv()? {
            ControlPacket::ConnAck(ConnAck {
                version,
                session_present,
                code,
                properties,
            }) => {
                ensure!(version == c.version, "CONNACK decoded as {version:?}");
                let topic_alias_maximum = properties
                    .iter()
                    .find_map(|p| match p {
                        Property::TopicAliasMaximum(n) => Some(n),
                        _ => None,
                    })
                    .unwrap_or(0);
                Ok(Accepted {
                    session_present,
                    code,
                    properties: format!("{properties:?}"),
                    topic_alias_maximum,
                })
            }
            other => Err(format!("want CONNACK, got {}", describe(&other))),
        }
    }

    /// Sends SUBSCRIBE and reads the SUBACK; returns its reason codes.
    fn subscribe(
        &mut self,
        filters: &[(&str, SubscriptionOptions)],
        properties: &[Property<'_>],
    ) -> Result<Vec<u8>, String> {
        let list = filters
            .iter()
            .map(|&(f, o)| Ok((st(f)?, o)))
            .collect::<Result<Vec<_>, String>>()?;
        let id = self.id();
        self.send(&ControlPacket::Subscribe(Subscribe {
            version: self.version,
            packet_id: id,
            properties: Properties::new(properties),
            filters: Filters::List(&list),
        }))?;
        match self.recv()? {
            ControlPacket::SubAck(SubAck {
                packet_id, codes, ..
            }) => {
                ensure!(packet_id == id, "SUBACK for {packet_id}, want {id}");
                Ok(codes.to_vec())
            }
            other => Err(format!("want SUBACK, got {}", describe(&other))),
        }
    }

    /// Subscribes and requires every filter granted its requested QoS.
    fn subscribe_ok(&mut self, filters: &[(&str, SubscriptionOptions)]) -> Result<(), String> {
        let codes = self.subscribe(filters, &[])?;
        let want: Vec<u8> = filters.iter().map(|(_, o)| o.qos as u8).collect();
        ensure!(codes == want, "SUBACK codes {codes:?}, want {want:?}");
        Ok(())
    }

    /// Sends UNSUBSCRIBE and reads the UNSUBACK; returns its reason codes (none in 3.1.1).
    fn unsubscribe(&mut self, filters: &[&str]) -> Result<Vec<u8>, String> {
        let list = filters
            .iter()
            .map(|&f| Ok((st(f)?, SubscriptionOptions::default())))
            .collect::<Result<Vec<_>, String>>()?;
        let id = self.id();
        self.send(&ControlPacket::Unsubscribe(Unsubscribe {
            version: self.version,
            packet_id: id,
            properties: Properties::EMPTY,
            filters: Filters::List(&list),
        }))?;
        match self.recv()? {
            ControlPacket::UnsubAck(SubAck {
                packet_id, codes, ..
            }) => {
                ensure!(packet_id == id, "UNSUBACK for {packet_id}, want {id}");
                Ok(codes.to_vec())
            }
            other => Err(format!("want UNSUBACK, got {}", describe(&other))),
        }
    }

    fn ack(&self, id: PacketId) -> Ack<'static> {
        Ack {
            version: self.version,
            packet_id: id,
            reason: 0,
            properties: Properties::EMPTY,
        }
    }

    /// Reads the acknowledgement `want` ("PUBACK", ...) of packet `id`; returns its
    /// reason code (0 in 3.1.1).
    fn expect_ack(&mut self, want: &str, id: PacketId) -> Result<u8, String> {
        let p = self.recv()?;
        let (kind, ack) = match &p {
            ControlPacket::PubAck(a) => ("PUBACK", a),
            ControlPacket::PubRec(a) => ("PUBREC", a),
            ControlPacket::PubRel(a) => ("PUBREL", a),
            ControlPacket::PubComp(a) => ("PUBCOMP", a),
            other => return Err(format!("want {want} for {id}, got {}", describe(other))),
        };
        ensure!(
            kind == want && ack.packet_id == id,
            "want {want} for {id}, got {}",
            describe(&p)
        );
        Ok(ack.reason)
    }

    /// Publishes and completes the sender's side of the flow: nothing at QoS 0, PUBACK
    /// at QoS 1, PUBREC then PUBREL then PUBCOMP at QoS 2. Returns the reason code of
    /// the PUBACK or PUBREC (0 at QoS 0 and in 3.1.1).
    fn publish(
        &mut self,
        topic: &str,
        q: u8,
        retain: bool,
        properties: &[Property<'_>],
        payload: &[u8],
    ) -> Result<u8, String> {
        let packet_id = match q {
            0 => None,
            _ => Some(self.id()),
        };
        self.send(&ControlPacket::Publish(Publish {
            version: self.version,
            dup: false,
            qos: qos(q),
            retain,
            topic: st(topic)?,
            packet_id,
            properties: Properties::new(properties),
            payload,
        }))?;
        self.finish_publish(packet_id, q)
    }

    fn finish_publish(&mut self, packet_id: Option<PacketId>, q: u8) -> Result<u8, String> {
        let Some(id) = packet_id else {
            return Ok(0);
        };
        if q == 1 {
            return self.expect_ack("PUBACK", id);
        }
        let reason = self.expect_ack("PUBREC", id)?;
        self.send(&ControlPacket::PubRel(self.ack(id)))?;
        let comp = self.expect_ack("PUBCOMP", id)?;
        ensure!(comp == 0, "PUBCOMP reason {comp:#04x}");
        Ok(reason)
    }

    /// Reads the next packet, which must be a PUBLISH; `check` looks at it; then this
    /// acknowledges it: PUBACK at QoS 1, PUBREC at QoS 2 (the PUBREL that follows, maybe
    /// after other packets, is answered with PUBCOMP by [`Conn::recv`]).
    fn expect_publish<T>(
        &mut self,
        check: impl FnOnce(&Publish<'_>) -> Result<T, String>,
    ) -> Result<T, String> {
        let version = self.version;
        let (t, q, id) = match self.recv()? {
            ControlPacket::Publish(p) => {
                ensure!(p.version == version, "PUBLISH decoded as {:?}", p.version);
                (check(&p)?, p.qos, p.packet_id)
            }
            other => return Err(format!("want PUBLISH, got {}", describe(&other))),
        };
        self.ack_publish(q, id)?;
        Ok(t)
    }

    fn ack_publish(&mut self, q: QoS, id: Option<PacketId>) -> Result<(), String> {
        match (q, id) {
            (QoS::AtMostOnce, None) => Ok(()),
            (QoS::AtLeastOnce, Some(id)) => self.send(&ControlPacket::PubAck(self.ack(id))),
            (QoS::ExactlyOnce, Some(id)) => {
                ensure!(
                    !self.awaiting_rel.contains(&id),
                    "a second QoS 2 PUBLISH with id {id} before its PUBREL"
                );
                self.send(&ControlPacket::PubRec(self.ack(id)))?;
                self.awaiting_rel.push(id);
                Ok(())
            }
            (q, id) => Err(format!("QoS {q:?} with packet identifier {id:?}")),
        }
    }

    /// Reads a PUBLISH and returns (topic, QoS, retain, payload), acknowledging it.
    fn next_message(&mut self) -> Result<(String, u8, bool, Vec<u8>), String> {
        self.expect_publish(|p| {
            Ok((
                p.topic.as_str().to_owned(),
                p.qos as u8,
                p.retain,
                p.payload.to_vec(),
            ))
        })
    }

    /// PINGREQ, then the next packet must be PINGRESP: mosquitto handles a connection's
    /// packets in order, so anything it was going to send this client because of
    /// earlier packets came first, and "nothing before PINGRESP" means nothing at all.
    /// Every QoS 2 flow the broker started is complete after it.
    fn ping(&mut self) -> Result<(), String> {
        self.send(&ControlPacket::PingReq)?;
        match self.recv()? {
            ControlPacket::PingResp => {}
            other => return Err(format!("want PINGRESP, got {}", describe(&other))),
        }
        ensure!(
            self.awaiting_rel.is_empty(),
            "no PUBREL for {:?} before PINGRESP",
            self.awaiting_rel
        );
        Ok(())
    }

    /// A normal DISCONNECT (reason 0 in 5.0), then mosquitto closes the connection.
    fn disconnect(mut self) -> Result<(), String> {
        if !self.awaiting_rel.is_empty() {
            self.ping()?;
        }
        self.send(&ControlPacket::Disconnect(Disconnect {
            version: self.version,
            reason: 0,
            properties: Properties::EMPTY,
        }))?;
        self.expect_closed("DISCONNECT")
    }

    /// Closes the TCP connection without DISCONNECT.
    fn abort(self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

/// The value of a property of `props` picked by `f`.
fn prop<'a, T>(props: &Properties<'a>, f: impl FnMut(Property<'a>) -> Option<T>) -> Option<T> {
    props.iter().find_map(f)
}

/// 256 bytes of every value, then a pattern: a payload no text conversion leaves intact.
fn binary_payload(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| match i {
            0..=255 => i as u8,
            _ => (i.wrapping_mul(31) % 251) as u8,
        })
        .collect()
}

// ------------------------------------------------------------------------------------
// Checks
// ------------------------------------------------------------------------------------

fn mqtt31(env: &Env, v: Version) -> Outcome {
    let id = env.client_id(v, "31");
    let mut c = env.open(&env.addr, v)?;
    let ack = c.connect(&connect(v, &id))?;
    ack.accepted()?;
    let topic = env.topic(v, "v31");
    c.subscribe_ok(&[(&topic, at(1))])?;
    c.publish(&topic, 0, false, &[], b"3.1")?;
    let (t, q, _, payload) = c.next_message()?;
    ensure!(
        t == topic && q == 0 && payload == b"3.1",
        "got {t} qos {q} {payload:?}"
    );
    c.publish(&env.topic(v, "v31/unheard"), 2, false, &[], b"3.1")?;
    c.ping()?;
    c.disconnect()?;
    Ok(
        "CONNACK 0 for protocol name MQIsdp level 3; SUBSCRIBE, own QoS 0 PUBLISH back, \
        QoS 2 flow, PINGREQ, DISCONNECT"
            .into(),
    )
}

fn connect_with_credentials(env: &Env, v: Version) -> Outcome {
    let will_topic = env.topic(v, "will/clean");
    let mut watcher = env.client(v, "watch-clean")?;
    watcher.subscribe_ok(&[(&will_topic, at(1))])?;

    let id = env.client_id(v, "creds");
    let connect_props = [
        Property::SessionExpiryInterval(0),
        Property::ReceiveMaximum(20),
        Property::MaximumPacketSize(4 << 20),
        Property::TopicAliasMaximum(5),
        Property::RequestProblemInformation(1),
        Property::UserProperty(st("client")?, st("iotwire")?),
    ];
    let will_props = [
        Property::ContentType(st("text/plain")?),
        Property::UserProperty(st("will")?, st("yes")?),
    ];
    let v5 = v.is_v5();
    let c = Connect {
        keep_alive: 45,
        properties: Properties::new(if v5 { &connect_props } else { &[] }),
        will: Some(Will {
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: Properties::new(if v5 { &will_props } else { &[] }),
            topic: st(&will_topic)?,
            payload: b"should not be seen",
        }),
        username: Some(st(&env.user)?),
        password: Some(env.password.as_bytes()),
        ..connect(v, &id)
    };
    let mut conn = env.open(&env.auth_addr, v)?;
    let ack = conn.connect(&c)?;
    ack.accepted()?;
    ensure!(!ack.session_present, "Session Present on a clean start");
    conn.ping()?;
    conn.disconnect()?;
    // Mosquitto has closed the connection, so it has handled the DISCONNECT: a will
    // published then would reach the watcher before its PINGRESP.
    watcher.ping()?;
    watcher.disconnect()?;
    let props = match v5 {
        true => format!(", properties {}", ack.properties),
        false => String::new(),
    };
    Ok(format!(
        "password listener: CONNACK 0, Session Present 0{props}; PINGREQ/PINGRESP; \
         DISCONNECT closed by the broker; no will published"
    ))
}

fn refused(env: &Env, v: Version) -> Outcome {
    let mut seen = Vec::new();
    for (what, password) in [
        ("wrong password", Some(&b"not-the-password"[..])),
        ("no credentials", None),
    ] {
        let id = env.client_id(v, "refused");
        let c = Connect {
            username: password.map(|_| st(&env.user)).transpose()?,
            password,
            ..connect(v, &id)
        };
        let mut conn = env.open(&env.auth_addr, v)?;
        let ack = conn.connect(&c)?;
        let allowed: &[u8] = match v.is_v5() {
            true => &[0x86, 0x87],
            false => &[4, 5],
        };
        ensure!(
            allowed.contains(&ack.code),
            "{what}: CONNACK code {:#04x}, want one of {allowed:02x?}",
            ack.code
        );
        ensure!(
            !ack.session_present,
            "{what}: Session Present with a refusal"
        );
        conn.expect_closed("a refusing CONNACK")?;
        seen.push(format!("{what}: CONNACK {:#04x}", ack.code));
    }
    Ok(format!(
        "{}; connection closed by the broker",
        seen.join(", ")
    ))
}

fn will_after_abrupt_close(env: &Env, v: Version) -> Outcome {
    let will_topic = env.topic(v, "will/abrupt");
    let mut watcher = env.client(v, "watch-abrupt")?;
    watcher.subscribe_ok(&[(&will_topic, at(2))])?;
    let payload = binary_payload(300);
    let will_props = [
        Property::PayloadFormatIndicator(0),
        Property::MessageExpiryInterval(600),
        Property::ContentType(st("application/octet-stream")?),
        Property::ResponseTopic(st("iotwire/will/reply")?),
        Property::CorrelationData(b"\x00corr\xff"),
        Property::UserProperty(st("why")?, st("abrupt close")?),
        Property::UserProperty(st("why")?, st("second value, same name")?),
    ];
    let id = env.client_id(v, "abrupt");
    let c = Connect {
        will: Some(Will {
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: Properties::new(if v.is_v5() { &will_props } else { &[] }),
            topic: st(&will_topic)?,
            payload: &payload,
        }),
        username: Some(st(&env.user)?),
        password: Some(env.password.as_bytes()),
        ..connect(v, &id)
    };
    let mut conn = env.open(&env.auth_addr, v)?;
    conn.connect(&c)?.accepted()?;
    conn.ping()?;
    conn.abort();
    let props = watcher.expect_publish(|p| {
        ensure!(
            p.topic == will_topic.as_str(),
            "will on topic {:?}",
            p.topic
        );
        ensure!(p.qos == QoS::AtLeastOnce, "will at {:?}", p.qos);
        ensure!(!p.retain, "will retained");
        ensure!(p.payload == payload.as_slice(), "will payload differs");
        if v.is_v5() {
            check_message_properties(&p.properties, &will_props, 600)?;
        }
        Ok(format!("{:?}", p.properties))
    })?;
    watcher.ping()?;
    watcher.disconnect()?;
    let props = match v.is_v5() {
        true => format!(", will properties carried over: {props}"),
        false => String::new(),
    };
    Ok(format!(
        "TCP closed without DISCONNECT; the watcher got the will (300 binary bytes, QoS 1){props}"
    ))
}

/// Every property of `sent` arrived in `got` with its value (Message Expiry Interval
/// counted down by at most 10 s from `expiry`), and User Properties in order.
fn check_message_properties(
    got: &Properties<'_>,
    sent: &[Property<'_>],
    expiry: u32,
) -> Result<(), String> {
    for p in sent {
        match p {
            Property::MessageExpiryInterval(_) => {
                let left = prop(got, |p| match p {
                    Property::MessageExpiryInterval(n) => Some(n),
                    _ => None,
                })
                .ok_or("no Message Expiry Interval")?;
                ensure!(
                    left <= expiry && left + 10 >= expiry,
                    "Message Expiry Interval {left}, sent {expiry}"
                );
            }
            Property::UserProperty(..) => {}
            p => ensure!(
                got.get(p.id()) == Some(*p),
                "property {:#04x}: got {:?}, sent {p:?}",
                p.id(),
                got.get(p.id())
            ),
        }
    }
    let want: Vec<_> = sent
        .iter()
        .filter_map(|p| match p {
            Property::UserProperty(k, v) => Some((*k, *v)),
            _ => None,
        })
        .collect();
    let users: Vec<_> = got.user_properties().collect();
    ensure!(users == want, "User Properties {users:?}, sent {want:?}");
    Ok(())
}

fn disconnect_with_will(env: &Env, v: Version) -> Outcome {
    let will_topic = env.topic(v, "will/0x04");
    let mut watcher = env.client(v, "watch-0x04")?;
    watcher.subscribe_ok(&[(&will_topic, at(1))])?;
    let id = env.client_id(v, "0x04");
    let c = Connect {
        will: Some(Will {
            qos: QoS::AtMostOnce,
            retain: false,
            properties: Properties::EMPTY,
            topic: st(&will_topic)?,
            payload: b"sent because of reason 0x04",
        }),
        ..connect(v, &id)
    };
    let mut conn = env.open(&env.addr, v)?;
    conn.connect(&c)?.accepted()?;
    let props = [
        Property::ReasonString(st("leaving, with my will")?),
        Property::UserProperty(st("k")?, st("v")?),
    ];
    conn.send(&ControlPacket::Disconnect(Disconnect {
        version: v,
        reason: 0x04,
        properties: Properties::new(&props),
    }))?;
    conn.expect_closed("DISCONNECT 0x04")?;
    let payload = watcher.expect_publish(|p| {
        ensure!(p.topic == will_topic.as_str(), "will on {:?}", p.topic);
        Ok(p.payload.to_vec())
    })?;
    ensure!(
        payload == b"sent because of reason 0x04",
        "will payload {payload:?}"
    );
    watcher.disconnect()?;
    Ok(
        "DISCONNECT reason 0x04 with Reason String and User Property: connection closed, \
         will published"
            .into(),
    )
}

fn subscribe_wildcards(env: &Env, v: Version) -> Outcome {
    let t = |rest: &str| env.topic(v, &format!("wild/{rest}"));
    let mut sub = env.client(v, "wild-sub")?;
    let filters = [
        t("sensors/+/temp"),
        t("alarms/#"),
        t("exact/topic"),
        t("+/+/x/+"),
    ];
    let codes = sub.subscribe(
        &[
            (&filters[0], at(0)),
            (&filters[1], at(1)),
            (&filters[2], at(2)),
            (&filters[3], at(2)),
        ],
        &[],
    )?;
    ensure!(codes == [0, 1, 2, 2], "SUBACK codes {codes:?}");
    let mut publisher = env.client(v, "wild-pub")?;
    // (topic, QoS published, QoS delivered or None when no filter matches)
    let cases: &[(&str, u8, Option<u8>)] = &[
        ("sensors/kitchen/temp", 2, Some(0)),
        ("sensors/kitchen/humidity", 1, None),
        ("sensors/temp", 1, None),
        ("alarms", 2, Some(1)),
        ("alarms/fire/zone/1", 1, Some(1)),
        ("exact/topic", 2, Some(2)),
        ("exact/topic/more", 2, None),
        ("a/b/x/c", 1, Some(1)),
        ("a/b/x", 1, None),
    ];
    let mut want = Vec::new();
    for (i, &(rest, q, delivered)) in cases.iter().enumerate() {
        let payload = format!("message {i}");
        publisher.publish(&t(rest), q, false, &[], payload.as_bytes())?;
        if let Some(d) = delivered {
            want.push((t(rest), d, false, payload.into_bytes()));
        }
    }
    let mut got = Vec::new();
    for _ in 0..want.len() {
        got.push(sub.next_message()?);
    }
    sub.ping()?;
    got.sort();
    want.sort();
    ensure!(got == want, "received {got:?}\nwant {want:?}");
    publisher.disconnect()?;
    sub.disconnect()?;
    Ok(format!(
        "SUBACK [0, 1, 2, 2] for 4 filters with + and #; {} of {} publishes delivered at \
         min(published, granted) QoS, none of the others",
        want.len(),
        cases.len()
    ))
}

fn qos_flows(env: &Env, v: Version) -> Outcome {
    let topic = env.topic(v, "qos/flow");
    let mut sub = env.client(v, "qos-sub")?;
    sub.subscribe_ok(&[(&topic, at(2))])?;
    let mut publisher = env.client(v, "qos-pub")?;
    let mut steps = Vec::new();
    for q in 0..=2u8 {
        let payload = format!("at QoS {q}");
        let reason = publisher.publish(&topic, q, false, &[], payload.as_bytes())?;
        ensure!(reason == 0, "QoS {q}: reason {reason:#04x}");
        let (id, dup) = sub.expect_publish(|p| {
            ensure!(p.topic == topic.as_str(), "topic {:?}", p.topic);
            ensure!(
                p.qos as u8 == q,
                "delivered at QoS {}, want {q}",
                p.qos as u8
            );
            ensure!(p.payload == payload.as_bytes(), "payload {:?}", p.payload);
            ensure!(!p.retain, "RETAIN set on a live message");
            Ok((p.packet_id, p.dup))
        })?;
        ensure!(!dup, "DUP on a first delivery");
        steps.push(match q {
            0 => "QoS 0 (no ack either way)".to_string(),
            1 => format!(
                "QoS 1 (PUBACK from broker; broker's PUBLISH id {} acked)",
                id.map_or(0, |i| i.get())
            ),
            _ => format!(
                "QoS 2 (PUBREC, PUBREL, PUBCOMP both ways; broker's id {})",
                id.map_or(0, |i| i.get())
            ),
        });
    }
    // Nothing redelivered once the flows are complete.
    sub.ping()?;
    ensure!(
        sub.completed.len() == 1,
        "QoS 2 flows completed by PUBREL/PUBCOMP: {:?}",
        sub.completed
    );
    publisher.ping()?;
    publisher.disconnect()?;
    sub.disconnect()?;
    Ok(steps.join("; "))
}

fn redelivery(env: &Env, v: Version) -> Outcome {
    let topic = env.topic(v, "redeliver");
    let id = env.client_id(v, "persist");
    let expiry = [Property::SessionExpiryInterval(300)];
    let persistent = Connect {
        clean_start: false,
        properties: Properties::new(if v.is_v5() { &expiry } else { &[] }),
        ..connect(v, &id)
    };
    // Start from a clean slate (a clean session ended at once), then keep the session.
    let clean = connect(v, &id);
    let mut sub = env.open(&env.addr, v)?;
    sub.connect(&clean)?.accepted()?;
    sub.disconnect()?;
    let mut sub = env.open(&env.addr, v)?;
    let ack = sub.connect(&persistent)?;
    ack.accepted()?;
    ensure!(!ack.session_present, "Session Present 1 for a new session");
    sub.subscribe_ok(&[(&topic, at(2))])?;
    let mut publisher = env.client(v, "persist-pub")?;
    publisher.publish(&topic, 1, false, &[], b"unacked qos 1")?;
    publisher.publish(&topic, 2, false, &[], b"unacked qos 2")?;
    // Read both, acknowledge neither, and drop the connection.
    let mut ids = Vec::new();
    for want in [&b"unacked qos 1"[..], b"unacked qos 2"] {
        match sub.recv()? {
            ControlPacket::Publish(p) if p.payload == want && !p.dup => ids.push(p.packet_id),
            other => {
                return Err(format!(
                    "want a first delivery of {want:?}, got {}",
                    describe(&other)
                ));
            }
        }
    }
    sub.abort();
    let mut sub = env.open(&env.addr, v)?;
    let ack = sub.connect(&persistent)?;
    ack.accepted()?;
    ensure!(
        ack.session_present,
        "Session Present 0 on resuming the session"
    );
    for (want, id) in [&b"unacked qos 1"[..], b"unacked qos 2"]
        .into_iter()
        .zip(&ids)
    {
        sub.expect_publish(|p| {
            ensure!(
                p.payload == want,
                "redelivered {:?}, want {want:?}",
                p.payload
            );
            ensure!(p.dup, "DUP not set on the redelivery of {want:?}");
            ensure!(
                p.packet_id == *id,
                "redelivered with id {:?}, first {id:?}",
                p.packet_id
            );
            Ok(())
        })?;
    }
    sub.ping()?;
    // Resuming again: nothing left.
    sub.abort();
    let mut sub = env.open(&env.addr, v)?;
    ensure!(sub.connect(&persistent)?.session_present, "session lost");
    sub.ping()?;
    sub.disconnect()?;
    // End the session.
    let mut sub = env.open(&env.addr, v)?;
    sub.connect(&clean)?.accepted()?;
    sub.disconnect()?;
    publisher.disconnect()?;
    Ok(format!(
        "session resumed (Session Present 1); QoS 1 and QoS 2 PUBLISH redelivered with DUP 1 \
         and the same ids {:?}, then acknowledged; nothing more on the next resume",
        ids.iter()
            .map(|i| i.map_or(0, |i| i.get()))
            .collect::<Vec<_>>()
    ))
}

fn retained(env: &Env, v: Version) -> Outcome {
    let t = |rest: &str| env.topic(v, &format!("retained/{rest}"));
    let mut publisher = env.client(v, "ret-pub")?;
    publisher.publish(&t("a"), 1, true, &[], b"retained a")?;
    publisher.publish(&t("b"), 2, true, &[], b"retained b")?;
    publisher.publish(&t("c"), 0, true, &[], b"retained c")?;
    let mut sub = env.client(v, "ret-sub")?;
    sub.subscribe_ok(&[(&t("+"), at(1))])?;
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(sub.next_message()?);
    }
    sub.ping()?;
    got.sort();
    let want = vec![
        (t("a"), 1, true, b"retained a".to_vec()),
        (t("b"), 1, true, b"retained b".to_vec()),
        (t("c"), 0, true, b"retained c".to_vec()),
    ];
    ensure!(got == want, "on subscribing got {got:?}\nwant {want:?}");
    // A live retained publish reaches existing subscribers with RETAIN 0.
    publisher.publish(&t("a"), 1, true, &[], b"retained a, v2")?;
    let live = sub.next_message()?;
    ensure!(
        live == (t("a"), 1, false, b"retained a, v2".to_vec()),
        "live retained publish arrived as {live:?}"
    );
    // An empty retained payload deletes; a new subscriber gets only what is left.
    publisher.publish(&t("b"), 1, true, &[], b"")?;
    publisher.publish(&t("c"), 1, true, &[], b"")?;
    let (_, _, retain, payload) = sub.next_message()?;
    ensure!(
        !retain && payload.is_empty(),
        "deleting publish arrived as retain {retain} {payload:?}"
    );
    let _ = sub.next_message()?;
    let mut late = env.client(v, "ret-late")?;
    late.subscribe_ok(&[(&t("+"), at(2))])?;
    let m = late.next_message()?;
    ensure!(
        m == (t("a"), 1, true, b"retained a, v2".to_vec()),
        "late subscriber got {m:?}"
    );
    late.ping()?;
    late.disconnect()?;
    sub.disconnect()?;
    publisher.publish(&t("a"), 1, true, &[], b"")?;
    publisher.disconnect()?;
    Ok(
        "3 retained messages sent on SUBSCRIBE with RETAIN 1 (QoS capped at the subscription's); \
         a live retained publish forwarded with RETAIN 0; empty retained payloads delete"
            .into(),
    )
}

fn large_payload(env: &Env, v: Version) -> Outcome {
    const LEN: usize = 2_500_000;
    let topic = env.topic(v, "large");
    let payload = binary_payload(LEN);
    let mut sub = env.client(v, "large-sub")?;
    sub.subscribe_ok(&[(&topic, at(1))])?;
    let mut publisher = env.client(v, "large-pub")?;
    let id = publisher.id();
    let publish = Publish {
        version: v,
        dup: false,
        qos: QoS::AtLeastOnce,
        retain: false,
        topic: st(&topic)?,
        packet_id: Some(id),
        properties: Properties::EMPTY,
        payload: &payload,
    };
    let mut head = vec![0u8; publish.head_len()];
    let n = publish
        .encode_head(&mut head)
        .map_err(|e| format!("encode_head: {e}"))?;
    ensure!(
        n == head.len(),
        "encode_head wrote {n}, head_len {}",
        head.len()
    );
    ensure!(
        head[1..4].iter().all(|b| b & 0x80 != 0) && head[4] & 0x80 == 0,
        "Remaining Length is not 4 bytes: {:02x?}",
        &head[..5]
    );
    ensure!(
        n + LEN == ControlPacket::Publish(publish).encoded_len(),
        "head_len + payload != encoded_len"
    );
    let mut slices = [IoSlice::new(&head), IoSlice::new(&payload)];
    let mut bufs = &mut slices[..];
    let mut writes = 0;
    while !bufs.is_empty() {
        writes += 1;
        match publisher.stream.write_vectored(bufs) {
            Ok(0) => return Err("write_vectored wrote nothing".into()),
            Ok(n) => IoSlice::advance_slices(&mut bufs, n),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("write_vectored: {e}")),
        }
    }
    let reason = publisher.expect_ack("PUBACK", id)?;
    ensure!(reason == 0, "PUBACK reason {reason:#04x}");
    let reads_before = sub.reads;
    sub.expect_publish(|p| {
        ensure!(p.topic == topic.as_str(), "topic {:?}", p.topic);
        ensure!(
            p.payload.len() == LEN,
            "payload of {} bytes",
            p.payload.len()
        );
        ensure!(p.payload == payload.as_slice(), "payload bytes differ");
        Ok(())
    })?;
    let header = sub.last_header.clone();
    let reads = sub.reads - reads_before;
    ensure!(
        header.len() == 5,
        "received fixed header {header:02x?}, want 5 bytes"
    );
    sub.ping()?;
    sub.disconnect()?;
    publisher.disconnect()?;
    Ok(format!(
        "sent as head ({n} bytes, Remaining Length {:02x?}) + payload in {writes} vectored \
         write(s), PUBACK 0; received whole, fixed header {header:02x?}, {reads} reads",
        &head[1..5],
    ))
}

fn unsubscribe(env: &Env, v: Version) -> Outcome {
    let keep = env.topic(v, "unsub/keep");
    let drop = env.topic(v, "unsub/drop/+");
    let never = env.topic(v, "unsub/never");
    let mut c = env.client(v, "unsub")?;
    c.subscribe_ok(&[(&keep, at(1)), (&drop, at(1))])?;
    let codes = c.unsubscribe(&[&drop, &never])?;
    let want: &[u8] = match v.is_v5() {
        // Success, No subscription existed.
        true => &[0x00, 0x11],
        false => &[],
    };
    ensure!(codes == want, "UNSUBACK codes {codes:?}, want {want:?}");
    let dropped = env.topic(v, "unsub/drop/x");
    c.publish(&dropped, 0, false, &[], b"not delivered")?;
    c.publish(&keep, 0, false, &[], b"delivered")?;
    let m = c.next_message()?;
    ensure!(m.0 == keep && m.3 == b"delivered", "got {m:?}");
    c.ping()?;
    c.disconnect()?;
    Ok(match v.is_v5() {
        true => "UNSUBACK [0x00, 0x11] (unsubscribed, no subscription existed); the dropped filter no longer delivers".into(),
        false => "UNSUBACK (no payload in 3.1.1); the dropped filter no longer delivers".into(),
    })
}

fn ping_and_keep_alive(env: &Env, v: Version) -> Outcome {
    let id = env.client_id(v, "keepalive");
    let mut c = env.open(&env.addr, v)?;
    c.connect(&Connect {
        keep_alive: 1,
        ..connect(v, &id)
    })?
    .accepted()?;
    // Pinging every 0.5 s keeps a 1 s keep alive connection open for 3 s.
    let start = Instant::now();
    let mut pings = 0;
    while start.elapsed() < Duration::from_secs(3) {
        c.ping()?;
        pings += 1;
        std::thread::sleep(Duration::from_millis(500));
    }
    // Then silence: the broker must close it once 1.5 keep alive periods pass without a
    // packet ([MQTT-3.1.2-22] / [MQTT-3.1.2-24]); mosquitto checks only every few seconds.
    let quiet = Instant::now();
    c.stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .map_err(|e| e.to_string())?;
    let mut got = Vec::new();
    let closed = loop {
        match c.recv() {
            Ok(p) => got.push(describe(&p)),
            Err(e) if e.contains("closed the connection") => break quiet.elapsed(),
            Err(e) => return Err(format!("after going quiet: {e}")),
        }
    };
    // 5.0: mosquitto may say why first.
    ensure!(
        got.iter().all(|p| p.starts_with("Disconnect")),
        "before closing, mosquitto sent {got:?}"
    );
    ensure!(
        closed >= Duration::from_millis(900) && closed <= Duration::from_secs(15),
        "closed {closed:?} after the last packet, keep alive 1 s"
    );
    Ok(format!(
        "{pings} PINGREQ/PINGRESP over 3 s with keep alive 1 s; silent, closed after {:.1} s{}",
        closed.as_secs_f32(),
        match got.is_empty() {
            true => String::new(),
            false => format!(" (first sent {})", got.join(", ")),
        }
    ))
}

fn session_takeover(env: &Env, v: Version) -> Outcome {
    let id = env.client_id(v, "takeover");
    let mut first = env.open(&env.addr, v)?;
    first.connect(&connect(v, &id))?.accepted()?;
    first.ping()?;
    let mut second = env.open(&env.addr, v)?;
    second.connect(&connect(v, &id))?.accepted()?;
    // 5.0 [MQTT-3.1.4-3]: the old connection may first get DISCONNECT 0x8E (Session
    // taken over); it must be closed.
    let what = match first.recv() {
        Ok(ControlPacket::Disconnect(d)) if v.is_v5() => {
            ensure!(
                d.reason == 0x8E,
                "DISCONNECT reason {:#04x}, want 0x8E",
                d.reason
            );
            first.expect_closed("DISCONNECT 0x8E")?;
            "the first connection got DISCONNECT 0x8E (Session taken over), then was closed"
        }
        Ok(other) => return Err(format!("the first connection got {}", describe(&other))),
        Err(e) if e.contains("closed the connection") => {
            "the first connection was closed (without a DISCONNECT)"
        }
        Err(e) => return Err(e),
    };
    second.ping()?;
    second.disconnect()?;
    Ok(format!(
        "second CONNECT with the same client identifier accepted; {what}"
    ))
}

fn no_local(env: &Env, v: Version) -> Outcome {
    let local = env.topic(v, "nolocal/on");
    let normal = env.topic(v, "nolocal/off");
    let mut c = env.client(v, "nolocal")?;
    let on = SubscriptionOptions {
        no_local: true,
        ..at(1)
    };
    c.subscribe_ok(&[(&local, on), (&normal, at(1))])?;
    c.publish(&local, 0, false, &[], b"mine, not for me")?;
    c.publish(&normal, 0, false, &[], b"mine, for me")?;
    let m = c.next_message()?;
    ensure!(m.0 == normal, "got {m:?}");
    c.ping()?;
    let mut other = env.client(v, "nolocal-other")?;
    other.publish(&local, 1, false, &[], b"from another client")?;
    let m = c.next_message()?;
    ensure!(m.0 == local && m.3 == b"from another client", "got {m:?}");
    other.disconnect()?;
    c.disconnect()?;
    Ok("own PUBLISH not sent back on the No Local filter, sent back on the other; another client's PUBLISH delivered".into())
}

fn retain_handling(env: &Env, v: Version) -> Outcome {
    let topic = env.topic(v, "rh/t");
    let mut publisher = env.client(v, "rh-pub")?;
    publisher.publish(&topic, 1, true, &[], b"stored")?;
    let rh = |n: u8, rap: bool| SubscriptionOptions {
        retain_handling: n,
        retain_as_published: rap,
        ..at(1)
    };
    // 0: sent at every SUBSCRIBE.
    let mut c0 = env.client(v, "rh0")?;
    for _ in 0..2 {
        c0.subscribe_ok(&[(&topic, rh(0, false))])?;
        let m = c0.next_message()?;
        ensure!(m.2 && m.3 == b"stored", "rh 0: got {m:?}");
    }
    c0.ping()?;
    // 1: only when the subscription is new.
    let mut c1 = env.client(v, "rh1")?;
    c1.subscribe_ok(&[(&topic, rh(1, false))])?;
    let m = c1.next_message()?;
    ensure!(m.2 && m.3 == b"stored", "rh 1: got {m:?}");
    c1.subscribe_ok(&[(&topic, rh(1, false))])?;
    c1.ping()?;
    // 2: never.
    let mut c2 = env.client(v, "rh2")?;
    c2.subscribe_ok(&[(&topic, rh(2, true))])?;
    c2.ping()?;
    // Retain As Published: c2 has it, c1 not.
    publisher.publish(&topic, 1, true, &[], b"live")?;
    let m2 = c2.next_message()?;
    ensure!(m2.2 && m2.3 == b"live", "RAP 1: got {m2:?}");
    let m1 = c1.next_message()?;
    ensure!(!m1.2 && m1.3 == b"live", "RAP 0: got {m1:?}");
    let m0 = c0.next_message()?;
    ensure!(!m0.2, "RAP 0: got {m0:?}");
    for c in [c0, c1, c2] {
        c.disconnect()?;
    }
    publisher.publish(&topic, 1, true, &[], b"")?;
    publisher.disconnect()?;
    Ok("Retain Handling 0: retained sent at each SUBSCRIBE; 1: only for a new subscription; 2: never; Retain As Published 1 keeps RETAIN 1 on a live retained publish, 0 clears it".into())
}

fn subscription_identifier(env: &Env, v: Version) -> Outcome {
    let t = |rest: &str| env.topic(v, &format!("subid/{rest}"));
    let mut c = env.client(v, "subid")?;
    let big = VarInt::MAX;
    let codes = c.subscribe(
        &[(&t("a/+"), at(1))],
        &[Property::SubscriptionIdentifier(
            VarInt::new(42).ok_or("42")?,
        )],
    )?;
    ensure!(codes == [1], "SUBACK {codes:?}");
    let codes = c.subscribe(
        &[(&t("+/b"), at(1))],
        &[
            Property::SubscriptionIdentifier(big),
            Property::UserProperty(st("on")?, st("subscribe")?),
        ],
    )?;
    ensure!(codes == [1], "SUBACK {codes:?}");
    c.subscribe_ok(&[(&t("plain"), at(1))])?;
    let mut publisher = env.client(v, "subid-pub")?;
    let mut seen = Vec::new();
    for (topic, want) in [
        (t("a/x"), vec![42]),
        (t("x/b"), vec![big.get()]),
        (t("plain"), vec![]),
    ] {
        publisher.publish(&topic, 1, false, &[], b"x")?;
        let ids = c.expect_publish(|p| {
            ensure!(p.topic == topic.as_str(), "topic {:?}", p.topic);
            Ok(p.properties
                .subscription_identifiers()
                .map(VarInt::get)
                .collect::<Vec<_>>())
        })?;
        ensure!(
            ids == want,
            "{topic}: Subscription Identifiers {ids:?}, want {want:?}"
        );
        seen.push(format!("{ids:?}"));
    }
    // Both filters match a/b: one copy carrying both identifiers, or one copy each.
    publisher.publish(&t("a/b"), 1, false, &[], b"both")?;
    let mut ids = c.expect_publish(|p| {
        Ok(p.properties
            .subscription_identifiers()
            .map(VarInt::get)
            .collect::<Vec<_>>())
    })?;
    let copies = match ids.len() {
        2 => 1,
        _ => {
            let more = c.expect_publish(|p| {
                Ok(p.properties
                    .subscription_identifiers()
                    .map(VarInt::get)
                    .collect::<Vec<_>>())
            })?;
            ids.extend(more);
            2
        }
    };
    ids.sort_unstable();
    ensure!(ids == [42, big.get()], "a/b: identifiers {ids:?}");
    c.ping()?;
    publisher.disconnect()?;
    c.disconnect()?;
    Ok(format!(
        "identifiers on delivery {} (268435455 is the 4-byte maximum); matching both filters: \
         {copies} cop{} with {ids:?}",
        seen.join(", "),
        if copies == 1 { "y" } else { "ies" }
    ))
}

fn topic_alias(env: &Env, v: Version) -> Outcome {
    let topic = env.topic(v, "alias/a/rather/long/topic/name/worth/aliasing");
    let mut sub = env.client(v, "alias-sub")?;
    sub.subscribe_ok(&[(&topic, at(1))])?;
    let id = env.client_id(v, "alias-pub");
    let mut publisher = env.open(&env.addr, v)?;
    let ack = publisher.connect(&connect(v, &id))?;
    ack.accepted()?;
    ensure!(
        ack.topic_alias_maximum >= 1,
        "CONNACK Topic Alias Maximum {} ({})",
        ack.topic_alias_maximum,
        ack.properties
    );
    let alias = [Property::TopicAlias(1)];
    publisher.publish(&topic, 1, false, &alias, b"sets the alias")?;
    publisher.publish("", 1, false, &alias, b"uses the alias")?;
    publisher.publish("", 0, false, &alias, b"again at QoS 0")?;
    for want in [&b"sets the alias"[..], b"uses the alias", b"again at QoS 0"] {
        sub.expect_publish(|p| {
            ensure!(p.topic == topic.as_str(), "delivered on {:?}", p.topic);
            ensure!(p.payload == want, "payload {:?}", p.payload);
            ensure!(
                p.properties.topic_alias().is_none(),
                "alias sent to a client that allows none"
            );
            Ok(())
        })?;
    }
    sub.ping()?;
    publisher.disconnect()?;
    sub.disconnect()?;
    Ok(format!(
        "CONNACK Topic Alias Maximum {}; PUBLISH with topic + alias 1, then two with an empty \
         topic and alias 1: all delivered on the full topic",
        ack.topic_alias_maximum
    ))
}

fn auth_method_refused(env: &Env, v: Version) -> Outcome {
    let id = env.client_id(v, "authmethod");
    let props = [
        Property::AuthenticationMethod(st("SCRAM-SHA-256")?),
        Property::AuthenticationData(b"n,,n=user,r=nonce"),
    ];
    let mut c = env.open(&env.addr, v)?;
    let ack = c.connect(&Connect {
        properties: Properties::new(&props),
        ..connect(v, &id)
    })?;
    ensure!(ack.code == 0x8C, "CONNACK {:#04x}, want 0x8C", ack.code);
    c.expect_closed("CONNACK 0x8C")?;
    Ok(format!(
        "CONNACK 0x8C (Bad authentication method), properties {}, connection closed",
        ack.properties
    ))
}

fn no_subscribers(env: &Env, v: Version) -> Outcome {
    let topic = env.topic(v, "nobody/listens");
    let mut c = env.client(v, "nobody")?;
    let r1 = c.publish(&topic, 1, false, &[], b"x")?;
    let r2 = c.publish(&topic, 2, false, &[], b"x")?;
    // The reason may be 0x10 (No matching subscribers) or 0x00 (Success).
    ensure!(r1 == 0x10, "PUBACK {r1:#04x}, want 0x10");
    ensure!(
        matches!(r2, 0x00 | 0x10),
        "PUBREC {r2:#04x}, want 0x00 or 0x10"
    );
    c.disconnect()?;
    Ok(format!(
        "PUBACK reason {r1:#04x} (No matching subscribers); PUBREC reason {r2:#04x}, decoded"
    ))
}

// ------------------------------------------------------------------------------------
// With mosquitto's own clients
// ------------------------------------------------------------------------------------

/// A child process, killed (by its pid) if still running when dropped.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Child {
    fn stderr(&mut self) -> String {
        let mut s = String::new();
        if let Some(e) = self.0.stderr.as_mut() {
            let _ = e.read_to_string(&mut s);
        }
        s
    }
}

fn mosquitto_pub(env: &Env, v: Version, args: &[&str]) -> Result<(), String> {
    let (host, port) = Env::host_port(&env.addr);
    let out = Command::new("mosquitto_pub")
        .args(["-h", host, "-p", port, "-V", tool_version(v)])
        .args(args)
        .output()
        .map_err(|e| format!("cannot run mosquitto_pub: {e}"))?;
    ensure!(
        out.status.success(),
        "mosquitto_pub {args:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// A scratch folder, removed when dropped.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A message for mosquitto_pub: last topic level, arguments, QoS, payload.
type PubCase<'a> = (&'a str, &'a [&'a str], u8, &'a [u8]);

fn from_mosquitto_pub(env: &Env, v: Version) -> Outcome {
    let t = |rest: &str| env.topic(v, &format!("frompub/{rest}"));
    let mut sub = env.client(v, "frompub")?;
    let sub_id = [Property::SubscriptionIdentifier(VarInt::new(9).ok_or("9")?)];
    let codes = sub.subscribe(&[(&t("#"), at(2))], if v.is_v5() { &sub_id } else { &[] })?;
    ensure!(codes == [2], "SUBACK {codes:?}");
    let dir = TempDir(std::env::temp_dir().join(format!("iotwire-interop-mqtt-{}", env.run)));
    let dir = &dir.0;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let file = dir.join("binary.bin");
    let binary = binary_payload(70_000);
    std::fs::write(&file, &binary).map_err(|e| e.to_string())?;
    let file = file.to_string_lossy().into_owned();
    let mut done = Vec::new();

    // QoS 0, 1, 2, text and binary, and empty: (last topic level, arguments, QoS,
    // payload).
    let cases: [PubCase<'_>; 4] = [
        ("q0", &["-q", "0", "-m", "hello at 0"], 0, b"hello at 0"),
        ("q1", &["-q", "1", "-m", "hello at 1"], 1, b"hello at 1"),
        ("q2/bin", &["-q", "2", "-f", &file], 2, &binary),
        ("empty", &["-q", "1", "-n"], 1, b""),
    ];
    for (rest, args, q, payload) in cases {
        let topic = t(rest);
        let mut all = vec!["-t", &topic, "-i", "iotwire-frompub"];
        all.extend_from_slice(args);
        mosquitto_pub(env, v, &all)?;
        sub.expect_publish(|p| {
            ensure!(p.topic == topic.as_str(), "topic {:?}", p.topic);
            ensure!(p.qos as u8 == q, "{rest}: QoS {}", p.qos as u8);
            ensure!(!p.retain, "{rest}: RETAIN set");
            ensure!(
                p.payload == payload,
                "{rest}: payload of {} bytes differs",
                p.payload.len()
            );
            if v.is_v5() {
                let ids: Vec<_> = p
                    .properties
                    .subscription_identifiers()
                    .map(VarInt::get)
                    .collect();
                ensure!(ids == [9], "{rest}: Subscription Identifiers {ids:?}");
            }
            Ok(())
        })?;
        done.push(format!("{rest} ({} bytes, QoS {q})", payload.len()));
    }
    if v.is_v5() {
        let topic = t("props");
        let mut args = vec!["-t", &topic, "-q", "1", "-m", "{\"temp\": 21.5}"];
        for d in [
            "publish|user-property|k|v",
            "publish|user-property|k2|second value",
            "publish|content-type|application/json",
            "publish|message-expiry-interval|3600",
            "publish|payload-format-indicator|1",
            "publish|correlation-data|corr-0042",
            "publish|response-topic|iotwire/reply/here",
            "connect|user-property|from|mosquitto_pub",
            "connect|receive-maximum|7",
        ] {
            args.push("-D");
            args.extend(d.split('|'));
        }
        mosquitto_pub(env, v, &args)?;
        let props = sub.expect_publish(|p| {
            ensure!(p.payload == b"{\"temp\": 21.5}", "payload {:?}", p.payload);
            let sent = [
                Property::UserProperty(st("k")?, st("v")?),
                Property::UserProperty(st("k2")?, st("second value")?),
                Property::ContentType(st("application/json")?),
                Property::MessageExpiryInterval(3600),
                Property::PayloadFormatIndicator(1),
                Property::CorrelationData(b"corr-0042"),
                Property::ResponseTopic(st("iotwire/reply/here")?),
                Property::SubscriptionIdentifier(VarInt::new(9).ok_or("9")?),
            ];
            check_message_properties(&p.properties, &sent, 3600)?;
            let n = p.properties.iter().count();
            ensure!(n == sent.len(), "{n} properties: {:?}", p.properties);
            Ok(format!("{:?}", p.properties))
        })?;
        done.push(format!("-D publish properties, each decoded: {props}"));
        // A retained one, seen on subscribing.
        let topic = t("kept");
        mosquitto_pub(env, v, &["-t", &topic, "-q", "2", "-r", "-m", "kept"])?;
        let _ = sub.next_message()?;
        let mut late = env.client(v, "frompub-late")?;
        late.subscribe_ok(&[(&topic, at(2))])?;
        let m = late.next_message()?;
        ensure!(m == (topic.clone(), 2, true, b"kept".to_vec()), "got {m:?}");
        mosquitto_pub(env, v, &["-t", &topic, "-r", "-n"])?;
        let m = late.next_message()?;
        ensure!(
            m == (topic.clone(), 0, false, Vec::new()),
            "deleting publish came as {m:?}"
        );
        late.disconnect()?;
        done.push("retained -r, delivered with RETAIN 1 to a later subscriber".into());
    } else {
        let topic = t("kept");
        mosquitto_pub(env, v, &["-t", &topic, "-q", "1", "-r", "-m", "kept"])?;
        let _ = sub.next_message()?;
        let mut late = env.client(v, "frompub-late")?;
        late.subscribe_ok(&[(&topic, at(1))])?;
        let m = late.next_message()?;
        ensure!(m == (topic.clone(), 1, true, b"kept".to_vec()), "got {m:?}");
        mosquitto_pub(env, v, &["-t", &topic, "-r", "-n"])?;
        let m = late.next_message()?;
        ensure!(
            m == (topic.clone(), 0, false, Vec::new()),
            "deleting publish came as {m:?}"
        );
        late.disconnect()?;
        done.push("retained -r, delivered with RETAIN 1 to a later subscriber".into());
    }
    let _ = sub.next_message()?; // the deleting empty retained publish
    sub.ping()?;
    sub.disconnect()?;
    Ok(done.join("; "))
}

/// Starts mosquitto_sub on `filter` with `args`, publishing a retained probe first on
/// `ready` (which `filter` must match) so that the first message mosquitto_sub prints
/// proves its subscription is in place. Returns the child and its stdout.
fn start_mosquitto_sub(
    env: &Env,
    v: Version,
    publisher: &mut Conn,
    ready: &str,
    filter: &str,
    args: &[&str],
) -> Result<(Child, BufReader<std::process::ChildStdout>), String> {
    publisher.publish(ready, 1, true, &[], b"ready")?;
    let (host, port) = Env::host_port(&env.addr);
    let mut child = Child(
        Command::new("mosquitto_sub")
            .args([
                "-h",
                host,
                "-p",
                port,
                "-V",
                tool_version(v),
                "-t",
                filter,
                "-W",
                "30",
            ])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run mosquitto_sub: {e}"))?,
    );
    let out = child.0.stdout.take().ok_or("no stdout")?;
    Ok((child, BufReader::new(out)))
}

fn to_mosquitto_sub(env: &Env, v: Version) -> Outcome {
    let ready = env.topic(v, "tosub/ready");
    let filter = env.topic(v, "tosub/#");
    let mut publisher = env.client(v, "tosub-pub")?;
    let binary = binary_payload(1000);
    let v5 = v.is_v5();
    let user = [
        Property::UserProperty(st("k")?, st("v")?),
        Property::UserProperty(st("name")?, st("value")?),
    ];
    let full = [
        Property::PayloadFormatIndicator(1),
        Property::MessageExpiryInterval(3600),
        Property::ContentType(st("text/plain; charset=utf-8")?),
        Property::ResponseTopic(st("iotwire/reply")?),
        Property::CorrelationData(b"corr-7"),
        Property::UserProperty(st("k")?, st("v")?),
        Property::UserProperty(st("name")?, st("value")?),
    ];
    let (user, full): (&[Property<'_>], &[Property<'_>]) = match v5 {
        true => (&user, &full),
        false => (&[], &[]),
    };
    // (last topic level, QoS, payload, properties)
    let msgs: Vec<(&str, u8, Vec<u8>, &[Property<'_>])> = vec![
        ("q0", 0, b"at most once".to_vec(), &[]),
        ("q1", 1, binary.clone(), &[]),
        (
            "q2",
            2,
            "exactly once, \u{e9}t\u{e9}".as_bytes().to_vec(),
            user,
        ),
        ("props", 1, b"every message property".to_vec(), full),
        ("empty", 2, Vec::new(), &[]),
    ];
    let count = (msgs.len() + 1).to_string();
    let format = match v5 {
        true => "%t|%q|%r|%l|%x|%C|%E|%F|%R|%P|%D|%S",
        false => "%t|%q|%r|%l|%x",
    };
    let mut args = vec!["-q", "2", "-C", &count, "-F", format, "-i", "iotwire-tosub"];
    if v5 {
        args.extend(["-D", "subscribe", "subscription-identifier", "77"]);
    }
    // What mosquitto_sub prints for a message: the fields of `format`.
    let line = |topic: &str, q: u8, retain: bool, payload: &[u8], props: &[Property<'_>]| {
        let hex: String = payload.iter().map(|x| format!("{x:02x}")).collect();
        let mut l = format!("{topic}|{q}|{}|{}|{hex}", u8::from(retain), payload.len());
        if v5 {
            let one = |id: u8| match props.iter().find(|p| p.id() == id) {
                Some(Property::ContentType(s) | Property::ResponseTopic(s)) => s.as_str().into(),
                Some(Property::MessageExpiryInterval(n)) => n.to_string(),
                Some(Property::PayloadFormatIndicator(n)) => n.to_string(),
                Some(Property::CorrelationData(b)) => String::from_utf8_lossy(b).into_owned(),
                _ => String::new(),
            };
            let users: Vec<String> = props
                .iter()
                .filter_map(|p| match p {
                    Property::UserProperty(k, v) => Some(format!("{}:{}", k.as_str(), v.as_str())),
                    _ => None,
                })
                .collect();
            l += &format!(
                "|{}|{}|{}|{}|{}|{}|77",
                one(0x03),
                one(0x02),
                one(0x01),
                one(0x08),
                users.join(" "),
                one(0x09)
            );
        }
        l + "\n"
    };
    let (mut child, mut out) = start_mosquitto_sub(env, v, &mut publisher, &ready, &filter, &args)?;
    let mut got = String::new();
    let n = out.read_line(&mut got).map_err(|e| e.to_string())?;
    ensure!(n > 0, "mosquitto_sub printed nothing: {}", child.stderr());
    let probe = line(&ready, 1, true, b"ready", &[]);
    ensure!(got == probe, "probe line {got:?}, want {probe:?}");
    let mut want = Vec::new();
    for (last, q, payload, props) in &msgs {
        let topic = env.topic(v, &format!("tosub/{last}"));
        publisher.publish(&topic, *q, false, props, payload)?;
        want.push(line(&topic, *q, false, payload, props));
    }
    // libmosquitto hands a QoS 2 message over at PUBREL, so the order may differ.
    let mut lines = Vec::new();
    for _ in &msgs {
        got.clear();
        let n = out.read_line(&mut got).map_err(|e| e.to_string())?;
        ensure!(n > 0, "mosquitto_sub stopped: {}", child.stderr());
        lines.push(got.clone());
    }
    let status = child.0.wait().map_err(|e| e.to_string())?;
    ensure!(
        status.success(),
        "mosquitto_sub exited with {status}: {}",
        child.stderr()
    );
    let order: Vec<&str> = lines
        .iter()
        .map(|l| {
            l.split('|')
                .next()
                .and_then(|t| t.rsplit('/').next())
                .unwrap_or("")
        })
        .collect();
    let order = order.join(", ");
    lines.sort();
    want.sort();
    ensure!(
        lines == want,
        "mosquitto_sub printed {lines:#?}\nwant {want:#?}"
    );
    publisher.publish(&ready, 1, true, &[], b"")?;
    publisher.disconnect()?;
    Ok(format!(
        "mosquitto_sub -F printed {} messages exactly as published (topic, QoS, RETAIN, \
         length, payload hex{}), in the order {order}",
        msgs.len(),
        match v5 {
            true =>
                ", Content Type, Message Expiry, Payload Format, Response Topic, User \
                     Properties, Correlation Data, Subscription Identifier",
            false => "",
        },
    ))
}

fn large_to_mosquitto_sub(env: &Env, v: Version) -> Outcome {
    const LEN: usize = 2_500_000;
    let ready = env.topic(v, "tosub-large/ready");
    let filter = env.topic(v, "tosub-large/#");
    let topic = env.topic(v, "tosub-large/big");
    let payload = binary_payload(LEN);
    let mut publisher = env.client(v, "tosub-large")?;
    // Payloads only, no newline: the probe's 5 bytes, then the big one.
    let (mut child, mut out) = start_mosquitto_sub(
        env,
        v,
        &mut publisher,
        &ready,
        &filter,
        &["-q", "1", "-C", "2", "-N", "-i", "iotwire-tosub-large"],
    )?;
    let mut probe = [0u8; 5];
    out.read_exact(&mut probe).map_err(|e| {
        format!(
            "reading the probe from mosquitto_sub: {e}: {}",
            child.stderr()
        )
    })?;
    ensure!(&probe == b"ready", "probe {probe:?}");
    publisher.publish(&topic, 2, false, &[], &payload)?;
    let mut got = Vec::new();
    out.read_to_end(&mut got).map_err(|e| e.to_string())?;
    let status = child.0.wait().map_err(|e| e.to_string())?;
    ensure!(
        status.success(),
        "mosquitto_sub exited with {status}: {}",
        child.stderr()
    );
    ensure!(
        got.len() == LEN,
        "mosquitto_sub printed {} bytes, want {LEN}",
        got.len()
    );
    ensure!(got == payload, "mosquitto_sub printed different bytes");
    publisher.publish(&ready, 1, true, &[], b"")?;
    publisher.disconnect()?;
    Ok(format!(
        "mosquitto_sub -N printed the {LEN} bytes published at QoS 2, byte for byte"
    ))
}
