//! iotwire's CoAP codec against coap-lite 0.13, on the same inputs in one run, over UDP:
//! a CON GET with a 4-byte token and 7 options (Uri-Host, 3 Uri-Path, Uri-Query,
//! Accept, Block2), and an ACK 2.05 with 5 options (ETag, Observe, Content-Format,
//! Max-Age, Block2) and payloads of 64 B and 1 KiB. Decoding also walks every option,
//! since coap-lite hands out parsed options; encoding builds from the parts each
//! library takes. `cargo bench --bench coap`.

use std::hint::black_box;

use coap_lite::{CoapOption, MessageClass, MessageType, Packet as Lite};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use iotwire::Packet;
use iotwire::coap::{Code, Header, Message, Opt, OptionNumber, Options, Type, Value};

const TOKEN: [u8; 4] = [0x8c, 0x21, 0x5e, 0x07];
const ETAG: [u8; 4] = [0x3e, 0x91, 0x0a, 0xc4];

/// The GET's options, in wire order.
fn get_options() -> [Opt<'static>; 7] {
    [
        Opt::str(OptionNumber::URI_HOST, "gw-17.example.net"),
        Opt::str(OptionNumber::URI_PATH, "building-1"),
        Opt::str(OptionNumber::URI_PATH, "floor-3"),
        Opt::str(OptionNumber::URI_PATH, "temp"),
        Opt::str(OptionNumber::URI_QUERY, "unit=celsius"),
        Opt::uint(OptionNumber::ACCEPT, 50),
        Opt::uint(OptionNumber::BLOCK2, 0x06), // block 0, 1024 bytes
    ]
}

/// The response's options, in wire order.
fn ack_options() -> [Opt<'static>; 5] {
    [
        Opt::new(OptionNumber::ETAG, &ETAG),
        Opt::uint(OptionNumber::OBSERVE, 4711),
        Opt::uint(OptionNumber::CONTENT_FORMAT, 50),
        Opt::uint(OptionNumber::MAX_AGE, 30),
        Opt::uint(OptionNumber::BLOCK2, 0x0E), // block 0, more, 1024 bytes
    ]
}

fn message<'a>(kind: Type, code: Code, opts: &'a [Opt<'a>], payload: &'a [u8]) -> Message<'a> {
    Message {
        header: Header::Udp {
            kind,
            message_id: 0x7d34,
        },
        code,
        token: &TOKEN,
        options: Options::new(opts),
        payload,
    }
}

/// The same message as coap-lite builds it.
fn lite(m: &Message<'_>) -> Lite {
    let mut p = Lite::new();
    let Header::Udp { kind, message_id } = m.header else {
        unreachable!()
    };
    p.header.set_type(match kind {
        Type::Confirmable => MessageType::Confirmable,
        Type::NonConfirmable => MessageType::NonConfirmable,
        Type::Acknowledgement => MessageType::Acknowledgement,
        Type::Reset => MessageType::Reset,
    });
    p.header.code = MessageClass::from(m.code.0);
    p.header.message_id = message_id;
    p.set_token(m.token.to_vec());
    for o in m.options.iter() {
        p.add_option(CoapOption::from(o.number.0), value_bytes(&o));
    }
    p.payload = m.payload.to_vec();
    p
}

/// An option value's bytes, as coap-lite takes them.
fn value_bytes(o: &Opt<'_>) -> Vec<u8> {
    match o.value {
        Value::Bytes(b) => b.to_vec(),
        Value::Uint(v) => v.to_be_bytes()[v.leading_zeros() as usize / 8..].to_vec(),
    }
}

/// The cases: name and message.
fn cases<'a>(
    get: &'a [Opt<'a>],
    ack: &'a [Opt<'a>],
    p64: &'a [u8],
    p1k: &'a [u8],
) -> [(&'static str, Message<'a>); 3] {
    [
        ("get_7opt", message(Type::Confirmable, Code::GET, get, &[])),
        (
            "ack_5opt_64B",
            message(Type::Acknowledgement, Code::CONTENT, ack, p64),
        ),
        (
            "ack_5opt_1KiB",
            message(Type::Acknowledgement, Code::CONTENT, ack, p1k),
        ),
    ]
}

fn iotwire_decode(buf: &[u8]) -> usize {
    let (m, n) = Message::decode(buf).expect("valid");
    let opts: usize = m
        .options
        .iter()
        .map(|o| usize::from(o.number.0) + o.value.len())
        .sum();
    n + m.token.len() + opts + m.payload.len()
}

fn lite_decode(buf: &[u8]) -> usize {
    let p = Lite::from_bytes(buf).expect("valid");
    let opts: usize = p
        .options()
        .map(|(&n, vs)| vs.iter().map(|v| usize::from(n) + v.len()).sum::<usize>())
        .sum();
    p.get_token().len() + opts + p.payload.len()
}

fn decode(c: &mut Criterion) {
    let (get, ack) = (get_options(), ack_options());
    let (p64, p1k) = (vec![0x5Au8; 64], vec![0x5Au8; 1024]);
    let mut g = c.benchmark_group("coap_decode");
    for (name, m) in cases(&get, &ack, &p64, &p1k) {
        let bytes = m.to_vec().expect("valid");
        assert_eq!(lite(&m).to_bytes().expect("valid"), bytes);
        assert_eq!(
            iotwire_decode(&bytes),
            lite_decode(&bytes) + bytes.len(),
            "both see the same"
        );
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::new("iotwire", name), &bytes, |b, i| {
            b.iter(|| iotwire_decode(black_box(i)))
        });
        g.bench_with_input(BenchmarkId::new("coap-lite", name), &bytes, |b, i| {
            b.iter(|| lite_decode(black_box(i)))
        });
    }
    g.finish();
}

fn encode(c: &mut Criterion) {
    let (get, ack) = (get_options(), ack_options());
    let (p64, p1k) = (vec![0x5Au8; 64], vec![0x5Au8; 1024]);
    let mut g = c.benchmark_group("coap_encode");
    let mut out = vec![0u8; 2048];
    for (name, m) in cases(&get, &ack, &p64, &p1k) {
        g.throughput(Throughput::Bytes(m.encoded_len() as u64));
        g.bench_function(BenchmarkId::new("iotwire", name), |b| {
            b.iter(|| black_box(&m).encode(black_box(&mut out)).expect("room"))
        });
        // coap-lite returns a new Vec: its allocation is part of its encode.
        let theirs = lite(&m);
        g.bench_function(BenchmarkId::new("coap-lite", name), |b| {
            b.iter(|| black_box(&theirs).to_bytes().expect("valid").len())
        });
    }
    g.finish();
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
