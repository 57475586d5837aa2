//! Structured CoAP messages built from arbitrary valid parts (header, code, token,
//! options, payload): what `encode` accepts (its check passes) is written as exactly
//! `encoded_len` bytes, head then payload as `encode_head` says, that decode on the
//! header's transport to an equal message. When the parts do not suit one another, a
//! repaired message is tried: a type the code allows over UDP, a reliable transport for
//! signaling, and no options.
#![no_main]

use arbitrary::Unstructured;
use iotwire::Packet;
use iotwire::coap::{Code, Context, Header, Message, Opt, Options, Type};
use libfuzzer_sys::fuzz_target;

/// Encodes `m` if its check passes, and checks the round trip; `false` if the check
/// refused it.
fn check(m: &Message<'_>) -> bool {
    let len = m.encoded_len();
    let mut buf = vec![0xA5u8; len + 8];
    let Ok(n) = m.encode(&mut buf) else {
        return false;
    };
    assert_eq!(n, len, "encode wrote other than encoded_len");
    assert!(
        buf[n..].iter().all(|&b| b == 0xA5),
        "encode wrote past its length"
    );
    let mut head = vec![0xA5u8; m.head_len()];
    assert_eq!(m.encode_head(&mut head), Ok(m.head_len()));
    assert_eq!(
        [&head[..], m.payload].concat(),
        &buf[..n],
        "head and payload differ from the whole"
    );
    let cx = Context::new(m.header.transport());
    assert_eq!(
        Message::decode_with(&buf[..n], &cx),
        Ok((*m, n)),
        "{:02x?}",
        &buf[..n]
    );
    true
}

/// `m` with what most often makes it unencodable put right.
fn repair(mut m: Message<'_>) -> Message<'_> {
    m.options = Options::EMPTY;
    if let Header::Udp { kind, message_id } = m.header {
        if m.code.is_signaling() || matches!(m.code.class(), 1 | 6) {
            m.header = Header::Tcp;
            if matches!(m.code.class(), 1 | 6) {
                m.code = Code::CONTENT;
            }
        } else {
            let kind = match (kind, m.code) {
                (Type::NonConfirmable, Code::EMPTY) => Type::Confirmable,
                (_, Code::EMPTY) => kind,
                (Type::Reset, c) if c.is_request() => Type::Confirmable,
                (Type::Reset, _) => Type::Acknowledgement,
                (Type::Acknowledgement, c) if c.is_request() => Type::NonConfirmable,
                _ => kind,
            };
            m.header = Header::Udp { kind, message_id };
            if m.code == Code::EMPTY {
                (m.token, m.payload) = (&[], &[]);
            }
        }
    } else if matches!(m.code.class(), 1 | 6) {
        m.code = Code::CONTENT;
    }
    m
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (Ok(header), Ok(code), Ok(tkl)) = (
        u.arbitrary::<Header>(),
        u.arbitrary::<Code>(),
        u.int_in_range(0..=8),
    ) else {
        return;
    };
    let Ok(token) = u.bytes(tkl) else { return };
    let opts: Vec<Opt<'_>> = u.arbitrary().unwrap_or_default();
    let payload = u.take_rest();
    let m = Message {
        header,
        code,
        token,
        options: Options::new(&opts),
        payload,
    };
    if !check(&m) {
        assert!(
            check(&repair(m)),
            "a repaired message is encodable: {:?}",
            repair(m)
        );
    }
});
