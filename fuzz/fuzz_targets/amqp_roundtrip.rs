//! Structured AMQP frames: arbitrary frames (any of the 66 methods with arbitrary
//! arguments, content headers with arbitrary properties, bodies, heartbeats), and a
//! content header whose `headers` table is built entry by entry in a chosen dialect,
//! with a nested table and array of arbitrary values. What `encode` accepts is written
//! as exactly `encoded_len` octets that decode (in the frame's dialect) to an equal
//! frame, consuming them all; every proper prefix is `Incomplete`.
#![no_main]

use arbitrary::Unstructured;
use iotwire::Packet;
use iotwire::amqp::{
    BasicProperties, ContentHeader, Context, Dialect, Error, FieldArray, FieldTable, FieldValue,
    Frame, Payload, ShortStr,
};
use libfuzzer_sys::fuzz_target;

/// Encodes `f` if its check passes and checks the round trip; `false` if refused.
fn check(f: &Frame<'_>, cx: &Context) -> bool {
    let len = f.encoded_len();
    let mut buf = vec![0xA5u8; len + 8];
    let Ok(n) = f.encode(&mut buf) else {
        return false;
    };
    assert_eq!(n, len, "encode wrote other than encoded_len");
    assert!(
        buf[n..].iter().all(|&b| b == 0xA5),
        "encode wrote past its length"
    );
    assert_eq!(
        Frame::decode_with(&buf[..n], cx),
        Ok((*f, n)),
        "{:02x?}",
        &buf[..n]
    );
    assert!(matches!(
        Frame::decode_with(&buf[..n - 1], cx),
        Err(Error::Incomplete(_))
    ));
    true
}

/// `v` as a value `dialect` can write.
fn writable(v: FieldValue<'_>, dialect: Dialect) -> FieldValue<'_> {
    use FieldValue::*;
    match (v, dialect) {
        (U64(x), Dialect::RabbitMq) => Timestamp(x),
        (ShortStr(s), Dialect::RabbitMq) => LongStr(iotwire::amqp::LongStr::new(s.as_bytes())),
        (Bytes(b), Dialect::Spec) => LongStr(iotwire::amqp::LongStr::new(b)),
        (v, _) => v,
    }
}

/// `k`, or a name the spec's grammar allows when `dialect` needs one.
fn name(k: ShortStr<'_>, dialect: Dialect) -> ShortStr<'_> {
    let ok = |k: &[u8]| {
        k.len() <= 128
            && k.first()
                .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'$' | b'#'))
            && k.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'#'))
    };
    match dialect {
        Dialect::Spec if !ok(k.as_bytes()) => ShortStr::new("k").unwrap(),
        _ => k,
    }
}

fn entries<'a>(u: &mut Unstructured<'a>, d: Dialect) -> Vec<(ShortStr<'a>, FieldValue<'a>)> {
    let n = u.int_in_range(0..=8).unwrap_or(0);
    (0..n)
        .map_while(|_| {
            let (k, v) = u.arbitrary::<(ShortStr<'a>, FieldValue<'a>)>().ok()?;
            Some((name(k, d), writable(v, d)))
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(sel) = u.arbitrary::<u8>() else { return };
    if sel & 1 == 0 {
        // Any frame, as Arbitrary makes it.
        if let Ok(f) = u.arbitrary::<Frame<'_>>() {
            check(&f, &Context::new());
        }
        return;
    }
    // A content header with a headers table built in a dialect, nesting a table and an
    // array built the same way.
    let d = if sel & 2 == 0 {
        Dialect::RabbitMq
    } else {
        Dialect::Spec
    };
    let inner = entries(&mut u, d);
    let list: Vec<FieldValue<'_>> = entries(&mut u, d).into_iter().map(|(_, v)| v).collect();
    let mut outer = entries(&mut u, d);
    let at = |n: usize, u: &mut Unstructured<'_>| u.choose_index(n + 1).unwrap_or(0);
    let i = at(outer.len(), &mut u);
    outer.insert(
        i,
        (
            ShortStr::new("t").unwrap(),
            FieldValue::Table(FieldTable::new_in(&inner, d)),
        ),
    );
    let i = at(outer.len(), &mut u);
    outer.insert(
        i,
        (
            ShortStr::new("a").unwrap(),
            FieldValue::Array(FieldArray::new_in(&list, d)),
        ),
    );
    let Ok(mut properties) = u.arbitrary::<BasicProperties<'_>>() else {
        return;
    };
    properties.headers = Some(FieldTable::new_in(&outer, d));
    let f = Frame {
        channel: u.int_in_range(1..=u16::MAX).unwrap_or(1),
        payload: Payload::Header(ContentHeader {
            body_size: u.arbitrary().unwrap_or(0),
            properties,
        }),
    };
    assert!(check(&f, &Context::new().dialect(d)), "refused: {f:?}");
});
