//! Real traffic as test vectors: every CoAP message libcoap 4.3.1's `coap-client-notls`
//! and `coap-server-notls` exchanged on loopback, over UDP (RFC 7252) and TCP
//! (RFC 8323), recorded by `scripts/capture_coap.sh` into `tests/vectors/coap/captured/`
//! (see the README there).
//!
//! Over UDP each line is one datagram, decoded whole. Over TCP each direction's lines,
//! put back together, are the stream, decoded frame by frame: the frames must end where
//! the lines do (the capture split them by their headers alone), and every proper prefix
//! of a frame must decode as `Incomplete`, asking for no more than the frame still
//! lacks, and for exactly that once its Len field is in. Every message must agree with
//! what tshark read in it (type, code, Message ID, token), re-encode byte for byte
//! (`encoded_len` + `encode`), encode alike when rebuilt from its parts (its options
//! collected into a list), and encode alike head first (`encode_head` + payload).
//! Then the typed views are checked against what the sessions did: Observe numbers
//! rise, Block2 and Block1 bodies put together are the resource and the upload, the
//! link format parses.

#![cfg(feature = "coap")]

use iotwire::coap::{
    Block, Code, ContentFormat, Context, Header, Message, Opt, OptionNumber, Options, Transport,
    Type, link,
};
use iotwire::{DecodeError, Packet};

/// The capture has 31 sessions and 252 messages; a new capture may differ a little in
/// how many notifications and pings come.
const MIN_SESSIONS: usize = 31;
const MIN_MESSAGES: usize = 240;

/// One message as captured, with what tshark read in it.
struct Line {
    from_client: bool,
    bytes: Vec<u8>,
    /// Type and Message ID (UDP only).
    udp: Option<(Type, u16)>,
    code: Code,
    token: Vec<u8>,
}

struct Session {
    name: String,
    transport: Transport,
    client_messages: usize,
    server_messages: usize,
    lines: Vec<Line>,
}

fn hex(s: &str) -> Vec<u8> {
    assert!(
        s.len().is_multiple_of(2),
        "odd number of hex digits in {s:?}"
    );
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn code(s: &str) -> Code {
    let (class, detail) = s.split_once('.').unwrap();
    Code::new(class.parse().unwrap(), detail.parse().unwrap())
}

fn sessions() -> Vec<Session> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/coap/captured");
    let manifest = std::fs::read_to_string(format!("{dir}/MANIFEST.tsv")).unwrap();
    let mut lines = manifest.lines();
    assert_eq!(
        lines.next(),
        Some("name\ttransport\tclient_messages\tserver_messages\tcommand\tdescription")
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 6, "manifest line {l:?}");
            let transport = match c[1] {
                "udp" => Transport::Udp,
                "tcp" => Transport::Tcp,
                t => panic!("{}: unknown transport {t}", c[0]),
            };
            let file = std::fs::read_to_string(format!("{dir}/{}.tsv", c[0])).unwrap();
            let mut rows = file.lines();
            assert_eq!(
                rows.next(),
                Some("dir\thex\ttype\tcode\tmid\ttoken"),
                "{}",
                c[0]
            );
            let lines = rows
                .map(|r| {
                    let f: Vec<&str> = r.split('\t').collect();
                    assert_eq!(f.len(), 6, "{}: line {r:?}", c[0]);
                    let kind = match f[2] {
                        "CON" => Some(Type::Confirmable),
                        "NON" => Some(Type::NonConfirmable),
                        "ACK" => Some(Type::Acknowledgement),
                        "RST" => Some(Type::Reset),
                        _ => None,
                    };
                    Line {
                        from_client: f[0] == "c",
                        bytes: hex(f[1]),
                        udp: kind.map(|k| (k, f[4].parse().unwrap())),
                        code: code(f[3]),
                        token: if f[5] == "-" { Vec::new() } else { hex(f[5]) },
                    }
                })
                .collect();
            Session {
                name: c[0].into(),
                transport,
                client_messages: c[2].parse().unwrap(),
                server_messages: c[3].parse().unwrap(),
                lines,
            }
        })
        .collect()
}

/// The encoding, in a new vector (without needing the `alloc` feature's `to_vec`).
fn encode(m: &Message<'_>) -> Vec<u8> {
    let mut v = vec![0; m.encoded_len()];
    let n = m.encode(&mut v).unwrap();
    assert_eq!(n, v.len());
    v
}

/// Everything the module doc says of one decoded message `m`, whose bytes are `wire`.
fn check_message(at: &str, m: &Message<'_>, wire: &[u8], line: &Line) {
    // What tshark read.
    match (m.header, line.udp) {
        (Header::Udp { kind, message_id }, Some(udp)) => {
            assert_eq!((kind, message_id), udp, "{at}: type and Message ID");
        }
        (Header::Tcp, None) => {}
        (h, udp) => panic!("{at}: header {h:?}, tshark {udp:?}"),
    }
    assert_eq!(m.code, line.code, "{at}: code");
    assert_eq!(m.token, line.token.as_slice(), "{at}: token");
    // Byte for byte again.
    assert_eq!(m.encoded_len(), wire.len(), "{at}: encoded_len of {m:?}");
    assert!(
        encode(m) == wire,
        "{at}: re-encodes differently\n  wire:    {wire:02x?}\n  encoded: {:02x?}",
        encode(m)
    );
    // Rebuilt from its parts: the options as a list to encode.
    let opts: Vec<Opt<'_>> = m.options.iter().collect();
    let rebuilt = Message {
        options: Options::new(&opts),
        ..*m
    };
    assert_eq!(rebuilt, *m, "{at}: rebuilt from its parts");
    assert!(
        encode(&rebuilt) == wire,
        "{at}: rebuilt, encodes differently"
    );
    // Head first, for a vectored write.
    let mut head = vec![0; m.head_len()];
    assert_eq!(
        m.encode_head(&mut head),
        Ok(m.head_len()),
        "{at}: encode_head"
    );
    head.extend_from_slice(m.payload);
    assert!(head == wire, "{at}: head and payload differ from the wire");
}

/// The messages of a session, decoded, in capture order, each with its line.
fn decoded(s: &Session) -> Vec<(Message<'_>, &Line)> {
    let cx = Context::new(s.transport);
    s.lines
        .iter()
        .map(|l| {
            let (m, n) = Message::decode_with(&l.bytes, &cx).unwrap();
            assert_eq!(n, l.bytes.len(), "{}: a message is one line", s.name);
            (m, l)
        })
        .collect()
}

#[test]
fn manifest_counts_match_the_files() {
    let all = sessions();
    assert!(all.len() >= MIN_SESSIONS, "{} sessions", all.len());
    let mut messages = 0;
    for s in &all {
        let c = s.lines.iter().filter(|l| l.from_client).count();
        assert_eq!(
            (c, s.lines.len() - c),
            (s.client_messages, s.server_messages),
            "{}",
            s.name
        );
        assert!(c > 0 && s.lines.len() > c, "{}: both directions", s.name);
        messages += s.lines.len();
    }
    assert!(messages >= MIN_MESSAGES, "{messages} messages");
    for t in [Transport::Udp, Transport::Tcp] {
        assert!(
            all.iter().filter(|s| s.transport == t).count() >= 15,
            "{t:?} sessions"
        );
    }
}

#[test]
fn udp_datagrams_decode_and_reencode() {
    let cx = Context::new(Transport::Udp);
    let mut n = 0;
    for s in sessions().iter().filter(|s| s.transport == Transport::Udp) {
        for (i, line) in s.lines.iter().enumerate() {
            let at = format!("{}, message {i}", s.name);
            let (m, used) = Message::decode_with(&line.bytes, &cx)
                .unwrap_or_else(|e| panic!("{at}: {e} (offset {:?})", e.offset()));
            assert_eq!(used, line.bytes.len(), "{at}: a datagram is one message");
            check_message(&at, &m, &line.bytes, line);
            // Truncated, a datagram is malformed, never "incomplete" (RFC 7252 §3).
            for end in 0..line.bytes.len() {
                if let Err(e) = Message::decode_with(&line.bytes[..end], &cx) {
                    assert!(!e.is_incomplete(), "{at}: {end}-byte prefix: {e}");
                }
            }
            n += 1;
        }
    }
    assert!(n >= 100, "{n} UDP messages");
}

#[test]
fn tcp_streams_decode_frame_by_frame_and_reencode() {
    let cx = Context::new(Transport::Tcp);
    let mut n = 0;
    for s in sessions().iter().filter(|s| s.transport == Transport::Tcp) {
        for from_client in [true, false] {
            let lines: Vec<&Line> = s
                .lines
                .iter()
                .filter(|l| l.from_client == from_client)
                .collect();
            let stream: Vec<u8> = lines.iter().flat_map(|l| l.bytes.iter().copied()).collect();
            let side = if from_client { "client" } else { "server" };
            let mut pos = 0;
            for (i, line) in lines.iter().enumerate() {
                let at = format!("{}, {side} frame {i} at offset {pos}", s.name);
                let rest = &stream[pos..];
                let (m, used) = Message::decode_with(rest, &cx)
                    .unwrap_or_else(|e| panic!("{at}: {e} (offset {:?})", e.offset()));
                assert_eq!(
                    used,
                    line.bytes.len(),
                    "{at}: the frame ends where the line does"
                );
                check_message(&at, &m, &rest[..used], line);
                // Len nibble 13, 14, 15: 1, 2, 4 bytes of Extended Length (RFC 8323 §3.2).
                let ext = match rest[0] >> 4 {
                    13 => 1,
                    14 => 2,
                    15 => 4,
                    _ => 0,
                };
                for end in 0..used {
                    let e = Message::decode_with(&rest[..end], &cx)
                        .err()
                        .unwrap_or_else(|| panic!("{at}: {end}-byte prefix decoded"));
                    let needed = e
                        .needed()
                        .and_then(|n| n.size())
                        .unwrap_or_else(|| panic!("{at}: {end}-byte prefix: {e}"));
                    assert!(
                        needed <= used - end,
                        "{at}: {end}-byte prefix asks for {needed}"
                    );
                    // The Len field (1 + ext bytes) is in: the length is known.
                    if end > ext {
                        assert_eq!(needed, used - end, "{at}: {end}-byte prefix, length known");
                    }
                }
                pos += used;
                n += 1;
            }
            assert_eq!(pos, stream.len(), "{}: {side} stream", s.name);
        }
    }
    assert!(n >= 100, "{n} TCP frames");
}

/// Sessions whose name ends with `suffix`, one per transport.
fn named(all: &[Session], suffix: &str) -> Vec<usize> {
    let found: Vec<usize> = (0..all.len())
        .filter(|&i| all[i].name.ends_with(suffix))
        .collect();
    assert_eq!(found.len(), 2, "sessions named *{suffix}");
    found
}

#[test]
fn every_kind_of_message_is_there() {
    let all = sessions();
    let mut seen = Vec::new();
    for s in &all {
        for (m, _) in decoded(s) {
            let mut tags = vec![format!("{:?}", m.code)];
            if let Header::Udp { kind, .. } = m.header {
                tags.push(format!("{kind:?} {:?}", m.code));
            }
            for o in m.options.iter() {
                tags.push(format!("option {}", o.number.0));
            }
            if let [b0, ..] = encode(&m)[..]
                && matches!(m.header, Header::Tcp)
            {
                tags.push(format!("tcp len nibble {}", b0 >> 4));
            }
            seen.extend(tags);
        }
    }
    let want = [
        "Confirmable 0.01 GET",
        "NonConfirmable 0.01 GET",
        "Confirmable 0.00 EMPTY",
        "Acknowledgement 0.00 EMPTY",
        "Reset 0.00 EMPTY",
        "Acknowledgement 2.05 CONTENT",
        "NonConfirmable 2.05 CONTENT",
        "Confirmable 2.05 CONTENT",
        "0.02 POST",
        "0.03 PUT",
        "0.04 DELETE",
        "2.01 CREATED",
        "2.02 DELETED",
        "2.04 CHANGED",
        "2.31 CONTINUE",
        "4.02 BAD_OPTION",
        "4.04 NOT_FOUND",
        "7.01 CSM",
        "7.02 PING",
        "7.03 PONG",
        "option 4",  // ETag
        "option 6",  // Observe
        "option 7",  // Uri-Port
        "option 11", // Uri-Path
        "option 12", // Content-Format
        "option 14", // Max-Age
        "option 15", // Uri-Query
        "option 23", // Block2
        "option 27", // Block1
        "option 28", // Size2
        "option 65001",
        "tcp len nibble 13",
        "tcp len nibble 14",
    ];
    for w in want {
        assert!(seen.iter().any(|s| s == w), "no {w} in the captures");
    }
}

#[test]
fn typed_views_agree_with_the_sessions() {
    let all = sessions();
    for i in named(&all, "-get-core") {
        let msgs = decoded(&all[i]);
        let (m, _) = msgs.iter().find(|(m, _)| m.code == Code::CONTENT).unwrap();
        assert_eq!(m.content_format(), Some(ContentFormat::LINK_FORMAT));
        let links = link::parse(m.payload).unwrap();
        let time = links.iter().find(|l| l.target == "/time").unwrap();
        assert_eq!(time.attr("obs"), Some(None), "{}", all[i].name);
        assert_eq!(time.attr("rt"), Some(Some("ticks")), "{}", all[i].name);
    }
    for i in named(&all, "-get-query") {
        let msgs = decoded(&all[i]);
        let (req, _) = msgs.iter().find(|(m, _)| m.code == Code::GET).unwrap();
        assert_eq!(req.uri_path().collect::<Vec<_>>(), ["time"]);
        assert_eq!(req.uri_query().collect::<Vec<_>>(), ["ticks"]);
    }
    for i in named(&all, "-bad-option") {
        let msgs = decoded(&all[i]);
        let (req, _) = msgs.iter().find(|(m, _)| m.code == Code::GET).unwrap();
        assert_eq!(req.unknown_critical(), Some(OptionNumber(65001)));
        assert!(msgs.iter().any(|(m, _)| m.code == Code::BAD_OPTION));
    }
    // Observe: the registration, then notifications with rising numbers, then the
    // deregistration (Observe 1) and its plain response.
    for i in named(&all, "-observe") {
        let s = &all[i];
        let msgs = decoded(s);
        let requests: Vec<Option<u32>> = msgs
            .iter()
            .filter(|(m, _)| m.code == Code::GET)
            .map(|(m, _)| m.observe())
            .collect();
        assert_eq!(requests, [Some(0), Some(1)], "{}", s.name);
        let seqs: Vec<u32> = msgs
            .iter()
            .filter(|(m, _)| m.code == Code::CONTENT)
            .filter_map(|(m, _)| m.observe())
            .collect();
        assert!(seqs.len() >= 3, "{}: {seqs:?}", s.name);
        assert!(seqs.windows(2).all(|w| w[1] > w[0]), "{}: {seqs:?}", s.name);
        let (last, _) = msgs.last().unwrap();
        assert!(
            last.code == Code::CONTENT || last.code == Code::EMPTY,
            "{}",
            s.name
        );
    }
    // Block2 of /example_data: "a123456789b123456789...", 1500 bytes, one ETag.
    let example: Vec<u8> = (0..1500)
        .map(|i| match i % 10 {
            0 => b'a' + (i / 10 % 26) as u8,
            d => b'0' + d as u8,
        })
        .collect();
    for suffix in ["-block2", "-block2-server"] {
        for i in named(&all, suffix) {
            let s = &all[i];
            let msgs = decoded(s);
            let blocks: Vec<&Message<'_>> = msgs
                .iter()
                .map(|(m, _)| m)
                .filter(|m| m.code == Code::CONTENT)
                .collect();
            let mut body = Vec::new();
            for m in &blocks {
                match m.block2() {
                    Some(b) => {
                        assert_eq!(b.offset(), body.len(), "{}: {b:?}", s.name);
                        assert_eq!(m.size2(), Some(1500), "{}", s.name);
                    }
                    None => assert!(body.is_empty() && blocks.len() == 1, "{}", s.name),
                }
                body.extend_from_slice(m.payload);
            }
            assert!(body == example, "{}: the blocks put together", s.name);
            let etags: Vec<&[u8]> = blocks.iter().filter_map(|m| m.etags().next()).collect();
            assert!(etags.windows(2).all(|w| w[0] == w[1]), "{}: ETags", s.name);
        }
    }
    // Block1: the 3000-byte upload, each block but the last answered 2.31 Continue.
    let upload: Vec<u8> = (0..150)
        .flat_map(|i| format!("{i:04}:captured-block1;").into_bytes())
        .take(3000)
        .collect();
    for i in named(&all, "-block1") {
        let s = &all[i];
        let msgs = decoded(s);
        let mut body = Vec::new();
        let mut continues = 0;
        for (m, _) in &msgs {
            if m.code == Code::PUT {
                let b: Block = m.block1().unwrap();
                assert_eq!(
                    (b.offset(), b.size()),
                    (body.len(), 256),
                    "{}: {b:?}",
                    s.name
                );
                body.extend_from_slice(m.payload);
            }
            if m.code == Code::CONTINUE {
                assert!(m.block1().is_some_and(|b| b.more), "{}", s.name);
                continues += 1;
            }
        }
        assert!(body == upload, "{}: the blocks put together", s.name);
        assert_eq!(continues, 11, "{}", s.name);
    }
    // The CSM libcoap sends: Max-Message-Size 8388864, Block-Wise-Transfer.
    for s in all.iter().filter(|s| s.transport == Transport::Tcp) {
        let msgs = decoded(s);
        for (csm, line) in msgs.iter().filter(|(m, _)| m.code == Code::CSM) {
            assert_eq!(csm.max_message_size(), Some(8_388_864), "{}", s.name);
            assert!(csm.block_wise_transfer(), "{}", s.name);
            let first = msgs.iter().find(|(_, l)| l.from_client == line.from_client);
            assert!(
                first.is_some_and(|(m, _)| m.code == Code::CSM),
                "{}: the CSM comes first (RFC 8323 §5.3)",
                s.name
            );
        }
    }
}
