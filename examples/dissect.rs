//! Decodes protocol units given as hex, one per line, and prints what they are.
//!
//! ```text
//! cargo run --example dissect -- <protocol> <context…> < inputs.hex
//! ```
//!
//! Each non-blank line not starting with `#` is one input, decoded whole with the given
//! context. One line is printed per input:
//!
//! - `ok <consumed> <value>`: decoded; `<value>` is the unit on one line;
//! - `ok <consumed> reencoded-differs <value>`: decoded, but encoding the value does not
//!   give back the consumed bytes (the input was not in canonical form);
//! - `incomplete <needed>`: more bytes are needed (`?` when the format does not say);
//! - `error <message>`: malformed, with the offset of the bad byte.
//!
//! Protocols and contexts:
//!
//! - `http request | response | response to <METHOD> | chunked | framing`
//!   (`framing` decodes a request head and prints its body framing, RFC 9112 §6.3).
//! - `mqtt v3.1.1 | v5 | v3.1`, optionally followed by `max_packet_size=N`.
//! - `coap udp | tcp | ws` (RFC 7252 datagrams, RFC 8323 stream and WebSocket framing).
//! - `amqp protocol-header | frame | frame spec-dialect`, optionally followed by
//!   `frame_max=N`.
//!
//! Uses the public API only.

use std::fmt::Debug;
use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use iotwire::{DecodeError, Packet};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((protocol, context)) = args.split_first() else {
        eprintln!("usage: dissect <protocol> <context…>  (reads hex lines from stdin)");
        return ExitCode::from(2);
    };
    let run: fn(&[u8]) -> String = match (protocol.as_str(), context.join(" ").as_str()) {
        #[cfg(feature = "http")]
        ("http", ctx) => match http::pick(ctx) {
            Some(f) => f,
            None => {
                eprintln!("dissect: unknown http context {ctx:?}: {}", http::CONTEXTS);
                return ExitCode::from(2);
            }
        },
        #[cfg(feature = "mqtt")]
        ("mqtt", ctx) => match mqtt::pick(ctx) {
            Some(f) => f,
            None => {
                eprintln!("dissect: unknown mqtt context {ctx:?}: {}", mqtt::CONTEXTS);
                return ExitCode::from(2);
            }
        },
        #[cfg(feature = "coap")]
        ("coap", ctx) => match coap::pick(ctx) {
            Some(f) => f,
            None => {
                eprintln!("dissect: unknown coap context {ctx:?}: {}", coap::CONTEXTS);
                return ExitCode::from(2);
            }
        },
        #[cfg(feature = "amqp")]
        ("amqp", ctx) => match amqp::pick(ctx) {
            Some(f) => f,
            None => {
                eprintln!("dissect: unknown amqp context {ctx:?}: {}", amqp::CONTEXTS);
                return ExitCode::from(2);
            }
        },
        (p, _) => {
            eprintln!("dissect: unknown protocol {p:?}");
            return ExitCode::from(2);
        }
    };
    let stdin = io::stdin();
    let mut out = io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else {
            eprintln!("dissect: cannot read standard input");
            return ExitCode::FAILURE;
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let result = match hex(line) {
            Ok(bytes) => run(&bytes),
            Err(at) => format!("error invalid hex at character {at}"),
        };
        if writeln!(out, "{result}").is_err() {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// The AMQP context in force, set once from the command line.
#[cfg(feature = "amqp")]
static AMQP_CONTEXT: std::sync::OnceLock<iotwire::amqp::Context> = std::sync::OnceLock::new();

/// The context in force, set once from the command line (the decoders are plain `fn`s).
#[cfg(feature = "mqtt")]
static MQTT_CONTEXT: std::sync::OnceLock<iotwire::mqtt::Context> = std::sync::OnceLock::new();

fn hex(s: &str) -> Result<Vec<u8>, usize> {
    let s: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if s.len() % 2 == 1 {
        return Err(s.len());
    }
    s.chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            let digit = |k: usize| (pair[k] as char).to_digit(16).ok_or(2 * i + k);
            Ok((digit(0)? * 16 + digit(1)?) as u8)
        })
        .collect()
}

/// The one-line report for a decode result; `extra` adds to the value what the context
/// asks for (a framing decision, say) or turns it into an error.
fn report<'a, P, E>(
    input: &'a [u8],
    result: Result<(P, usize), E>,
    extra: impl FnOnce(&P) -> Result<String, String>,
) -> String
where
    P: Packet<'a> + Debug,
    E: DecodeError,
{
    match result {
        Ok((value, consumed)) => {
            let suffix = match extra(&value) {
                Ok(s) => s,
                Err(e) => return format!("error {e}"),
            };
            let same = value.to_vec().ok().as_deref() == input.get(..consumed);
            let flag = if same { "" } else { "reencoded-differs " };
            format!("ok {consumed} {flag}{value:?}{suffix}")
        }
        Err(e) => failure(e),
    }
}

fn failure<E: DecodeError>(e: E) -> String {
    match e.needed() {
        Some(n) => format!("incomplete {n}"),
        None => format!("error {e}"),
    }
}

#[cfg(feature = "http")]
mod http {
    use super::{failure, report};
    use iotwire::Packet;
    use iotwire::http::{Chunk, Method, Request, Response};

    pub const CONTEXTS: &str = "request | response | response to <METHOD> | chunked | framing";

    pub fn pick(ctx: &str) -> Option<fn(&[u8]) -> String> {
        Some(match ctx {
            "request" => |b| report(b, Request::decode(b), |_| Ok(String::new())),
            "response" => |b| report(b, Response::decode(b), |_| Ok(String::new())),
            "response to HEAD" => |b| response_to(b, Method::HEAD),
            "response to CONNECT" => |b| response_to(b, Method::CONNECT),
            "response to GET" => |b| response_to(b, Method::GET),
            "chunked" => chunked,
            "framing" => |b| {
                report(b, Request::decode(b), |r| match r.body_framing() {
                    Ok(f) => Ok(format!(" framing={f:?}")),
                    Err(e) => Err(e.to_string()),
                })
            },
            _ => return None,
        })
    }

    fn response_to(b: &[u8], method: Method<'static>) -> String {
        report(b, Response::decode(b), |r| match r.body_framing(&method) {
            Ok(f) => Ok(format!(" framing={f:?}")),
            Err(e) => Err(e.to_string()),
        })
    }

    /// A whole chunked body: chunks up to and including the last one.
    fn chunked(b: &[u8]) -> String {
        let mut pos = 0;
        let mut chunks = Vec::new();
        let mut reencoded = Vec::new();
        loop {
            match Chunk::decode(&b[pos..]) {
                Ok((c, n)) => {
                    reencoded.extend(c.to_vec().unwrap_or_default());
                    chunks.push(format!("{c:?}"));
                    pos += n;
                    if c.is_last() {
                        break;
                    }
                }
                Err(e) if pos == 0 => return failure(e),
                Err(e) => return format!("{} (in the chunk at offset {pos})", failure(e)),
            }
        }
        let flag = if reencoded == b[..pos] {
            ""
        } else {
            "reencoded-differs "
        };
        format!("ok {pos} {flag}[{}]", chunks.join(", "))
    }
}

#[cfg(feature = "mqtt")]
mod mqtt {
    use super::{MQTT_CONTEXT, report};
    use iotwire::Packet;
    use iotwire::mqtt::{Context, ControlPacket, Version};

    pub const CONTEXTS: &str = "v3.1.1 | v5 | v3.1, optionally followed by max_packet_size=N";

    pub fn pick(ctx: &str) -> Option<fn(&[u8]) -> String> {
        let mut words = ctx.split_whitespace();
        let version = match words.next()? {
            "v3.1.1" => Version::V3_1_1,
            "v5" => Version::V5,
            "v3.1" => Version::V3_1,
            _ => return None,
        };
        let mut cx = Context::new(version);
        for word in words {
            let n = word.strip_prefix("max_packet_size=")?.parse().ok()?;
            cx = cx.max_packet_size(n);
        }
        MQTT_CONTEXT.set(cx).ok()?;
        Some(|b| {
            let cx = MQTT_CONTEXT.get().copied().unwrap_or_default();
            report(b, ControlPacket::decode_with(b, &cx), |_| Ok(String::new()))
        })
    }
}

#[cfg(feature = "coap")]
mod coap {
    use super::report;
    use iotwire::Packet;
    use iotwire::coap::{Context, Message, Transport};

    pub const CONTEXTS: &str = "udp | tcp | ws";

    pub fn pick(ctx: &str) -> Option<fn(&[u8]) -> String> {
        fn decode(b: &[u8], t: Transport) -> String {
            report(b, Message::decode_with(b, &Context::new(t)), |m| {
                Ok(match m.unknown_critical() {
                    Some(n) => format!(" unknown-critical={n}"),
                    None => String::new(),
                })
            })
        }
        Some(match ctx {
            "udp" => |b| decode(b, Transport::Udp),
            "tcp" => |b| decode(b, Transport::Tcp),
            "ws" => |b| decode(b, Transport::WebSocket),
            _ => return None,
        })
    }
}

#[cfg(feature = "amqp")]
mod amqp {
    use super::{AMQP_CONTEXT, report};
    use iotwire::Packet;
    use iotwire::amqp::{Context, Dialect, Frame, ProtocolHeader};

    pub const CONTEXTS: &str =
        "protocol-header | frame | frame spec-dialect, optionally followed by frame_max=N";

    pub fn pick(ctx: &str) -> Option<fn(&[u8]) -> String> {
        let mut words = ctx.split_whitespace();
        match words.next()? {
            "protocol-header" => {
                return Some(|b| report(b, ProtocolHeader::decode(b), |_| Ok(String::new())));
            }
            "frame" => {}
            _ => return None,
        }
        let mut cx = Context::new();
        for word in words {
            cx = match word {
                "spec-dialect" => cx.dialect(Dialect::Spec),
                _ => cx.frame_max(word.strip_prefix("frame_max=")?.parse().ok()?),
            };
        }
        AMQP_CONTEXT.set(cx).ok()?;
        Some(|b| {
            let cx = AMQP_CONTEXT.get().copied().unwrap_or_default();
            report(b, Frame::decode_with(b, &cx), |_| Ok(String::new()))
        })
    }
}
