//! iotwire's MQTT codec against mqttbytes 0.6 and mqttrs 0.4, on the same inputs in one
//! run: PUBLISH QoS 1 to `sensors/building-1/floor-3/temp`, packet id 42, payloads of
//! 16 B and 1 KiB, in 3.1.1 and in 5.0 with five properties (payload format, message
//! expiry, content type, two user properties). Decoding also walks every property,
//! since mqttbytes hands out parsed properties. `cargo bench --bench mqtt`.

use std::hint::black_box;
use std::num::NonZeroU16;

use bytes::BytesMut;
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use iotwire::Packet;
use iotwire::mqtt::{Context, ControlPacket, Properties, Property, Publish, QoS, Str, Version};

const TOPIC: &str = "sensors/building-1/floor-3/temp";

fn properties() -> [Property<'static>; 5] {
    let s = |t| Str::new(t).expect("valid");
    [
        Property::PayloadFormatIndicator(1),
        Property::MessageExpiryInterval(3600),
        Property::ContentType(s("application/json")),
        Property::UserProperty(s("site"), s("building-1")),
        Property::UserProperty(s("trace"), s("7f3a9c")),
    ]
}

fn publish<'a>(
    version: Version,
    props: &'a [Property<'a>],
    payload: &'a [u8],
) -> ControlPacket<'a> {
    ControlPacket::Publish(Publish {
        version,
        dup: false,
        qos: QoS::AtLeastOnce,
        retain: false,
        topic: Str::new(TOPIC).expect("valid"),
        packet_id: NonZeroU16::new(42),
        properties: match version {
            Version::V5 => Properties::new(props),
            _ => Properties::EMPTY,
        },
        payload,
    })
}

fn encode(p: &ControlPacket<'_>) -> Vec<u8> {
    let mut v = vec![0; p.encoded_len()];
    p.encode(&mut v).expect("room");
    v
}

fn iotwire_decode(cx: &Context, buf: &[u8]) -> usize {
    let (p, n) = ControlPacket::decode_with(buf, cx).expect("valid");
    let ControlPacket::Publish(p) = p else {
        panic!("not a PUBLISH")
    };
    n + p.topic.as_str().len() + p.payload.len() + p.properties.iter().count()
}

fn mqttbytes_v4(buf: &mut BytesMut) -> usize {
    match mqttbytes::v4::read(buf, 1 << 20).expect("valid") {
        mqttbytes::v4::Packet::Publish(p) => p.topic.len() + p.payload.len(),
        _ => panic!("not a PUBLISH"),
    }
}

fn mqttbytes_v5(buf: &mut BytesMut) -> usize {
    match mqttbytes::v5::read(buf, 1 << 20).expect("valid") {
        mqttbytes::v5::Packet::Publish(p) => {
            p.topic.len()
                + p.payload.len()
                + p.properties.map_or(0, |pp| pp.user_properties.len() + 3)
        }
        _ => panic!("not a PUBLISH"),
    }
}

fn mqttrs_decode(buf: &[u8]) -> usize {
    match mqttrs::decode_slice(buf).expect("valid").expect("complete") {
        mqttrs::Packet::Publish(p) => p.topic_name.len() + p.payload.len(),
        _ => panic!("not a PUBLISH"),
    }
}

fn decode(c: &mut Criterion) {
    let props = properties();
    let mut g = c.benchmark_group("mqtt_decode");
    for size in [16usize, 1024] {
        let payload = vec![0x5Au8; size];
        for version in [Version::V3_1_1, Version::V5] {
            let bytes = encode(&publish(version, &props, &payload));
            let cx = Context::new(version);
            let name = format!("{}_{}B", if version.is_v5() { "v5" } else { "v311" }, size);
            g.throughput(Throughput::Bytes(bytes.len() as u64));
            g.bench_with_input(BenchmarkId::new("iotwire", &name), &bytes, |b, i| {
                b.iter(|| iotwire_decode(&cx, black_box(i)))
            });
            // mqttbytes consumes a BytesMut: filling it is setup, not timed.
            let read = if version.is_v5() {
                mqttbytes_v5
            } else {
                mqttbytes_v4
            };
            g.bench_with_input(BenchmarkId::new("mqttbytes", &name), &bytes, |b, i| {
                b.iter_batched(
                    || BytesMut::from(&i[..]),
                    |mut buf| read(black_box(&mut buf)),
                    BatchSize::SmallInput,
                )
            });
            if !version.is_v5() {
                g.bench_with_input(BenchmarkId::new("mqttrs", &name), &bytes, |b, i| {
                    b.iter(|| mqttrs_decode(black_box(i)))
                });
            }
        }
    }
    g.finish();
}

fn encode_group(c: &mut Criterion) {
    let props = properties();
    let mut g = c.benchmark_group("mqtt_encode");
    let mut out = vec![0u8; 4096];
    for size in [16usize, 1024] {
        let payload = vec![0x5Au8; size];
        for version in [Version::V3_1_1, Version::V5] {
            let p = publish(version, &props, &payload);
            let name = format!("{}_{}B", if version.is_v5() { "v5" } else { "v311" }, size);
            g.throughput(Throughput::Bytes(p.encoded_len() as u64));
            g.bench_function(BenchmarkId::new("iotwire", &name), |b| {
                b.iter(|| black_box(&p).encode(black_box(&mut out)).expect("room"))
            });
            // mqttbytes writes into a BytesMut it may grow; give it the room up front.
            let mut buf = BytesMut::with_capacity(4096);
            match version {
                Version::V5 => {
                    let mut theirs = mqttbytes::v5::Publish::new(
                        TOPIC,
                        mqttbytes::QoS::AtLeastOnce,
                        payload.clone(),
                    );
                    theirs.pkid = 42;
                    theirs.properties = Some(mqttbytes::v5::PublishProperties {
                        payload_format_indicator: Some(1),
                        message_expiry_interval: Some(3600),
                        topic_alias: None,
                        response_topic: None,
                        correlation_data: None,
                        user_properties: vec![
                            ("site".into(), "building-1".into()),
                            ("trace".into(), "7f3a9c".into()),
                        ],
                        subscription_identifiers: vec![],
                        content_type: Some("application/json".into()),
                    });
                    assert_eq!(theirs.write(&mut buf).ok(), Some(p.encoded_len()));
                    g.bench_function(BenchmarkId::new("mqttbytes", &name), |b| {
                        b.iter(|| {
                            buf.clear();
                            black_box(&theirs).write(black_box(&mut buf)).expect("room")
                        })
                    });
                }
                _ => {
                    let mut theirs = mqttbytes::v4::Publish::new(
                        TOPIC,
                        mqttbytes::QoS::AtLeastOnce,
                        payload.clone(),
                    );
                    theirs.pkid = 42;
                    theirs.write(&mut buf).expect("room");
                    assert_eq!(&buf[..], &encode(&p)[..]);
                    g.bench_function(BenchmarkId::new("mqttbytes", &name), |b| {
                        b.iter(|| {
                            buf.clear();
                            black_box(&theirs).write(black_box(&mut buf)).expect("room")
                        })
                    });
                    let rs = mqttrs::Packet::Publish(mqttrs::Publish {
                        dup: false,
                        qospid: mqttrs::QosPid::AtLeastOnce(
                            mqttrs::Pid::try_from(42).expect("pid"),
                        ),
                        retain: false,
                        topic_name: TOPIC,
                        payload: &payload,
                    });
                    g.bench_function(BenchmarkId::new("mqttrs", &name), |b| {
                        b.iter(|| {
                            mqttrs::encode_slice(black_box(&rs), black_box(&mut out)).expect("room")
                        })
                    });
                }
            }
        }
    }
    g.finish();
}

criterion_group!(benches, decode, encode_group);
criterion_main!(benches);
