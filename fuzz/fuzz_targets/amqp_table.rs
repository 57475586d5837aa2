//! A field table on its own, from arbitrary bytes: the first octet picks the dialect
//! (bit 0) and the nesting limit (the rest, 0 to 127: clamped to 1 to 128 by the
//! context). Never a panic; an accepted table re-encodes to the bytes consumed, and
//! walking it, nested tables and arrays included, visits at most one value per octet
//! and never goes deeper than the limit. The walk keeps its own stack, so the target
//! itself cannot overflow.
#![no_main]

use iotwire::amqp::{Context, Dialect, FieldTable, FieldValue};
use libfuzzer_sys::fuzz_target;

/// An iterator over the values of one open table or array.
type Level<'a> = Box<dyn Iterator<Item = FieldValue<'a>> + 'a>;

fn values(t: FieldTable<'_>) -> Level<'_> {
    Box::new(t.iter().map(|(_, v)| v))
}

fn walk<'a>(t: FieldTable<'a>, max_depth: usize, octets: usize) {
    let mut stack: Vec<Level<'a>> = vec![values(t)];
    let mut work = 0usize;
    while let Some(top) = stack.last_mut() {
        let Some(v) = top.next() else {
            stack.pop();
            continue;
        };
        work += 1;
        assert!(work <= octets, "more values than octets: {work} > {octets}");
        let inner: Option<Level<'a>> = match v {
            FieldValue::Table(t) => Some(values(t)),
            FieldValue::Array(a) => Some(Box::new(a.iter())),
            // Touch the borrowed values.
            FieldValue::LongStr(s) => {
                std::hint::black_box(s.as_bytes());
                None
            }
            _ => None,
        };
        if let Some(l) = inner {
            stack.push(l);
            assert!(stack.len() <= max_depth, "deeper than {max_depth}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let dialect = [Dialect::RabbitMq, Dialect::Spec][usize::from(sel & 1)];
    let asked = sel >> 1;
    let cx = Context::new().dialect(dialect).max_depth(asked);
    let limit = usize::from(asked.max(1));
    for cx in [cx, Context::new().dialect(dialect)] {
        let Ok((t, n)) = FieldTable::decode_with(rest, &cx) else {
            continue;
        };
        assert!(n >= 4 && n <= rest.len());
        let mut buf = vec![0u8; n];
        assert_eq!(t.encode(&mut buf), Ok(n));
        assert_eq!(&buf[..], &rest[..n], "re-encoding differs");
        let max = if cx == Context::new().dialect(dialect) {
            64
        } else {
            limit
        };
        walk(t, max, n);
        let _ = t.get("x-match");
    }
});
