//! Hand-checked spec vectors: one method-frame payload for each of the 66 AMQP 0-9-1
//! methods (with RabbitMQ's extensions), written out octet by octet from the spec
//! rather than produced by any encoder, next to the `Method` it must decode to.
//!
//! Where the octets come from: the method payload is class-id, method-id, then the
//! arguments in the order of the XML (AMQP 0-9-1 §4.2.4, §2.3.5.1; `amqp0-9-1.xml` as
//! RabbitMQ extends it, and RabbitMQ's `amqp-rabbitmq-0.9.1.json` for the access class
//! and connection.update-secret); integers are big-endian (§4.2.5.1); consecutive bit
//! arguments share one octet, least significant bit first (§4.2.5.2); a short string
//! is a u8 length and octets, a long string a u32 length and octets (§4.2.5.3); a
//! field table a u32 size and its entries (§4.2.5.5), with the type letters of
//! RabbitMQ's errata ("AMQP 0-9-1 errata", field types: `s` i16, `l` i64, `x` bytes).
//!
//! Each vector is checked both ways: decode equals the literal, the literal and the
//! decoded value encode to exactly the payload (into a buffer of 0xA5, `encoded_len`
//! agreeing), the names and ids are the spec's, every strict prefix is `Truncated` and
//! a trailing octet is `TrailingBytes` (`decode_method` refuses octets after the last
//! argument). `scripts/amqp/check_spec_vectors.py` reads the same hex strings and
//! checks them independently with pika's codec: keep each vector in the form
//! `v("class.method", (class, method), concat!("hex", ...), literal)` (or one `"hex"`
//! literal instead of the `concat!`), with nothing but string literals for the hex.
#![cfg(feature = "amqp")]

use iotwire::amqp::*;

struct Vector {
    name: &'static str,
    ids: (u16, u16),
    hex: &'static str,
    want: Method<'static>,
}

fn v(name: &'static str, ids: (u16, u16), hex: &'static str, want: Method<'static>) -> Vector {
    Vector {
        name,
        ids,
        hex,
        want,
    }
}

fn s(x: &'static str) -> ShortStr<'static> {
    ShortStr::new(x).unwrap()
}

fn l(x: &'static str) -> LongStr<'static> {
    LongStr::text(x)
}

/// A table to encode (RabbitMQ's dialect); leaked, so that the vectors are `'static`.
fn table(entries: Vec<(&'static str, FieldValue<'static>)>) -> FieldTable<'static> {
    let entries: Vec<_> = entries.into_iter().map(|(k, v)| (s(k), v)).collect();
    FieldTable::new(entries.leak())
}

/// Hex digits, ignoring the spaces that group them.
fn hex(h: &str) -> Vec<u8> {
    let d: Vec<u8> = h.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(d.len().is_multiple_of(2), "odd hex: {h}");
    d.chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

fn decode(p: &[u8]) -> Result<Method<'_>, Error> {
    decode_method(p, &Context::default())
}

/// Encodes into a buffer pre-filled with 0xA5; checks `encoded_len` and that nothing
/// is written past it.
fn encode(m: &Method<'_>) -> Result<Vec<u8>, String> {
    let mut buf = [0xA5u8; 512];
    let n = m.encode(&mut buf).map_err(|e| format!("encode: {e:?}"))?;
    if n != m.encoded_len() {
        return Err(format!("wrote {n} octets, encoded_len {}", m.encoded_len()));
    }
    if buf[n..].iter().any(|&b| b != 0xA5) {
        return Err("wrote past its length".into());
    }
    Ok(buf[..n].to_vec())
}

/// The 66 vectors, in the JSON's order.
#[allow(clippy::too_many_lines)]
fn vectors() -> Vec<Vector> {
    vec![
        // ---- class connection (10); amqp0-9-1.xml class connection ----
        // connection.start (10, 10): version 0-9, server-properties (§4.2.5.5) with a
        // nested table (F) of booleans (t), mechanisms and locales long strings.
        v(
            "connection.start",
            (10, 10),
            concat!(
                "000a 000a ",                                       // class 10, method 10
                "00 09 ",                         // version-major 0, version-minor 9
                "00000049 ",                      // server-properties: 73 octets
                "07 70726f64756374 ",             //   "product"
                "53 00000007 696f7477697265 ",    //   S "iotwire"
                "0c 6361706162696c6974696573 ",   //   "capabilities"
                "46 00000023 ",                   //   F, 35 octets:
                "0a 62617369632e6e61636b 74 01 ", //     "basic.nack" t true
                "13 636f6e73756d65725f7072696f726974696573 74 00 ", // "consumer_priorities" t false
                "0000000e 504c41494e20414d51504c41494e ", // mechanisms "PLAIN AMQPLAIN"
                "00000005 656e5f5553",            // locales "en_US"
            ),
            ConnectionStart {
                version_major: 0,
                version_minor: 9,
                server_properties: table(vec![
                    ("product", FieldValue::LongStr(l("iotwire"))),
                    (
                        "capabilities",
                        FieldValue::Table(table(vec![
                            ("basic.nack", FieldValue::Bool(true)),
                            ("consumer_priorities", FieldValue::Bool(false)),
                        ])),
                    ),
                ]),
                mechanisms: l("PLAIN AMQPLAIN"),
                locales: l("en_US"),
            }
            .into(),
        ),
        // connection.start-ok (10, 11): client-properties with S, l (i64 beyond 2^32,
        // errata: `l` is signed 64-bit) and T (u64 seconds, §4.2.5.4); the PLAIN
        // response "\0guest\0guest" holds NULs, as a long string may.
        v(
            "connection.start-ok",
            (10, 11),
            concat!(
                "000a 000b ",                                // class 10, method 11
                "0000002b ",                                 // client-properties: 43 octets
                "08 706c6174666f726d 53 00000004 52757374 ", // "platform" S "Rust"
                "03 706964 6c 0000010000000005 ",            //   "pid" l 2^40 + 5
                "02 7473 54 000000006553f100 ",              //   "ts" T 1700000000
                "05 504c41494e ",                            // mechanism "PLAIN"
                "0000000c 006775657374 006775657374 ",       // response "\0guest\0guest"
                "05 656e5f5553",                             // locale "en_US"
            ),
            ConnectionStartOk {
                client_properties: table(vec![
                    ("platform", FieldValue::LongStr(l("Rust"))),
                    ("pid", FieldValue::I64((1 << 40) + 5)),
                    ("ts", FieldValue::Timestamp(1_700_000_000)),
                ]),
                mechanism: s("PLAIN"),
                response: LongStr::new(b"\0guest\0guest"),
                locale: s("en_US"),
            }
            .into(),
        ),
        // connection.secure (10, 20): a binary challenge (§4.2.5.3: long strings are octets).
        v(
            "connection.secure",
            (10, 20),
            concat!(
                "000a 0014 ",      // class 10, method 20
                "00000003 00ff7f", // challenge 00 ff 7f
            ),
            ConnectionSecure {
                challenge: LongStr::new(&[0x00, 0xFF, 0x7F]),
            }
            .into(),
        ),
        // connection.secure-ok (10, 21).
        v(
            "connection.secure-ok",
            (10, 21),
            concat!(
                "000a 0015 ",        // class 10, method 21
                "00000004 72657370", // response "resp"
            ),
            ConnectionSecureOk {
                response: l("resp"),
            }
            .into(),
        ),
        // connection.tune (10, 30): short, long, short, big-endian (§4.2.5.1); frame-max
        // has its top bit set (unsigned).
        v(
            "connection.tune",
            (10, 30),
            concat!(
                "000a 001e ", // class 10, method 30
                "07ff ",      // channel-max 2047
                "80000100 ",  // frame-max 2147483904
                "0244",       // heartbeat 580
            ),
            ConnectionTune {
                channel_max: 2047,
                frame_max: 0x8000_0100,
                heartbeat: 580,
            }
            .into(),
        ),
        // connection.tune-ok (10, 31).
        v(
            "connection.tune-ok",
            (10, 31),
            concat!(
                "000a 001f ", // class 10, method 31
                "ffff ",      // channel-max 65535
                "00020000 ",  // frame-max 131072
                "003c",       // heartbeat 60
            ),
            ConnectionTuneOk {
                channel_max: 65535,
                frame_max: 131_072,
                heartbeat: 60,
            }
            .into(),
        ),
        // connection.open (10, 40): virtual-host, reserved-1 shortstr (0-8 capabilities),
        // reserved-2 bit (0-8 insist) set -> 0x01 (§4.2.5.2).
        v(
            "connection.open",
            (10, 40),
            concat!(
                "000a 0028 ",   // class 10, method 40
                "04 2f696f74 ", // virtual-host "/iot"
                "03 636170 ",   // capabilities "cap"
                "01",           // bits: insist=1
            ),
            ConnectionOpen {
                virtual_host: s("/iot"),
                capabilities: s("cap"),
                insist: true,
            }
            .into(),
        ),
        // connection.open-ok (10, 41): reserved-1 shortstr (0-8 known-hosts).
        v(
            "connection.open-ok",
            (10, 41),
            concat!(
                "000a 0029 ",                      // class 10, method 41
                "0e 7261626269744068313a35363732", // known-hosts "rabbit@h1:5672"
            ),
            ConnectionOpenOk {
                known_hosts: s("rabbit@h1:5672"),
            }
            .into(),
        ),
        // connection.close (10, 50): reply-code 320 CONNECTION_FORCED, naming basic.publish
        // (60, 40) as the failing method.
        v(
            "connection.close",
            (10, 50),
            concat!(
                "000a 0032 ",                                                   // class 10, method 50
                "0140 ",                                                        // reply-code 320
                "1c 434f4e4e454354494f4e5f464f52434544202d2073687574646f776e ", // "CONNECTION_FORCED - shutdown"
                "003c 0028", // class-id 60, method-id 40
            ),
            ConnectionClose {
                reply_code: 320,
                reply_text: s("CONNECTION_FORCED - shutdown"),
                class_id: 60,
                method_id: 40,
            }
            .into(),
        ),
        // connection.close-ok (10, 51): no arguments.
        v(
            "connection.close-ok",
            (10, 51),
            "000a 0033",
            ConnectionCloseOk.into(),
        ),
        // connection.blocked (10, 60), RabbitMQ extension (amqp0-9-1.xml connection.blocked).
        v(
            "connection.blocked",
            (10, 60),
            concat!(
                "000a 003c ",                // class 10, method 60
                "0b 6c6f77206f6e206469736b", // reason "low on disk"
            ),
            ConnectionBlocked {
                reason: s("low on disk"),
            }
            .into(),
        ),
        // connection.unblocked (10, 61), RabbitMQ extension: no arguments.
        v(
            "connection.unblocked",
            (10, 61),
            "000a 003d",
            ConnectionUnblocked.into(),
        ),
        // connection.update-secret (10, 70), RabbitMQ extension: new-secret longstr,
        // reason shortstr.
        v(
            "connection.update-secret",
            (10, 70),
            concat!(
                "000a 0046 ",             // class 10, method 70
                "00000006 746f6b2e7632 ", // new-secret "tok.v2"
                "08 6578706972696e67",    // reason "expiring"
            ),
            ConnectionUpdateSecret {
                new_secret: l("tok.v2"),
                reason: s("expiring"),
            }
            .into(),
        ),
        // connection.update-secret-ok (10, 71), RabbitMQ extension: no arguments.
        v(
            "connection.update-secret-ok",
            (10, 71),
            "000a 0047",
            ConnectionUpdateSecretOk.into(),
        ),
        // ---- class channel (20); amqp0-9-1.xml class channel ----
        // channel.open (20, 10): reserved-1 shortstr (0-8 out-of-band), empty.
        v(
            "channel.open",
            (20, 10),
            concat!(
                "0014 000a ", // class 20, method 10
                "00",         // out-of-band ""
            ),
            ChannelOpen {
                out_of_band: ShortStr::EMPTY,
            }
            .into(),
        ),
        // channel.open-ok (20, 11): reserved-1 longstr (0-8 channel-id), empty: an
        // empty long string is its four length octets alone (§4.2.5.3).
        v(
            "channel.open-ok",
            (20, 11),
            concat!(
                "0014 000b ", // class 20, method 11
                "00000000",   // channel-id ""
            ),
            ChannelOpenOk {
                channel_id: LongStr::EMPTY,
            }
            .into(),
        ),
        // channel.flow (20, 20): one bit, set.
        v(
            "channel.flow",
            (20, 20),
            concat!(
                "0014 0014 ", // class 20, method 20
                "01",         // bits: active=1
            ),
            ChannelFlow { active: true }.into(),
        ),
        // channel.flow-ok (20, 21): one bit, clear.
        v(
            "channel.flow-ok",
            (20, 21),
            concat!(
                "0014 0015 ", // class 20, method 21
                "00",         // bits: active=0
            ),
            ChannelFlowOk { active: false }.into(),
        ),
        // channel.close (20, 40): reply-code 406 PRECONDITION_FAILED naming basic.ack (60, 80).
        v(
            "channel.close",
            (20, 40),
            concat!(
                "0014 0028 ", // class 20, method 40
                "0196 ",      // reply-code 406
                "2c 505245434f4e444954494f4e5f4641494c4544202d20756e6b6e6f776e2064656c6976657279207461672037 ", // "PRECONDITION_FAILED - unknown delivery tag 7"
                "003c 0050", // class-id 60, method-id 80
            ),
            ChannelClose {
                reply_code: 406,
                reply_text: s("PRECONDITION_FAILED - unknown delivery tag 7"),
                class_id: 60,
                method_id: 80,
            }
            .into(),
        ),
        // channel.close-ok (20, 41): no arguments.
        v(
            "channel.close-ok",
            (20, 41),
            "0014 0029",
            ChannelCloseOk.into(),
        ),
        // ---- class access (30): AMQP 0-8, kept by RabbitMQ's JSON ----
        // access.request (30, 10): realm, then five bits exclusive passive active write
        // read = 1 0 1 0 1 -> 0b10101 = 0x15 (§4.2.5.2, LSB first).
        v(
            "access.request",
            (30, 10),
            concat!(
                "001e 000a ",     // class 30, method 10
                "05 2f64617461 ", // realm "/data"
                "15",             // bits: exclusive=1 passive=0 active=1 write=0 read=1
            ),
            AccessRequest {
                realm: s("/data"),
                exclusive: true,
                passive: false,
                active: true,
                write: false,
                read: true,
            }
            .into(),
        ),
        // access.request-ok (30, 11).
        v(
            "access.request-ok",
            (30, 11),
            concat!(
                "001e 000b ", // class 30, method 11
                "0101",       // ticket 257
            ),
            AccessRequestOk { ticket: 257 }.into(),
        ),
        // ---- class exchange (40); amqp0-9-1.xml class exchange ----
        // exchange.declare (40, 10): reserved-1 short (ticket), exchange, type, five bits
        // passive durable auto-delete internal no-wait = 0 1 1 0 1 -> 0b10110 = 0x16,
        // arguments {alternate-exchange: S}.
        v(
            "exchange.declare",
            (40, 10),
            concat!(
                "0028 000a ",       // class 40, method 10
                "0000 ",            // ticket 0
                "04 6c6f6773 ",     // exchange "logs"
                "06 66616e6f7574 ", // type "fanout"
                "16 ",              // bits: passive=0 durable=1 auto-delete=1 internal=0 no-wait=1
                "00000020 ",        // arguments: 32 octets
                "12 616c7465726e6174652d65786368616e6765 53 00000008 756e726f75746564", // "alternate-exchange" S "unrouted"
            ),
            ExchangeDeclare {
                ticket: 0,
                exchange: s("logs"),
                kind: s("fanout"),
                passive: false,
                durable: true,
                auto_delete: true,
                internal: false,
                nowait: true,
                arguments: table(vec![(
                    "alternate-exchange",
                    FieldValue::LongStr(l("unrouted")),
                )]),
            }
            .into(),
        ),
        // exchange.declare-ok (40, 11): no arguments.
        v(
            "exchange.declare-ok",
            (40, 11),
            "0028 000b",
            ExchangeDeclareOk.into(),
        ),
        // exchange.delete (40, 20): bits if-unused no-wait = 1 0 -> 0x01.
        v(
            "exchange.delete",
            (40, 20),
            concat!(
                "0028 0014 ",   // class 40, method 20
                "0000 ",        // ticket 0
                "04 6c6f6773 ", // exchange "logs"
                "01",           // bits: if-unused=1 no-wait=0
            ),
            ExchangeDelete {
                ticket: 0,
                exchange: s("logs"),
                if_unused: true,
                nowait: false,
            }
            .into(),
        ),
        // exchange.delete-ok (40, 21): no arguments.
        v(
            "exchange.delete-ok",
            (40, 21),
            "0028 0015",
            ExchangeDeleteOk.into(),
        ),
        // exchange.bind (40, 30), RabbitMQ extension (amqp0-9-1.xml exchange.bind):
        // arguments with RabbitMQ's `s` (i16) and `B` (u8) letters (errata).
        v(
            "exchange.bind",
            (40, 30),
            concat!(
                "0028 001e ",                            // class 40, method 30
                "0000 ",                                 // ticket 0
                "03 647374 ",                            // destination "dst"
                "03 737263 ",                            // source "src"
                "03 612e23 ",                            // routing-key "a.#"
                "00 ",                                   // bits: no-wait=0
                "00000020 ",                             // arguments: 32 octets
                "07 782d6d61746368 53 00000003 616e79 ", // "x-match" S "any"
                "04 7072696f 73 fffe ",                  // "prio" s -2
                "05 6c6576656c 42 c8",                   // "level" B 200
            ),
            ExchangeBind {
                ticket: 0,
                destination: s("dst"),
                source: s("src"),
                routing_key: s("a.#"),
                nowait: false,
                arguments: table(vec![
                    ("x-match", FieldValue::LongStr(l("any"))),
                    ("prio", FieldValue::I16(-2)),
                    ("level", FieldValue::U8(200)),
                ]),
            }
            .into(),
        ),
        // exchange.bind-ok (40, 31): no arguments.
        v(
            "exchange.bind-ok",
            (40, 31),
            "0028 001f",
            ExchangeBindOk.into(),
        ),
        // exchange.unbind (40, 40), RabbitMQ extension: no-wait set, empty arguments.
        v(
            "exchange.unbind",
            (40, 40),
            concat!(
                "0028 0028 ", // class 40, method 40
                "0000 ",      // ticket 0
                "03 647374 ", // destination "dst"
                "03 737263 ", // source "src"
                "03 612e2a ", // routing-key "a.*"
                "01 ",        // bits: no-wait=1
                "00000000",   // arguments {}
            ),
            ExchangeUnbind {
                ticket: 0,
                destination: s("dst"),
                source: s("src"),
                routing_key: s("a.*"),
                nowait: true,
                arguments: FieldTable::EMPTY,
            }
            .into(),
        ),
        // exchange.unbind-ok (40, 51): RabbitMQ numbers it 51, not 41
        // (amqp0-9-1.xml exchange.unbind-ok index 51).
        v(
            "exchange.unbind-ok",
            (40, 51),
            "0028 0033",
            ExchangeUnbindOk.into(),
        ),
        // ---- class queue (50); amqp0-9-1.xml class queue ----
        // queue.declare (50, 10): five bits passive durable exclusive auto-delete no-wait
        // = 0 1 0 1 0 -> 0b01010 = 0x0a; arguments with I, l and S.
        v(
            "queue.declare",
            (50, 10),
            concat!(
                "0032 000a ",                                           // class 50, method 10
                "0000 ",                                                // ticket 0
                "08 712e6f7264657273 ",                                 // queue "q.orders"
                "0a ",       // bits: passive=0 durable=1 exclusive=0 auto-delete=1 no-wait=0
                "00000041 ", // arguments: 65 octets
                "0d 782d6d6573736167652d74746c 49 0000ea60 ", // "x-message-ttl" I 60000
                "0c 782d6d61782d6c656e677468 6c 0000000200000000 ", // "x-max-length" l 2^33
                "0c 782d71756575652d74797065 53 00000006 71756f72756d", // "x-queue-type" S "quorum"
            ),
            QueueDeclare {
                ticket: 0,
                queue: s("q.orders"),
                passive: false,
                durable: true,
                exclusive: false,
                auto_delete: true,
                nowait: false,
                arguments: table(vec![
                    ("x-message-ttl", FieldValue::I32(60_000)),
                    ("x-max-length", FieldValue::I64(1 << 33)),
                    ("x-queue-type", FieldValue::LongStr(l("quorum"))),
                ]),
            }
            .into(),
        ),
        // queue.declare-ok (50, 11): a queue name that is not UTF-8 (a 0-9-1 shortstr is
        // octets, §4.2.5.3), message-count with its top bit set, consumer-count.
        v(
            "queue.declare-ok",
            (50, 11),
            concat!(
                "0032 000b ",                // class 50, method 11
                "0a 616d712e67656e2d fffe ", // queue "amq.gen-" ff fe
                "b2d05e00 ",                 // message-count 3000000000
                "00000002",                  // consumer-count 2
            ),
            QueueDeclareOk {
                queue: ShortStr::from_bytes(b"amq.gen-\xFF\xFE").unwrap(),
                message_count: 3_000_000_000,
                consumer_count: 2,
            }
            .into(),
        ),
        // queue.bind (50, 20): an empty routing key; arguments with RabbitMQ's `b` (i8),
        // `u` (u16), `i` (u32) letters (errata).
        v(
            "queue.bind",
            (50, 20),
            concat!(
                "0032 0014 ",                            // class 50, method 20
                "0000 ",                                 // ticket 0
                "08 712e6f7264657273 ",                  // queue "q.orders"
                "0b 616d712e68656164657273 ",            // exchange "amq.headers"
                "00 ",                                   // routing-key ""
                "01 ",                                   // bits: no-wait=1
                "00000020 ",                             // arguments: 32 octets
                "07 782d6d61746368 53 00000003 616c6c ", // "x-match" S "all"
                "01 6e 62 f9 ",                          //   "n" b -7
                "01 75 75 ffff ",                        //   "u" u 65535
                "01 77 69 ee6b2800",                     //   "w" i 4000000000
            ),
            QueueBind {
                ticket: 0,
                queue: s("q.orders"),
                exchange: s("amq.headers"),
                routing_key: ShortStr::EMPTY,
                nowait: true,
                arguments: table(vec![
                    ("x-match", FieldValue::LongStr(l("all"))),
                    ("n", FieldValue::I8(-7)),
                    ("u", FieldValue::U16(65535)),
                    ("w", FieldValue::U32(4_000_000_000)),
                ]),
            }
            .into(),
        ),
        // queue.bind-ok (50, 21): no arguments.
        v("queue.bind-ok", (50, 21), "0032 0015", QueueBindOk.into()),
        // queue.purge (50, 30): one bit, clear.
        v(
            "queue.purge",
            (50, 30),
            concat!(
                "0032 001e ",           // class 50, method 30
                "0000 ",                // ticket 0
                "08 712e6f7264657273 ", // queue "q.orders"
                "00",                   // bits: no-wait=0
            ),
            QueuePurge {
                ticket: 0,
                queue: s("q.orders"),
                nowait: false,
            }
            .into(),
        ),
        // queue.purge-ok (50, 31).
        v(
            "queue.purge-ok",
            (50, 31),
            concat!(
                "0032 001f ", // class 50, method 31
                "01020304",   // message-count 16909060
            ),
            QueuePurgeOk {
                message_count: 0x0102_0304,
            }
            .into(),
        ),
        // queue.delete (50, 40): bits if-unused if-empty no-wait = 0 1 1 -> 0x06.
        v(
            "queue.delete",
            (50, 40),
            concat!(
                "0032 0028 ",     // class 50, method 40
                "0000 ",          // ticket 0
                "05 712e6f6c64 ", // queue "q.old"
                "06",             // bits: if-unused=0 if-empty=1 no-wait=1
            ),
            QueueDelete {
                ticket: 0,
                queue: s("q.old"),
                if_unused: false,
                if_empty: true,
                nowait: true,
            }
            .into(),
        ),
        // queue.delete-ok (50, 41).
        v(
            "queue.delete-ok",
            (50, 41),
            concat!(
                "0032 0029 ", // class 50, method 41
                "ffffffff",   // message-count 4294967295
            ),
            QueueDeleteOk {
                message_count: u32::MAX,
            }
            .into(),
        ),
        // queue.unbind (50, 50): no bits; arguments with an array (A) of I, S and V, and
        // a decimal (D: scale octet, then a signed 32-bit value).
        v(
            "queue.unbind",
            (50, 50),
            concat!(
                "0032 0032 ",                         // class 50, method 50
                "0000 ",                              // ticket 0
                "08 712e6f7264657273 ",               // queue "q.orders"
                "09 65782e6576656e7473 ",             // exchange "ex.events"
                "07 6f726465722e2a ",                 // routing-key "order.*"
                "00000023 ",                          // arguments: 35 octets
                "05 782d617272 41 0000000e ",         // "x-arr" A, 14 octets:
                "49 00000001 53 00000003 74776f 56 ", // I 1, S "two", V
                "03 646563 44 02 00003039",           //   "dec" D 123.45 (scale 2, 12345)
            ),
            QueueUnbind {
                ticket: 0,
                queue: s("q.orders"),
                exchange: s("ex.events"),
                routing_key: s("order.*"),
                arguments: table(vec![
                    (
                        "x-arr",
                        FieldValue::Array(FieldArray::new(
                            vec![
                                FieldValue::I32(1),
                                FieldValue::LongStr(l("two")),
                                FieldValue::Void,
                            ]
                            .leak(),
                        )),
                    ),
                    (
                        "dec",
                        FieldValue::Decimal {
                            scale: 2,
                            value: 12345,
                        },
                    ),
                ]),
            }
            .into(),
        ),
        // queue.unbind-ok (50, 51): no arguments.
        v(
            "queue.unbind-ok",
            (50, 51),
            "0032 0033",
            QueueUnbindOk.into(),
        ),
        // ---- class basic (60); amqp0-9-1.xml class basic ----
        // basic.qos (60, 10): long, short, bit.
        v(
            "basic.qos",
            (60, 10),
            concat!(
                "003c 000a ", // class 60, method 10
                "00100000 ",  // prefetch-size 1048576
                "01f4 ",      // prefetch-count 500
                "01",         // bits: global=1
            ),
            BasicQos {
                prefetch_size: 1 << 20,
                prefetch_count: 500,
                global: true,
            }
            .into(),
        ),
        // basic.qos-ok (60, 11): no arguments.
        v("basic.qos-ok", (60, 11), "003c 000b", BasicQosOk.into()),
        // basic.consume (60, 20): four bits no-local no-ack exclusive no-wait = 1 0 1 0
        // -> 0x05; arguments with `f` (f32) and `d` (f64), IEEE 754 big-endian.
        v(
            "basic.consume",
            (60, 20),
            concat!(
                "003c 0014 ",                        // class 60, method 20
                "0000 ",                             // ticket 0
                "08 712e6f7264657273 ",              // queue "q.orders"
                "06 637461672d31 ",                  // consumer-tag "ctag-1"
                "05 ",       // bits: no-local=1 no-ack=0 exclusive=1 no-wait=0
                "0000001b ", // arguments: 27 octets
                "06 776569676874 66 3fc00000 ", //   "weight" f 1.5
                "05 726174696f 64 bfd0000000000000", // "ratio" d -0.25
            ),
            BasicConsume {
                ticket: 0,
                queue: s("q.orders"),
                consumer_tag: s("ctag-1"),
                no_local: true,
                no_ack: false,
                exclusive: true,
                nowait: false,
                arguments: table(vec![
                    ("weight", FieldValue::F32(1.5)),
                    ("ratio", FieldValue::F64(-0.25)),
                ]),
            }
            .into(),
        ),
        // basic.consume-ok (60, 21).
        v(
            "basic.consume-ok",
            (60, 21),
            concat!(
                "003c 0015 ",                // class 60, method 21
                "0b 616d712e637461672d5879", // consumer-tag "amq.ctag-Xy"
            ),
            BasicConsumeOk {
                consumer_tag: s("amq.ctag-Xy"),
            }
            .into(),
        ),
        // basic.cancel (60, 30).
        v(
            "basic.cancel",
            (60, 30),
            concat!(
                "003c 001e ",       // class 60, method 30
                "06 637461672d31 ", // consumer-tag "ctag-1"
                "01",               // bits: no-wait=1
            ),
            BasicCancel {
                consumer_tag: s("ctag-1"),
                nowait: true,
            }
            .into(),
        ),
        // basic.cancel-ok (60, 31).
        v(
            "basic.cancel-ok",
            (60, 31),
            concat!(
                "003c 001f ",      // class 60, method 31
                "06 637461672d31", // consumer-tag "ctag-1"
            ),
            BasicCancelOk {
                consumer_tag: s("ctag-1"),
            }
            .into(),
        ),
        // basic.publish (60, 40): bits mandatory immediate = 0 1 -> 0x02.
        v(
            "basic.publish",
            (60, 40),
            concat!(
                "003c 0028 ",                 // class 60, method 40
                "0000 ",                      // ticket 0
                "09 616d712e746f706963 ",     // exchange "amq.topic"
                "0b 73656e736f722e74656d70 ", // routing-key "sensor.temp"
                "02",                         // bits: mandatory=0 immediate=1
            ),
            BasicPublish {
                ticket: 0,
                exchange: s("amq.topic"),
                routing_key: s("sensor.temp"),
                mandatory: false,
                immediate: true,
            }
            .into(),
        ),
        // basic.return (60, 50): reply-code 312 NO_ROUTE (RabbitMQ's constant).
        v(
            "basic.return",
            (60, 50),
            concat!(
                "003c 0032 ",                // class 60, method 50
                "0138 ",                     // reply-code 312
                "08 4e4f5f524f555445 ",      // reply-text "NO_ROUTE"
                "09 616d712e746f706963 ",    // exchange "amq.topic"
                "0b 73656e736f722e74656d70", // routing-key "sensor.temp"
            ),
            BasicReturn {
                reply_code: 312,
                reply_text: s("NO_ROUTE"),
                exchange: s("amq.topic"),
                routing_key: s("sensor.temp"),
            }
            .into(),
        ),
        // basic.deliver (60, 60): delivery-tag over 2^32 (longlong, §4.2.5.1); the lone bit
        // between the longlong and a shortstr takes a whole octet (§4.2.5.2).
        v(
            "basic.deliver",
            (60, 60),
            concat!(
                "003c 003c ",                // class 60, method 60
                "06 637461672d31 ",          // consumer-tag "ctag-1"
                "0000000100000002 ",         // delivery-tag 4294967298
                "01 ",                       // bits: redelivered=1
                "09 616d712e746f706963 ",    // exchange "amq.topic"
                "0b 73656e736f722e74656d70", // routing-key "sensor.temp"
            ),
            BasicDeliver {
                consumer_tag: s("ctag-1"),
                delivery_tag: (1 << 32) + 2,
                redelivered: true,
                exchange: s("amq.topic"),
                routing_key: s("sensor.temp"),
            }
            .into(),
        ),
        // basic.get (60, 70).
        v(
            "basic.get",
            (60, 70),
            concat!(
                "003c 0046 ",           // class 60, method 70
                "0000 ",                // ticket 0
                "08 712e6f7264657273 ", // queue "q.orders"
                "01",                   // bits: no-ack=1
            ),
            BasicGet {
                ticket: 0,
                queue: s("q.orders"),
                no_ack: true,
            }
            .into(),
        ),
        // basic.get-ok (60, 71): the default exchange "" (an empty shortstr is its length
        // octet alone).
        v(
            "basic.get-ok",
            (60, 71),
            concat!(
                "003c 0047 ",           // class 60, method 71
                "0123456789abcdef ",    // delivery-tag 0x0123456789abcdef
                "00 ",                  // bits: redelivered=0
                "00 ",                  // exchange ""
                "08 712e6f7264657273 ", // routing-key "q.orders"
                "00000007",             // message-count 7
            ),
            BasicGetOk {
                delivery_tag: 0x0123_4567_89ab_cdef,
                redelivered: false,
                exchange: ShortStr::EMPTY,
                routing_key: s("q.orders"),
                message_count: 7,
            }
            .into(),
        ),
        // basic.get-empty (60, 72): reserved-1 shortstr (0-8 cluster-id), empty.
        v(
            "basic.get-empty",
            (60, 72),
            concat!(
                "003c 0048 ", // class 60, method 72
                "00",         // cluster-id ""
            ),
            BasicGetEmpty {
                cluster_id: ShortStr::EMPTY,
            }
            .into(),
        ),
        // basic.ack (60, 80).
        v(
            "basic.ack",
            (60, 80),
            concat!(
                "003c 0050 ",        // class 60, method 80
                "0000000100000001 ", // delivery-tag 4294967297
                "01",                // bits: multiple=1
            ),
            BasicAck {
                delivery_tag: (1 << 32) + 1,
                multiple: true,
            }
            .into(),
        ),
        // basic.reject (60, 90): delivery-tag 2^63 (unsigned longlong).
        v(
            "basic.reject",
            (60, 90),
            concat!(
                "003c 005a ",        // class 60, method 90
                "8000000000000000 ", // delivery-tag 9223372036854775808
                "00",                // bits: requeue=0
            ),
            BasicReject {
                delivery_tag: 1 << 63,
                requeue: false,
            }
            .into(),
        ),
        // basic.recover-async (60, 100) (amqp0-9-1.xml basic.recover-async, deprecated).
        v(
            "basic.recover-async",
            (60, 100),
            concat!(
                "003c 0064 ", // class 60, method 100
                "01",         // bits: requeue=1
            ),
            BasicRecoverAsync { requeue: true }.into(),
        ),
        // basic.recover (60, 110).
        v(
            "basic.recover",
            (60, 110),
            concat!(
                "003c 006e ", // class 60, method 110
                "00",         // bits: requeue=0
            ),
            BasicRecover { requeue: false }.into(),
        ),
        // basic.recover-ok (60, 111): no arguments.
        v(
            "basic.recover-ok",
            (60, 111),
            "003c 006f",
            BasicRecoverOk.into(),
        ),
        // basic.nack (60, 120), RabbitMQ extension (amqp0-9-1.xml class basic method
        // nack): bits multiple requeue = 0 1 -> 0x02.
        v(
            "basic.nack",
            (60, 120),
            concat!(
                "003c 0078 ",        // class 60, method 120
                "000000ff00000001 ", // delivery-tag 1095216660481
                "02",                // bits: multiple=0 requeue=1
            ),
            BasicNack {
                delivery_tag: 0xff_0000_0001,
                multiple: false,
                requeue: true,
            }
            .into(),
        ),
        // ---- class tx (90); amqp0-9-1.xml class tx: no method has arguments ----
        v("tx.select", (90, 10), "005a 000a", TxSelect.into()),
        v("tx.select-ok", (90, 11), "005a 000b", TxSelectOk.into()),
        v("tx.commit", (90, 20), "005a 0014", TxCommit.into()),
        v("tx.commit-ok", (90, 21), "005a 0015", TxCommitOk.into()),
        v("tx.rollback", (90, 30), "005a 001e", TxRollback.into()),
        v("tx.rollback-ok", (90, 31), "005a 001f", TxRollbackOk.into()),
        // ---- class confirm (85), RabbitMQ extension (amqp0-9-1.xml class confirm) ----
        // confirm.select (85, 10).
        v(
            "confirm.select",
            (85, 10),
            concat!(
                "0055 000a ", // class 85, method 10
                "00",         // bits: nowait=0
            ),
            ConfirmSelect { nowait: false }.into(),
        ),
        // confirm.select-ok (85, 11): no arguments.
        v(
            "confirm.select-ok",
            (85, 11),
            "0055 000b",
            ConfirmSelectOk.into(),
        ),
    ]
}

/// Everything one vector must satisfy; the error names what failed.
fn check(t: &Vector) -> Result<(), String> {
    let p = hex(t.hex);
    let [c0, c1, m0, m1] = [p[0], p[1], p[2], p[3]];
    if (u16::from_be_bytes([c0, c1]), u16::from_be_bytes([m0, m1])) != t.ids {
        return Err(format!("hex starts {:02x?}, ids {:?}", &p[..4], t.ids));
    }
    let w = &t.want;
    if (w.name(), w.class_id(), w.method_id()) != (t.name, t.ids.0, t.ids.1) {
        return Err(format!(
            "literal is {} ({}, {})",
            w.name(),
            w.class_id(),
            w.method_id()
        ));
    }
    let got = decode(&p).map_err(|e| format!("decode: {e:?}"))?;
    if got != *w {
        return Err(format!("decoded {got:?}\n  want {w:?}"));
    }
    if (got.name(), got.class_id(), got.method_id()) != (t.name, t.ids.0, t.ids.1) {
        return Err(format!("decoded as {}", got.name()));
    }
    for (what, m) in [("the literal", w), ("the decoded value", &got)] {
        let out = encode(m).map_err(|e| format!("{what}: {e}"))?;
        if out != p {
            return Err(format!("{what} encodes to {out:02x?}\n  not {p:02x?}"));
        }
    }
    for n in 0..p.len() {
        match decode(&p[..n]) {
            Err(Error::Truncated { .. }) => {}
            other => return Err(format!("cut to {n} octets: {other:?}")),
        }
    }
    for extra in [0x00, 0xCE] {
        let mut longer = p.clone();
        longer.push(extra);
        match decode(&longer) {
            Err(Error::TrailingBytes { at }) if at == p.len() => {}
            other => return Err(format!("with a trailing {extra:#04x}: {other:?}")),
        }
    }
    Ok(())
}

/// All 66 methods, each from its hand-written payload: decode, encode both ways, names
/// and ids, prefixes and a trailing octet. AMQP 0-9-1 §4.2.4, §4.2.5; RabbitMQ errata.
#[test]
fn every_method_from_its_spec_octets_4_2_4() {
    let all = vectors();
    assert_eq!(all.len(), Method::COUNT);
    let mut names: Vec<&str> = all.iter().map(|t| t.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 66, "each method once");
    let mut ids: Vec<(u16, u16)> = all.iter().map(|t| t.ids).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 66, "each id pair once");

    let failures: Vec<String> = all
        .iter()
        .filter_map(|t| check(t).err().map(|e| format!("{}: {e}", t.name)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of 66 vectors fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The bit arguments of a method, in the order of its arguments.
fn bits<'m>(m: &'m mut Method<'static>) -> Vec<&'m mut bool> {
    use Method as M;
    match m {
        M::ConnectionOpen(x) => vec![&mut x.insist],
        M::ChannelFlow(x) => vec![&mut x.active],
        M::ChannelFlowOk(x) => vec![&mut x.active],
        M::AccessRequest(x) => vec![
            &mut x.exclusive,
            &mut x.passive,
            &mut x.active,
            &mut x.write,
            &mut x.read,
        ],
        M::ExchangeDeclare(x) => vec![
            &mut x.passive,
            &mut x.durable,
            &mut x.auto_delete,
            &mut x.internal,
            &mut x.nowait,
        ],
        M::ExchangeDelete(x) => vec![&mut x.if_unused, &mut x.nowait],
        M::ExchangeBind(x) => vec![&mut x.nowait],
        M::ExchangeUnbind(x) => vec![&mut x.nowait],
        M::QueueDeclare(x) => vec![
            &mut x.passive,
            &mut x.durable,
            &mut x.exclusive,
            &mut x.auto_delete,
            &mut x.nowait,
        ],
        M::QueueBind(x) => vec![&mut x.nowait],
        M::QueuePurge(x) => vec![&mut x.nowait],
        M::QueueDelete(x) => vec![&mut x.if_unused, &mut x.if_empty, &mut x.nowait],
        M::BasicQos(x) => vec![&mut x.global],
        M::BasicConsume(x) => vec![
            &mut x.no_local,
            &mut x.no_ack,
            &mut x.exclusive,
            &mut x.nowait,
        ],
        M::BasicCancel(x) => vec![&mut x.nowait],
        M::BasicPublish(x) => vec![&mut x.mandatory, &mut x.immediate],
        M::BasicDeliver(x) => vec![&mut x.redelivered],
        M::BasicGet(x) => vec![&mut x.no_ack],
        M::BasicGetOk(x) => vec![&mut x.redelivered],
        M::BasicAck(x) => vec![&mut x.multiple],
        M::BasicReject(x) => vec![&mut x.requeue],
        M::BasicRecoverAsync(x) => vec![&mut x.requeue],
        M::BasicRecover(x) => vec![&mut x.requeue],
        M::BasicNack(x) => vec![&mut x.multiple, &mut x.requeue],
        M::ConfirmSelect(x) => vec![&mut x.nowait],
        _ => vec![],
    }
}

/// From each vector, flipping its i-th bit argument flips bit i of one and the same
/// octet of the payload, and nothing else, both ways: each bit's position is proven
/// (§4.2.5.2: packed least significant bit first, in the order of the arguments).
#[test]
fn each_bit_argument_has_its_own_position_4_2_5_2() {
    let mut seen = 0;
    for t in vectors() {
        let p = hex(t.hex);
        let mut w = t.want;
        let n = bits(&mut w).len();
        let mut octet = None;
        for i in 0..n {
            let mut m = t.want;
            let b = bits(&mut m).swap_remove(i);
            *b = !*b;
            let q = encode(&m).unwrap();
            assert_eq!(q.len(), p.len(), "{} bit {i}", t.name);
            let diff: Vec<usize> = (0..p.len()).filter(|&k| p[k] != q[k]).collect();
            assert_eq!(diff.len(), 1, "{} bit {i}: octets {diff:?} differ", t.name);
            let k = diff[0];
            assert_eq!(p[k] ^ q[k], 1 << i, "{} bit {i}", t.name);
            assert_eq!(
                *octet.get_or_insert(k),
                k,
                "{} bit {i}: another octet",
                t.name
            );
            assert_eq!(decode(&q), Ok(m), "{} bit {i} decodes", t.name);
            seen += 1;
        }
    }
    // 1 (connection.open) + 2 (channel) + 5 (access) + 5 + 2 + 1 + 1 (exchange)
    // + 5 + 1 + 1 + 3 (queue) + 1 + 4 + 1 + 2 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 2 (basic)
    // + 1 (confirm).
    assert_eq!(seen, 45);
}
