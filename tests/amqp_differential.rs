//! Differential tests against amq-protocol 10 (`amq_protocol::frame::parsing::parse_frame`)
//! on the same bytes: the 253 frames pika and RabbitMQ exchanged (tests/vectors/amqp/),
//! and generated frames (basic.publish, basic.deliver, content headers with every
//! property and a headers table nested up to three deep, bodies, heartbeats) that
//! iotwire encodes. Both decode each frame to the same frame type, channel, method and
//! every argument, content header (body size, 14 properties, tables value by value),
//! and body octets.
//!
//! How they are compared, and where amq-protocol is known to differ, is in
//! `tests/support/amqp_compare.rs`, shared with the `amqp_differential` fuzz target.
#![cfg(feature = "amqp")]

#[path = "support/amqp_compare.rs"]
mod support;

use iotwire::Packet;
use iotwire::amqp::{
    BasicDeliver, BasicProperties, BasicPublish, ContentHeader, Context, FieldTable, Frame, Method,
    Payload, ShortStr,
};
use support::{Compared, compare as compare_both};

/// Compares, and requires agreement: every frame here is UTF-8 where amq-protocol needs it.
fn compare(bytes: &[u8], what: &str) {
    assert_eq!(compare_both(bytes, what), Compared::Same, "{what}");
}

#[test]
fn vectors() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/amqp");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "hex") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            let Some((_, hex)) = line
                .split_once(' ')
                .filter(|(d, _)| matches!(*d, "C" | "S"))
            else {
                continue;
            };
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|j| u8::from_str_radix(&hex[j..j + 2], 16).unwrap())
                .collect();
            if bytes.starts_with(b"AMQP") {
                continue;
            }
            compare(&bytes, &format!("{}:{}", path.display(), i + 1));
            count += 1;
        }
    }
    assert!(count >= 240, "only {count} frames");
}

/// A small deterministic generator (xorshift64*), so that a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn text(&mut self, max: u64) -> String {
        let n = self.below(max + 1);
        (0..n)
            .map(|_| match self.below(8) {
                0 => 'é',
                1 => '-',
                _ => char::from(b'a' + self.below(26) as u8),
            })
            .collect::<String>()
            .chars()
            .scan(0, |len, c| {
                *len += c.len_utf8();
                (*len <= max as usize).then_some(c)
            })
            .collect()
    }
}

/// Writes a field table body (RabbitMQ's letters) of random entries, nesting up to
/// `depth` more levels; keys are distinct, so that sorting is all amq-protocol changes.
fn table_body(r: &mut Rng, depth: u32, out: &mut Vec<u8>) {
    let n = r.below(6);
    for i in 0..n {
        let key = format!("{}{i}", r.text(12));
        out.push(key.len() as u8);
        out.extend_from_slice(key.as_bytes());
        value(r, depth, out);
    }
}

fn value(r: &mut Rng, depth: u32, out: &mut Vec<u8>) {
    let kinds = if depth == 0 { 15 } else { 17 };
    let x = r.next();
    match r.below(kinds) {
        0 => out.extend([b't', (x & 1) as u8]),
        1 => out.extend([b'b', x as u8]),
        2 => out.extend([b'B', x as u8]),
        3 => out.extend([b's', x as u8, (x >> 8) as u8]),
        4 => out.extend([b'u', x as u8, (x >> 8) as u8]),
        5 => out.extend([b'I'].into_iter().chain((x as u32).to_be_bytes())),
        6 => out.extend([b'i'].into_iter().chain((x as u32).to_be_bytes())),
        7 => out.extend([b'l'].into_iter().chain(x.to_be_bytes())),
        // Floats that are not NaN, so that amq-protocol's values equal themselves.
        8 => out.extend([b'f'].into_iter().chain((x as u32 as f32).to_be_bytes())),
        9 => out.extend([b'd'].into_iter().chain((x as f64).to_be_bytes())),
        10 => out.extend([b'D', x as u8].into_iter().chain((x as u32).to_be_bytes())),
        11 | 12 => {
            let (letter, s) = (if r.below(2) == 0 { b'S' } else { b'x' }, r.text(40));
            out.push(letter);
            out.extend((s.len() as u32).to_be_bytes());
            out.extend(s.as_bytes());
        }
        13 => out.extend([b'T'].into_iter().chain(x.to_be_bytes())),
        14 => out.push(b'V'),
        15 => {
            out.push(b'F');
            let mut body = Vec::new();
            table_body(r, depth - 1, &mut body);
            out.extend((body.len() as u32).to_be_bytes());
            out.extend(body);
        }
        _ => {
            out.push(b'A');
            let mut body = Vec::new();
            for _ in 0..r.below(5) {
                value(r, depth - 1, &mut body);
            }
            out.extend((body.len() as u32).to_be_bytes());
            out.extend(body);
        }
    }
}

fn encode(f: &Frame<'_>) -> Vec<u8> {
    let mut buf = vec![0; f.encoded_len()];
    assert_eq!(f.encode(&mut buf), Ok(buf.len()));
    buf
}

#[test]
fn generated() {
    for seed in 1..=1500u64 {
        let r = &mut Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let channel = 1 + r.below(u64::from(u16::MAX)) as u16;
        let what = format!("seed {seed}");
        let (t1, t2, t3) = (r.text(60), r.text(60), r.text(255));
        fn s(t: &str) -> ShortStr<'_> {
            ShortStr::new(t).unwrap()
        }
        let deliver = Method::BasicDeliver(BasicDeliver {
            consumer_tag: s(&t1),
            delivery_tag: r.next(),
            redelivered: r.below(2) == 0,
            exchange: s(&t2),
            routing_key: s(&t3),
        });
        let publish = Method::BasicPublish(BasicPublish {
            ticket: 0,
            exchange: s(&t2),
            routing_key: s(&t3),
            mandatory: r.below(2) == 0,
            immediate: r.below(2) == 0,
        });
        for m in [deliver, publish] {
            compare(
                &encode(&Frame {
                    channel,
                    payload: Payload::Method(m),
                }),
                &what,
            );
        }
        let mut table = Vec::new();
        table_body(r, 3, &mut table);
        let table = [(table.len() as u32).to_be_bytes().to_vec(), table].concat();
        let (headers, _) = FieldTable::decode_with(&table, &Context::new()).unwrap();
        let texts: Vec<String> = (0..10).map(|_| r.text(30)).collect();
        let present: Vec<bool> = (0..10).map(|_| r.below(3) != 0).collect();
        let opt = |i: usize| present[i].then(|| s(&texts[i]));
        let properties = BasicProperties {
            content_type: opt(0),
            content_encoding: opt(1),
            headers: Some(headers),
            delivery_mode: Some(1 + r.below(2) as u8),
            priority: Some(r.below(10) as u8),
            correlation_id: opt(2),
            reply_to: opt(3),
            expiration: opt(4),
            message_id: opt(5),
            timestamp: Some(r.next()),
            kind: opt(6),
            user_id: opt(7),
            app_id: opt(8),
            cluster_id: opt(9),
        };
        let header = ContentHeader {
            body_size: r.next() >> r.below(64),
            properties,
        };
        compare(
            &encode(&Frame {
                channel,
                payload: Payload::Header(header),
            }),
            &what,
        );
        let body: Vec<u8> = (0..r.below(3000)).map(|_| r.next() as u8).collect();
        compare(
            &encode(&Frame {
                channel,
                payload: Payload::Body(&body),
            }),
            &what,
        );
    }
    compare(&encode(&Frame::HEARTBEAT), "heartbeat");
}
