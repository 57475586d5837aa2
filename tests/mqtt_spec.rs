//! The normative statements of MQTT 3.1.1 and MQTT 5.0 (OASIS) that concern the format of
//! a packet, one test each, through the public API only.
//!
//! Each test is named after the statement it checks (`mqtt_3_3_2_2_...` for
//! `[MQTT-3.3.2-2]`) and lives in the module of the version whose numbering it uses:
//! [`v3_1_1`] for MQTT 3.1.1 (OASIS Standard, 29 October 2014) and [`v5`] for MQTT 5.0
//! (OASIS Standard, 7 March 2019). The two specifications number their statements
//! independently: `[MQTT-3.1.2-11]` is not the same rule in both. Every assertion message
//! names its identifier, so `grep MQTT-3.3.2-2 tests/mqtt_spec.rs` finds the checks.
//!
//! `tests/mqtt_statements.md` lists every normative statement of both specifications,
//! with the test that checks it or the reason it does not apply to a codec.
//!
//! Packets are written by hand in hex (`h("30 04 00 01 61 00")`), with what each byte is.
//! Table-driven tests frame hand-written fields with [`frame`] and [`mqtt_str`], which only
//! count lengths. Decoding goes through `ControlPacket::decode_with`; encoding through
//! `Packet::encode`, which runs `Packet::check` first.
//!
//! specification; they are expected to pass once the codec is fixed.

#![cfg(feature = "mqtt")]

use core::num::NonZeroU16;

use iotwire::mqtt::{
    Ack, Auth, ConnAck, Connect, Context, ControlPacket, Disconnect, Error, Filters, PacketId,
    Properties, Property, Publish, QoS, Str, SubAck, Subscribe, SubscriptionOptions, Unsubscribe,
    VarInt, Version, Will, protocol_version,
};
use iotwire::{DecodeError, EncodeError, Needed, Packet};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// Bytes from hex pairs; whitespace between pairs is ignored.
fn h(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(
        digits.len().is_multiple_of(2),
        "odd number of hex digits in {s:?}"
    );
    digits
        .chunks(2)
        .map(|p| {
            u8::from_str_radix(core::str::from_utf8(p).unwrap(), 16)
                .unwrap_or_else(|_| panic!("bad hex {p:?} in {s:?}"))
        })
        .collect()
}

/// Hex of `b`, for messages.
fn show(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Concatenation of hand-written parts.
fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// A UTF-8 Encoded String / Binary Data field: two-byte length, then `s`.
fn mqtt_str(s: &[u8]) -> Vec<u8> {
    let n = u16::try_from(s.len()).expect("at most 65,535 bytes");
    cat(&[&n.to_be_bytes(), s])
}

/// A packet: `first` byte, one-byte Remaining Length counted from `body`, then `body`.
fn frame(first: u8, body: &[&[u8]]) -> Vec<u8> {
    let body = body.concat();
    let rl = u8::try_from(body.len())
        .ok()
        .filter(|n| *n < 128)
        .expect("a one-byte Remaining Length");
    cat(&[&[first, rl], &body])
}

fn cx(v: Version) -> Context {
    Context::new(v)
}

fn decode(v: Version, b: &[u8]) -> Result<(ControlPacket<'_>, usize), Error> {
    ControlPacket::decode_with(b, &cx(v))
}

/// Decodes all of `b` as one packet.
#[track_caller]
fn ok(v: Version, b: &[u8]) -> ControlPacket<'_> {
    ok_with(b, &cx(v))
}

#[track_caller]
fn ok_with<'a>(b: &'a [u8], c: &Context) -> ControlPacket<'a> {
    match ControlPacket::decode_with(b, c) {
        Ok((p, n)) => {
            assert_eq!(n, b.len(), "decoded {n} of {} bytes: {}", b.len(), show(b));
            p
        }
        Err(e) => panic!("rejected {} ({e:?}: {e})", show(b)),
    }
}

/// The error decoding `b` gives.
#[track_caller]
fn err(v: Version, b: &[u8]) -> Error {
    err_with(b, &cx(v))
}

#[track_caller]
fn err_with(b: &[u8], c: &Context) -> Error {
    match ControlPacket::decode_with(b, c) {
        Ok(p) => panic!("accepted {} as {p:?}", show(b)),
        Err(e) => e,
    }
}

/// Encodes `p` into a buffer of exactly `encoded_len()` bytes, and checks that the
/// bytes decode back to `p` in version `v`.
#[track_caller]
fn enc(v: Version, p: &ControlPacket<'_>) -> Vec<u8> {
    let mut out = vec![0xA5; p.encoded_len()];
    let n = p
        .encode(&mut out)
        .unwrap_or_else(|e| panic!("cannot encode {p:?}: {e:?}"));
    assert_eq!(n, out.len(), "encode wrote {n} of encoded_len() bytes");
    assert_eq!(
        decode(v, &out),
        Ok((*p, n)),
        "{p:?} encodes to {}, which does not decode back",
        show(&out)
    );
    out
}

/// The error encoding `p` gives; nothing is written then.
#[track_caller]
fn enc_err(p: &ControlPacket<'_>) -> EncodeError {
    let mut out = vec![0xA5; p.encoded_len() + 16];
    match p.encode(&mut out) {
        Ok(n) => panic!("encoded {p:?} as {}", show(&out[..n])),
        Err(e) => {
            assert!(out.iter().all(|&b| b == 0xA5), "wrote bytes before failing");
            e
        }
    }
}

fn s(x: &str) -> Str<'_> {
    Str::new(x).unwrap()
}

fn id(n: u16) -> PacketId {
    NonZeroU16::new(n).unwrap()
}

#[track_caller]
fn publish(p: ControlPacket<'_>) -> Publish<'_> {
    match p {
        ControlPacket::Publish(x) => x,
        other => panic!("not a PUBLISH: {other:?}"),
    }
}

#[track_caller]
fn connect(p: ControlPacket<'_>) -> Connect<'_> {
    match p {
        ControlPacket::Connect(x) => x,
        other => panic!("not a CONNECT: {other:?}"),
    }
}

/// A PUBLISH value with the given fields and no properties.
fn publish_value<'a>(
    version: Version,
    qos: QoS,
    topic: &'a str,
    packet_id: Option<PacketId>,
) -> Publish<'a> {
    Publish {
        version,
        dup: false,
        qos,
        retain: false,
        topic: s(topic),
        packet_id,
        properties: Properties::EMPTY,
        payload: b"",
    }
}

fn connect_value(version: Version) -> Connect<'static> {
    Connect {
        version,
        clean_start: true,
        keep_alive: 60,
        properties: Properties::EMPTY,
        client_id: Str::new("c").unwrap(),
        will: None,
        username: None,
        password: None,
    }
}

/// Checks, for every value of a one-byte code field, that decoding accepts exactly the
/// `allowed` ones and rejects the others as `InvalidReasonCode` at `at`.
#[track_caller]
fn code_table(
    v: Version,
    statement: &str,
    allowed: &[u8],
    at: usize,
    packet: impl Fn(u8) -> Vec<u8>,
) {
    for code in 0..=255u8 {
        let b = packet(code);
        let got = decode(v, &b);
        if allowed.contains(&code) {
            assert!(
                matches!(got, Ok((_, n)) if n == b.len()),
                "{statement}: code {code:#04x} is allowed, got {got:?} for {}",
                show(&b)
            );
        } else {
            assert_eq!(
                got.err(),
                Some(Error::InvalidReasonCode { code, at }),
                "{statement}: code {code:#04x} is not allowed ({})",
                show(&b)
            );
        }
    }
}

/// Checks, for every value of a one-byte code field, that encoding accepts exactly the
/// `allowed` ones.
#[track_caller]
fn encode_code_table(
    statement: &str,
    allowed: &[u8],
    packet: impl Fn(u8) -> ControlPacket<'static>,
) {
    for code in 0..=255u8 {
        let p = packet(code);
        let mut out = [0u8; 64];
        let got = p.encode(&mut out);
        assert_eq!(
            got.is_ok(),
            allowed.contains(&code),
            "{statement}: encoding code {code:#04x} gave {got:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// MQTT 3.1.1
// ---------------------------------------------------------------------------------------

/// MQTT 3.1.1 (OASIS Standard, 29 October 2014), Appendix B numbering.
mod v3_1_1 {
    use super::*;

    const V: Version = Version::V3_1_1;

    /// `CONNECT`, protocol "MQTT" level 4, Clean Session, Keep Alive 60, Client Id "c".
    const CONNECT: &str = "10 0D  00 04 4D 51 54 54  04  02  00 3C  00 01 63";

    /// The body (after the first byte) of a valid 3.1.1 packet of each type but PUBLISH,
    /// with its required flags.
    const BODIES: [(u8, u8, &str); 13] = [
        (1, 0, "0D 00 04 4D 51 54 54 04 02 00 3C 00 01 63"), // CONNECT
        (2, 0, "02 00 00"),                                  // CONNACK: accepted
        (4, 0, "02 00 01"),                                  // PUBACK id 1
        (5, 0, "02 00 01"),                                  // PUBREC id 1
        (6, 2, "02 00 01"),                                  // PUBREL id 1
        (7, 0, "02 00 01"),                                  // PUBCOMP id 1
        (8, 2, "06 00 01 00 01 61 00"),                      // SUBSCRIBE id 1, "a" QoS 0
        (9, 0, "03 00 01 00"),                               // SUBACK id 1, granted QoS 0
        (10, 2, "05 00 01 00 01 61"),                        // UNSUBSCRIBE id 1, "a"
        (11, 0, "02 00 01"),                                 // UNSUBACK id 1
        (12, 0, "00"),                                       // PINGREQ
        (13, 0, "00"),                                       // PINGRESP
        (14, 0, "00"),                                       // DISCONNECT
    ];

    /// [MQTT-1.5.3-1] Strings are well-formed UTF-8, without surrogates; a receiver of
    /// ill-formed UTF-8 closes the connection.
    #[test]
    fn mqtt_1_5_3_1_strings_are_well_formed_utf8() {
        for (hex, at, what) in [
            ("30 04 00 02 61 FF", 5, "0xFF is never UTF-8"),
            ("30 05 00 03 ED A0 80", 4, "U+D800, a surrogate"),
            ("30 05 00 03 ED BF BF", 4, "U+DFFF, a surrogate"),
            ("30 04 00 02 C0 AF", 4, "overlong '/'"),
            ("30 04 00 02 61 C3", 5, "a sequence cut short by the length"),
            ("30 06 00 04 F4 90 80 80", 4, "U+110000, past Unicode"),
        ] {
            assert_eq!(
                err(V, &h(hex)),
                Error::InvalidUtf8 { at },
                "[MQTT-1.5.3-1] PUBLISH topic: {what}"
            );
        }
        // Four-byte UTF-8 at the top of Unicode is well-formed.
        let b = h("30 06 00 04 F4 8F BF BF");
        assert_eq!(
            publish(ok(V, &b)).topic,
            "\u{10FFFF}",
            "[MQTT-1.5.3-1] U+10FFFF is well-formed"
        );
    }

    /// [MQTT-1.5.3-2] A string has no U+0000.
    #[test]
    fn mqtt_1_5_3_2_strings_have_no_null_character() {
        // PUBLISH QoS 0, topic "a\0b".
        assert_eq!(
            err(V, &h("30 05 00 03 61 00 62")),
            Error::NullCharacter { at: 5 },
            "[MQTT-1.5.3-2] decode"
        );
        // CONNECT with Client Id "\0".
        assert_eq!(
            err(V, &h("10 0D 00 04 4D 51 54 54 04 02 00 3C 00 01 00")),
            Error::NullCharacter { at: 14 },
            "[MQTT-1.5.3-2] decode"
        );
        assert_eq!(
            Str::new("a\0b"),
            Err(EncodeError::InvalidByte {
                field: "UTF-8 string",
                at: 1
            }),
            "[MQTT-1.5.3-2] a string holding U+0000 cannot be built"
        );
    }

    /// [MQTT-1.5.3-3] EF BB BF is U+FEFF wherever it appears, never stripped.
    #[test]
    fn mqtt_1_5_3_3_bom_is_kept() {
        // PUBLISH QoS 0, topic EF BB BF 'a'.
        let b = h("30 06 00 04 EF BB BF 61");
        for c in [cx(V), cx(V).strict_strings(true)] {
            let p = publish(ok_with(&b, &c));
            assert_eq!(
                p.topic, "\u{FEFF}a",
                "[MQTT-1.5.3-3] the BOM stays in the topic"
            );
            assert_eq!(
                enc(V, &ControlPacket::Publish(p)),
                b,
                "[MQTT-1.5.3-3] and is written back"
            );
        }
    }

    /// [MQTT-2.2.2-1] Reserved flag bits have the values of Table 2.2: every encoded
    /// packet carries them.
    #[test]
    fn mqtt_2_2_2_1_reserved_flags_are_written_as_listed() {
        let none = Properties::EMPTY;
        let ack = Ack {
            version: V,
            packet_id: id(1),
            reason: 0,
            properties: none,
        };
        let filters = [(s("a"), SubscriptionOptions::default())];
        let packets = [
            (0x10, ControlPacket::Connect(connect_value(V))),
            (
                0x20,
                ControlPacket::ConnAck(ConnAck {
                    version: V,
                    session_present: false,
                    code: 0,
                    properties: none,
                }),
            ),
            (0x40, ControlPacket::PubAck(ack)),
            (0x50, ControlPacket::PubRec(ack)),
            (0x62, ControlPacket::PubRel(ack)),
            (0x70, ControlPacket::PubComp(ack)),
            (
                0x82,
                ControlPacket::Subscribe(Subscribe {
                    version: V,
                    packet_id: id(1),
                    properties: none,
                    filters: Filters::List(&filters),
                }),
            ),
            (
                0x90,
                ControlPacket::SubAck(SubAck {
                    version: V,
                    packet_id: id(1),
                    properties: none,
                    codes: &[0],
                }),
            ),
            (
                0xA2,
                ControlPacket::Unsubscribe(Unsubscribe {
                    version: V,
                    packet_id: id(1),
                    properties: none,
                    filters: Filters::List(&filters),
                }),
            ),
            (
                0xB0,
                ControlPacket::UnsubAck(SubAck {
                    version: V,
                    packet_id: id(1),
                    properties: none,
                    codes: &[],
                }),
            ),
            (0xC0, ControlPacket::PingReq),
            (0xD0, ControlPacket::PingResp),
            (
                0xE0,
                ControlPacket::Disconnect(Disconnect {
                    version: V,
                    reason: 0,
                    properties: none,
                }),
            ),
        ];
        for (first, p) in packets {
            assert_eq!(enc(V, &p)[0], first, "[MQTT-2.2.2-1] first byte of {p:?}");
        }
    }

    /// [MQTT-2.2.2-2] A receiver of invalid flags closes the connection: decoding
    /// rejects every flag nibble but the listed one, for every type but PUBLISH.
    #[test]
    fn mqtt_2_2_2_2_invalid_flags_are_rejected() {
        for (kind, required, body) in BODIES {
            for flags in 0..16u8 {
                let b = cat(&[&[kind << 4 | flags], &h(body)]);
                if flags == required {
                    ok(V, &b);
                } else {
                    assert_eq!(
                        err(V, &b),
                        Error::InvalidFlags {
                            packet_type: kind,
                            flags,
                            at: 0
                        },
                        "[MQTT-2.2.2-2] {}",
                        show(&b)
                    );
                }
            }
        }
    }

    /// [MQTT-2.3.1-1] SUBSCRIBE, UNSUBSCRIBE and PUBLISH at QoS > 0 carry a non-zero
    /// Packet Identifier.
    #[test]
    fn mqtt_2_3_1_1_packet_identifier_is_non_zero() {
        for (hex, at, what) in [
            ("82 06 00 00 00 01 61 00", 2, "SUBSCRIBE id 0"),
            ("A2 05 00 00 00 01 61", 2, "UNSUBSCRIBE id 0"),
            (
                "32 05 00 01 61 00 00",
                5,
                "PUBLISH QoS 1, topic \"a\", id 0",
            ),
            (
                "34 05 00 01 61 00 00",
                5,
                "PUBLISH QoS 2, topic \"a\", id 0",
            ),
        ] {
            assert_eq!(
                err(V, &h(hex)),
                Error::ZeroPacketId { at },
                "[MQTT-2.3.1-1] {what}"
            );
        }
        // PUBLISH QoS 1 whose packet ends after the topic: no identifier at all.
        assert_eq!(
            err(V, &h("32 03 00 01 61")),
            Error::Truncated { at: 5 },
            "[MQTT-2.3.1-1] QoS 1 PUBLISH without a Packet Identifier"
        );
        let b = h("32 05 00 01 61 00 01");
        let p = publish(ok(V, &b));
        assert_eq!(p.packet_id, Some(id(1)), "[MQTT-2.3.1-1] id 1 is accepted");
        // A value cannot hold identifier 0 (PacketId is NonZeroU16); one without any at
        // QoS > 0 is refused.
        for qos in [QoS::AtLeastOnce, QoS::ExactlyOnce] {
            let p = ControlPacket::Publish(publish_value(V, qos, "a", None));
            assert!(
                matches!(enc_err(&p), EncodeError::Inconsistent(_)),
                "[MQTT-2.3.1-1] QoS > 0 without a Packet Identifier"
            );
        }
    }

    /// [MQTT-2.3.1-5] A QoS 0 PUBLISH has no Packet Identifier.
    #[test]
    fn mqtt_2_3_1_5_qos_0_publish_has_no_packet_identifier() {
        // PUBLISH QoS 0, topic "a": the two bytes after the topic are payload.
        let b = h("30 05 00 01 61 00 01");
        let p = publish(ok(V, &b));
        assert_eq!(
            (p.packet_id, p.payload),
            (None, &[0u8, 1][..]),
            "[MQTT-2.3.1-5] decode"
        );
        let p = ControlPacket::Publish(publish_value(V, QoS::AtMostOnce, "a", Some(id(1))));
        assert!(
            matches!(enc_err(&p), EncodeError::Inconsistent(_)),
            "[MQTT-2.3.1-5] encode refuses an identifier at QoS 0"
        );
    }

    /// [MQTT-2.3.1-6] Codec's share: PUBACK, PUBREC and PUBREL answer a PUBLISH whose
    /// identifier is non-zero, so an identifier of 0 matches nothing.
    #[test]
    fn mqtt_2_3_1_6_ack_packet_identifier_is_never_zero() {
        for first in [0x40, 0x50, 0x62, 0x70] {
            let b = cat(&[&[first], &h("02 00 00")]);
            assert_eq!(
                err(V, &b),
                Error::ZeroPacketId { at: 2 },
                "[MQTT-2.3.1-6] {}",
                show(&b)
            );
        }
    }

    /// [MQTT-2.3.1-7] Codec's share: SUBACK and UNSUBACK answer a SUBSCRIBE or UNSUBSCRIBE
    /// whose identifier is non-zero.
    #[test]
    fn mqtt_2_3_1_7_suback_packet_identifier_is_never_zero() {
        for hex in ["90 03 00 00 00", "B0 02 00 00"] {
            assert_eq!(
                err(V, &h(hex)),
                Error::ZeroPacketId { at: 2 },
                "[MQTT-2.3.1-7] {hex}"
            );
        }
    }

    /// [MQTT-3.1.2-1] The protocol name is "MQTT": the codec refuses any other, so the
    /// server never processes it as 3.1.1.
    #[test]
    fn mqtt_3_1_2_1_protocol_name_is_mqtt() {
        for (hex, what) in [
            ("10 0D 00 04 4D 51 54 74 04 02 00 3C 00 01 63", "\"MQTt\""),
            ("10 0D 00 04 6D 71 74 74 04 02 00 3C 00 01 63", "\"mqtt\""),
            (
                "10 0F 00 06 4D 51 49 73 64 70 04 02 00 3C 00 01 63",
                "\"MQIsdp\" at level 4",
            ),
            ("10 0C 00 03 4D 51 54 04 02 00 3C 00 01 63", "\"MQT\""),
        ] {
            let b = h(hex);
            assert_eq!(
                err(V, &b),
                Error::InvalidProtocolName { at: 2 },
                "[MQTT-3.1.2-1] {what}"
            );
            assert_eq!(
                protocol_version(&b),
                Ok(None),
                "[MQTT-3.1.2-1] protocol_version of {what}"
            );
        }
        let out = enc(V, &ControlPacket::Connect(connect_value(V)));
        assert_eq!(
            out,
            h(CONNECT),
            "[MQTT-3.1.2-1] encode writes \"MQTT\" level 4"
        );
    }

    /// [MQTT-3.1.2-2] Codec's share: a Protocol Level the server does not speak is
    /// reported with the level, so it can answer with return code 0x01.
    #[test]
    fn mqtt_3_1_2_2_unsupported_protocol_level_is_reported() {
        for level in [0u8, 3, 5, 6, 0xFF] {
            let b = h(&format!(
                "10 0D 00 04 4D 51 54 54 {level:02X} 02 00 3C 00 01 63"
            ));
            assert_eq!(
                err(V, &b),
                Error::UnsupportedProtocolLevel { level, at: 8 },
                "[MQTT-3.1.2-2] level {level}"
            );
        }
        assert_eq!(
            protocol_version(&h(CONNECT)),
            Ok(Some(V)),
            "[MQTT-3.1.2-2] protocol_version picks 3.1.1 for level 4"
        );
        assert_eq!(
            protocol_version(&h("10 0D 00 04 4D 51 54 54 06 02 00 3C 00 01 63")),
            Ok(None),
            "[MQTT-3.1.2-2] level 6 is no known version"
        );
    }

    /// [MQTT-3.1.2-3] The reserved bit 0 of the Connect Flags is 0.
    #[test]
    fn mqtt_3_1_2_3_connect_reserved_flag_is_zero() {
        for flags in [0x01u8, 0x03] {
            let b = h(&format!(
                "10 0D 00 04 4D 51 54 54 04 {flags:02X} 00 3C 00 01 63"
            ));
            assert_eq!(
                err(V, &b),
                Error::InvalidConnectFlags { flags, at: 9 },
                "[MQTT-3.1.2-3] flags {flags:#04x}"
            );
        }
    }

    /// [MQTT-3.1.2-9] With the Will Flag set, Will Topic and Will Message are present.
    #[test]
    fn mqtt_3_1_2_9_will_fields_follow_the_will_flag() {
        // Flags 0x06 (Will, Clean Session), Client Id "c", Will Topic "t", Will Message "m".
        let b = h("10 13 00 04 4D 51 54 54 04 06 00 3C 00 01 63 00 01 74 00 01 6D");
        let c = connect(ok(V, &b));
        let w = c.will.expect("[MQTT-3.1.2-9] a will");
        assert_eq!(
            (w.topic.as_str(), w.payload),
            ("t", &b"m"[..]),
            "[MQTT-3.1.2-9]"
        );
        assert_eq!(
            enc(V, &ControlPacket::Connect(c)),
            b,
            "[MQTT-3.1.2-9] encode"
        );
        // Will Flag set, payload ends after the Client Id.
        assert_eq!(
            err(V, &h("10 0D 00 04 4D 51 54 54 04 06 00 3C 00 01 63")),
            Error::Truncated { at: 15 },
            "[MQTT-3.1.2-9] no Will Topic"
        );
        // Will Flag set, Will Topic "t", no Will Message.
        assert_eq!(
            err(
                V,
                &h("10 10 00 04 4D 51 54 54 04 06 00 3C 00 01 63 00 01 74")
            ),
            Error::Truncated { at: 18 },
            "[MQTT-3.1.2-9] no Will Message"
        );
    }

    /// [MQTT-3.1.2-11] Without the Will Flag, Will QoS and Will Retain are 0 and no
    /// Will Topic or Will Message follows.
    #[test]
    fn mqtt_3_1_2_11_nothing_of_a_will_without_the_will_flag() {
        for flags in [0x0Au8, 0x12, 0x22, 0x3A] {
            let b = h(&format!(
                "10 0D 00 04 4D 51 54 54 04 {flags:02X} 00 3C 00 01 63"
            ));
            assert_eq!(
                err(V, &b),
                Error::InvalidConnectFlags { flags, at: 9 },
                "[MQTT-3.1.2-11] flags {flags:#04x}"
            );
        }
        // Flags 0x02 with a Will Topic "t" and Will Message "m" after the Client Id.
        assert_eq!(
            err(
                V,
                &h("10 13 00 04 4D 51 54 54 04 02 00 3C 00 01 63 00 01 74 00 01 6D")
            ),
            Error::TrailingBytes { at: 15 },
            "[MQTT-3.1.2-11] will fields without the Will Flag"
        );
        let out = enc(V, &ControlPacket::Connect(connect_value(V)));
        assert_eq!(out[9], 0x02, "[MQTT-3.1.2-11] encode without a will");
    }

    /// [MQTT-3.1.2-13] Without the Will Flag, Will QoS is 0.
    #[test]
    fn mqtt_3_1_2_13_will_qos_is_0_without_the_will_flag() {
        for flags in [0x0Au8, 0x12] {
            let b = h(&format!(
                "10 0D 00 04 4D 51 54 54 04 {flags:02X} 00 3C 00 01 63"
            ));
            assert_eq!(
                err(V, &b),
                Error::InvalidConnectFlags { flags, at: 9 },
                "[MQTT-3.1.2-13] flags {flags:#04x}"
            );
        }
    }

    /// [MQTT-3.1.2-14] Will QoS is 0, 1 or 2, never 3.
    #[test]
    fn mqtt_3_1_2_14_will_qos_is_not_3() {
        let with_flags = |f: u8| {
            h(&format!(
                "10 13 00 04 4D 51 54 54 04 {f:02X} 00 3C 00 01 63 00 01 74 00 01 6D"
            ))
        };
        assert_eq!(
            err(V, &with_flags(0x1E)),
            Error::InvalidConnectFlags { flags: 0x1E, at: 9 },
            "[MQTT-3.1.2-14] Will QoS 3"
        );
        for (flags, qos) in [
            (0x06, QoS::AtMostOnce),
            (0x0E, QoS::AtLeastOnce),
            (0x16, QoS::ExactlyOnce),
        ] {
            let b = with_flags(flags);
            let will = connect(ok(V, &b)).will.unwrap();
            assert_eq!(will.qos, qos, "[MQTT-3.1.2-14] flags {flags:#04x}");
        }
    }

    /// [MQTT-3.1.2-15] Without the Will Flag, Will Retain is 0.
    #[test]
    fn mqtt_3_1_2_15_will_retain_is_0_without_the_will_flag() {
        assert_eq!(
            err(V, &h("10 0D 00 04 4D 51 54 54 04 22 00 3C 00 01 63")),
            Error::InvalidConnectFlags { flags: 0x22, at: 9 },
            "[MQTT-3.1.2-15]"
        );
        let b = h("10 13 00 04 4D 51 54 54 04 26 00 3C 00 01 63 00 01 74 00 01 6D");
        assert!(
            connect(ok(V, &b)).will.unwrap().retain,
            "[MQTT-3.1.2-15] with a will"
        );
    }

    /// [MQTT-3.1.2-18] Without the User Name Flag, no User Name is present.
    #[test]
    fn mqtt_3_1_2_18_no_user_name_without_its_flag() {
        // Flags 0x02, then a User Name "u" after the Client Id.
        assert_eq!(
            err(
                V,
                &h("10 10 00 04 4D 51 54 54 04 02 00 3C 00 01 63 00 01 75")
            ),
            Error::TrailingBytes { at: 15 },
            "[MQTT-3.1.2-18]"
        );
    }

    /// [MQTT-3.1.2-19] With the User Name Flag, a User Name is present.
    #[test]
    fn mqtt_3_1_2_19_user_name_with_its_flag() {
        assert_eq!(
            err(V, &h("10 0D 00 04 4D 51 54 54 04 82 00 3C 00 01 63")),
            Error::Truncated { at: 15 },
            "[MQTT-3.1.2-19]"
        );
        let b = h("10 10 00 04 4D 51 54 54 04 82 00 3C 00 01 63 00 01 75");
        let c = connect(ok(V, &b));
        assert_eq!(c.username, Some(s("u")), "[MQTT-3.1.2-19]");
        assert_eq!(
            enc(V, &ControlPacket::Connect(c)),
            b,
            "[MQTT-3.1.2-19] encode"
        );
    }

    /// [MQTT-3.1.2-20] Without the Password Flag, no Password is present.
    #[test]
    fn mqtt_3_1_2_20_no_password_without_its_flag() {
        // Flags 0x82 (User Name), User Name "u", then a Password "p".
        assert_eq!(
            err(
                V,
                &h("10 13 00 04 4D 51 54 54 04 82 00 3C 00 01 63 00 01 75 00 01 70")
            ),
            Error::TrailingBytes { at: 18 },
            "[MQTT-3.1.2-20]"
        );
    }

    /// [MQTT-3.1.2-21] With the Password Flag, a Password is present.
    #[test]
    fn mqtt_3_1_2_21_password_with_its_flag() {
        assert_eq!(
            err(
                V,
                &h("10 10 00 04 4D 51 54 54 04 C2 00 3C 00 01 63 00 01 75")
            ),
            Error::Truncated { at: 18 },
            "[MQTT-3.1.2-21]"
        );
        let b = h("10 13 00 04 4D 51 54 54 04 C2 00 3C 00 01 63 00 01 75 00 01 70");
        let c = connect(ok(V, &b));
        assert_eq!(c.password, Some(&b"p"[..]), "[MQTT-3.1.2-21]");
        assert_eq!(
            enc(V, &ControlPacket::Connect(c)),
            b,
            "[MQTT-3.1.2-21] encode"
        );
    }

    /// [MQTT-3.1.2-22] Without the User Name Flag, the Password Flag is 0.
    #[test]
    fn mqtt_3_1_2_22_password_needs_a_user_name() {
        assert_eq!(
            err(
                V,
                &h("10 10 00 04 4D 51 54 54 04 42 00 3C 00 01 63 00 01 70")
            ),
            Error::InvalidConnectFlags { flags: 0x42, at: 9 },
            "[MQTT-3.1.2-22] decode"
        );
        let p = ControlPacket::Connect(Connect {
            password: Some(b"p"),
            ..connect_value(V)
        });
        assert!(
            matches!(enc_err(&p), EncodeError::Inconsistent(_)),
            "[MQTT-3.1.2-22] encode"
        );
    }

    /// [MQTT-3.1.3-1] The payload holds Client Identifier, Will Topic, Will Message, User
    /// Name, Password, in that order.
    #[test]
    fn mqtt_3_1_3_1_payload_fields_in_order() {
        // Flags 0xEE: User Name, Password, Will Retain, Will QoS 1, Will, Clean Session.
        let b = h("10 19 00 04 4D 51 54 54 04 EE 00 3C \
                   00 01 63  00 01 74  00 01 6D  00 01 75  00 01 70");
        let value = Connect {
            will: Some(Will {
                qos: QoS::AtLeastOnce,
                retain: true,
                properties: Properties::EMPTY,
                topic: s("t"),
                payload: b"m",
            }),
            username: Some(s("u")),
            password: Some(b"p"),
            ..connect_value(V)
        };
        assert_eq!(connect(ok(V, &b)), value, "[MQTT-3.1.3-1] decode");
        assert_eq!(
            enc(V, &ControlPacket::Connect(value)),
            b,
            "[MQTT-3.1.3-1] encode"
        );
    }

    /// [MQTT-3.1.3-3] The Client Identifier is present, the first field of the payload.
    #[test]
    fn mqtt_3_1_3_3_client_id_is_present() {
        assert_eq!(
            err(V, &h("10 0A 00 04 4D 51 54 54 04 02 00 3C")),
            Error::Truncated { at: 12 },
            "[MQTT-3.1.3-3] CONNECT ends after Keep Alive"
        );
        assert_eq!(
            err(V, &h("10 0B 00 04 4D 51 54 54 04 02 00 3C 00")),
            Error::Truncated { at: 12 },
            "[MQTT-3.1.3-3] half a length"
        );
    }

    /// [MQTT-3.1.3-4] The Client Identifier is a UTF-8 encoded string.
    #[test]
    fn mqtt_3_1_3_4_client_id_is_utf8() {
        assert_eq!(
            err(V, &h("10 0D 00 04 4D 51 54 54 04 02 00 3C 00 01 FF")),
            Error::InvalidUtf8 { at: 14 },
            "[MQTT-3.1.3-4]"
        );
    }

    /// [MQTT-3.1.3-5] The Server allows Client Ids of 1 to 23 bytes of [0-9a-zA-Z].
    #[test]
    fn mqtt_3_1_3_5_short_alphanumeric_client_ids_are_accepted() {
        let id23 = b"0123456789abcdefghijXYZ";
        let b = cat(&[&h("10 23 00 04 4D 51 54 54 04 02 00 3C 00 17"), id23]);
        assert_eq!(
            connect(ok(V, &b)).client_id,
            "0123456789abcdefghijXYZ",
            "[MQTT-3.1.3-5]"
        );
        let b = h("10 0D 00 04 4D 51 54 54 04 02 00 3C 00 01 5A");
        assert_eq!(connect(ok(V, &b)).client_id, "Z", "[MQTT-3.1.3-5]");
    }

    /// [MQTT-3.1.3-6] Codec's share: a zero-length Client Id decodes, so a Server may
    /// accept it and assign one.
    #[test]
    fn mqtt_3_1_3_6_zero_length_client_id_decodes() {
        let b = h("10 0C 00 04 4D 51 54 54 04 02 00 3C 00 00");
        let c = connect(ok(V, &b));
        assert_eq!(c.client_id, "", "[MQTT-3.1.3-6]");
        assert_eq!(
            enc(V, &ControlPacket::Connect(c)),
            b,
            "[MQTT-3.1.3-6] encode"
        );
    }

    /// [MQTT-3.1.3-7] A Client that supplies a zero-byte Client Id also sets Clean
    /// Session to 1. That binds the Client's behaviour, not the packet format: a Server
    /// must decode the other combination to refuse it ([MQTT-3.1.3-8]), and whatever
    /// decodes must re-encode (a proxy forwards it), so the codec encodes it and leaves
    /// the rule to the Client.
    #[test]
    fn mqtt_3_1_3_7_zero_length_client_id_without_clean_session_round_trips() {
        let p = ControlPacket::Connect(Connect {
            clean_start: false,
            client_id: s(""),
            ..connect_value(V)
        });
        let mut out = [0u8; 64];
        let n = p
            .encode(&mut out)
            .expect("[MQTT-3.1.3-7] is the Client's rule");
        assert_eq!(show(&out[..n]), "10 0C 00 04 4D 51 54 54 04 00 00 3C 00 00");
        assert_eq!(
            ControlPacket::decode_with(&out[..n], &Context::new(V)),
            Ok((p, n))
        );
    }

    /// [MQTT-3.1.3-8] Codec's share: a zero-byte Client Id with Clean Session 0 decodes,
    /// so the Server can answer with return code 0x02 (Identifier rejected).
    #[test]
    fn mqtt_3_1_3_8_zero_length_client_id_without_clean_session_decodes() {
        let b = h("10 0C 00 04 4D 51 54 54 04 00 00 3C 00 00");
        let c = connect(ok(V, &b));
        assert_eq!(
            (c.client_id.as_str(), c.clean_start),
            ("", false),
            "[MQTT-3.1.3-8]"
        );
    }

    /// [MQTT-3.1.3-10] The Will Topic is a UTF-8 encoded string.
    #[test]
    fn mqtt_3_1_3_10_will_topic_is_utf8() {
        assert_eq!(
            err(
                V,
                &h("10 13 00 04 4D 51 54 54 04 06 00 3C 00 01 63 00 01 FF 00 01 6D")
            ),
            Error::InvalidUtf8 { at: 17 },
            "[MQTT-3.1.3-10]"
        );
        assert_eq!(
            err(
                V,
                &h("10 13 00 04 4D 51 54 54 04 06 00 3C 00 01 63 00 01 00 00 01 6D")
            ),
            Error::NullCharacter { at: 17 },
            "[MQTT-3.1.3-10]"
        );
    }

    /// [MQTT-3.1.3-11] The User Name is a UTF-8 encoded string.
    #[test]
    fn mqtt_3_1_3_11_user_name_is_utf8() {
        assert_eq!(
            err(
                V,
                &h("10 10 00 04 4D 51 54 54 04 82 00 3C 00 01 63 00 01 FF")
            ),
            Error::InvalidUtf8 { at: 17 },
            "[MQTT-3.1.3-11]"
        );
    }

    /// [MQTT-3.1.4-1] The Server validates that the CONNECT conforms to §3.1: the codec
    /// rejects one that does not, with the offset of the fault.
    #[test]
    fn mqtt_3_1_4_1_malformed_connect_is_rejected() {
        for (hex, want, what) in [
            (
                "10 0E 00 04 4D 51 54 54 04 02 00 3C 00 01 63 00",
                Error::TrailingBytes { at: 15 },
                "a byte after the last field",
            ),
            (
                "10 04 00 04 4D 51",
                Error::Truncated { at: 2 },
                "protocol name cut short by the Remaining Length",
            ),
            (
                "10 07 00 04 4D 51 54 54 04",
                Error::Truncated { at: 9 },
                "no Connect Flags",
            ),
            (
                "10 0D 00 04 4D 51 54 54 04 02 00 3C 00 05 63",
                Error::Truncated { at: 12 },
                "Client Id length past the packet",
            ),
        ] {
            assert_eq!(err(V, &h(hex)), want, "[MQTT-3.1.4-1] {what}");
        }
    }

    /// [MQTT-3.2.2-4] A CONNACK with a non-zero return code has Session Present 0.
    #[test]
    fn mqtt_3_2_2_4_session_present_is_0_when_refused() {
        for code in 1..=5u8 {
            let b = h(&format!("20 02 01 {code:02X}"));
            assert_eq!(
                err(V, &b),
                Error::InvalidConnAckFlags { flags: 1, at: 2 },
                "[MQTT-3.2.2-4] return code {code}"
            );
            let p = ControlPacket::ConnAck(ConnAck {
                version: V,
                session_present: true,
                code,
                properties: Properties::EMPTY,
            });
            assert!(
                matches!(enc_err(&p), EncodeError::Inconsistent(_)),
                "[MQTT-3.2.2-4] encode return code {code}"
            );
        }
        ok(V, &h("20 02 01 00"));
        ok(V, &h("20 02 00 05"));
    }

    /// [MQTT-3.3.1-2] DUP is 0 in every QoS 0 PUBLISH.
    #[test]
    fn mqtt_3_3_1_2_dup_is_0_at_qos_0() {
        // PUBLISH DUP=1 QoS 0, topic "a".
        assert_eq!(
            err(V, &h("38 03 00 01 61")),
            Error::InvalidFlags {
                packet_type: 3,
                flags: 8,
                at: 0
            },
            "[MQTT-3.3.1-2] decode"
        );
        let p = ControlPacket::Publish(Publish {
            dup: true,
            ..publish_value(V, QoS::AtMostOnce, "a", None)
        });
        assert!(
            matches!(enc_err(&p), EncodeError::Inconsistent(_)),
            "[MQTT-3.3.1-2] encode"
        );
        // DUP at QoS 1 is fine.
        assert!(
            publish(ok(V, &h("3A 05 00 01 61 00 01"))).dup,
            "[MQTT-3.3.1-2]"
        );
    }

    /// [MQTT-3.3.1-4] A PUBLISH does not have both QoS bits set.
    #[test]
    fn mqtt_3_3_1_4_qos_is_not_3() {
        for first in [0x36u8, 0x37, 0x3E, 0x3F] {
            let b = cat(&[&[first], &h("05 00 01 61 00 01")]);
            assert_eq!(
                err(V, &b),
                Error::InvalidQos { qos: 3, at: 0 },
                "[MQTT-3.3.1-4] {}",
                show(&b)
            );
        }
        // A fixed header alone already shows it.
        assert_eq!(
            err(V, &h("36")),
            Error::InvalidQos { qos: 3, at: 0 },
            "[MQTT-3.3.1-4] first byte only"
        );
        assert_eq!(QoS::try_from(3), Err(3), "[MQTT-3.3.1-4] no QoS value 3");
    }

    /// [MQTT-3.3.1-10] Codec's share: a retained PUBLISH with a zero-byte payload
    /// decodes, for the Server to process as normal.
    #[test]
    fn mqtt_3_3_1_10_zero_byte_retained_payload_decodes() {
        let b = h("31 03 00 01 61");
        let p = publish(ok(V, &b));
        assert_eq!((p.retain, p.payload), (true, &b""[..]), "[MQTT-3.3.1-10]");
        assert_eq!(
            enc(V, &ControlPacket::Publish(p)),
            b,
            "[MQTT-3.3.1-10] encode"
        );
    }

    /// [MQTT-3.3.2-1] The Topic Name is the first field of the variable header, a UTF-8
    /// encoded string.
    #[test]
    fn mqtt_3_3_2_1_topic_name_is_first_and_utf8() {
        for (hex, want, what) in [
            ("30 00", Error::Truncated { at: 2 }, "no Topic Name"),
            ("30 01 00", Error::Truncated { at: 2 }, "half a length"),
            (
                "30 03 00 02 61",
                Error::Truncated { at: 2 },
                "length past the packet",
            ),
            ("30 03 00 01 FF", Error::InvalidUtf8 { at: 4 }, "not UTF-8"),
        ] {
            assert_eq!(err(V, &h(hex)), want, "[MQTT-3.3.2-1] {what}");
        }
        assert_eq!(
            publish(ok(V, &h("30 03 00 01 61"))).topic,
            "a",
            "[MQTT-3.3.2-1]"
        );
    }

    /// [MQTT-3.3.2-2] The Topic Name of a PUBLISH has no wildcard.
    #[test]
    fn mqtt_3_3_2_2_topic_name_has_no_wildcards() {
        for (hex, at) in [
            ("30 05 00 03 61 2F 2B", 6), // "a/+"
            ("30 03 00 01 23", 4),       // "#"
            ("30 05 00 03 61 2B 62", 5), // "a+b"
        ] {
            assert_eq!(
                err(V, &h(hex)),
                Error::InvalidTopicName { at },
                "[MQTT-3.3.2-2] {hex}"
            );
        }
        for topic in ["a/+", "#", "a/#", "+"] {
            let p = ControlPacket::Publish(publish_value(V, QoS::AtMostOnce, topic, None));
            assert!(
                matches!(enc_err(&p), EncodeError::Inconsistent(_)),
                "[MQTT-3.3.2-2] encode {topic:?}"
            );
        }
    }

    /// [MQTT-3.6.1-1] PUBREL flags are 0010.
    #[test]
    fn mqtt_3_6_1_1_pubrel_flags_are_0010() {
        for first in [0x60u8, 0x61, 0x63, 0x66, 0x6A] {
            let b = cat(&[&[first], &h("02 00 01")]);
            assert_eq!(
                err(V, &b),
                Error::InvalidFlags {
                    packet_type: 6,
                    flags: first & 15,
                    at: 0
                },
                "[MQTT-3.6.1-1] {}",
                show(&b)
            );
        }
        let ack = Ack {
            version: V,
            packet_id: id(1),
            reason: 0,
            properties: Properties::EMPTY,
        };
        assert_eq!(
            enc(V, &ControlPacket::PubRel(ack)),
            h("62 02 00 01"),
            "[MQTT-3.6.1-1] encode"
        );
    }

    /// [MQTT-3.8.1-1] SUBSCRIBE flags are 0010.
    #[test]
    fn mqtt_3_8_1_1_subscribe_flags_are_0010() {
        for first in [0x80u8, 0x81, 0x83, 0x8A] {
            let b = cat(&[&[first], &h("06 00 01 00 01 61 00")]);
            assert_eq!(
                err(V, &b),
                Error::InvalidFlags {
                    packet_type: 8,
                    flags: first & 15,
                    at: 0
                },
                "[MQTT-3.8.1-1] {}",
                show(&b)
            );
        }
        ok(V, &h("82 06 00 01 00 01 61 00"));
    }

    /// [MQTT-3.8.3-1] The Topic Filters of a SUBSCRIBE are UTF-8 encoded strings.
    #[test]
    fn mqtt_3_8_3_1_subscribe_filters_are_utf8() {
        assert_eq!(
            err(V, &h("82 06 00 01 00 01 FF 00")),
            Error::InvalidUtf8 { at: 6 },
            "[MQTT-3.8.3-1]"
        );
        // The second of two filters is bad.
        assert_eq!(
            err(V, &h("82 0A 00 01 00 01 61 00 00 01 C3 00")),
            Error::InvalidUtf8 { at: 10 },
            "[MQTT-3.8.3-1] second filter"
        );
    }

    /// [MQTT-3.8.3-3] A SUBSCRIBE holds at least one Topic Filter / QoS pair.
    #[test]
    fn mqtt_3_8_3_3_subscribe_has_a_filter() {
        assert_eq!(
            err(V, &h("82 02 00 01")),
            Error::EmptyPayload { at: 4 },
            "[MQTT-3.8.3-3] decode"
        );
        // A filter without its QoS byte.
        assert_eq!(
            err(V, &h("82 05 00 01 00 01 61")),
            Error::Truncated { at: 7 },
            "[MQTT-3.8.3-3] no Requested QoS"
        );
        let p = ControlPacket::Subscribe(Subscribe {
            version: V,
            packet_id: id(1),
            properties: Properties::EMPTY,
            filters: Filters::List(&[]),
        });
        assert!(
            matches!(enc_err(&p), EncodeError::Empty { .. }),
            "[MQTT-3.8.3-3] encode"
        );
    }

    /// [MQTT-3-8.3-4] (so numbered in the specification) A SUBSCRIBE whose Requested QoS
    /// byte has a reserved bit set or QoS 3 is malformed.
    #[test]
    fn mqtt_3_8_3_4_requested_qos_reserved_bits_are_zero() {
        for options in [0x04u8, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFC] {
            let b = h(&format!("82 06 00 01 00 01 61 {options:02X}"));
            assert_eq!(
                err(V, &b),
                Error::InvalidSubscriptionOptions { options, at: 7 },
                "[MQTT-3-8.3-4] options {options:#04x}"
            );
        }
        assert_eq!(
            err(V, &h("82 06 00 01 00 01 61 03")),
            Error::InvalidQos { qos: 3, at: 7 },
            "[MQTT-3-8.3-4] QoS 3"
        );
        // 5.0's options cannot be encoded in 3.1.1.
        for o in [
            SubscriptionOptions {
                no_local: true,
                ..Default::default()
            },
            SubscriptionOptions {
                retain_as_published: true,
                ..Default::default()
            },
            SubscriptionOptions {
                retain_handling: 1,
                ..Default::default()
            },
        ] {
            let filters = [(s("a"), o)];
            let p = ControlPacket::Subscribe(Subscribe {
                version: V,
                packet_id: id(1),
                properties: Properties::EMPTY,
                filters: Filters::List(&filters),
            });
            assert!(
                matches!(enc_err(&p), EncodeError::OutOfRange { .. }),
                "[MQTT-3-8.3-4] encode {o:?}"
            );
        }
    }

    /// [MQTT-3.9.3-2] SUBACK return codes other than 0x00, 0x01, 0x02 and 0x80 are
    /// reserved.
    #[test]
    fn mqtt_3_9_3_2_suback_return_codes() {
        let allowed = [0x00, 0x01, 0x02, 0x80];
        code_table(V, "[MQTT-3.9.3-2]", &allowed, 4, |c| {
            h(&format!("90 03 00 01 {c:02X}"))
        });
        // The second of two codes is reserved.
        assert_eq!(
            err(V, &h("90 04 00 01 00 03")),
            Error::InvalidReasonCode { code: 3, at: 5 },
            "[MQTT-3.9.3-2] second code"
        );
        encode_code_table("[MQTT-3.9.3-2]", &allowed, |c| {
            ControlPacket::SubAck(SubAck {
                version: V,
                packet_id: id(1),
                properties: Properties::EMPTY,
                codes: Box::leak(Box::new([c])),
            })
        });
    }

    /// [MQTT-3.10.1-1] UNSUBSCRIBE flags are 0010.
    #[test]
    fn mqtt_3_10_1_1_unsubscribe_flags_are_0010() {
        for first in [0xA0u8, 0xA1, 0xA3, 0xAA] {
            let b = cat(&[&[first], &h("05 00 01 00 01 61")]);
            assert_eq!(
                err(V, &b),
                Error::InvalidFlags {
                    packet_type: 10,
                    flags: first & 15,
                    at: 0
                },
                "[MQTT-3.10.1-1] {}",
                show(&b)
            );
        }
        ok(V, &h("A2 05 00 01 00 01 61"));
    }

    /// [MQTT-3.10.3-1] The Topic Filters of an UNSUBSCRIBE are UTF-8 encoded strings.
    #[test]
    fn mqtt_3_10_3_1_unsubscribe_filters_are_utf8() {
        assert_eq!(
            err(V, &h("A2 05 00 01 00 01 FF")),
            Error::InvalidUtf8 { at: 6 },
            "[MQTT-3.10.3-1]"
        );
    }

    /// [MQTT-3.10.3-2] An UNSUBSCRIBE holds at least one Topic Filter.
    #[test]
    fn mqtt_3_10_3_2_unsubscribe_has_a_filter() {
        assert_eq!(
            err(V, &h("A2 02 00 01")),
            Error::EmptyPayload { at: 4 },
            "[MQTT-3.10.3-2] decode"
        );
        let p = ControlPacket::Unsubscribe(Unsubscribe {
            version: V,
            packet_id: id(1),
            properties: Properties::EMPTY,
            filters: Filters::List(&[]),
        });
        assert!(
            matches!(enc_err(&p), EncodeError::Empty { .. }),
            "[MQTT-3.10.3-2] encode"
        );
    }

    /// [MQTT-3.14.1-1] The reserved bits of DISCONNECT are 0.
    #[test]
    fn mqtt_3_14_1_1_disconnect_reserved_bits_are_zero() {
        for flags in 1..16u8 {
            assert_eq!(
                err(V, &[0xE0 | flags, 0]),
                Error::InvalidFlags {
                    packet_type: 14,
                    flags,
                    at: 0
                },
                "[MQTT-3.14.1-1] flags {flags:#06b}"
            );
        }
        assert!(matches!(ok(V, &h("E0 00")), ControlPacket::Disconnect(_)));
    }

    /// [MQTT-4.3.1-1] A QoS 0 sender sends PUBLISH with QoS 0 and DUP 0.
    #[test]
    fn mqtt_4_3_1_1_qos_0_publish_is_sent_with_dup_0() {
        let p = ControlPacket::Publish(Publish {
            dup: true,
            ..publish_value(V, QoS::AtMostOnce, "a", None)
        });
        assert!(
            matches!(enc_err(&p), EncodeError::Inconsistent(_)),
            "[MQTT-4.3.1-1] DUP at QoS 0"
        );
        let out = enc(
            V,
            &ControlPacket::Publish(publish_value(V, QoS::AtMostOnce, "a", None)),
        );
        assert_eq!(out, h("30 03 00 01 61"), "[MQTT-4.3.1-1]");
    }

    /// [MQTT-4.7.1-1] Wildcards may be used in Topic Filters, never in a Topic Name.
    #[test]
    fn mqtt_4_7_1_1_wildcards_only_in_filters() {
        for (topic, at) in [("+", 0), ("#", 0), ("a/+/b", 2), ("a/#", 2)] {
            let b = frame(0x30, &[&mqtt_str(topic.as_bytes())]);
            assert_eq!(
                err(V, &b),
                Error::InvalidTopicName { at: 4 + at },
                "[MQTT-4.7.1-1] PUBLISH topic {topic:?}"
            );
            let b = frame(0x82, &[&h("00 01"), &mqtt_str(topic.as_bytes()), &[0]]);
            ok(V, &b);
        }
    }

    /// [MQTT-4.7.1-2] '#' stands alone or after '/', and last.
    #[test]
    fn mqtt_4_7_1_2_multi_level_wildcard_is_last_and_whole() {
        for f in ["#", "a/#", "/#", "a/b/#", "+/#"] {
            ok(
                V,
                &frame(0x82, &[&h("00 01"), &mqtt_str(f.as_bytes()), &[0]]),
            );
            ok(V, &frame(0xA2, &[&h("00 01"), &mqtt_str(f.as_bytes())]));
        }
        for (f, at) in [
            ("a/#/b", 2),
            ("a#", 1),
            ("#/", 0),
            ("#a", 0),
            ("a/b#", 3),
            ("##", 0),
        ] {
            let sub = frame(0x82, &[&h("00 01"), &mqtt_str(f.as_bytes()), &[0]]);
            assert_eq!(
                err(V, &sub),
                Error::InvalidTopicFilter { at: 6 + at },
                "[MQTT-4.7.1-2] SUBSCRIBE {f:?}"
            );
            let unsub = frame(0xA2, &[&h("00 01"), &mqtt_str(f.as_bytes())]);
            assert_eq!(
                err(V, &unsub),
                Error::InvalidTopicFilter { at: 6 + at },
                "[MQTT-4.7.1-2] UNSUBSCRIBE {f:?}"
            );
            let filters = [(s(f), SubscriptionOptions::default())];
            let p = ControlPacket::Subscribe(Subscribe {
                version: V,
                packet_id: id(1),
                properties: Properties::EMPTY,
                filters: Filters::List(&filters),
            });
            assert!(
                matches!(enc_err(&p), EncodeError::Inconsistent(_)),
                "[MQTT-4.7.1-2] encode {f:?}"
            );
        }
    }

    /// [MQTT-4.7.1-3] '+' occupies a whole level.
    #[test]
    fn mqtt_4_7_1_3_single_level_wildcard_is_a_whole_level() {
        for f in ["+", "+/+", "a/+/c", "/+", "+/", "sport/+/player1"] {
            ok(
                V,
                &frame(0x82, &[&h("00 01"), &mqtt_str(f.as_bytes()), &[0]]),
            );
        }
        for (f, at) in [("a+", 1), ("+a", 0), ("a/b+/c", 3), ("++", 0)] {
            let sub = frame(0x82, &[&h("00 01"), &mqtt_str(f.as_bytes()), &[0]]);
            assert_eq!(
                err(V, &sub),
                Error::InvalidTopicFilter { at: 6 + at },
                "[MQTT-4.7.1-3] SUBSCRIBE {f:?}"
            );
            let filters = [(s(f), SubscriptionOptions::default())];
            let p = ControlPacket::Unsubscribe(Unsubscribe {
                version: V,
                packet_id: id(1),
                properties: Properties::EMPTY,
                filters: Filters::List(&filters),
            });
            assert!(
                matches!(enc_err(&p), EncodeError::Inconsistent(_)),
                "[MQTT-4.7.1-3] encode {f:?}"
            );
        }
    }

    /// [MQTT-4.7.3-1] Topic Names and Topic Filters are at least one character long.
    #[test]
    fn mqtt_4_7_3_1_topics_are_not_empty() {
        assert_eq!(
            err(V, &h("30 02 00 00")),
            Error::InvalidTopicName { at: 2 },
            "[MQTT-4.7.3-1] PUBLISH with an empty Topic Name"
        );
        assert_eq!(
            err(V, &h("82 05 00 01 00 00 00")),
            Error::InvalidTopicFilter { at: 6 },
            "[MQTT-4.7.3-1] SUBSCRIBE with an empty Topic Filter"
        );
        assert_eq!(
            err(V, &h("A2 04 00 01 00 00")),
            Error::InvalidTopicFilter { at: 6 },
            "[MQTT-4.7.3-1] UNSUBSCRIBE with an empty Topic Filter"
        );
        // CONNECT with an empty Will Topic.
        assert_eq!(
            err(
                V,
                &h("10 12 00 04 4D 51 54 54 04 06 00 3C 00 01 63 00 00 00 01 6D")
            ),
            Error::InvalidTopicName { at: 15 },
            "[MQTT-4.7.3-1] empty Will Topic"
        );
        let p = ControlPacket::Publish(publish_value(V, QoS::AtMostOnce, "", None));
        assert!(
            matches!(enc_err(&p), EncodeError::Empty { .. }),
            "[MQTT-4.7.3-1] encode PUBLISH"
        );
        let filters = [(s(""), SubscriptionOptions::default())];
        let p = ControlPacket::Subscribe(Subscribe {
            version: V,
            packet_id: id(1),
            properties: Properties::EMPTY,
            filters: Filters::List(&filters),
        });
        assert!(
            matches!(enc_err(&p), EncodeError::Inconsistent(_)),
            "[MQTT-4.7.3-1] encode SUBSCRIBE"
        );
        let p = ControlPacket::Connect(Connect {
            will: Some(Will {
                qos: QoS::AtMostOnce,
                retain: false,
                properties: Properties::EMPTY,
                topic: s(""),
                payload: b"m",
            }),
            ..connect_value(V)
        });
        assert!(
            matches!(enc_err(&p), EncodeError::Inconsistent(_)),
            "[MQTT-4.7.3-1] encode an empty Will Topic"
        );
    }

    /// [MQTT-4.7.3-2] Topic Names and Topic Filters hold no U+0000.
    #[test]
    fn mqtt_4_7_3_2_topics_have_no_null() {
        assert_eq!(
            err(V, &h("30 05 00 03 61 00 62")),
            Error::NullCharacter { at: 5 },
            "[MQTT-4.7.3-2] Topic Name"
        );
        assert_eq!(
            err(V, &h("82 08 00 01 00 03 61 00 62 00")),
            Error::NullCharacter { at: 7 },
            "[MQTT-4.7.3-2] Topic Filter"
        );
    }

    /// [MQTT-4.7.3-3] Topic Names and Topic Filters encode to at most 65,535 bytes.
    #[test]
    fn mqtt_4_7_3_3_topics_fit_in_65535_bytes() {
        let long = "a".repeat(65_536);
        assert_eq!(
            Str::new(&long),
            Err(EncodeError::TooLong {
                field: "UTF-8 string",
                len: 65_536,
                max: 65_535
            }),
            "[MQTT-4.7.3-3]"
        );
        let p = ControlPacket::Publish(publish_value(V, QoS::AtMostOnce, &long[1..], None));
        let out = enc(V, &p);
        assert_eq!(
            &out[..6],
            &h("30 81 80 04 FF FF")[..],
            "[MQTT-4.7.3-3] a 65,535-byte topic"
        );
    }

    /// [MQTT-6.0.0-2] Codec's share: packets need not line up with WebSocket frames, so
    /// decoding says how much it used and how much more a partial packet needs.
    #[test]
    fn mqtt_6_0_0_2_packets_are_read_across_frame_boundaries() {
        // PINGREQ, PUBLISH "a" QoS 0 payload "x", then the first 3 bytes of another.
        let stream = h("C0 00  30 04 00 01 61 78  30 04 00");
        let (p, n) = decode(V, &stream).unwrap();
        assert_eq!((p, n), (ControlPacket::PingReq, 2), "[MQTT-6.0.0-2]");
        let (p, m) = decode(V, &stream[n..]).unwrap();
        assert_eq!((publish(p).payload, m), (&b"x"[..], 6), "[MQTT-6.0.0-2]");
        let e = err(V, &stream[n + m..]);
        assert_eq!(e, Error::Incomplete(Needed::new(3)), "[MQTT-6.0.0-2]");
        assert_eq!(e.needed().and_then(Needed::size), Some(3));
        assert_eq!(
            err(V, &h("30")),
            Error::Incomplete(Needed::new(1)),
            "[MQTT-6.0.0-2]"
        );
        assert!(err(V, &[]).is_incomplete(), "[MQTT-6.0.0-2]");
    }

    // Rules of 3.1.1 that carry no statement number.

    /// §2.2.1 Table 2.1: packet types 0 and 15 are reserved.
    #[test]
    fn reserved_packet_types_are_rejected() {
        for first in [0x00u8, 0xF0] {
            assert_eq!(
                err(V, &[first, 0]),
                Error::ReservedPacketType {
                    packet_type: first >> 4,
                    at: 0
                },
                "§2.2.1 type {}",
                first >> 4
            );
        }
    }

    /// §2.2.3: the Remaining Length has at most four bytes; 3.1.1 does not require the
    /// shortest form.
    #[test]
    fn remaining_length_is_at_most_four_bytes() {
        assert_eq!(
            err(V, &h("C0 FF FF FF FF 01")),
            Error::MalformedVarInt { at: 1 },
            "§2.2.3 fifth byte"
        );
        assert_eq!(
            decode(V, &h("C0 80 00")),
            Ok((ControlPacket::PingReq, 3)),
            "§2.2.3 has no shortest-form rule"
        );
    }

    /// §3.2.2.1: CONNACK acknowledge flags bits 7-1 are reserved (0); §3.2.2.3 return
    /// codes 6-255 are reserved.
    #[test]
    fn connack_reserved_bits_and_return_codes() {
        assert_eq!(
            err(V, &h("20 02 02 00")),
            Error::InvalidConnAckFlags { flags: 2, at: 2 },
            "§3.2.2.1"
        );
        code_table(V, "§3.2.2.3", &[0, 1, 2, 3, 4, 5], 3, |c| {
            h(&format!("20 02 00 {c:02X}"))
        });
    }

    /// §3.4-§3.7, §3.11-§3.14: acknowledgements have Remaining Length 2; PINGREQ,
    /// PINGRESP and DISCONNECT have none.
    #[test]
    fn fixed_size_packets_have_fixed_sizes() {
        for hex in [
            "40 03 00 01 00",
            "B0 03 00 01 00",
            "C0 01 00",
            "D0 01 00",
            "E0 01 00",
        ] {
            let b = h(hex);
            let at = b.len() - 1;
            assert_eq!(err(V, &b), Error::TrailingBytes { at }, "{hex}");
        }
    }

    /// MQTT 3.1 (protocol name "MQIsdp", level 3) is read with its own context.
    #[test]
    fn mqtt_3_1_connect() {
        let b = h("10 0F 00 06 4D 51 49 73 64 70 03 02 00 3C 00 01 63");
        assert_eq!(protocol_version(&b), Ok(Some(Version::V3_1)));
        let c = connect(ok(Version::V3_1, &b));
        assert_eq!(enc(Version::V3_1, &ControlPacket::Connect(c)), b);
        assert_eq!(
            err(
                Version::V3_1,
                &h("10 0D 00 04 4D 51 54 54 03 02 00 3C 00 01 63")
            ),
            Error::InvalidProtocolName { at: 2 },
            "\"MQTT\" is not 3.1's name"
        );
        assert_eq!(err(V, &b), Error::InvalidProtocolName { at: 2 });
    }
}

// ---------------------------------------------------------------------------------------
// MQTT 5.0
// ---------------------------------------------------------------------------------------

/// MQTT 5.0 (OASIS Standard, 7 March 2019), Appendix B numbering.
mod v5 {
    use super::*;

    const V: Version = Version::V5;

    /// `CONNECT`, "MQTT" level 5, Clean Start, Keep Alive 60, no properties, Client Id "c".
    const CONNECT: &str = "10 0E  00 04 4D 51 54 54  05  02  00 3C  00  00 01 63";

    /// The body (after the first byte) of a valid 5.0 packet of each type but PUBLISH,
    /// with its required flags.
    const BODIES: [(u8, u8, &str); 14] = [
        (1, 0, "0E 00 04 4D 51 54 54 05 02 00 3C 00 00 01 63"), // CONNECT
        (2, 0, "03 00 00 00"),                                  // CONNACK: Success
        (4, 0, "02 00 01"),                                     // PUBACK id 1
        (5, 0, "02 00 01"),                                     // PUBREC id 1
        (6, 2, "02 00 01"),                                     // PUBREL id 1
        (7, 0, "02 00 01"),                                     // PUBCOMP id 1
        (8, 2, "07 00 01 00 00 01 61 00"),                      // SUBSCRIBE id 1, "a"
        (9, 0, "04 00 01 00 00"),                               // SUBACK id 1, QoS 0
        (10, 2, "06 00 01 00 00 01 61"),                        // UNSUBSCRIBE id 1, "a"
        (11, 0, "04 00 01 00 00"),                              // UNSUBACK id 1, Success
        (12, 0, "00"),                                          // PINGREQ
        (13, 0, "00"),                                          // PINGRESP
        (14, 0, "00"),                                          // DISCONNECT
        (15, 0, "00"),                                          // AUTH
    ];

    /// A 5.0 PUBLISH QoS 0, topic "a", with the property block `props` (without its
    /// length) and no payload.
    fn publish_with(props: &[u8]) -> Vec<u8> {
        let len = u8::try_from(props.len()).unwrap();
        frame(0x30, &[&h("00 01 61"), &[len], props])
    }

    fn publish_props<'a>(props: &'a [Property<'a>]) -> ControlPacket<'a> {
        ControlPacket::Publish(Publish {
            properties: Properties::new(props),
            ..publish_value(V, QoS::AtMostOnce, "a", None)
        })
    }

    fn subscribe<'a>(filters: &'a [(Str<'a>, SubscriptionOptions)]) -> ControlPacket<'a> {
        ControlPacket::Subscribe(Subscribe {
            version: V,
            packet_id: id(1),
            properties: Properties::EMPTY,
            filters: Filters::List(filters),
        })
    }

    /// A 5.0 SUBSCRIBE id 1, no properties, one filter `f` with options byte `o`.
    fn subscribe_bytes(f: &[u8], o: u8) -> Vec<u8> {
        frame(0x82, &[&h("00 01 00"), &mqtt_str(f), &[o]])
    }

    /// [MQTT-1.5.4-1] Strings are well-formed UTF-8, without surrogates.
    #[test]
    fn mqtt_1_5_4_1_strings_are_well_formed_utf8() {
        for (hex, at, what) in [
            ("30 05 00 02 61 FF 00", 5, "0xFF is never UTF-8"),
            ("30 06 00 03 ED A0 80 00", 4, "U+D800, a surrogate"),
            ("30 06 00 03 ED BF BF 00", 4, "U+DFFF, a surrogate"),
            ("30 05 00 02 C0 AF 00", 4, "overlong '/'"),
            ("30 07 00 04 F4 90 80 80 00", 4, "U+110000, past Unicode"),
        ] {
            assert_eq!(
                err(V, &h(hex)),
                Error::InvalidUtf8 { at },
                "[MQTT-1.5.4-1] PUBLISH topic: {what}"
            );
        }
        // Reason String (0x1F) "\xFF" in a PUBACK: id 1, reason 0x10, properties.
        assert_eq!(
            err(V, &h("40 08 00 01 10 04 1F 00 01 FF")),
            Error::InvalidUtf8 { at: 9 },
            "[MQTT-1.5.4-1] Reason String"
        );
    }

    /// [MQTT-1.5.4-2] A string has no U+0000.
    #[test]
    fn mqtt_1_5_4_2_strings_have_no_null_character() {
        assert_eq!(
            err(V, &h("30 06 00 03 61 00 62 00")),
            Error::NullCharacter { at: 5 },
            "[MQTT-1.5.4-2] Topic Name"
        );
        // Reason String "a\0" in a DISCONNECT 0x80.
        assert_eq!(
            err(V, &h("E0 07 80 05 1F 00 02 61 00")),
            Error::NullCharacter { at: 8 },
            "[MQTT-1.5.4-2] Reason String"
        );
        assert!(Str::new("\0").is_err(), "[MQTT-1.5.4-2] encode");
    }

    /// [MQTT-1.5.4-3] EF BB BF is U+FEFF wherever it appears, never skipped or stripped.
    #[test]
    fn mqtt_1_5_4_3_bom_is_kept() {
        let b = h("30 07 00 04 EF BB BF 61 00");
        for c in [cx(V), cx(V).strict_strings(true)] {
            let p = publish(ok_with(&b, &c));
            assert_eq!(p.topic, "\u{FEFF}a", "[MQTT-1.5.4-3]");
            assert_eq!(enc(V, &ControlPacket::Publish(p)), b, "[MQTT-1.5.4-3]");
        }
    }

    /// [MQTT-1.5.5-1] A Variable Byte Integer uses the fewest bytes that hold its value.
    #[test]
    fn mqtt_1_5_5_1_variable_byte_integers_are_shortest() {
        // Remaining Length 0 as 80 00.
        assert_eq!(
            err(V, &h("C0 80 00")),
            Error::MalformedVarInt { at: 1 },
            "[MQTT-1.5.5-1] Remaining Length"
        );
        // PUBLISH "a" with Remaining Length 4 as 84 80 00.
        assert_eq!(
            err(V, &h("30 84 80 00 00 01 61 00")),
            Error::MalformedVarInt { at: 1 },
            "[MQTT-1.5.5-1] Remaining Length, three bytes"
        );
        // PUBACK id 1, reason 0, Property Length 0 as 80 00.
        assert_eq!(
            err(V, &h("40 05 00 01 00 80 00")),
            Error::MalformedVarInt { at: 5 },
            "[MQTT-1.5.5-1] Property Length"
        );
        // PUBLISH "a", Subscription Identifier 1 as 81 00.
        assert_eq!(
            err(V, &h("30 07 00 01 61 03 0B 81 00")),
            Error::MalformedVarInt { at: 7 },
            "[MQTT-1.5.5-1] Subscription Identifier"
        );
        // A fifth byte.
        assert_eq!(
            err(V, &h("C0 FF FF FF FF 01")),
            Error::MalformedVarInt { at: 1 },
            "[MQTT-1.5.5-1] fifth byte"
        );
        // Encode: Remaining Length 128 is 80 01; Subscription Identifier 128 is 80 01.
        let payload = [b'x'; 124];
        let p = ControlPacket::Publish(Publish {
            payload: &payload,
            ..publish_value(V, QoS::AtMostOnce, "a", None)
        });
        assert_eq!(
            &enc(V, &p)[..3],
            &h("30 80 01")[..],
            "[MQTT-1.5.5-1] encode"
        );
        let props = [Property::SubscriptionIdentifier(VarInt::new(128).unwrap())];
        assert_eq!(
            enc(V, &publish_props(&props)),
            h("30 07 00 01 61 03 0B 80 01"),
            "[MQTT-1.5.5-1] encode"
        );
        for n in [
            0u32,
            127,
            128,
            16_383,
            16_384,
            2_097_151,
            2_097_152,
            268_435_455,
        ] {
            let v = VarInt::new(n).unwrap();
            let want = match n {
                0..=127 => 1,
                128..=16_383 => 2,
                16_384..=2_097_151 => 3,
                _ => 4,
            };
            assert_eq!(v.size(), want, "[MQTT-1.5.5-1] size of {n}");
        }
    }

    /// [MQTT-1.5.7-1] Both strings of a UTF-8 String Pair are UTF-8 Encoded Strings.
    #[test]
    fn mqtt_1_5_7_1_string_pair_halves_are_strings() {
        // User Property with name "\xFF", value "v".
        assert_eq!(
            err(V, &publish_with(&h("26 00 01 FF 00 01 76"))),
            Error::InvalidUtf8 { at: 9 },
            "[MQTT-1.5.7-1] name"
        );
        // Name "k", value "\xFF".
        assert_eq!(
            err(V, &publish_with(&h("26 00 01 6B 00 01 FF"))),
            Error::InvalidUtf8 { at: 12 },
            "[MQTT-1.5.7-1] value"
        );
        // Name "k", value "\0".
        assert_eq!(
            err(V, &publish_with(&h("26 00 01 6B 00 01 00"))),
            Error::NullCharacter { at: 12 },
            "[MQTT-1.5.7-1] value"
        );
        // Name "k", value cut short by the Property Length.
        assert_eq!(
            err(V, &publish_with(&h("26 00 01 6B 00 02 76"))),
            Error::Truncated { at: 10 },
            "[MQTT-1.5.7-1] value past the properties"
        );
        let b = publish_with(&h("26 00 01 6B 00 01 76"));
        let p = publish(ok(V, &b));
        assert_eq!(
            p.properties.user_properties().collect::<Vec<_>>(),
            [(s("k"), s("v"))],
            "[MQTT-1.5.7-1]"
        );
    }

    /// [MQTT-2.1.3-1] Reserved flag bits have the listed values: decode rejects every
    /// other nibble, encode writes the listed one.
    #[test]
    fn mqtt_2_1_3_1_reserved_flag_bits() {
        for (kind, required, body) in BODIES {
            for flags in 0..16u8 {
                let b = cat(&[&[kind << 4 | flags], &h(body)]);
                if flags == required {
                    ok(V, &b);
                } else {
                    assert_eq!(
                        err(V, &b),
                        Error::InvalidFlags {
                            packet_type: kind,
                            flags,
                            at: 0
                        },
                        "[MQTT-2.1.3-1] {}",
                        show(&b)
                    );
                }
            }
        }
        let none = Properties::EMPTY;
        let ack = Ack {
            version: V,
            packet_id: id(1),
            reason: 0,
            properties: none,
        };
        let filters = [(s("a"), SubscriptionOptions::default())];
        for (first, p) in [
            (0x10, ControlPacket::Connect(connect_value(V))),
            (
                0x20,
                ControlPacket::ConnAck(ConnAck {
                    version: V,
                    session_present: false,
                    code: 0,
                    properties: none,
                }),
            ),
            (0x40, ControlPacket::PubAck(ack)),
            (0x50, ControlPacket::PubRec(ack)),
            (0x62, ControlPacket::PubRel(ack)),
            (0x70, ControlPacket::PubComp(ack)),
            (0x82, subscribe(&filters)),
            (
                0x90,
                ControlPacket::SubAck(SubAck {
                    version: V,
                    packet_id: id(1),
                    properties: none,
                    codes: &[0],
                }),
            ),
            (
                0xA2,
                ControlPacket::Unsubscribe(Unsubscribe {
                    version: V,
                    packet_id: id(1),
                    properties: none,
                    filters: Filters::List(&filters),
                }),
            ),
            (
                0xB0,
                ControlPacket::UnsubAck(SubAck {
                    version: V,
                    packet_id: id(1),
                    properties: none,
                    codes: &[0],
                }),
            ),
            (0xC0, ControlPacket::PingReq),
            (0xD0, ControlPacket::PingResp),
            (
                0xE0,
                ControlPacket::Disconnect(Disconnect {
                    version: V,
                    reason: 0,
                    properties: none,
                }),
            ),
            (
                0xF0,
                ControlPacket::Auth(Auth {
                    reason: 0,
                    properties: none,
                }),
            ),
        ] {
            assert_eq!(enc(V, &p)[0], first, "[MQTT-2.1.3-1] first byte of {p:?}");
        }
    }

    /// [MQTT-2.2.1-2] A QoS 0 PUBLISH has no Packet Identifier.
    #[test]
    fn mqtt_2_2_1_2_qos_0_publish_has_no_packet_identifier() {
        // Topic "a", Property Length 0, payload 00 01.
        let b = h("30 06 00 01 61 00 00 01");
        let p = publish(ok(V, &b));
        assert_eq!(
            (p.packet_id, p.payload),
            (None, &[0u8, 1][..]),
            "[MQTT-2.2.1-2] decode"
        );
        let p = ControlPacket::Publish(publish_value(V, QoS::AtMostOnce, "a", Some(id(7))));
        assert!(
            matches!(enc_err(&p), EncodeError::Inconsistent(_)),
            "[MQTT-2.2.1-2] encode"
        );
    }

    /// [MQTT-2.2.1-3] A Client's SUBSCRIBE, UNSUBSCRIBE and QoS > 0 PUBLISH carry a
    /// non-zero Packet Identifier (that it is unused is session state).
    #[test]
    fn mqtt_2_2_1_3_client_packet_identifiers_are_non_zero() {
        for (hex, at, what) in [
            ("82 07 00 00 00 00 01 61 00", 2, "SUBSCRIBE id 0"),
            ("A2 06 00 00 00 00 01 61", 2, "UNSUBSCRIBE id 0"),
            ("32 06 00 01 61 00 00 00", 5, "PUBLISH QoS 1 id 0"),
        ] {
            assert_eq!(
                err(V, &h(hex)),
                Error::ZeroPacketId { at },
                "[MQTT-2.2.1-3] {what}"
            );
        }
        let p = ControlPacket::Publish(publish_value(V, QoS::AtLeastOnce, "a", None));
        assert!(
            matches!(enc_err(&p), EncodeError::Inconsistent(_)),
            "[MQTT-2.2.1-3] encode without an identifier"
        );
    }

    /// [MQTT-2.2.1-4] A Server's QoS > 0 PUBLISH carries a non-zero Packet Identifier.
    #[test]
    fn mqtt_2_2_1_4_server_publish_identifier_is_non_zero() {
        assert_eq!(
            err(V, &h("34 06 00 01 61 00 00 00")),
            Error::ZeroPacketId { at: 5 },
            "[MQTT-2.2.1-4] PUBLISH QoS 2 id 0"
        );
        let b = h("34 06 00 01 61 FF FF 00");
        let p = publish(ok(V, &b));
        assert_eq!(p.packet_id, Some(id(65_535)), "[MQTT-2.2.1-4]");
        let p = ControlPacket::Publish(publish_value(V, QoS::ExactlyOnce, "a", None));
        assert!(
            matches!(enc_err(&p), EncodeError::Inconsistent(_)),
            "[MQTT-2.2.1-4] encode"
        );
    }

    /// [MQTT-2.2.1-5] Codec's share: PUBACK, PUBREC, PUBREL and PUBCOMP carry the
    /// identifier of a PUBLISH, never 0.
    #[test]
    fn mqtt_2_2_1_5_ack_packet_identifier_is_never_zero() {
        for first in [0x40, 0x50, 0x62, 0x70] {
            let b = cat(&[&[first], &h("02 00 00")]);
            assert_eq!(
                err(V, &b),
                Error::ZeroPacketId { at: 2 },
                "[MQTT-2.2.1-5] {}",
                show(&b)
            );
        }
    }

    /// [MQTT-2.2.1-6] Codec's share: SUBACK and UNSUBACK carry the identifier of a
    /// SUBSCRIBE or UNSUBSCRIBE, never 0.
    #[test]
    fn mqtt_2_2_1_6_suback_packet_identifier_is_never_zero() {
        for hex in ["90 04 00 00 00 00", "B0 04 00 00 00 00"] {
            assert_eq!(
                err(V, &h(hex)),
                Error::ZeroPacketId { at: 2 },
                "[MQTT-2.2.1-6] {hex}"
            );
        }
    }

    /// [MQTT-2.2.2-1] No properties is written as a Property Length of 0.
    #[test]
    fn mqtt_2_2_2_1_no_properties_is_a_zero_length() {
        let filters = [(s("a"), SubscriptionOptions::default())];
        for (p, want) in [
            (
                ControlPacket::Publish(publish_value(V, QoS::AtMostOnce, "a", None)),
                "30 04 00 01 61 00",
            ),
            (ControlPacket::Connect(connect_value(V)), CONNECT),
            (
                ControlPacket::ConnAck(ConnAck {
                    version: V,
                    session_present: false,
                    code: 0,
                    properties: Properties::EMPTY,
                }),
                "20 03 00 00 00",
            ),
            (subscribe(&filters), "82 07 00 01 00 00 01 61 00"),
            (
                ControlPacket::SubAck(SubAck {
                    version: V,
                    packet_id: id(1),
                    properties: Properties::EMPTY,
                    codes: &[1],
                }),
                "90 04 00 01 00 01",
            ),
        ] {
            assert_eq!(enc(V, &p), h(want), "[MQTT-2.2.2-1] {p:?}");
        }
        // A 5.0 CONNACK without its Property Length.
        assert_eq!(
            err(V, &h("20 02 00 00")),
            Error::Truncated { at: 4 },
            "[MQTT-2.2.2-1] CONNACK"
        );
        // A 5.0 SUBACK whose only byte after the identifier must be the Property Length.
        assert_eq!(
            err(V, &h("90 03 00 01 00")),
            Error::EmptyPayload { at: 5 },
            "[MQTT-2.2.2-1] SUBACK"
        );
        // A 5.0 CONNECT laid out as 3.1.1 (no Property Length): "00 01" is read as the
        // Property Length 0 and a Client Id length of 0x0163.
        assert_eq!(
            err(V, &h("10 0D 00 04 4D 51 54 54 05 02 00 3C 00 01 63")),
            Error::Truncated { at: 13 },
            "[MQTT-2.2.2-1] CONNECT"
        );
    }

    /// [MQTT-3.1.2-1] The protocol name is "MQTT".
    #[test]
    fn mqtt_3_1_2_1_protocol_name_is_mqtt() {
        for (hex, what) in [
            (
                "10 0E 00 04 4D 51 54 74 05 02 00 3C 00 00 01 63",
                "\"MQTt\"",
            ),
            (
                "10 10 00 06 4D 51 49 73 64 70 05 02 00 3C 00 00 01 63",
                "\"MQIsdp\"",
            ),
        ] {
            let b = h(hex);
            assert_eq!(
                err(V, &b),
                Error::InvalidProtocolName { at: 2 },
                "[MQTT-3.1.2-1] {what}"
            );
            assert_eq!(protocol_version(&b), Ok(None), "[MQTT-3.1.2-1] {what}");
        }
        assert_eq!(
            enc(V, &ControlPacket::Connect(connect_value(V))),
            h(CONNECT),
            "[MQTT-3.1.2-1] encode"
        );
    }

    /// [MQTT-3.1.2-2] Codec's share: a Protocol Version other than 5 is reported with the
    /// version, so a Server can answer 0x84 (Unsupported Protocol Version).
    #[test]
    fn mqtt_3_1_2_2_protocol_version_is_5() {
        for level in [3u8, 4, 6] {
            let b = h(&format!(
                "10 0E 00 04 4D 51 54 54 {level:02X} 02 00 3C 00 00 01 63"
            ));
            assert_eq!(
                err(V, &b),
                Error::UnsupportedProtocolLevel { level, at: 8 },
                "[MQTT-3.1.2-2] level {level}"
            );
        }
        assert_eq!(protocol_version(&h(CONNECT)), Ok(Some(V)), "[MQTT-3.1.2-2]");
        // protocol_version needs only the name and level.
        assert_eq!(
            protocol_version(&h("10 0E 00 04 4D 51 54 54 05")),
            Ok(Some(V))
        );
        assert!(
            protocol_version(&h("10 0E 00 04 4D 51"))
                .unwrap_err()
                .is_incomplete()
        );
    }

    /// [MQTT-3.1.2-3] The reserved bit 0 of the Connect Flags is 0 (else Malformed).
    #[test]
    fn mqtt_3_1_2_3_connect_reserved_flag_is_zero() {
        assert_eq!(
            err(V, &h("10 0E 00 04 4D 51 54 54 05 03 00 3C 00 00 01 63")),
            Error::InvalidConnectFlags { flags: 3, at: 9 },
            "[MQTT-3.1.2-3]"
        );
    }

    /// A 5.0 CONNECT with Connect Flags `flags`, Client Id "c", an empty Will Properties,
    /// Will Topic "t" and Will Payload "m".
    fn connect_with_will(flags: u8) -> Vec<u8> {
        h(&format!(
            "10 15 00 04 4D 51 54 54 05 {flags:02X} 00 3C 00  00 01 63  00  00 01 74  00 01 6D"
        ))
    }

    /// [MQTT-3.1.2-9] With the Will Flag, the Will Properties, Will Topic and Will
    /// Payload are present.
    #[test]
    fn mqtt_3_1_2_9_will_fields_follow_the_will_flag() {
        let b = connect_with_will(0x06);
        let c = connect(ok(V, &b));
        let w = c.will.expect("[MQTT-3.1.2-9] a will");
        assert_eq!(
            (w.topic.as_str(), w.payload),
            ("t", &b"m"[..]),
            "[MQTT-3.1.2-9]"
        );
        assert_eq!(
            enc(V, &ControlPacket::Connect(c)),
            b,
            "[MQTT-3.1.2-9] encode"
        );
        for (hex, at, what) in [
            (
                "10 0E 00 04 4D 51 54 54 05 06 00 3C 00 00 01 63",
                16,
                "no Will Properties",
            ),
            (
                "10 0F 00 04 4D 51 54 54 05 06 00 3C 00 00 01 63 00",
                17,
                "no Will Topic",
            ),
            (
                "10 12 00 04 4D 51 54 54 05 06 00 3C 00 00 01 63 00 00 01 74",
                20,
                "no Will Payload",
            ),
        ] {
            assert_eq!(
                err(V, &h(hex)),
                Error::Truncated { at },
                "[MQTT-3.1.2-9] {what}"
            );
        }
    }

    /// [MQTT-3.1.2-11] Without the Will Flag, Will QoS is 0.
    #[test]
    fn mqtt_3_1_2_11_will_qos_is_0_without_the_will_flag() {
        for flags in [0x0Au8, 0x12, 0x1A] {
            let b = h(&format!(
                "10 0E 00 04 4D 51 54 54 05 {flags:02X} 00 3C 00 00 01 63"
            ));
            assert_eq!(
                err(V, &b),
                Error::InvalidConnectFlags { flags, at: 9 },
                "[MQTT-3.1.2-11] flags {flags:#04x}"
            );
        }
        let out = enc(V, &ControlPacket::Connect(connect_value(V)));
        assert_eq!(out[9], 0x02, "[MQTT-3.1.2-11] encode");
    }

    /// [MQTT-3.1.2-12] With the Will Flag, Will QoS is 0, 1 or 2 (3 is Malformed).
    #[test]
    fn mqtt_3_1_2_12_will_qos_is_0_1_or_2() {
        assert_eq!(
            err(V, &connect_with_will(0x1E)),
            Error::InvalidConnectFlags { flags: 0x1E, at: 9 },
            "[MQTT-3.1.2-12] Will QoS 3"
        );
        for (flags, qos) in [
            (0x06, QoS::AtMostOnce),
            (0x0E, QoS::AtLeastOnce),
            (0x16, QoS::ExactlyOnce),
        ] {
            let b = connect_with_will(flags);
            let c = connect(ok(V, &b));
            assert_eq!(
                c.will.unwrap().qos,
                qos,
                "[MQTT-3.1.2-12] flags {flags:#04x}"
            );
            assert_eq!(
                enc(V, &ControlPacket::Connect(c)),
                b,
                "[MQTT-3.1.2-12] encode"
            );
        }
    }

    /// [MQTT-3.1.2-13] Without the Will Flag, Will Retain is 0.
    #[test]
    fn mqtt_3_1_2_13_will_retain_is_0_without_the_will_flag() {
        assert_eq!(
            err(V, &h("10 0E 00 04 4D 51 54 54 05 22 00 3C 00 00 01 63")),
            Error::InvalidConnectFlags { flags: 0x22, at: 9 },
            "[MQTT-3.1.2-13]"
        );
        assert!(
            connect(ok(V, &connect_with_will(0x26)))
                .will
                .unwrap()
                .retain
        );
    }

    /// [MQTT-3.1.2-16] Without the User Name Flag, no User Name is present.
    #[test]
    fn mqtt_3_1_2_16_no_user_name_without_its_flag() {
        assert_eq!(
            err(
                V,
                &h("10 11 00 04 4D 51 54 54 05 02 00 3C 00 00 01 63 00 01 75")
            ),
            Error::TrailingBytes { at: 16 },
            "[MQTT-3.1.2-16]"
        );
    }

    /// [MQTT-3.1.2-17] With the User Name Flag, a User Name is present.
    #[test]
    fn mqtt_3_1_2_17_user_name_with_its_flag() {
        assert_eq!(
            err(V, &h("10 0E 00 04 4D 51 54 54 05 82 00 3C 00 00 01 63")),
            Error::Truncated { at: 16 },
            "[MQTT-3.1.2-17]"
        );
        let b = h("10 11 00 04 4D 51 54 54 05 82 00 3C 00 00 01 63 00 01 75");
        let c = connect(ok(V, &b));
        assert_eq!(c.username, Some(s("u")), "[MQTT-3.1.2-17]");
        assert_eq!(
            enc(V, &ControlPacket::Connect(c)),
            b,
            "[MQTT-3.1.2-17] encode"
        );
    }

    /// [MQTT-3.1.2-18] Without the Password Flag, no Password is present.
    #[test]
    fn mqtt_3_1_2_18_no_password_without_its_flag() {
        assert_eq!(
            err(
                V,
                &h("10 14 00 04 4D 51 54 54 05 82 00 3C 00 00 01 63 00 01 75 00 01 70")
            ),
            Error::TrailingBytes { at: 19 },
            "[MQTT-3.1.2-18]"
        );
    }

    /// [MQTT-3.1.2-19] With the Password Flag, a Password is present; 5.0 allows one
    /// without a User Name.
    #[test]
    fn mqtt_3_1_2_19_password_with_its_flag() {
        assert_eq!(
            err(V, &h("10 0E 00 04 4D 51 54 54 05 42 00 3C 00 00 01 63")),
            Error::Truncated { at: 16 },
            "[MQTT-3.1.2-19]"
        );
        // Flags 0x42: Password without User Name.
        let b = h("10 11 00 04 4D 51 54 54 05 42 00 3C 00 00 01 63 00 01 70");
        let c = connect(ok(V, &b));
        assert_eq!(
            (c.username, c.password),
            (None, Some(&b"p"[..])),
            "[MQTT-3.1.2-19]"
        );
        assert_eq!(
            enc(V, &ControlPacket::Connect(c)),
            b,
            "[MQTT-3.1.2-19] encode"
        );
    }

    /// [MQTT-3.1.2-24] (and [MQTT-3.2.2-15]) Receiving side: a packet over the Maximum
    /// Packet Size in force is refused, as soon as its fixed header shows it.
    #[test]
    fn mqtt_3_1_2_24_maximum_packet_size_is_enforced_on_receipt() {
        let c = cx(V).max_packet_size(6);
        // PUBLISH "a", no properties: 6 bytes.
        ok_with(&h("30 04 00 01 61 00"), &c);
        // PUBLISH "a", payload "x": 7 bytes.
        let seven = h("30 05 00 01 61 00 78");
        assert_eq!(
            err_with(&seven, &c),
            Error::PacketTooLarge { size: 7, max: 6 },
            "[MQTT-3.1.2-24] one byte over"
        );
        assert_eq!(
            err_with(&seven[..2], &c),
            Error::PacketTooLarge { size: 7, max: 6 },
            "[MQTT-3.1.2-24] [MQTT-3.2.2-15] refused from its fixed header"
        );
        // Remaining Length 268,435,455: incomplete without a limit, too large with one.
        let huge = h("30 FF FF FF 7F");
        assert!(err(V, &huge).is_incomplete(), "[MQTT-3.1.2-24]");
        assert_eq!(
            err_with(&huge, &cx(V).max_packet_size(1 << 20)),
            Error::PacketTooLarge {
                size: 268_435_460,
                max: 1 << 20
            },
            "[MQTT-3.1.2-24]"
        );
    }

    /// [MQTT-3.1.3-1] The payload holds Client Identifier, Will Properties, Will Topic,
    /// Will Payload, User Name, Password, in that order.
    #[test]
    fn mqtt_3_1_3_1_payload_fields_in_order() {
        // Flags 0xEE: User Name, Password, Will Retain, Will QoS 1, Will, Clean Start.
        // Will Properties: Will Delay Interval (0x18) 10.
        let b = h("10 20 00 04 4D 51 54 54 05 EE 00 3C 00 \
                   00 01 63  05 18 00 00 00 0A  00 01 74  00 01 6D  00 01 75  00 01 70");
        let will_props = [Property::WillDelayInterval(10)];
        let value = Connect {
            will: Some(Will {
                qos: QoS::AtLeastOnce,
                retain: true,
                properties: Properties::new(&will_props),
                topic: s("t"),
                payload: b"m",
            }),
            username: Some(s("u")),
            password: Some(b"p"),
            ..connect_value(V)
        };
        assert_eq!(connect(ok(V, &b)), value, "[MQTT-3.1.3-1] decode");
        assert_eq!(
            enc(V, &ControlPacket::Connect(value)),
            b,
            "[MQTT-3.1.3-1] encode"
        );
    }

    /// [MQTT-3.1.3-3] The Client Identifier is present, the first field of the payload.
    #[test]
    fn mqtt_3_1_3_3_client_id_is_present() {
        assert_eq!(
            err(V, &h("10 0B 00 04 4D 51 54 54 05 02 00 3C 00")),
            Error::Truncated { at: 13 },
            "[MQTT-3.1.3-3]"
        );
    }

    /// [MQTT-3.1.3-4] The Client Identifier is a UTF-8 Encoded String.
    #[test]
    fn mqtt_3_1_3_4_client_id_is_utf8() {
        assert_eq!(
            err(V, &h("10 0E 00 04 4D 51 54 54 05 02 00 3C 00 00 01 FF")),
            Error::InvalidUtf8 { at: 15 },
            "[MQTT-3.1.3-4]"
        );
    }

    /// [MQTT-3.1.3-5] The Server allows Client Ids of 1 to 23 bytes of [0-9a-zA-Z].
    #[test]
    fn mqtt_3_1_3_5_short_alphanumeric_client_ids_are_accepted() {
        let b = cat(&[
            &h("10 24 00 04 4D 51 54 54 05 02 00 3C 00 00 17"),
            b"0123456789abcdefghijXYZ",
        ]);
        assert_eq!(
            connect(ok(V, &b)).client_id,
            "0123456789abcdefghijXYZ",
            "[MQTT-3.1.3-5]"
        );
    }

    /// [MQTT-3.1.3-6] Codec's share: a zero-length Client Id decodes (with either Clean
    /// Start), so a Server can accept it and assign one.
    #[test]
    fn mqtt_3_1_3_6_zero_length_client_id_decodes() {
        for flags in [0x00u8, 0x02] {
            let b = h(&format!(
                "10 0D 00 04 4D 51 54 54 05 {flags:02X} 00 3C 00 00 00"
            ));
            let c = connect(ok(V, &b));
            assert_eq!(c.client_id, "", "[MQTT-3.1.3-6]");
            assert_eq!(
                enc(V, &ControlPacket::Connect(c)),
                b,
                "[MQTT-3.1.3-6] encode"
            );
        }
    }

    /// [MQTT-3.1.3-11] The Will Topic is a UTF-8 Encoded String.
    #[test]
    fn mqtt_3_1_3_11_will_topic_is_utf8() {
        assert_eq!(
            err(
                V,
                &h("10 15 00 04 4D 51 54 54 05 06 00 3C 00 00 01 63 00 00 01 FF 00 01 6D")
            ),
            Error::InvalidUtf8 { at: 19 },
            "[MQTT-3.1.3-11]"
        );
    }

    /// [MQTT-3.1.3-12] The User Name is a UTF-8 Encoded String.
    #[test]
    fn mqtt_3_1_3_12_user_name_is_utf8() {
        assert_eq!(
            err(
                V,
                &h("10 11 00 04 4D 51 54 54 05 82 00 3C 00 00 01 63 00 01 FF")
            ),
            Error::InvalidUtf8 { at: 18 },
            "[MQTT-3.1.3-12]"
        );
    }

    /// [MQTT-3.1.4-1] The Server validates that the CONNECT matches §3.1: the codec
    /// rejects one that does not.
    #[test]
    fn mqtt_3_1_4_1_malformed_connect_is_rejected() {
        for (hex, want, what) in [
            (
                "10 0F 00 04 4D 51 54 54 05 02 00 3C 00 00 01 63 00",
                Error::TrailingBytes { at: 16 },
                "a byte after the last field",
            ),
            (
                // Property Length 5, but only 3 bytes are left in the packet.
                "10 0E 00 04 4D 51 54 54 05 02 00 3C 05 00 01 63",
                Error::Truncated { at: 12 },
                "properties past the packet",
            ),
            (
                // Receive Maximum (0x21) 0.
                "10 11 00 04 4D 51 54 54 05 02 00 3C 03 21 00 00 00 01 63",
                Error::InvalidPropertyValue { id: 0x21, at: 14 },
                "Receive Maximum 0",
            ),
            (
                // Topic Alias (0x23) is not a CONNECT property.
                "10 11 00 04 4D 51 54 54 05 02 00 3C 03 23 00 01 00 01 63",
                Error::PropertyNotAllowed { id: 0x23, at: 13 },
                "Topic Alias in CONNECT",
            ),
        ] {
            assert_eq!(err(V, &h(hex)), want, "[MQTT-3.1.4-1] {what}");
        }
    }

    /// [MQTT-3.2.2-1] CONNACK Acknowledge Flags bits 7-1 are reserved (0).
    #[test]
    fn mqtt_3_2_2_1_connack_flags_are_reserved() {
        for flags in [0x02u8, 0x80, 0xFE, 0x03] {
            let b = h(&format!("20 03 {flags:02X} 00 00"));
            assert_eq!(
                err(V, &b),
                Error::InvalidConnAckFlags { flags, at: 2 },
                "[MQTT-3.2.2-1] flags {flags:#04x}"
            );
        }
        let p = ControlPacket::ConnAck(ConnAck {
            version: V,
            session_present: true,
            code: 0,
            properties: Properties::EMPTY,
        });
        assert_eq!(enc(V, &p), h("20 03 01 00 00"), "[MQTT-3.2.2-1] encode");
    }

    /// [MQTT-3.2.2-6] A CONNACK with a non-zero Reason Code has Session Present 0.
    #[test]
    fn mqtt_3_2_2_6_session_present_is_0_when_refused() {
        assert_eq!(
            err(V, &h("20 03 01 80 00")),
            Error::InvalidConnAckFlags { flags: 1, at: 2 },
            "[MQTT-3.2.2-6] decode"
        );
        let p = ControlPacket::ConnAck(ConnAck {
            version: V,
            session_present: true,
            code: 0x87,
            properties: Properties::EMPTY,
        });
        assert!(
            matches!(enc_err(&p), EncodeError::Inconsistent(_)),
            "[MQTT-3.2.2-6] encode"
        );
    }

    /// Table 3-1, Connect Reason Codes.
    const CONNACK_CODES: [u8; 22] = [
        0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95,
        0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F,
    ];

    /// [MQTT-3.2.2-8] A CONNACK carries one of the Connect Reason Codes of Table 3-1.
    #[test]
    fn mqtt_3_2_2_8_connack_reason_codes() {
        code_table(V, "[MQTT-3.2.2-8]", &CONNACK_CODES, 3, |c| {
            h(&format!("20 03 00 {c:02X} 00"))
        });
        encode_code_table("[MQTT-3.2.2-8]", &CONNACK_CODES, |code| {
            ControlPacket::ConnAck(ConnAck {
                version: V,
                session_present: false,
                code,
                properties: Properties::EMPTY,
            })
        });
    }

    /// [MQTT-3.3.1-2] DUP is 0 in every QoS 0 PUBLISH.
    #[test]
    fn mqtt_3_3_1_2_dup_is_0_at_qos_0() {
        assert_eq!(
            err(V, &h("38 04 00 01 61 00")),
            Error::InvalidFlags {
                packet_type: 3,
                flags: 8,
                at: 0
            },
            "[MQTT-3.3.1-2] decode"
        );
        let p = ControlPacket::Publish(Publish {
            dup: true,
            ..publish_value(V, QoS::AtMostOnce, "a", None)
        });
        assert!(
            matches!(enc_err(&p), EncodeError::Inconsistent(_)),
            "[MQTT-3.3.1-2] encode"
        );
    }

    /// [MQTT-3.3.1-4] A PUBLISH does not have both QoS bits set (Malformed).
    #[test]
    fn mqtt_3_3_1_4_qos_is_not_3() {
        for first in [0x36u8, 0x37, 0x3E, 0x3F] {
            let b = cat(&[&[first], &h("06 00 01 61 00 01 00")]);
            assert_eq!(
                err(V, &b),
                Error::InvalidQos { qos: 3, at: 0 },
                "[MQTT-3.3.1-4] {}",
                show(&b)
            );
        }
    }

    /// [MQTT-3.3.2-1] The Topic Name is the first field of the variable header, a UTF-8
    /// Encoded String.
    #[test]
    fn mqtt_3_3_2_1_topic_name_is_first_and_utf8() {
        for (hex, want, what) in [
            ("30 00", Error::Truncated { at: 2 }, "no Topic Name"),
            (
                "30 03 00 02 61",
                Error::Truncated { at: 2 },
                "length past the packet",
            ),
            (
                "30 04 00 01 FF 00",
                Error::InvalidUtf8 { at: 4 },
                "not UTF-8",
            ),
            (
                "30 03 00 01 61",
                Error::Truncated { at: 5 },
                "no Property Length",
            ),
        ] {
            assert_eq!(err(V, &h(hex)), want, "[MQTT-3.3.2-1] {what}");
        }
    }

    /// [MQTT-3.3.2-2] The Topic Name of a PUBLISH has no wildcard.
    #[test]
    fn mqtt_3_3_2_2_topic_name_has_no_wildcards() {
        for (hex, at) in [("30 06 00 03 61 2F 2B 00", 6), ("30 04 00 01 23 00", 4)] {
            assert_eq!(
                err(V, &h(hex)),
                Error::InvalidTopicName { at },
                "[MQTT-3.3.2-2] {hex}"
            );
        }
        let p = ControlPacket::Publish(publish_value(V, QoS::AtLeastOnce, "a/#", Some(id(1))));
        assert!(
            matches!(enc_err(&p), EncodeError::Inconsistent(_)),
            "[MQTT-3.3.2-2] encode"
        );
    }

    /// [MQTT-3.3.2-8] A Topic Alias of 0 is never sent.
    #[test]
    fn mqtt_3_3_2_8_topic_alias_is_not_0() {
        assert_eq!(
            err(V, &publish_with(&h("23 00 00"))),
            Error::InvalidPropertyValue { id: 0x23, at: 7 },
            "[MQTT-3.3.2-8] decode"
        );
        let props = [Property::TopicAlias(0)];
        assert!(
            matches!(
                enc_err(&publish_props(&props)),
                EncodeError::OutOfRange { .. }
            ),
            "[MQTT-3.3.2-8] encode"
        );
        let props = [Property::TopicAlias(1)];
        assert_eq!(
            enc(V, &publish_props(&props)),
            publish_with(&h("23 00 01")),
            "[MQTT-3.3.2-8] alias 1"
        );
    }

    /// [MQTT-3.3.2-13] The Response Topic is a UTF-8 Encoded String.
    #[test]
    fn mqtt_3_3_2_13_response_topic_is_utf8() {
        assert_eq!(
            err(V, &publish_with(&h("08 00 01 FF"))),
            Error::InvalidUtf8 { at: 9 },
            "[MQTT-3.3.2-13]"
        );
        assert_eq!(
            err(V, &publish_with(&h("08 00 01 00"))),
            Error::NullCharacter { at: 9 },
            "[MQTT-3.3.2-13]"
        );
    }

    /// [MQTT-3.3.2-14] The Response Topic has no wildcard.
    #[test]
    fn mqtt_3_3_2_14_response_topic_has_no_wildcards() {
        for (props, at) in [("08 00 01 23", 9), ("08 00 03 61 2F 2B", 11)] {
            assert_eq!(
                err(V, &publish_with(&h(props))),
                Error::InvalidTopicName { at },
                "[MQTT-3.3.2-14] {props}"
            );
        }
        let props = [Property::ResponseTopic(s("r/+"))];
        assert!(
            matches!(
                enc_err(&publish_props(&props)),
                EncodeError::Inconsistent(_)
            ),
            "[MQTT-3.3.2-14] encode"
        );
        // In the Will Properties as well.
        let props = [Property::ResponseTopic(s("#"))];
        let p = ControlPacket::Connect(Connect {
            will: Some(Will {
                qos: QoS::AtMostOnce,
                retain: false,
                properties: Properties::new(&props),
                topic: s("t"),
                payload: b"",
            }),
            ..connect_value(V)
        });
        assert!(
            matches!(enc_err(&p), EncodeError::Inconsistent(_)),
            "[MQTT-3.3.2-14] encode will"
        );
    }

    /// [MQTT-3.3.2-19] The Content Type is a UTF-8 Encoded String.
    #[test]
    fn mqtt_3_3_2_19_content_type_is_utf8() {
        assert_eq!(
            err(V, &publish_with(&h("03 00 01 FF"))),
            Error::InvalidUtf8 { at: 9 },
            "[MQTT-3.3.2-19]"
        );
        let b = publish_with(&h("03 00 04 74 65 78 74"));
        let p = publish(ok(V, &b));
        assert_eq!(
            p.properties.get(0x03),
            Some(Property::ContentType(s("text"))),
            "[MQTT-3.3.2-19]"
        );
    }

    /// Table 3-4 (PUBACK) and Table 3-5 (PUBREC) Reason Codes.
    const PUBACK_CODES: [u8; 9] = [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
    /// Table 3-6 (PUBREL) and Table 3-7 (PUBCOMP) Reason Codes.
    const PUBREL_CODES: [u8; 2] = [0x00, 0x92];

    fn ack(reason: u8) -> Ack<'static> {
        Ack {
            version: V,
            packet_id: id(1),
            reason,
            properties: Properties::EMPTY,
        }
    }

    /// [MQTT-3.4.2-1] A PUBACK carries one of the PUBACK Reason Codes.
    #[test]
    fn mqtt_3_4_2_1_puback_reason_codes() {
        code_table(V, "[MQTT-3.4.2-1]", &PUBACK_CODES, 4, |c| {
            h(&format!("40 03 00 01 {c:02X}"))
        });
        encode_code_table("[MQTT-3.4.2-1]", &PUBACK_CODES, |c| {
            ControlPacket::PubAck(ack(c))
        });
    }

    /// [MQTT-3.5.2-1] A PUBREC carries one of the PUBREC Reason Codes.
    #[test]
    fn mqtt_3_5_2_1_pubrec_reason_codes() {
        code_table(V, "[MQTT-3.5.2-1]", &PUBACK_CODES, 4, |c| {
            h(&format!("50 04 00 01 {c:02X} 00"))
        });
        encode_code_table("[MQTT-3.5.2-1]", &PUBACK_CODES, |c| {
            ControlPacket::PubRec(ack(c))
        });
    }

    /// [MQTT-3.6.1-1] PUBREL flags are 0010.
    #[test]
    fn mqtt_3_6_1_1_pubrel_flags_are_0010() {
        for first in [0x60u8, 0x61, 0x63, 0x6A] {
            let b = cat(&[&[first], &h("03 00 01 92")]);
            assert_eq!(
                err(V, &b),
                Error::InvalidFlags {
                    packet_type: 6,
                    flags: first & 15,
                    at: 0
                },
                "[MQTT-3.6.1-1] {}",
                show(&b)
            );
        }
        assert_eq!(
            enc(V, &ControlPacket::PubRel(ack(0x92))),
            h("62 03 00 01 92"),
            "[MQTT-3.6.1-1] encode"
        );
    }

    /// [MQTT-3.6.2-1] A PUBREL carries one of the PUBREL Reason Codes.
    #[test]
    fn mqtt_3_6_2_1_pubrel_reason_codes() {
        code_table(V, "[MQTT-3.6.2-1]", &PUBREL_CODES, 4, |c| {
            h(&format!("62 03 00 01 {c:02X}"))
        });
        encode_code_table("[MQTT-3.6.2-1]", &PUBREL_CODES, |c| {
            ControlPacket::PubRel(ack(c))
        });
    }

    /// [MQTT-3.7.2-1] A PUBCOMP carries one of the PUBCOMP Reason Codes.
    #[test]
    fn mqtt_3_7_2_1_pubcomp_reason_codes() {
        code_table(V, "[MQTT-3.7.2-1]", &PUBREL_CODES, 4, |c| {
            h(&format!("70 03 00 01 {c:02X}"))
        });
        encode_code_table("[MQTT-3.7.2-1]", &PUBREL_CODES, |c| {
            ControlPacket::PubComp(ack(c))
        });
    }

    /// [MQTT-3.8.1-1] SUBSCRIBE flags are 0010.
    #[test]
    fn mqtt_3_8_1_1_subscribe_flags_are_0010() {
        for first in [0x80u8, 0x81, 0x83, 0x8A] {
            let b = cat(&[&[first], &h("07 00 01 00 00 01 61 00")]);
            assert_eq!(
                err(V, &b),
                Error::InvalidFlags {
                    packet_type: 8,
                    flags: first & 15,
                    at: 0
                },
                "[MQTT-3.8.1-1] {}",
                show(&b)
            );
        }
    }

    /// [MQTT-3.8.3-1] The Topic Filters of a SUBSCRIBE are UTF-8 Encoded Strings.
    #[test]
    fn mqtt_3_8_3_1_subscribe_filters_are_utf8() {
        assert_eq!(
            err(V, &h("82 07 00 01 00 00 01 FF 00")),
            Error::InvalidUtf8 { at: 7 },
            "[MQTT-3.8.3-1]"
        );
    }

    /// [MQTT-3.8.3-2] A SUBSCRIBE holds at least one Topic Filter and Subscription
    /// Options pair.
    #[test]
    fn mqtt_3_8_3_2_subscribe_has_a_filter() {
        assert_eq!(
            err(V, &h("82 03 00 01 00")),
            Error::EmptyPayload { at: 5 },
            "[MQTT-3.8.3-2] decode"
        );
        assert!(
            matches!(enc_err(&subscribe(&[])), EncodeError::Empty { .. }),
            "[MQTT-3.8.3-2] encode"
        );
    }

    /// [MQTT-3.8.3-4] No Local is not set on a Shared Subscription (Protocol Error):
    /// decoding refuses it.
    #[test]
    fn mqtt_3_8_3_4_no_local_is_not_set_on_a_shared_subscription() {
        // SUBSCRIBE id 1, no properties, "$share/g/a" with options 0x04 (No Local).
        let b = cat(&[&h("82 10 00 01 00 00 0A"), b"$share/g/a", &h("04")]);
        assert_eq!(
            err(V, &b),
            Error::InvalidSubscriptionOptions { options: 4, at: 17 },
            "[MQTT-3.8.3-4] decode"
        );
        // The same filter without No Local, and No Local on a non-shared filter.
        ok(V, &subscribe_bytes(b"$share/g/a", 0x00));
        ok(V, &subscribe_bytes(b"a", 0x04));
    }

    /// [MQTT-3.8.3-4] Encoding side: a SUBSCRIBE with No Local on a Shared Subscription
    /// cannot be encoded (the codec's own decoder refuses it).
    #[test]
    fn mqtt_3_8_3_4_encoder_refuses_no_local_on_a_shared_subscription() {
        let filters = [(
            s("$share/g/a"),
            SubscriptionOptions {
                no_local: true,
                ..Default::default()
            },
        )];
        let p = subscribe(&filters);
        let mut out = [0u8; 64];
        let got = p.encode(&mut out);
        assert!(
            got.is_err(),
            "[MQTT-3.8.3-4] encoded as {}",
            show(&out[..got.unwrap_or(0)])
        );
    }

    /// [MQTT-3.8.3-5] Reserved bits 7-6 of the Subscription Options are 0 (Malformed);
    /// also Retain Handling 3 and Maximum QoS 3 are refused (§3.8.3.1).
    #[test]
    fn mqtt_3_8_3_5_subscription_options_reserved_bits() {
        for options in [0x40u8, 0x80, 0xC0, 0x30, 0x3C] {
            assert_eq!(
                err(V, &subscribe_bytes(b"a", options)),
                Error::InvalidSubscriptionOptions { options, at: 8 },
                "[MQTT-3.8.3-5] options {options:#04x}"
            );
        }
        assert_eq!(
            err(V, &subscribe_bytes(b"a", 0x03)),
            Error::InvalidQos { qos: 3, at: 8 },
            "[MQTT-3.8.3-5] QoS 3"
        );
        // Every allowed combination decodes and encodes back.
        for options in [0x00u8, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x2E] {
            let b = subscribe_bytes(b"a", options);
            let p = ok(V, &b);
            assert_eq!(enc(V, &p), b, "[MQTT-3.8.3-5] options {options:#04x}");
        }
        for rh in [3u8, 4, 0xFF] {
            let filters = [(
                s("a"),
                SubscriptionOptions {
                    retain_handling: rh,
                    ..Default::default()
                },
            )];
            assert!(
                matches!(
                    enc_err(&subscribe(&filters)),
                    EncodeError::OutOfRange { .. }
                ),
                "[MQTT-3.8.3-5] encode Retain Handling {rh}"
            );
        }
    }

    /// Table 3-8, Subscribe Reason Codes.
    const SUBACK_CODES: [u8; 12] = [
        0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2,
    ];

    /// [MQTT-3.9.3-2] A SUBACK carries Subscribe Reason Codes.
    #[test]
    fn mqtt_3_9_3_2_suback_reason_codes() {
        code_table(V, "[MQTT-3.9.3-2]", &SUBACK_CODES, 5, |c| {
            h(&format!("90 04 00 01 00 {c:02X}"))
        });
        encode_code_table("[MQTT-3.9.3-2]", &SUBACK_CODES, |c| {
            ControlPacket::SubAck(SubAck {
                version: V,
                packet_id: id(1),
                properties: Properties::EMPTY,
                codes: Box::leak(Box::new([c])),
            })
        });
    }

    /// [MQTT-3.10.1-1] UNSUBSCRIBE flags are 0010.
    #[test]
    fn mqtt_3_10_1_1_unsubscribe_flags_are_0010() {
        for first in [0xA0u8, 0xA1, 0xA3, 0xAA] {
            let b = cat(&[&[first], &h("06 00 01 00 00 01 61")]);
            assert_eq!(
                err(V, &b),
                Error::InvalidFlags {
                    packet_type: 10,
                    flags: first & 15,
                    at: 0
                },
                "[MQTT-3.10.1-1] {}",
                show(&b)
            );
        }
    }

    /// [MQTT-3.10.3-1] The Topic Filters of an UNSUBSCRIBE are UTF-8 Encoded Strings.
    #[test]
    fn mqtt_3_10_3_1_unsubscribe_filters_are_utf8() {
        assert_eq!(
            err(V, &h("A2 06 00 01 00 00 01 FF")),
            Error::InvalidUtf8 { at: 7 },
            "[MQTT-3.10.3-1]"
        );
    }

    /// [MQTT-3.10.3-2] An UNSUBSCRIBE holds at least one Topic Filter.
    #[test]
    fn mqtt_3_10_3_2_unsubscribe_has_a_filter() {
        assert_eq!(
            err(V, &h("A2 03 00 01 00")),
            Error::EmptyPayload { at: 5 },
            "[MQTT-3.10.3-2] decode"
        );
        let p = ControlPacket::Unsubscribe(Unsubscribe {
            version: V,
            packet_id: id(1),
            properties: Properties::EMPTY,
            filters: Filters::List(&[]),
        });
        assert!(
            matches!(enc_err(&p), EncodeError::Empty { .. }),
            "[MQTT-3.10.3-2] encode"
        );
    }

    /// Table 3-9, Unsubscribe Reason Codes.
    const UNSUBACK_CODES: [u8; 7] = [0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91];

    /// [MQTT-3.11.3-2] An UNSUBACK carries Unsubscribe Reason Codes.
    #[test]
    fn mqtt_3_11_3_2_unsuback_reason_codes() {
        code_table(V, "[MQTT-3.11.3-2]", &UNSUBACK_CODES, 5, |c| {
            h(&format!("B0 04 00 01 00 {c:02X}"))
        });
        encode_code_table("[MQTT-3.11.3-2]", &UNSUBACK_CODES, |c| {
            ControlPacket::UnsubAck(SubAck {
                version: V,
                packet_id: id(1),
                properties: Properties::EMPTY,
                codes: Box::leak(Box::new([c])),
            })
        });
        assert_eq!(
            err(V, &h("B0 03 00 01 00")),
            Error::EmptyPayload { at: 5 },
            "[MQTT-3.11.3-2] no Reason Code"
        );
    }

    /// [MQTT-3.14.1-1] The reserved bits of DISCONNECT are 0 (else Malformed).
    #[test]
    fn mqtt_3_14_1_1_disconnect_reserved_bits_are_zero() {
        for flags in 1..16u8 {
            assert_eq!(
                err(V, &[0xE0 | flags, 0]),
                Error::InvalidFlags {
                    packet_type: 14,
                    flags,
                    at: 0
                },
                "[MQTT-3.14.1-1] flags {flags:#06b}"
            );
        }
    }

    /// Table 3-10, Disconnect Reason Codes.
    const DISCONNECT_CODES: [u8; 29] = [
        0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94,
        0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2,
    ];

    /// [MQTT-3.14.2-1] A DISCONNECT carries one of the Disconnect Reason Codes.
    #[test]
    fn mqtt_3_14_2_1_disconnect_reason_codes() {
        code_table(V, "[MQTT-3.14.2-1]", &DISCONNECT_CODES, 2, |c| {
            h(&format!("E0 01 {c:02X}"))
        });
        encode_code_table("[MQTT-3.14.2-1]", &DISCONNECT_CODES, |reason| {
            ControlPacket::Disconnect(Disconnect {
                version: V,
                reason,
                properties: Properties::EMPTY,
            })
        });
    }

    /// [MQTT-3.15.1-1] The reserved bits of AUTH are 0 (else Malformed).
    #[test]
    fn mqtt_3_15_1_1_auth_reserved_bits_are_zero() {
        for flags in 1..16u8 {
            assert_eq!(
                err(V, &[0xF0 | flags, 0]),
                Error::InvalidFlags {
                    packet_type: 15,
                    flags,
                    at: 0
                },
                "[MQTT-3.15.1-1] flags {flags:#06b}"
            );
        }
    }

    /// [MQTT-3.15.2-1] An AUTH carries one of the Authenticate Reason Codes.
    #[test]
    fn mqtt_3_15_2_1_auth_reason_codes() {
        let allowed = [0x00, 0x18, 0x19];
        code_table(V, "[MQTT-3.15.2-1]", &allowed, 2, |c| {
            h(&format!("F0 02 {c:02X} 00"))
        });
        encode_code_table("[MQTT-3.15.2-1]", &allowed, |reason| {
            ControlPacket::Auth(Auth {
                reason,
                properties: Properties::EMPTY,
            })
        });
    }

    /// [MQTT-4.3.1-1] A QoS 0 sender sends PUBLISH with QoS 0 and DUP 0.
    #[test]
    fn mqtt_4_3_1_1_qos_0_publish_is_sent_with_dup_0() {
        let p = ControlPacket::Publish(Publish {
            dup: true,
            ..publish_value(V, QoS::AtMostOnce, "a", None)
        });
        assert!(
            matches!(enc_err(&p), EncodeError::Inconsistent(_)),
            "[MQTT-4.3.1-1]"
        );
        let out = enc(
            V,
            &ControlPacket::Publish(publish_value(V, QoS::AtMostOnce, "a", None)),
        );
        assert_eq!(out[0], 0x30, "[MQTT-4.3.1-1]");
    }

    /// [MQTT-4.7.0-1] Wildcards may be used in Topic Filters, never in a Topic Name.
    #[test]
    fn mqtt_4_7_0_1_wildcards_only_in_filters() {
        for (topic, at) in [("+", 0), ("#", 0), ("a/+/b", 2), ("a/#", 2)] {
            let b = frame(0x30, &[&mqtt_str(topic.as_bytes()), &[0]]);
            assert_eq!(
                err(V, &b),
                Error::InvalidTopicName { at: 4 + at },
                "[MQTT-4.7.0-1] PUBLISH topic {topic:?}"
            );
            ok(V, &subscribe_bytes(topic.as_bytes(), 0));
            // Will Topic is a Topic Name too: empty Will Properties, the topic, Will
            // Payload "m".
            let b = frame(
                0x10,
                &[
                    &h("00 04 4D 51 54 54 05 06 00 3C 00 00 01 63 00"),
                    &mqtt_str(topic.as_bytes()),
                    &h("00 01 6D"),
                ],
            );
            assert_eq!(
                err(V, &b),
                Error::InvalidTopicName { at: 19 + at },
                "[MQTT-4.7.0-1] Will Topic {topic:?}"
            );
        }
    }

    /// [MQTT-4.7.1-1] '#' stands alone or after '/', and last.
    #[test]
    fn mqtt_4_7_1_1_multi_level_wildcard_is_last_and_whole() {
        for f in ["#", "a/#", "/#", "a/b/#", "+/#"] {
            ok(V, &subscribe_bytes(f.as_bytes(), 0));
        }
        for (f, at) in [("a/#/b", 2), ("a#", 1), ("#/", 0), ("a/b#", 3)] {
            assert_eq!(
                err(V, &subscribe_bytes(f.as_bytes(), 0)),
                Error::InvalidTopicFilter { at: 7 + at },
                "[MQTT-4.7.1-1] SUBSCRIBE {f:?}"
            );
            let unsub = frame(0xA2, &[&h("00 01 00"), &mqtt_str(f.as_bytes())]);
            assert_eq!(
                err(V, &unsub),
                Error::InvalidTopicFilter { at: 7 + at },
                "[MQTT-4.7.1-1] UNSUBSCRIBE {f:?}"
            );
            let filters = [(s(f), SubscriptionOptions::default())];
            assert!(
                matches!(enc_err(&subscribe(&filters)), EncodeError::Inconsistent(_)),
                "[MQTT-4.7.1-1] encode {f:?}"
            );
        }
    }

    /// [MQTT-4.7.1-2] '+' occupies a whole level.
    #[test]
    fn mqtt_4_7_1_2_single_level_wildcard_is_a_whole_level() {
        for f in ["+", "+/+", "a/+/c", "/+", "+/"] {
            ok(V, &subscribe_bytes(f.as_bytes(), 0));
        }
        for (f, at) in [("a+", 1), ("+a", 0), ("a/b+/c", 3)] {
            assert_eq!(
                err(V, &subscribe_bytes(f.as_bytes(), 0)),
                Error::InvalidTopicFilter { at: 7 + at },
                "[MQTT-4.7.1-2] SUBSCRIBE {f:?}"
            );
            let filters = [(s(f), SubscriptionOptions::default())];
            assert!(
                matches!(enc_err(&subscribe(&filters)), EncodeError::Inconsistent(_)),
                "[MQTT-4.7.1-2] encode {f:?}"
            );
        }
    }

    /// [MQTT-4.7.3-1] Topic Names and Topic Filters are at least one character long; a
    /// PUBLISH may leave its Topic Name empty only with a Topic Alias (§3.3.2.3.4).
    #[test]
    fn mqtt_4_7_3_1_topics_are_not_empty() {
        assert_eq!(
            err(V, &h("30 03 00 00 00")),
            Error::InvalidTopicName { at: 2 },
            "[MQTT-4.7.3-1] empty Topic Name, no Topic Alias"
        );
        // Empty Topic Name with Topic Alias 1.
        let b = h("30 06 00 00 03 23 00 01");
        let p = publish(ok(V, &b));
        assert_eq!(
            (p.topic.as_str(), p.properties.topic_alias()),
            ("", Some(1))
        );
        assert_eq!(
            enc(V, &ControlPacket::Publish(p)),
            b,
            "[MQTT-4.7.3-1] encode with alias"
        );
        assert_eq!(
            err(V, &h("82 06 00 01 00 00 00 00")),
            Error::InvalidTopicFilter { at: 7 },
            "[MQTT-4.7.3-1] empty Topic Filter in SUBSCRIBE"
        );
        assert_eq!(
            err(V, &h("A2 05 00 01 00 00 00")),
            Error::InvalidTopicFilter { at: 7 },
            "[MQTT-4.7.3-1] empty Topic Filter in UNSUBSCRIBE"
        );
        let p = ControlPacket::Publish(publish_value(V, QoS::AtMostOnce, "", None));
        assert!(
            matches!(enc_err(&p), EncodeError::Empty { .. }),
            "[MQTT-4.7.3-1] encode empty topic without alias"
        );
        let filters = [(s(""), SubscriptionOptions::default())];
        assert!(
            matches!(enc_err(&subscribe(&filters)), EncodeError::Inconsistent(_)),
            "[MQTT-4.7.3-1] encode empty filter"
        );
    }

    /// [MQTT-4.7.3-1] The Response Topic is a Topic Name (§3.3.2.3.5), so it is at least
    /// one character long.
    #[test]
    fn mqtt_4_7_3_1_response_topic_is_not_empty() {
        let b = publish_with(&h("08 00 00"));
        assert!(
            decode(V, &b).is_err(),
            "[MQTT-4.7.3-1] decoded an empty Response Topic: {}",
            show(&b)
        );
        let props = [Property::ResponseTopic(s(""))];
        let p = publish_props(&props);
        let mut out = [0u8; 32];
        assert!(
            p.encode(&mut out).is_err(),
            "[MQTT-4.7.3-1] encoded an empty Response Topic"
        );
    }

    /// [MQTT-4.7.3-2] Topic Names and Topic Filters hold no U+0000.
    #[test]
    fn mqtt_4_7_3_2_topics_have_no_null() {
        assert_eq!(
            err(V, &h("30 06 00 03 61 00 62 00")),
            Error::NullCharacter { at: 5 },
            "[MQTT-4.7.3-2] Topic Name"
        );
        assert_eq!(
            err(V, &subscribe_bytes(b"a\0", 0)),
            Error::NullCharacter { at: 8 },
            "[MQTT-4.7.3-2] Topic Filter"
        );
    }

    /// [MQTT-4.7.3-3] Topic Names and Topic Filters encode to at most 65,535 bytes.
    #[test]
    fn mqtt_4_7_3_3_topics_fit_in_65535_bytes() {
        let long = "a".repeat(65_536);
        assert!(
            matches!(Str::new(&long), Err(EncodeError::TooLong { .. })),
            "[MQTT-4.7.3-3]"
        );
        let filters = [(s(&long[1..]), SubscriptionOptions::default())];
        let out = enc(V, &subscribe(&filters));
        assert_eq!(
            &out[..9],
            &h("82 85 80 04 00 01 00 FF FF")[..],
            "[MQTT-4.7.3-3] a 65,535-byte filter"
        );
    }

    /// [MQTT-4.8.2-1] A Shared Subscription's filter starts with "$share/" and a
    /// ShareName of at least one character.
    #[test]
    fn mqtt_4_8_2_1_share_name_is_not_empty() {
        assert_eq!(
            err(V, &subscribe_bytes(b"$share//a", 0)),
            Error::InvalidTopicFilter { at: 14 },
            "[MQTT-4.8.2-1] empty ShareName"
        );
        let b = subscribe_bytes(b"$share/g/a", 0);
        assert_eq!(enc(V, &ok(V, &b)), b, "[MQTT-4.8.2-1]");
        let filters = [(s("$share//a"), SubscriptionOptions::default())];
        assert!(
            matches!(enc_err(&subscribe(&filters)), EncodeError::Inconsistent(_)),
            "[MQTT-4.8.2-1] encode"
        );
        // 3.1.1 has no shared subscriptions: there this is a plain filter.
        ok(
            Version::V3_1_1,
            &frame(0x82, &[&h("00 01"), &mqtt_str(b"$share//a"), &[0]]),
        );
    }

    /// [MQTT-4.8.2-2] The ShareName holds no '/', '+' or '#', and is followed by '/'
    /// and a Topic Filter.
    #[test]
    fn mqtt_4_8_2_2_share_name_and_filter() {
        for (f, at) in [
            ("$share/g+/a", 8),
            ("$share/#/a", 7),
            ("$share/g", 8),
            ("$share/g/", 9),
            ("$share/g/a#", 10),
        ] {
            assert_eq!(
                err(V, &subscribe_bytes(f.as_bytes(), 0)),
                Error::InvalidTopicFilter { at: 7 + at },
                "[MQTT-4.8.2-2] {f:?}"
            );
            let filters = [(s(f), SubscriptionOptions::default())];
            assert!(
                matches!(enc_err(&subscribe(&filters)), EncodeError::Inconsistent(_)),
                "[MQTT-4.8.2-2] encode {f:?}"
            );
            let unsub = frame(0xA2, &[&h("00 01 00"), &mqtt_str(f.as_bytes())]);
            assert!(
                matches!(err(V, &unsub), Error::InvalidTopicFilter { .. }),
                "[MQTT-4.8.2-2] UNSUBSCRIBE {f:?}"
            );
        }
        for f in ["$share/g/#", "$share/g/+/b", "$share/group-1/a/b"] {
            ok(V, &subscribe_bytes(f.as_bytes(), 0));
        }
    }

    /// [MQTT-6.0.0-2] Codec's share: packets need not line up with WebSocket frames.
    #[test]
    fn mqtt_6_0_0_2_packets_are_read_across_frame_boundaries() {
        // PUBLISH "a" payload "x", then AUTH (RL 0), then half a PUBACK.
        let stream = h("30 05 00 01 61 00 78  F0 00  40 03 00");
        let (p, n) = decode(V, &stream).unwrap();
        assert_eq!((publish(p).payload, n), (&b"x"[..], 7), "[MQTT-6.0.0-2]");
        let (p, m) = decode(V, &stream[n..]).unwrap();
        assert!(
            matches!(p, ControlPacket::Auth(_)) && m == 2,
            "[MQTT-6.0.0-2]"
        );
        assert_eq!(
            err(V, &stream[n + m..]),
            Error::Incomplete(Needed::new(2)),
            "[MQTT-6.0.0-2]"
        );
    }

    /// The user properties of a Will keep their order and repeats ([MQTT-3.1.3-10]
    /// asks the Server to keep them when it publishes the Will; [MQTT-3.3.2-17] and
    /// [MQTT-3.3.2-18] when it forwards a PUBLISH): the codec's share is to keep them.
    #[test]
    fn user_properties_keep_their_order_and_repeats() {
        // PUBLISH "a", User Properties (k,2), (j,1), (k,1).
        let b = publish_with(&h(
            "26 00 01 6B 00 01 32  26 00 01 6A 00 01 31  26 00 01 6B 00 01 31",
        ));
        let p = publish(ok(V, &b));
        assert_eq!(
            p.properties.user_properties().collect::<Vec<_>>(),
            [(s("k"), s("2")), (s("j"), s("1")), (s("k"), s("1"))]
        );
        assert_eq!(enc(V, &ControlPacket::Publish(p)), b);
    }

    // Rules of 5.0 that carry no statement number.

    /// §2.1.2 Table 2-1: packet type 0 is reserved; 15 is AUTH.
    #[test]
    fn packet_type_0_is_reserved() {
        assert_eq!(
            err(V, &h("00 00")),
            Error::ReservedPacketType {
                packet_type: 0,
                at: 0
            }
        );
        assert!(matches!(ok(V, &h("F0 00")), ControlPacket::Auth(_)));
        // 15 is reserved before 5.0.
        assert_eq!(
            err(Version::V3_1_1, &h("F0 00")),
            Error::ReservedPacketType {
                packet_type: 15,
                at: 0
            }
        );
    }

    /// §2.2.2.2: a property is allowed only in the packets Table 2-4 lists, once unless
    /// it may repeat, and unknown identifiers are Malformed.
    #[test]
    fn properties_follow_table_2_4() {
        // PUBACK id 1, reason 0, properties: Topic Alias 1.
        assert_eq!(
            err(V, &h("40 07 00 01 00 03 23 00 01")),
            Error::PropertyNotAllowed { id: 0x23, at: 6 }
        );
        // PUBLISH "a": Content Type "x" twice.
        assert_eq!(
            err(V, &publish_with(&h("03 00 01 78 03 00 01 78"))),
            Error::DuplicateProperty { id: 0x03, at: 10 }
        );
        // PUBLISH "a": unknown identifier 0x04.
        assert_eq!(
            err(V, &publish_with(&h("04 00"))),
            Error::UnknownProperty { id: 0x04, at: 6 }
        );
        // Subscription Identifier repeats in PUBLISH, but not in SUBSCRIBE.
        ok(V, &publish_with(&h("0B 01 0B 02")));
        assert_eq!(
            err(V, &h("82 0B 00 01 04 0B 01 0B 02 00 01 61 00")),
            Error::DuplicateProperty { id: 0x0B, at: 7 }
        );
        // Subscription Identifier 0.
        assert_eq!(
            err(V, &publish_with(&h("0B 00"))),
            Error::InvalidPropertyValue { id: 0x0B, at: 7 }
        );
    }

    /// §3.15.2: the Reason Code and Property Length of an AUTH "can be omitted if the
    /// Reason Code is 0x00 (Success) and there are no Properties"; unlike DISCONNECT
    /// (§3.14.2.2.1) and PUBACK (§3.4.2.2.1), AUTH has no rule that lets the Property
    /// Length alone be left out, so an AUTH with Remaining Length 1 is not a form the
    /// specification defines.
    #[test]
    fn auth_property_length_is_omitted_only_with_the_reason_code() {
        let p = ControlPacket::Auth(Auth {
            reason: 0x18,
            properties: Properties::EMPTY,
        });
        assert_eq!(enc(V, &p), h("F0 02 18 00"), "§3.15.2 encode");
        assert!(
            decode(V, &h("F0 01 18")).is_err(),
            "§3.15.2 decode F0 01 18"
        );
    }

    /// §3.1.2.11.10: "It is a Protocol Error to include Authentication Data if there is
    /// no Authentication Method."
    #[test]
    fn authentication_data_needs_a_method() {
        // CONNECT with properties: Authentication Data 01.
        let b = h("10 12 00 04 4D 51 54 54 05 02 00 3C 04 16 00 01 01 00 01 63");
        let got = decode(V, &b);
        assert!(
            matches!(got, Err(e) if !e.is_incomplete()),
            "{got:?} for {}",
            show(&b)
        );
        let props = [Property::AuthenticationData(b"\x01")];
        let p = ControlPacket::Connect(Connect {
            properties: Properties::new(&props),
            ..connect_value(V)
        });
        let mut out = [0u8; 64];
        assert!(
            p.encode(&mut out).is_err(),
            "encoded Authentication Data without a method"
        );
    }
}

#[test]
fn typed_property_getters_and_reason_names() {
    // MQTT 5.0 §3.3.2.3: a PUBLISH with five properties, read through the getters.
    let props = [
        Property::PayloadFormatIndicator(1),
        Property::MessageExpiryInterval(3600),
        Property::ContentType(s("application/json")),
        Property::ResponseTopic(s("replies/7")),
        Property::CorrelationData(b"\x01\x02"),
    ];
    let p = ControlPacket::Publish(Publish {
        version: Version::V5,
        dup: false,
        qos: QoS::AtMostOnce,
        retain: false,
        topic: s("t"),
        packet_id: None,
        properties: Properties::new(&props),
        payload: b"{}",
    });
    let bytes = enc(Version::V5, &p);
    let back = publish(ok(Version::V5, &bytes));
    let pr = back.properties;
    assert_eq!(pr.payload_format_indicator(), Some(1));
    assert_eq!(pr.message_expiry_interval(), Some(3600));
    assert_eq!(
        pr.content_type().map(|c| c.as_str()),
        Some("application/json")
    );
    assert_eq!(pr.response_topic().map(|c| c.as_str()), Some("replies/7"));
    assert_eq!(pr.correlation_data(), Some(&b"\x01\x02"[..]));
    assert_eq!(pr.topic_alias(), None);
    // §2.4 Table 2-6.
    use iotwire::mqtt::reason;
    assert_eq!(
        reason::name(reason::PACKET_TOO_LARGE),
        Some("Packet too large")
    );
    assert_eq!(reason::name(0x00), Some("Success"));
    assert_eq!(reason::name(0x03), None);
    assert_eq!(reason::v3::NOT_AUTHORIZED, 5);
}
