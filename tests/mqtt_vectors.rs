//! Real traffic as test vectors: every byte mosquitto 2.0.11 and its own clients
//! (`mosquitto_pub`, `mosquitto_sub`) exchanged on loopback in MQTT 3.1.1, 5.0 and 3.1,
//! recorded by `scripts/capture_mqtt.sh` into `tests/vectors/mqtt/`.
//!
//! Each stream is decoded packet by packet with `ControlPacket::decode_with` in the
//! session's version to its last byte; the packet types must be those the manifest lists
//! (framed independently by `scripts/mqtt_split.py` and checked against what the client
//! logged); every packet re-encodes byte for byte (`encoded_len` + `encode`); and every
//! proper prefix of a packet decodes as `Incomplete`, never asking for more bytes than the
//! packet has, and asking for exactly the rest once its fixed header is in.

#![cfg(feature = "mqtt")]

use iotwire::mqtt::{Context, ControlPacket, PacketType, Property, QoS, Version};
use iotwire::{DecodeError, Packet};

/// The encoding, in a new vector (without needing the `alloc` feature's `to_vec`).
fn encode(p: &ControlPacket<'_>) -> Vec<u8> {
    let mut v = vec![0; p.encoded_len()];
    let n = p.encode(&mut v).unwrap();
    assert_eq!(n, v.len());
    v
}

struct Session {
    name: String,
    version: Version,
    client_packets: Vec<String>,
    server_packets: Vec<String>,
    client: Vec<u8>,
    server: Vec<u8>,
}

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len().is_multiple_of(2), "odd number of hex digits");
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

fn sessions() -> Vec<Session> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/mqtt");
    let manifest = std::fs::read_to_string(format!("{dir}/MANIFEST.tsv")).unwrap();
    let mut lines = manifest.lines();
    assert_eq!(
        lines.next(),
        Some("name\tversion\tclient\tclient_packets\tserver_packets\tdescription")
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 6, "manifest line {l:?}");
            let read = |side: &str| {
                hex(&std::fs::read_to_string(format!("{dir}/{}.{side}.hex", c[0])).unwrap())
            };
            let list = |s: &str| match s {
                "-" => Vec::new(),
                s => s.split(',').map(String::from).collect(),
            };
            Session {
                name: c[0].into(),
                version: match c[1] {
                    "3.1" => Version::V3_1,
                    "3.1.1" => Version::V3_1_1,
                    "5.0" => Version::V5,
                    v => panic!("{}: unknown version {v}", c[0]),
                },
                client_packets: list(c[3]),
                server_packets: list(c[4]),
                client: read("client"),
                server: read("server"),
            }
        })
        .collect()
}

fn type_name(t: PacketType) -> &'static str {
    match t {
        PacketType::Connect => "CONNECT",
        PacketType::ConnAck => "CONNACK",
        PacketType::Publish => "PUBLISH",
        PacketType::PubAck => "PUBACK",
        PacketType::PubRec => "PUBREC",
        PacketType::PubRel => "PUBREL",
        PacketType::PubComp => "PUBCOMP",
        PacketType::Subscribe => "SUBSCRIBE",
        PacketType::SubAck => "SUBACK",
        PacketType::Unsubscribe => "UNSUBSCRIBE",
        PacketType::UnsubAck => "UNSUBACK",
        PacketType::PingReq => "PINGREQ",
        PacketType::PingResp => "PINGRESP",
        PacketType::Disconnect => "DISCONNECT",
        PacketType::Auth => "AUTH",
    }
}

/// Decodes `bytes` packet by packet in `cx`, checking everything the module doc says,
/// and returns the packets.
fn decode_stream<'a>(what: &str, bytes: &'a [u8], cx: &Context) -> Vec<ControlPacket<'a>> {
    let mut packets = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        let at = format!("{what}, packet {} at offset {pos}", packets.len());
        let (p, n) = ControlPacket::decode_with(rest, cx)
            .unwrap_or_else(|e| panic!("{at}: {e} (offset {:?})", e.offset()));
        assert_eq!(p.encoded_len(), n, "{at}: encoded_len of {p:?}");
        let again = encode(&p);
        assert!(
            again == rest[..n],
            "{at}: re-encodes differently\n  wire:    {:02x?}\n  encoded: {:02x?}\n  value: {p:?}",
            &rest[..n.min(80)],
            &again[..again.len().min(80)]
        );
        // The fixed header: the type byte and 1 to 4 bytes of Remaining Length.
        let header = 2 + rest[1..n].iter().take_while(|&&b| b & 0x80 != 0).count();
        for end in 0..n {
            let e = ControlPacket::decode_with(&rest[..end], cx)
                .err()
                .unwrap_or_else(|| panic!("{at}: the first {end} of {n} bytes decode"));
            let needed = e
                .needed()
                .unwrap_or_else(|| panic!("{at}: first {end} of {n} bytes: {e}, not Incomplete"));
            let more = needed
                .size()
                .unwrap_or_else(|| panic!("{at}: first {end} bytes: Incomplete without a size"));
            assert!(
                end + more <= n,
                "{at}: first {end} of {n} bytes: asks for {more} more"
            );
            if end >= header {
                assert_eq!(
                    end + more,
                    n,
                    "{at}: with the fixed header in, asks for the rest exactly"
                );
            }
        }
        packets.push(p);
        pos += n;
    }
    assert_eq!(pos, bytes.len(), "{what}: every byte accounted for");
    packets
}

#[test]
fn captured_streams_decode_reencode_and_frame() {
    let all = sessions();
    assert!(all.len() >= 25, "{} sessions", all.len());
    let mut total = 0;
    for s in &all {
        let cx = Context::new(s.version);
        for (side, bytes, want) in [
            ("client", &s.client, &s.client_packets),
            ("server", &s.server, &s.server_packets),
        ] {
            let what = format!("{} {side}", s.name);
            let packets = decode_stream(&what, bytes, &cx);
            let types: Vec<&str> = packets.iter().map(|p| type_name(p.packet_type())).collect();
            assert_eq!(&types, want, "{what}: packet types");
            for p in &packets {
                let v = match p {
                    ControlPacket::Connect(c) => Some(c.version),
                    ControlPacket::ConnAck(c) => Some(c.version),
                    ControlPacket::Publish(c) => Some(c.version),
                    ControlPacket::PubAck(a)
                    | ControlPacket::PubRec(a)
                    | ControlPacket::PubRel(a)
                    | ControlPacket::PubComp(a) => Some(a.version),
                    ControlPacket::Subscribe(c) => Some(c.version),
                    ControlPacket::SubAck(c) | ControlPacket::UnsubAck(c) => Some(c.version),
                    ControlPacket::Unsubscribe(c) => Some(c.version),
                    ControlPacket::Disconnect(c) => Some(c.version),
                    _ => None,
                };
                assert!(v.is_none_or(|v| v == s.version), "{what}: {p:?}");
            }
            total += packets.len();
        }
    }
    assert!(total >= 150, "{total} packets");
}

/// The session whose name ends with `suffix`.
fn session(all: &[Session], suffix: &str) -> usize {
    let i: Vec<usize> = (0..all.len())
        .filter(|&i| all[i].name.ends_with(suffix))
        .collect();
    assert_eq!(i.len(), 1, "sessions ending with {suffix}");
    i[0]
}

fn packets(s: &Session, client: bool) -> Vec<ControlPacket<'_>> {
    let bytes = if client { &s.client } else { &s.server };
    decode_stream(&s.name, bytes, &Context::new(s.version))
}

#[test]
fn what_mosquitto_pub_sent_in_5_0_decodes_field_by_field() {
    let all = sessions();
    let s = &all[session(&all, "-v5-pub-properties")];
    let client = packets(s, true);
    let ControlPacket::Connect(c) = &client[0] else {
        panic!("{:?}", client[0])
    };
    assert_eq!(c.client_id, "capture-props");
    let props: Vec<Property<'_>> = c.properties.iter().collect();
    for want in [
        Property::SessionExpiryInterval(30),
        Property::ReceiveMaximum(7),
        Property::MaximumPacketSize(65536),
        Property::TopicAliasMaximum(4),
        Property::RequestProblemInformation(1),
        Property::RequestResponseInformation(1),
    ] {
        assert!(props.contains(&want), "CONNECT lacks {want:?}: {props:?}");
    }
    let users: Vec<(&str, &str)> = c
        .properties
        .user_properties()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(users, [("from", "capture")]);

    let ControlPacket::Publish(p) = &client[1] else {
        panic!("{:?}", client[1])
    };
    assert_eq!(p.qos, QoS::ExactlyOnce);
    assert_eq!(p.topic, "iotwire/capture/v50/props");
    assert_eq!(p.payload, b"{\"temp\": 21.5}");
    let users: Vec<(&str, &str)> = p
        .properties
        .user_properties()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(users, [("k", "v"), ("k2", "second value")]);
    let props: Vec<Property<'_>> = p.properties.iter().collect();
    for id in [0x01, 0x02, 0x03, 0x08, 0x09] {
        let want = match id {
            0x01 => Property::PayloadFormatIndicator(1),
            0x02 => Property::MessageExpiryInterval(3600),
            0x03 => Property::ContentType(iotwire::mqtt::Str::new("application/json").unwrap()),
            0x08 => Property::ResponseTopic(
                iotwire::mqtt::Str::new("iotwire/capture/v50/reply").unwrap(),
            ),
            _ => Property::CorrelationData(b"corr-0042"),
        };
        assert_eq!(p.properties.get(id), Some(want), "{props:?}");
    }

    let ControlPacket::Disconnect(d) = &client[3] else {
        panic!("{:?}", client[3])
    };
    assert_eq!(d.reason, 0);
    let props: Vec<Property<'_>> = d.properties.iter().collect();
    assert!(
        props.contains(&Property::SessionExpiryInterval(0)),
        "{props:?}"
    );
    assert_eq!(
        d.properties
            .user_properties()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
        [("bye", "now")]
    );
}

#[test]
fn topic_alias_will_and_refusals_decode_as_sent() {
    let all = sessions();

    // Topic alias: the first PUBLISH names the topic, the next ones leave it empty.
    let s = &all[session(&all, "-v5-pub-topic-alias")];
    let client = packets(s, true);
    let publishes: Vec<_> = client
        .iter()
        .filter_map(|p| match p {
            ControlPacket::Publish(p) => {
                Some((p.topic.as_str(), p.properties.topic_alias(), p.payload))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        publishes,
        [
            (
                "iotwire/capture/v50/a/long/topic/name/for/the/alias",
                Some(1),
                &b"first"[..]
            ),
            ("", Some(1), b"second"),
            ("", Some(1), b"third"),
        ]
    );
    // No subscriber: PUBACK with reason 0x10.
    for p in packets(s, false).iter().skip(1) {
        let ControlPacket::PubAck(a) = p else {
            panic!("{p:?}")
        };
        assert_eq!(a.reason, 0x10);
    }

    // The will of the killed client, in CONNECT and as delivered.
    for (killed, watcher, props) in [
        ("-v311-will-killed", "-v311-will-watcher", false),
        ("-v5-will-killed", "-v5-will-watcher", true),
    ] {
        let s = &all[session(&all, killed)];
        let ControlPacket::Connect(c) = &packets(s, true)[0] else {
            panic!()
        };
        let w = c.will.expect("a will");
        assert_eq!((w.qos, w.retain), (QoS::ExactlyOnce, true));
        assert_eq!(w.payload, b"capture-will went away");
        assert_eq!(w.properties.user_properties().count(), usize::from(props));
        let s = &all[session(&all, watcher)];
        let server = packets(s, false);
        let ControlPacket::Publish(p) = &server[2] else {
            panic!("{:?}", server[2])
        };
        assert_eq!(p.topic, w.topic.as_str());
        assert_eq!(p.payload, w.payload);
        assert_eq!(p.qos, QoS::ExactlyOnce);
        if props {
            for q in w.properties.iter() {
                assert!(
                    p.properties.iter().any(|r| r.id() == q.id()),
                    "{q:?} not delivered: {:?}",
                    p.properties
                );
            }
        }
    }

    // Refused CONNECTs: 3.1.1 return code 5, 5.0 reason code 0x87.
    for (suffix, code) in [
        ("-v311-pub-auth-refused", 5),
        ("-v5-pub-auth-refused", 0x87),
    ] {
        let s = &all[session(&all, suffix)];
        let ControlPacket::ConnAck(a) = &packets(s, false)[0] else {
            panic!()
        };
        assert_eq!((a.code, a.session_present), (code, false), "{suffix}");
    }

    // Retain As Published and a 4-byte Subscription Identifier.
    let s = &all[session(&all, "-v5-sub-options")];
    for p in packets(s, false)
        .iter()
        .filter(|p| p.packet_type() == PacketType::Publish)
    {
        let ControlPacket::Publish(p) = p else {
            unreachable!()
        };
        assert!(p.retain);
        assert_eq!(
            p.properties
                .subscription_identifiers()
                .map(|v| v.get())
                .collect::<Vec<_>>(),
            [268_435_455]
        );
    }
}
