//! `arbitrary::Arbitrary` for the CoAP value types (feature `arbitrary`), for structured
//! fuzzing.
//!
//! Each value is valid on its own, and leans towards what a message can carry: most
//! codes are registered ones, most options registered numbers with a value of their
//! registered format and length. A [`Message`](super::Message) borrows its options from
//! a slice, so a fuzz target builds a `Vec<Opt>` and a message over it; whether the
//! parts suit one another (a type the code allows, signaling only on reliable
//! transports, options the code defines) is for the message's encode check to say.

use arbitrary::{Arbitrary, Result, Unstructured};

use super::{
    Block, Code, ContentFormat, Context, Format, Header, Opt, OptionNumber, Transport, Type, Value,
};

/// The registered option numbers below 4096 (all of them, today), in order, and how
/// many: taken from [`OptionNumber::spec`], so they cannot drift from the registry.
const REGISTERED_OPTIONS: ([u16; 64], usize) = {
    let mut list = [0; 64];
    let (mut n, mut i) = (0, 0);
    while i < 4096 && n < list.len() {
        if OptionNumber(i).spec().is_some() {
            list[n] = i;
            n += 1;
        }
        i += 1;
    }
    (list, n)
};

/// The registered codes, from [`Code::name`], and how many.
const REGISTERED_CODES: ([u8; 64], usize) = {
    let mut list = [0; 64];
    let (mut n, mut i) = (0, 0);
    while i < 256 && n < list.len() {
        if Code(i as u8).name().is_some() {
            list[n] = i as u8;
            n += 1;
        }
        i += 1;
    }
    (list, n)
};

/// Filler for values that must not be shorter than their registered minimum when the
/// input runs out (every minimum is 0 or 1).
const FILL: &str = "x";

impl<'a> Arbitrary<'a> for Type {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Type::from_bits(u.arbitrary()?))
    }
}

impl<'a> Arbitrary<'a> for Code {
    /// A registered code seven times in eight, otherwise any byte (reserved classes
    /// included).
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let (list, n) = REGISTERED_CODES;
        Ok(match u.ratio(7u8, 8)? {
            true => Code(*u.choose(list.get(..n).unwrap_or_default())?),
            false => Code(u.arbitrary()?),
        })
    }
}

impl<'a> Arbitrary<'a> for Transport {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(*u.choose(&[Transport::Udp, Transport::Tcp, Transport::WebSocket])?)
    }
}

impl<'a> Arbitrary<'a> for Context {
    /// A transport, with a message size limit half the time.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let cx = Context::new(u.arbitrary()?);
        Ok(match u.arbitrary::<bool>()? {
            true => cx.max_message_size(u.int_in_range(0..=1 << 16)?),
            false => cx,
        })
    }
}

impl<'a> Arbitrary<'a> for Header {
    /// UDP half the time (any type and Message ID), TCP or WebSocket otherwise.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0..=3u8)? {
            0 => Header::Tcp,
            1 => Header::WebSocket,
            _ => Header::Udp {
                kind: u.arbitrary()?,
                message_id: u.arbitrary()?,
            },
        })
    }
}

impl<'a> Arbitrary<'a> for OptionNumber {
    /// A registered number three times in four, otherwise any.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let (list, n) = REGISTERED_OPTIONS;
        Ok(OptionNumber(match u.ratio(3u8, 4)? {
            true => *u.choose(list.get(..n).unwrap_or_default())?,
            false => u.arbitrary()?,
        }))
    }
}

impl<'a> Arbitrary<'a> for ContentFormat {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(ContentFormat(u.arbitrary()?))
    }
}

impl<'a> Arbitrary<'a> for Block {
    /// Any block: number below 2^20, any SZX (7, BERT, is valid on reliable transports
    /// only).
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Block {
            num: u.int_in_range(0..=0xF_FFFF)?,
            more: u.arbitrary()?,
            szx: u.int_in_range(0..=7)?,
        })
    }
}

impl<'a> Arbitrary<'a> for Value<'a> {
    /// Bytes (up to 64) or a uint, with no regard to any option's format.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.arbitrary::<bool>()? {
            true => Value::Uint(u.arbitrary()?),
            false => {
                let n = u.int_in_range(0..=64)?;
                Value::Bytes(u.bytes(n.min(u.len()))?)
            }
        })
    }
}

/// Up to `max` bytes of `s`, cut at a character boundary.
fn cut(s: &str, max: usize) -> &str {
    let mut n = max.min(s.len());
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    s.get(..n).unwrap_or_default()
}

/// A value of `format` with a length in `min..=max`, shorter when the input runs out
/// (but for uints, the filler meets a minimum of 0 or 1, which most options have).
fn value_of<'a>(u: &mut Unstructured<'a>, format: Format, min: u16, max: u16) -> Result<Value<'a>> {
    let (min, max) = (usize::from(min), usize::from(max));
    let fill = FILL.get(..min.min(1)).unwrap_or_default();
    Ok(match format {
        Format::Empty => Value::Bytes(&[]),
        Format::Opaque => {
            let n = u.int_in_range(min..=max)?.min(u.len());
            match u.bytes(n)? {
                b if b.len() < min => Value::Bytes(fill.as_bytes()),
                b => Value::Bytes(b),
            }
        }
        Format::String => {
            let s: &'a str = u.arbitrary()?;
            match cut(s, u.int_in_range(min..=max)?) {
                s if s.len() < min => Value::Bytes(fill.as_bytes()),
                s => Value::Bytes(s.as_bytes()),
            }
        }
        // A uint of at most `max` bytes, of at least `min` (so not 0 when `min` is 1);
        // one time in eight as raw bytes, which may carry leading zeros (RFC 7252 §3.2).
        Format::Uint => match u.ratio(1u8, 8)? {
            true => {
                let n = u.int_in_range(min..=max)?.min(u.len());
                match u.bytes(n)? {
                    b if b.len() < min => Value::Bytes(&[1]),
                    b => Value::Bytes(b),
                }
            }
            false => {
                let top = match max {
                    0 => 0,
                    1..=3 => (1u32 << (8 * max)) - 1,
                    _ => u32::MAX,
                };
                // At least `min` bytes in the shortest form.
                let lower = match min {
                    0 => 0,
                    m => 1u32 << (8 * (m.min(4) - 1)),
                };
                Value::Uint(u.int_in_range(lower..=top)?)
            }
        },
    })
}

impl<'a> Arbitrary<'a> for Opt<'a> {
    /// Most often a registered option with a value of its format and length (a block
    /// option with SZX 7 only rarely, since that is reserved over UDP); otherwise a
    /// signaling option number (2, 4, 6) or any number, with any value.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let number = match u.int_in_range(0..=15u8)? {
            0 => OptionNumber(*u.choose(&[2, 4, 6])?),
            1 | 2 => OptionNumber(u.arbitrary()?),
            _ => u.arbitrary()?,
        };
        let value = match number.spec() {
            Some(_) if u.ratio(1u8, 16)? => u.arbitrary()?,
            Some(_)
                if matches!(
                    number,
                    OptionNumber::BLOCK1
                        | OptionNumber::BLOCK2
                        | OptionNumber::Q_BLOCK1
                        | OptionNumber::Q_BLOCK2
                ) =>
            {
                let mut b: Block = u.arbitrary()?;
                if b.szx == 7 && u.ratio(7u8, 8)? {
                    b.szx = 6;
                }
                Value::Uint(b.to_uint())
            }
            Some(spec) => value_of(u, spec.format, spec.min, spec.max)?,
            None => u.arbitrary()?,
        };
        Ok(Opt { number, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn registered_lists_are_complete() {
        let (options, n) = REGISTERED_OPTIONS;
        assert!(n < options.len());
        assert!(options[..n].contains(&OptionNumber::REQUEST_TAG.0));
        assert_eq!(
            n,
            (0..=u16::MAX)
                .filter(|&i| OptionNumber(i).spec().is_some())
                .count()
        );
        let (codes, n) = REGISTERED_CODES;
        assert!(n < codes.len());
        assert_eq!(
            n,
            (0..=u8::MAX).filter(|&i| Code(i).name().is_some()).count()
        );
        assert_eq!(codes[0], Code::EMPTY.0);
    }

    #[test]
    fn most_options_are_well_formed() {
        let data: Vec<u8> = (0..1 << 16)
            .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let mut u = Unstructured::new(&data);
        let (mut good, mut registered, mut all) = (0, 0, 0);
        while let Ok(o) = u.arbitrary::<Opt<'_>>() {
            if u.is_empty() {
                break;
            }
            all += 1;
            let Some(spec) = o.number.spec() else {
                continue;
            };
            registered += 1;
            let len = o.value.len();
            let ok = (usize::from(spec.min)..=usize::from(spec.max)).contains(&len)
                && (spec.format != Format::String
                    || o.as_bytes()
                        .is_some_and(|b| core::str::from_utf8(b).is_ok()));
            good += usize::from(ok);
        }
        assert!(all > 100);
        assert!(
            registered * 2 > all,
            "{registered} of {all} options registered"
        );
        assert!(
            good * 8 > registered * 7,
            "{good} of {registered} registered options well formed"
        );
    }
}
