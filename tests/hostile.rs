//! The hostile and edge-case inputs of `tests/hostile/*.tsv` (copied from the project's
//! shared set), each fed whole to the decoder in its context: every row must give what
//! its `expect` column says, with a typed error for `reject`. The `clause` column names
//! the specification clause that decides each row.

use iotwire::{DecodeError, Packet};

struct Row<'a> {
    id: &'a str,
    context: &'a str,
    expect: &'a str,
    bytes: Vec<u8>,
    what: &'a str,
}

fn rows(tsv: &str) -> Vec<Row<'_>> {
    let mut lines = tsv
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let header: Vec<&str> = lines.next().expect("header row").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (id, context, expect, hex, what) = (
        col("id"),
        col("context"),
        col("expect"),
        col("hex"),
        col("what"),
    );
    lines
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            Row {
                id: c[id],
                context: c[context],
                expect: c[expect],
                bytes: (0..c[hex].len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&c[hex][i..i + 2], 16).expect("hex"))
                    .collect(),
                what: c[what],
            }
        })
        .collect()
}

/// What decoding gave: accepted with the bytes consumed, incomplete, or rejected with
/// the error's message and whether it carries an offset.
#[derive(Debug)]
enum Outcome {
    Accept(usize),
    Incomplete,
    Reject(String),
}

fn outcome<T, E: DecodeError>(r: Result<(T, usize), E>) -> Outcome {
    match r {
        Ok((_, n)) => Outcome::Accept(n),
        Err(e) if e.is_incomplete() => Outcome::Incomplete,
        Err(e) => Outcome::Reject(e.to_string()),
    }
}

fn check(row: &Row<'_>, got: Outcome) -> Option<String> {
    let ok = match (&got, row.expect) {
        (Outcome::Accept(n), "accept") => *n == row.bytes.len(),
        (Outcome::Incomplete, "incomplete") => true,
        // A typed error with a message that says what is wrong.
        (Outcome::Reject(msg), "reject") => !msg.is_empty(),
        _ => false,
    };
    (!ok).then(|| {
        format!(
            "{} [{}] expect {}, got {got:?} ({})",
            row.id, row.context, row.expect, row.what
        )
    })
}

/// Feeds every row of `tsv` (at least `min` of them) to `decode` and fails listing
/// every row whose outcome is not its `expect`.
fn every_row_gives_what_it_expects(tsv: &str, min: usize, decode: impl Fn(&Row<'_>) -> Outcome) {
    let rows = rows(tsv);
    assert!(rows.len() >= min, "the set has {} rows", rows.len());
    let bad: Vec<String> = rows.iter().filter_map(|r| check(r, decode(r))).collect();
    assert!(
        bad.is_empty(),
        "{} rows differ:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[cfg(feature = "http")]
mod http {
    use super::*;
    use iotwire::http::{Chunk, Method, Request, Response};

    fn decode(row: &Row<'_>) -> Outcome {
        let b = row.bytes.as_slice();
        let framed = |r: Result<(Response<'_>, usize), _>, m: Method<'_>| match r {
            Ok((resp, n)) => match resp.body_framing(&m) {
                Ok(_) => Outcome::Accept(n),
                Err(e) => Outcome::Reject(e.to_string()),
            },
            Err(e) => outcome::<(), _>(Err(e)),
        };
        match row.context {
            "request" => outcome(Request::decode(b)),
            "response" => outcome(Response::decode(b)),
            "response to HEAD" => framed(Response::decode(b), Method::HEAD),
            "response to CONNECT" => framed(Response::decode(b), Method::CONNECT),
            "framing" => match Request::decode(b) {
                Ok((req, n)) => match req.body_framing() {
                    Ok(_) => Outcome::Accept(n),
                    Err(e) => Outcome::Reject(e.to_string()),
                },
                Err(e) => outcome::<(), _>(Err(e)),
            },
            "chunked" => {
                let mut pos = 0;
                loop {
                    match Chunk::decode(&b[pos..]) {
                        Ok((c, n)) => {
                            pos += n;
                            if c.is_last() {
                                return Outcome::Accept(pos);
                            }
                        }
                        Err(e) => return outcome::<(), _>(Err(e)),
                    }
                }
            }
            other => panic!("unknown http context {other:?}"),
        }
    }

    #[test]
    fn every_http_row_gives_what_it_expects() {
        every_row_gives_what_it_expects(include_str!("hostile/http.tsv"), 95, decode);
    }

    #[test]
    fn rejected_http_heads_name_the_offending_byte() {
        // Every reject of a head, but a head over the size limit, points at a byte.
        for row in rows(include_str!("hostile/http.tsv")) {
            if row.expect != "reject" || !matches!(row.context, "request" | "response") {
                continue;
            }
            let err = match row.context {
                "request" => Request::decode(&row.bytes)
                    .err()
                    .map(|e| (e.offset(), e.to_string())),
                _ => Response::decode(&row.bytes)
                    .err()
                    .map(|e| (e.offset(), e.to_string())),
            };
            let (offset, msg) = err.expect("rejected");
            if msg.starts_with("head longer") {
                continue;
            }
            let at = offset.unwrap_or_else(|| panic!("{}: no offset in {msg:?}", row.id));
            assert!(
                at < row.bytes.len(),
                "{}: offset {at} past the input",
                row.id
            );
            assert!(
                msg.contains(&at.to_string()),
                "{}: {msg:?} does not say {at}",
                row.id
            );
        }
    }

    #[test]
    fn rejected_rows_stay_rejected_when_more_bytes_follow() {
        // README of the set: a stream decoder rejects as soon as the bytes prove the
        // input malformed, so appending bytes never turns a reject into anything else.
        for row in rows(include_str!("hostile/http.tsv")) {
            if row.expect != "reject" || !matches!(row.context, "request" | "response") {
                continue;
            }
            let mut longer = row.bytes.clone();
            longer.extend_from_slice(b"X-More: 1\r\n\r\n");
            let got = match row.context {
                "request" => outcome(Request::decode(&longer)),
                _ => outcome(Response::decode(&longer)),
            };
            assert!(matches!(got, Outcome::Reject(_)), "{}: {got:?}", row.id);
        }
    }
}

#[cfg(feature = "mqtt")]
mod mqtt {
    use super::*;
    use iotwire::mqtt::{Context, ControlPacket, Version};

    /// The context column: `v3.1.1`, `v5` or `v3.1`, and an optional
    /// `max_packet_size=N`.
    fn context(s: &str) -> Context {
        let mut words = s.split_whitespace();
        let mut cx = Context::new(match words.next() {
            Some("v3.1.1") => Version::V3_1_1,
            Some("v5") => Version::V5,
            Some("v3.1") => Version::V3_1,
            other => panic!("unknown mqtt context {other:?}"),
        });
        for w in words {
            let n = w
                .strip_prefix("max_packet_size=")
                .expect("max_packet_size=N");
            cx = cx.max_packet_size(n.parse().expect("a number"));
        }
        cx
    }

    #[test]
    fn every_mqtt_row_gives_what_it_expects() {
        every_row_gives_what_it_expects(include_str!("hostile/mqtt.tsv"), 89, |r| {
            outcome(ControlPacket::decode_with(&r.bytes, &context(r.context)))
        });
    }

    #[test]
    fn rejected_mqtt_packets_name_the_offending_byte() {
        for row in rows(include_str!("hostile/mqtt.tsv")) {
            if row.expect != "reject" {
                continue;
            }
            let err = ControlPacket::decode_with(&row.bytes, &context(row.context)).unwrap_err();
            if matches!(err, iotwire::mqtt::Error::PacketTooLarge { .. }) {
                continue; // about the whole packet, not one byte
            }
            let at = err
                .offset()
                .unwrap_or_else(|| panic!("{}: no offset in {err}", row.id));
            // A field that runs past the packet is reported where it starts, which can
            // be the packet's end.
            assert!(
                at <= row.bytes.len(),
                "{}: offset {at} past the input ({err})",
                row.id
            );
        }
    }

    #[test]
    fn accepted_mqtt_packets_reencode_to_packets_that_decode_the_same() {
        for row in rows(include_str!("hostile/mqtt.tsv")) {
            if row.expect != "accept" {
                continue;
            }
            let cx = context(row.context).max_packet_size(Context::PROTOCOL_MAX_PACKET_SIZE);
            let (p, _) = ControlPacket::decode_with(&row.bytes, &cx).unwrap();
            let mut out = vec![0u8; p.encoded_len()];
            let n = p
                .encode(&mut out)
                .unwrap_or_else(|e| panic!("{}: {e}", row.id));
            assert_eq!(
                ControlPacket::decode_with(&out, &cx),
                Ok((p, n)),
                "{}",
                row.id
            );
        }
    }
}

#[cfg(feature = "coap")]
mod coap {
    use super::*;
    use iotwire::coap::{Context, Message, Transport};

    /// The context column: `udp`, `tcp` or `ws`.
    fn context(s: &str) -> Context {
        Context::new(match s {
            "udp" => Transport::Udp,
            "tcp" => Transport::Tcp,
            "ws" => Transport::WebSocket,
            other => panic!("unknown coap context {other:?}"),
        })
    }

    #[test]
    fn every_coap_row_gives_what_it_expects() {
        every_row_gives_what_it_expects(include_str!("hostile/coap.tsv"), 68, |r| {
            outcome(Message::decode_with(&r.bytes, &context(r.context)))
        });
    }

    #[test]
    fn accepted_coap_messages_reencode_byte_for_byte() {
        // Options are kept as they came, so every accepted row is its own encoding.
        for row in rows(include_str!("hostile/coap.tsv")) {
            if row.expect != "accept" {
                continue;
            }
            let (m, _) = Message::decode_with(&row.bytes, &context(row.context)).unwrap();
            assert_eq!(m.encoded_len(), row.bytes.len(), "{}", row.id);
            let mut out = vec![0u8; m.encoded_len()];
            assert_eq!(m.encode(&mut out), Ok(out.len()), "{}", row.id);
            assert_eq!(out, row.bytes, "{}: {m:?}", row.id);
        }
    }

    #[test]
    fn rejected_tcp_frames_stay_rejected_when_more_bytes_follow() {
        // A stream decoder rejects as soon as the bytes prove the frame malformed.
        for row in rows(include_str!("hostile/coap.tsv")) {
            if row.expect != "reject" || row.context != "tcp" {
                continue;
            }
            let mut longer = row.bytes.clone();
            longer.extend_from_slice(&[0u8; 64]);
            let got = outcome(Message::decode_with(&longer, &context("tcp")));
            assert!(matches!(got, Outcome::Reject(_)), "{}: {got:?}", row.id);
        }
    }
}

#[cfg(feature = "amqp")]
mod amqp {
    use super::*;
    use iotwire::amqp::{Context, Dialect, Frame, ProtocolHeader};

    /// Decodes a row in its context: `protocol-header`, or `frame` with an optional
    /// `spec-dialect` and `frame_max=N`.
    fn decode(row: &Row<'_>) -> Outcome {
        let mut words = row.context.split_whitespace();
        match words.next() {
            Some("protocol-header") => outcome(ProtocolHeader::decode(&row.bytes)),
            Some("frame") => {
                let mut cx = Context::new();
                for w in words {
                    match w {
                        "spec-dialect" => cx = cx.dialect(Dialect::Spec),
                        _ => {
                            let n = w.strip_prefix("frame_max=").expect("frame_max=N");
                            cx = cx.frame_max(n.parse().expect("a number"));
                        }
                    }
                }
                outcome(Frame::decode_with(&row.bytes, &cx))
            }
            other => panic!("unknown amqp context {other:?}"),
        }
    }

    #[test]
    fn every_amqp_row_gives_what_it_expects() {
        every_row_gives_what_it_expects(include_str!("hostile/amqp.tsv"), 67, decode);
    }

    #[test]
    fn accepted_amqp_frames_reencode_byte_for_byte() {
        for row in rows(include_str!("hostile/amqp.tsv")) {
            if row.expect != "accept" || !row.context.starts_with("frame") {
                continue;
            }
            let cx = if row.context.contains("spec-dialect") {
                Context::new().dialect(Dialect::Spec)
            } else {
                Context::new()
            };
            let (f, _) = Frame::decode_with(&row.bytes, &cx).unwrap();
            let mut out = vec![0u8; f.encoded_len()];
            assert_eq!(f.encode(&mut out), Ok(out.len()), "{}", row.id);
            assert_eq!(out, row.bytes, "{}: {f:?}", row.id);
        }
    }
}
