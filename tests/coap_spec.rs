//! CoAP against the RFCs' own messages: `tests/vectors/coap/spec.tsv` holds the
//! examples of RFC 7252 Appendix A, the figures of RFC 7641, RFC 7959, RFC 8613 and
//! RFC 8323, and messages built from their encoding rules, each with the clause it
//! comes from and its fields written out (checked independently by
//! `scripts/coap_vectors_check.py`). Every one must decode to exactly those fields and
//! re-encode byte for byte. Tests below it cite the clause they check.

#![cfg(feature = "coap")]

use iotwire::coap::{
    Block, Code, ContentFormat, Context, Error, Header, Message, Opt, OptionNumber, Options,
    Transport, Type,
};
use iotwire::{DecodeError, EncodeError, Packet};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The message's encoding (`Packet::to_vec` needs the `alloc` feature; this does not).
fn to_vec(m: &Message<'_>) -> Result<Vec<u8>, EncodeError> {
    let mut out = vec![0u8; m.encoded_len()];
    let n = m.encode(&mut out)?;
    assert_eq!(n, out.len(), "encoded_len is exact");
    Ok(out)
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|d| format!("{d:02x}")).collect()
}

/// The message in the vector file's `fields` notation.
fn fields(m: &Message<'_>) -> String {
    let mut out = Vec::new();
    if let Header::Udp { kind, message_id } = m.header {
        let t = match kind {
            Type::Confirmable => "CON",
            Type::NonConfirmable => "NON",
            Type::Acknowledgement => "ACK",
            Type::Reset => "RST",
        };
        out.push(format!("type={t}"));
        out.push(format!("code={}", m.code));
        out.push(format!("mid={message_id}"));
    } else {
        out.push(format!("code={}", m.code));
    }
    let or_dash = |b: &[u8]| if b.is_empty() { "-".into() } else { to_hex(b) };
    out.push(format!("token={}", or_dash(m.token)));
    for o in m.options.iter() {
        out.push(format!(
            "opt={}:{}",
            o.number,
            to_hex(o.as_bytes().unwrap())
        ));
    }
    out.push(format!("payload={}", or_dash(m.payload)));
    out.join(" ")
}

fn transport(context: &str) -> Transport {
    match context {
        "udp" => Transport::Udp,
        "tcp" => Transport::Tcp,
        "ws" => Transport::WebSocket,
        other => panic!("unknown context {other}"),
    }
}

#[test]
fn every_rfc_vector_decodes_to_its_fields_and_reencodes_byte_for_byte() {
    let text = include_str!("vectors/coap/spec.tsv");
    let mut lines = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(header, ["id", "context", "hex", "clause", "fields"]);
    let mut n = 0;
    for line in lines {
        let c: Vec<&str> = line.split('\t').collect();
        let (id, bytes, clause) = (c[0], hex(c[2]), c[3]);
        let cx = Context::new(transport(c[1]));
        let (m, used) =
            Message::decode_with(&bytes, &cx).unwrap_or_else(|e| panic!("{id} ({clause}): {e}"));
        assert_eq!(used, bytes.len(), "{id}");
        assert_eq!(fields(&m), c[4], "{id} ({clause})");
        assert_eq!(to_vec(&m).unwrap(), bytes, "{id} ({clause}) re-encodes");
        // Built from its parts (a list of options), it encodes the same.
        let list: Vec<Opt<'_>> = m.options.iter().collect();
        let built = Message {
            options: Options::new(&list),
            ..m
        };
        assert_eq!(to_vec(&built).unwrap(), bytes, "{id} built from parts");
        n += 1;
    }
    assert!(n >= 80, "{n} vectors");
}

#[test]
fn rfc7252_app_a_fig16_get_and_piggybacked_response() {
    // RFC 7252 Appendix A, Figure 16: GET /temperature, MID 0x7d34, and the 2.05.
    let req = hex("40017d34bb74656d7065726174757265");
    let (m, _) = Message::decode(&req).unwrap();
    assert_eq!(
        m.header,
        Header::Udp {
            kind: Type::Confirmable,
            message_id: 0x7d34
        }
    );
    assert_eq!(m.code, Code::GET);
    assert_eq!(m.uri_path().collect::<Vec<_>>(), ["temperature"]);
    let resp = hex("60457d34ff32322e332043");
    let (r, _) = Message::decode(&resp).unwrap();
    assert_eq!(r.code, Code::CONTENT);
    assert_eq!(r.payload, b"22.3 C");
    assert_eq!(r.max_age(), 60, "RFC 7252 §5.10.5: 60 s when absent");
}

#[test]
fn rfc7252_3_1_options_in_any_order_are_written_in_number_order_with_deltas() {
    // RFC 7252 §3.1: deltas from the previous number; repeats keep their order.
    let opts = [
        Opt::uint(OptionNumber::ACCEPT, 50),
        Opt::str(OptionNumber::URI_PATH, "a"),
        Opt::str(OptionNumber::URI_HOST, "h"),
        Opt::str(OptionNumber::URI_PATH, "b"),
        Opt::uint(OptionNumber::SIZE1, 0),
    ];
    let m = Message {
        header: Header::Udp {
            kind: Type::Confirmable,
            message_id: 1,
        },
        code: Code::PUT,
        token: &[],
        options: Options::new(&opts),
        payload: b"x",
    };
    let bytes = to_vec(&m).unwrap();
    // Uri-Host (3) "h", Uri-Path (11, delta 8) "a", Uri-Path (delta 0) "b", Accept (17,
    // delta 6) 50, Size1 (60, delta 43 = 13 + 30) empty, marker, payload.
    assert_eq!(to_hex(&bytes), "400300013168816101626132d01eff78");
    assert_eq!(m.encoded_len(), bytes.len());
    let (back, _) = Message::decode(&bytes).unwrap();
    assert_eq!(back, m);
    assert_eq!(back.uri_path().collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(back.accept(), Some(ContentFormat::JSON));
    assert_eq!(back.size1(), Some(0));
}

#[test]
fn rfc7252_3_2_uint_leading_zeros_are_accepted_and_kept() {
    // "A recipient MUST be prepared to process values with leading zero bytes."
    let b = hex("40010001c2003c"); // GET, Content-Format 0x003c (2 bytes)
    let (m, _) = Message::decode(&b).unwrap();
    assert_eq!(m.content_format(), Some(ContentFormat::CBOR));
    assert_eq!(to_vec(&m).unwrap(), b, "kept as it came");
}

#[test]
fn rfc7252_5_4_1_unknown_critical_option_is_reported_not_dropped() {
    // Option 65001 (odd: critical): delta 65001 - 269 = 0xfcdc.
    let b = hex("40010001e0fcdc");
    let (m, _) = Message::decode(&b).unwrap();
    assert_eq!(m.unknown_critical(), Some(OptionNumber(65001)));
    assert_eq!(m.options.iter().count(), 1);
    // An unknown elective one is kept and listed as ignored.
    let b = hex("40010001e0fcdb");
    let (m, _) = Message::decode(&b).unwrap();
    assert_eq!(m.unknown_critical(), None);
    assert_eq!(m.ignored_options().count(), 1);
}

#[test]
fn rfc7252_5_4_3_bad_elective_is_ignored_bad_critical_is_an_error() {
    // Content-Format (12, elective) of 3 bytes: ignored, the message decodes.
    let bytes = hex("40010001c3000032");
    let (m, _) = Message::decode(&bytes).unwrap();
    assert_eq!(m.content_format(), None);
    assert_eq!(
        m.ignored_options().map(|o| o.number).collect::<Vec<_>>(),
        [OptionNumber::CONTENT_FORMAT]
    );
    // Uri-Port (7, critical) of 3 bytes: an error naming the option.
    assert_eq!(
        Message::decode(&hex("4001000173000050")),
        Err(Error::BadCriticalOption { number: 7, at: 4 })
    );
}

#[test]
fn rfc7252_5_4_5_second_occurrence_of_a_single_option() {
    // Content-Format twice (elective): the second is ignored, the first is used.
    let bytes = hex("40010001c1320132");
    let (m, _) = Message::decode(&bytes).unwrap();
    assert_eq!(m.content_format(), Some(ContentFormat::JSON));
    assert_eq!(m.ignored_options().count(), 1);
    // Uri-Host twice (critical): an error.
    assert_eq!(
        Message::decode(&hex("400100013168016a")),
        Err(Error::BadCriticalOption { number: 3, at: 6 })
    );
}

#[test]
fn rfc7641_2_observe_registration_and_deregistration() {
    // GET /time with Observe 0 (an empty uint: register) and with Observe 1.
    let bytes = hex("40010001605474696d65");
    let (m, _) = Message::decode(&bytes).unwrap();
    assert_eq!(m.observe(), Some(0));
    assert_eq!(m.uri_path().collect::<Vec<_>>(), ["time"]);
    let bytes = hex("4001000161015474696d65");
    let (m, _) = Message::decode(&bytes).unwrap();
    assert_eq!(m.observe(), Some(1));
}

#[test]
fn rfc7959_2_2_block_values_and_szx_7() {
    // NUM 2, M 1, SZX 2 (64 bytes) = 0x2a.
    let b = Block::from_uint(0x2a).unwrap();
    assert_eq!(
        (b.num, b.more, b.szx, b.size(), b.offset()),
        (2, true, 2, 64, 128)
    );
    assert_eq!(Block::from_uint(1 << 24), None, "at most 3 bytes");
    // Block2 (23) with SZX 7 over UDP: reserved, an error; over TCP: BERT.
    let b = hex("40010001d10a07");
    assert_eq!(
        Message::decode(&b),
        Err(Error::ReservedBlockSize { number: 23, at: 4 })
    );
    let tcp = hex("3001d10a07");
    let (m, _) = Message::decode_with(&tcp, &Context::new(Transport::Tcp)).unwrap();
    assert!(m.block2().unwrap().is_bert());
}

#[test]
fn rfc8323_3_2_stream_frames_are_incomplete_until_whole() {
    let cx = Context::new(Transport::Tcp);
    // The RFC's example: Len 0, TKL 1, 2.03, token 7f.
    let frame = hex("01437f");
    assert_eq!(Message::decode_with(&frame, &cx).unwrap().1, 3);
    for cut in 0..frame.len() {
        let e = Message::decode_with(&frame[..cut], &cx).unwrap_err();
        assert!(e.is_incomplete(), "{cut}: {e}");
    }
    // Two frames back to back: the first is taken alone.
    let two = [&frame[..], &frame[..]].concat();
    assert_eq!(Message::decode_with(&two, &cx).unwrap().1, 3);
    // The size limit applies as soon as the length is known.
    let big = hex("e01000");
    assert!(matches!(
        Message::decode_with(&big, &cx.max_message_size(1000)),
        Err(Error::MessageTooLarge { .. })
    ));
}

#[test]
fn rfc8323_5_signaling_options_by_code() {
    let cx = Context::new(Transport::Tcp);
    // CSM with Max-Message-Size 1152 (0x0480) and Block-Wise-Transfer.
    let opts = [
        Opt::uint(iotwire::coap::signaling::MAX_MESSAGE_SIZE, 1152),
        Opt::empty(iotwire::coap::signaling::BLOCK_WISE_TRANSFER),
    ];
    let csm = Message {
        header: Header::Tcp,
        code: Code::CSM,
        token: &[],
        options: Options::new(&opts),
        payload: &[],
    };
    let bytes = to_vec(&csm).unwrap();
    // Len 4, TKL 0; 7.01; option 2 (2 bytes: 04 80); option 4 (delta 2, empty).
    assert_eq!(to_hex(&bytes), "40e122048020");
    let (m, _) = Message::decode_with(&bytes, &cx).unwrap();
    assert_eq!(m.max_message_size(), Some(1152));
    assert!(m.block_wise_transfer());
    // A CSM without Max-Message-Size means 1152 (§5.3.1).
    let bytes = hex("00e1");
    let (m, _) = Message::decode_with(&bytes, &cx).unwrap();
    assert_eq!(m.max_message_size(), Some(1152));
    // Signaling over UDP is a reserved class: an error that keeps the MID for a Reset.
    assert!(matches!(
        Message::decode(&hex("40e20007")),
        Err(Error::ReservedCode {
            message_id: Some((Type::Confirmable, 7)),
            ..
        })
    ));
}

#[test]
fn encode_refuses_what_decode_refuses() {
    let udp = Header::Udp {
        kind: Type::NonConfirmable,
        message_id: 9,
    };
    let empty_non = Message {
        header: udp,
        code: Code::EMPTY,
        token: &[],
        options: Options::EMPTY,
        payload: &[],
    };
    assert!(matches!(
        to_vec(&empty_non),
        Err(EncodeError::Inconsistent(_))
    ));
    let long_token = Message {
        header: Header::Tcp,
        code: Code::GET,
        token: &[0; 9],
        options: Options::EMPTY,
        payload: &[],
    };
    assert!(matches!(
        to_vec(&long_token),
        Err(EncodeError::TooLong { .. })
    ));
    let bad_port = [Opt::new(OptionNumber::URI_PORT, &[0, 0, 80])];
    let m = Message {
        header: Header::Tcp,
        code: Code::GET,
        token: &[],
        options: Options::new(&bad_port),
        payload: &[],
    };
    assert!(to_vec(&m).is_err());
    let ping_udp = Message {
        header: Header::Udp {
            kind: Type::Confirmable,
            message_id: 1,
        },
        code: Code::PING,
        token: &[],
        options: Options::EMPTY,
        payload: &[],
    };
    assert!(to_vec(&ping_udp).is_err());
}

/// A parsed payload in the vector file's notation.
fn render(links: &iotwire::coap::link::Links<'_>) -> String {
    let all: Vec<String> = links
        .iter()
        .map(|l| {
            let mut s = format!("<{}>", l.target);
            for a in l.attrs() {
                match a.value {
                    Some(v) => s += &format!(";{}={v}", a.name),
                    None => s += &format!(";{}", a.name),
                }
            }
            s
        })
        .collect();
    if all.is_empty() {
        "-".into()
    } else {
        all.join(" | ")
    }
}

#[test]
fn rfc6690_link_format_examples_and_edges() {
    let text = include_str!("vectors/coap/linkformat.tsv");
    let mut n = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        let links = iotwire::coap::link::parse(c[2].as_bytes())
            .unwrap_or_else(|e| panic!("{} ({}): {e}", c[0], c[1]));
        assert_eq!(render(&links), c[3], "{} ({})", c[0], c[1]);
        n += 1;
    }
    assert!(n >= 18);
}

#[test]
fn rfc6690_2_malformed_link_format_is_an_error() {
    let text = include_str!("vectors/coap/linkformat_bad.tsv");
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        let e = iotwire::coap::link::parse(c[2].as_bytes());
        assert!(e.is_err(), "{} ({}): {:?} accepted", c[0], c[3], c[2]);
        let at = e.unwrap_err().offset().unwrap();
        assert!(at <= c[2].len(), "{}", c[0]);
    }
}

#[test]
fn review_fixes_edhoc_utf8_early_tcp_errors_and_sorting() {
    // RFC 9668 §3.1: a value in EDHOC is ignored, not an error.
    let b = hex("40020001d10800");
    let (m, _) = Message::decode(&b).unwrap();
    assert!(m.option(OptionNumber::EDHOC).is_some());
    // RFC 7252 §3.2: string options are UTF-8; a Uri-Path of 0xff is malformed.
    assert_eq!(
        Message::decode(&hex("40010001b1ff")),
        Err(Error::NotUtf8 { number: 11, at: 4 })
    );
    // RFC 7959 §2.2: SZX 7 over UDP is its own error (answered with 4.00).
    assert!(matches!(
        Message::decode(&hex("40010001d10a07")),
        Err(Error::ReservedBlockSize { number: 23, .. })
    ));
    // RFC 8323 §3.2: a Len nibble whose shortest frame is over the limit is refused
    // before its extended length arrives; a reserved code before the frame is whole.
    let cx = Context::new(Transport::Tcp).max_message_size(1152);
    assert!(matches!(
        Message::decode_with(&hex("f0"), &cx),
        Err(Error::MessageTooLarge { .. })
    ));
    assert!(matches!(
        Message::decode_with(&hex("f0ffffffff20"), &Context::new(Transport::Tcp)),
        Err(Error::ReservedCode { at: 5, .. })
    ));
    // The same error whatever has arrived (found by the coap_tcp fuzz target): the
    // size before the code.
    let zero = Context::new(Transport::Tcp).max_message_size(0);
    for b in [&[0x00][..], &[0x00, 0x20]] {
        assert!(
            matches!(
                Message::decode_with(b, &zero),
                Err(Error::MessageTooLarge { .. })
            ),
            "{b:02x?}"
        );
    }
    // Unknown options are read by `option` too.
    let b = hex("40010001e1fcdb78");
    let (m, _) = Message::decode(&b).unwrap();
    assert_eq!(
        m.option(OptionNumber(65000)).and_then(|o| o.as_bytes()),
        Some(&b"x"[..])
    );
    // Options::sort is stable; more than 64 unsorted options are refused at encode.
    let mut opts = [
        Opt::str(OptionNumber::URI_PATH, "a"),
        Opt::str(OptionNumber::URI_HOST, "h"),
        Opt::str(OptionNumber::URI_PATH, "b"),
    ];
    Options::sort(&mut opts);
    assert_eq!(
        opts.iter().map(|o| o.number.0).collect::<Vec<_>>(),
        [3, 11, 11]
    );
    assert_eq!(opts[1].as_str(), Some("a"));
    let mut many: Vec<Opt<'_>> = (0..70)
        .map(|i| Opt::empty(OptionNumber(1000 - i * 2)))
        .collect();
    let unsorted = Message {
        header: Header::Tcp,
        code: Code::GET,
        token: &[],
        options: Options::new(&many),
        payload: &[],
    };
    assert!(matches!(
        to_vec(&unsorted),
        Err(EncodeError::Inconsistent(_))
    ));
    Options::sort(&mut many);
    let m = Message {
        header: Header::Tcp,
        code: Code::GET,
        token: &[],
        options: Options::new(&many),
        payload: &[],
    };
    let bytes = to_vec(&m).unwrap();
    assert_eq!(
        Message::decode_with(&bytes, &Context::new(Transport::Tcp))
            .unwrap()
            .0,
        m
    );
}

#[test]
fn rfc6690_2_extended_parameter_values() {
    let links = iotwire::coap::link::parse(b"</x>;title*=UTF-8'en'%e2%82%ac;rt=\"a\tb\"").unwrap();
    let l = links.iter().next().unwrap();
    assert_eq!(l.attr("title*"), Some(Some("UTF-8'en'%e2%82%ac")));
}

/// RFC 8323 §5: signaling option numbers mean something only with their code, so a
/// message's `Debug` names them by it: option 2 of a CSM is Max-Message-Size (§5.3.1),
/// of a Release Alternative-Address (§5.5.1), and of a request If-Match.
#[test]
fn rfc8323_5_debug_names_signaling_options_by_their_code() {
    let cx = Context::new(Transport::Tcp);
    let csm = hex("40e122048020"); // 7.01, Max-Message-Size 1152, Block-Wise-Transfer
    let text = format!("{:?}", Message::decode_with(&csm, &cx).unwrap().0);
    assert!(
        text.contains("2 Max-Message-Size: 1152") && text.contains("4 Block-Wise-Transfer"),
        "{text}"
    );
    // 7.04 Release with Alternative-Address "coap+tcp://h": 13 octets of options, so
    // Len 13 and one extended-length octet of 0 (RFC 8323 §3.2).
    let release = [&hex("d000e42c")[..], b"coap+tcp://h"].concat();
    let (m, _) = Message::decode_with(&release, &cx).unwrap();
    let text = format!("{m:?}");
    assert!(
        text.contains("2 Alternative-Address: \"coap+tcp://h\""),
        "{text}"
    );
    let get = hex("20011100"); // 0.01 GET with If-Match 0x00
    let text = format!("{:?}", Message::decode_with(&get, &cx).unwrap().0);
    assert!(text.contains("1 If-Match"), "{text}");
}
