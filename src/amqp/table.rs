//! Field tables and arrays (0-9-1 §4.2.5.5) in RabbitMQ's dialect (errata §3) or by the
//! letter of the specification: validated once without recursion, with a depth limit,
//! then walked lazily without copies.

use core::fmt;

use super::codec::{LongStr, ShortStr, check_u32_len};
use super::{Context, Error};
use crate::error::EncodeError;
use crate::packet::Sink;
use crate::wire::{DebugBytes, Reader};

/// Which reading of the field-value type letters is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dialect {
    /// What RabbitMQ and its clients speak (errata §3, third column): `s` is a signed
    /// 16-bit integer, `l` a signed 64-bit one (`L` too, as RabbitMQ reads it), `x` a
    /// byte array; `U` and short-string values do not exist; keys are any short string.
    #[default]
    RabbitMq,
    /// The 0-9-1 grammar (§4.2.1): `U` signed 16, `l` unsigned 64, `L` signed 64, `s`
    /// a short string, no `x`; field names start with a letter, `$` or `#`, then
    /// letters, digits, `_`, `$`, `#`, at most 128 octets.
    Spec,
}

/// The deepest nesting a [`Context`] may allow, and so the validator's fixed stack.
pub const MAX_DEPTH: u8 = 128;

/// How a value of one type letter is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// A fixed number of octets.
    Fixed(usize),
    /// A one-octet length, then that many octets (`s` in the spec dialect).
    Short,
    /// A four-octet length, then that many octets (`S`, `x`).
    Long,
    /// A four-octet length, then a table (`F`) or an array (`A`) of values.
    Nested { table: bool },
}

/// The layout of letter `c` in `dialect`, or `None` for a letter it does not define.
#[inline]
const fn layout(c: u8, dialect: Dialect) -> Option<Layout> {
    use Layout::*;
    let rabbit = matches!(dialect, Dialect::RabbitMq);
    Some(match c {
        b't' | b'b' | b'B' => Fixed(1),
        b'u' => Fixed(2),
        b's' if rabbit => Fixed(2),
        b's' => Short,
        b'U' if !rabbit => Fixed(2),
        b'I' | b'i' | b'f' => Fixed(4),
        b'l' | b'L' | b'd' | b'T' => Fixed(8),
        b'D' => Fixed(5),
        b'V' => Fixed(0),
        b'S' => Long,
        b'x' if rabbit => Long,
        b'A' => Nested { table: false },
        b'F' => Nested { table: true },
        _ => return None,
    })
}

/// A field name the 0-9-1 grammar allows (§4.2.5.5).
fn spec_name(k: &[u8]) -> bool {
    let ok = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'#');
    match k.split_first() {
        Some((first, rest)) if k.len() <= 128 => {
            (first.is_ascii_alphabetic() || matches!(first, b'$' | b'#')) && rest.iter().all(ok)
        }
        _ => false,
    }
}

/// Validates the entries of a field table (`body`, without its length prefix, found at
/// `base` in the input) and everything nested in it, iteratively: one stack slot per
/// level, [`Context::max_depth`] levels at most (the table itself is level 1).
pub(crate) fn validate_table(body: &[u8], base: usize, cx: &Context) -> Result<(), Error> {
    validate(body, base, cx, true)
}

fn validate(body: &[u8], base: usize, cx: &Context, table: bool) -> Result<(), Error> {
    // Most tables hold no table or array: one pass without the nesting stack.
    if flat(body, cx.dialect, table) {
        return Ok(());
    }
    let max = cx.max_depth.clamp(1, MAX_DEPTH);
    // (end of the container, is it a table) per open level.
    let mut stack = [(0u32, false); MAX_DEPTH as usize];
    let mut depth = 1;
    stack[0] = (body.len() as u32, table);
    let mut r = Reader::at(body, 0);
    let truncated = |at: usize| Error::Truncated { at: base + at };
    while depth > 0 {
        let (end, in_table) = stack.get(depth - 1).copied().unwrap_or_default();
        let end = end as usize;
        let pos = r.pos();
        if pos >= end {
            depth -= 1;
            continue;
        }
        // Only the bytes of the innermost open container.
        let mut inner = Reader::at(body.get(..end).unwrap_or_default(), pos);
        if in_table {
            let key = inner.take_u8().and_then(|n| inner.take(usize::from(n)));
            let key = key.ok_or(truncated(pos))?;
            if cx.dialect == Dialect::Spec && !spec_name(key) {
                return Err(Error::BadFieldName { at: base + pos });
            }
        }
        let at = inner.pos();
        let letter = inner.take_u8().ok_or(truncated(at))?;
        let Some(layout) = layout(letter, cx.dialect) else {
            return Err(Error::UnknownFieldType {
                letter,
                at: base + at,
            });
        };
        if let Layout::Nested { table } = layout {
            let n = inner.take_u32().ok_or(truncated(at))? as usize;
            let start = inner.pos();
            if end - start < n {
                return Err(truncated(at));
            }
            if depth == usize::from(max) {
                return Err(Error::TooDeep { max, at: base + at });
            }
            if let Some(slot) = stack.get_mut(depth) {
                *slot = ((start + n) as u32, table);
            }
            depth += 1;
        } else {
            skip(&mut inner, layout).ok_or(truncated(at))?;
        }
        r = Reader::at(body, inner.pos());
    }
    Ok(())
}

/// Skips a value that holds no other values; `None` when it runs past the end.
#[inline]
fn skip(r: &mut Reader<'_>, layout: Layout) -> Option<()> {
    let n = match layout {
        Layout::Fixed(n) => n,
        Layout::Short => usize::from(r.take_u8()?),
        Layout::Long => r.take_u32()? as usize,
        Layout::Nested { .. } => return None,
    };
    r.take(n).map(|_| ())
}

/// `true` when `body` is a valid container holding no table or array (so no nesting
/// to track); `false` when it holds one or is invalid, which [`validate`] then sorts
/// out.
fn flat(body: &[u8], dialect: Dialect, table: bool) -> bool {
    let mut r = Reader::at(body, 0);
    while !r.is_empty() {
        if table {
            let Some(key) = r.take_u8().and_then(|n| r.take(usize::from(n))) else {
                return false;
            };
            if dialect == Dialect::Spec && !spec_name(key) {
                return false;
            }
        }
        let Some(layout) = r.take_u8().and_then(|c| layout(c, dialect)) else {
            return false;
        };
        if skip(&mut r, layout).is_none() {
            return false;
        }
    }
    true
}

/// One field value (§4.2.5.5), named by what it holds rather than by its letter,
/// which differs between dialects.
#[derive(Clone, Copy)]
pub enum FieldValue<'a> {
    /// `t`.
    Bool(bool),
    /// `b`.
    I8(i8),
    /// `B`.
    U8(u8),
    /// `s` (RabbitMQ) or `U` (spec).
    I16(i16),
    /// `u`.
    U16(u16),
    /// `I`.
    I32(i32),
    /// `i`.
    U32(u32),
    /// `l` (RabbitMQ; `L` is read the same) or `L` (spec).
    I64(i64),
    /// `l` (spec only).
    U64(u64),
    /// `f`.
    F32(f32),
    /// `d`.
    F64(f64),
    /// `D`: `value / 10^scale`.
    Decimal {
        /// Decimal places.
        scale: u8,
        /// The unscaled value.
        value: i32,
    },
    /// `s` (spec only).
    ShortStr(ShortStr<'a>),
    /// `S`.
    LongStr(LongStr<'a>),
    /// `x` (RabbitMQ only).
    Bytes(&'a [u8]),
    /// `A`.
    Array(FieldArray<'a>),
    /// `T`: seconds since the epoch.
    Timestamp(u64),
    /// `F`.
    Table(FieldTable<'a>),
    /// `V`.
    Void,
}

impl PartialEq for FieldValue<'_> {
    /// Floats compare by their bits, so that every value equals itself.
    fn eq(&self, other: &Self) -> bool {
        use FieldValue::*;
        match (self, other) {
            (Bool(a), Bool(b)) => a == b,
            (I8(a), I8(b)) => a == b,
            (U8(a), U8(b)) => a == b,
            (I16(a), I16(b)) => a == b,
            (U16(a), U16(b)) => a == b,
            (I32(a), I32(b)) => a == b,
            (U32(a), U32(b)) => a == b,
            (I64(a), I64(b)) => a == b,
            (U64(a), U64(b)) => a == b,
            (F32(a), F32(b)) => a.to_bits() == b.to_bits(),
            (F64(a), F64(b)) => a.to_bits() == b.to_bits(),
            (
                Decimal { scale, value },
                Decimal {
                    scale: s2,
                    value: v2,
                },
            ) => (scale, value) == (s2, v2),
            (ShortStr(a), ShortStr(b)) => a == b,
            (LongStr(a), LongStr(b)) => a == b,
            (Bytes(a), Bytes(b)) => a == b,
            (Array(a), Array(b)) => a == b,
            (Timestamp(a), Timestamp(b)) => a == b,
            (Table(a), Table(b)) => a == b,
            (Void, Void) => true,
            _ => false,
        }
    }
}

impl Eq for FieldValue<'_> {}

impl fmt::Debug for FieldValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FieldValue::*;
        match self {
            Bool(v) => write!(f, "{v}"),
            I8(v) => write!(f, "{v}i8"),
            U8(v) => write!(f, "{v}u8"),
            I16(v) => write!(f, "{v}i16"),
            U16(v) => write!(f, "{v}u16"),
            I32(v) => write!(f, "{v}i32"),
            U32(v) => write!(f, "{v}u32"),
            I64(v) => write!(f, "{v}i64"),
            U64(v) => write!(f, "{v}u64"),
            F32(v) => write!(f, "{v:?}f32"),
            F64(v) => write!(f, "{v:?}f64"),
            Decimal { scale, value } => write!(f, "Decimal({value}e-{scale})"),
            ShortStr(s) => write!(f, "{s:?}"),
            LongStr(s) => write!(f, "{s:?}"),
            Bytes(b) => write!(f, "{:?}", DebugBytes(b)),
            Array(a) => fmt::Debug::fmt(a, f),
            Timestamp(t) => write!(f, "Timestamp({t})"),
            Table(t) => fmt::Debug::fmt(t, f),
            Void => f.write_str("Void"),
        }
    }
}

impl<'a> FieldValue<'a> {
    /// Reads the value of letter `c` in `dialect` from a container that validation
    /// passed.
    fn read(c: u8, r: &mut Reader<'a>, dialect: Dialect) -> Option<Self> {
        use FieldValue::*;
        let rabbit = dialect == Dialect::RabbitMq;
        let arr = |r: &mut Reader<'a>| r.take_array::<8>().copied();
        Some(match c {
            b't' => Bool(r.take_u8()? != 0),
            b'b' => I8(r.take_u8()? as i8),
            b'B' => U8(r.take_u8()?),
            b's' if rabbit => I16(r.take_u16()? as i16),
            b'U' if !rabbit => I16(r.take_u16()? as i16),
            b'u' => U16(r.take_u16()?),
            b'I' => I32(r.take_u32()? as i32),
            b'i' => U32(r.take_u32()?),
            b'l' if !rabbit => U64(u64::from_be_bytes(arr(r)?)),
            b'l' | b'L' => I64(i64::from_be_bytes(arr(r)?)),
            b'f' => F32(f32::from_bits(r.take_u32()?)),
            b'd' => F64(f64::from_bits(u64::from_be_bytes(arr(r)?))),
            b'D' => Decimal {
                scale: r.take_u8()?,
                value: r.take_u32()? as i32,
            },
            b's' => ShortStr(
                super::codec::ShortStr::from_bytes(
                    r.take_u8().and_then(|n| r.take(usize::from(n)))?,
                )
                .ok()?,
            ),
            b'S' => LongStr(super::codec::LongStr::new(
                r.take_u32().and_then(|n| r.take(n as usize))?,
            )),
            b'x' if rabbit => Bytes(r.take_u32().and_then(|n| r.take(n as usize))?),
            b'A' => Array(FieldArray::raw(
                r.take_u32().and_then(|n| r.take(n as usize))?,
                dialect,
            )),
            b'T' => Timestamp(u64::from_be_bytes(arr(r)?)),
            b'F' => Table(FieldTable::raw(
                r.take_u32().and_then(|n| r.take(n as usize))?,
                dialect,
            )),
            b'V' => Void,
            _ => return None,
        })
    }

    /// The letter of this value in `dialect`, or `None` when the dialect has no way to
    /// write it (`U64` and `ShortStr` in RabbitMQ's, `Bytes` in the spec's).
    const fn letter(&self, dialect: Dialect) -> Option<u8> {
        use FieldValue::*;
        let rabbit = matches!(dialect, Dialect::RabbitMq);
        Some(match self {
            Bool(_) => b't',
            I8(_) => b'b',
            U8(_) => b'B',
            I16(_) if rabbit => b's',
            I16(_) => b'U',
            U16(_) => b'u',
            I32(_) => b'I',
            U32(_) => b'i',
            I64(_) if rabbit => b'l',
            I64(_) => b'L',
            U64(_) if !rabbit => b'l',
            F32(_) => b'f',
            F64(_) => b'd',
            Decimal { .. } => b'D',
            ShortStr(_) if !rabbit => b's',
            LongStr(_) => b'S',
            Bytes(_) if rabbit => b'x',
            Array(_) => b'A',
            Timestamp(_) => b'T',
            Table(_) => b'F',
            Void => b'V',
            _ => return None,
        })
    }

    /// Octets of the value after its letter.
    fn value_len(&self) -> usize {
        use FieldValue::*;
        match self {
            Bool(_) | I8(_) | U8(_) => 1,
            I16(_) | U16(_) => 2,
            I32(_) | U32(_) | F32(_) => 4,
            I64(_) | U64(_) | F64(_) | Timestamp(_) => 8,
            Decimal { .. } => 5,
            ShortStr(s) => s.encoded_len(),
            LongStr(s) => s.encoded_len(),
            Bytes(b) => 4 + b.len(),
            Array(a) => a.encoded_len(),
            Table(t) => t.encoded_len(),
            Void => 0,
        }
    }

    fn write_to<S: Sink + ?Sized>(&self, dialect: Dialect, out: &mut S) {
        use FieldValue::*;
        out.put_u8(self.letter(dialect).unwrap_or(b'V'));
        match *self {
            Bool(v) => out.put_u8(u8::from(v)),
            I8(v) => out.put_u8(v as u8),
            U8(v) => out.put_u8(v),
            I16(v) => out.put(&v.to_be_bytes()),
            U16(v) => out.put(&v.to_be_bytes()),
            I32(v) => out.put(&v.to_be_bytes()),
            U32(v) => out.put(&v.to_be_bytes()),
            I64(v) => out.put(&v.to_be_bytes()),
            U64(v) | Timestamp(v) => out.put(&v.to_be_bytes()),
            F32(v) => out.put(&v.to_bits().to_be_bytes()),
            F64(v) => out.put(&v.to_bits().to_be_bytes()),
            Decimal { scale, value } => {
                out.put_u8(scale);
                out.put(&value.to_be_bytes());
            }
            ShortStr(s) => s.write_to(out),
            LongStr(s) => s.write_to(out),
            Bytes(b) => {
                out.put(&(b.len() as u32).to_be_bytes());
                out.put(b);
            }
            Array(a) => a.write_to(out),
            Table(t) => t.write_to(out),
            Void => {}
        }
    }

    /// Checks a value to encode in `dialect`, `depth` levels deep.
    fn check(&self, dialect: Dialect, depth: u8) -> Result<(), EncodeError> {
        if self.letter(dialect).is_none() {
            return Err(EncodeError::Inconsistent(
                "field value type the dialect cannot write",
            ));
        }
        match self {
            Self::LongStr(s) => s.check(),
            Self::Bytes(b) => check_u32_len("byte array", b.len()),
            Self::Array(a) => a.check(depth + 1),
            Self::Table(t) => t.check_at(depth + 1),
            _ => Ok(()),
        }
    }
}

/// A field table: the validated bytes of a decoded one, walked lazily, or a slice of
/// entries to encode. Both compare equal when they hold equal entries in the same
/// order.
#[derive(Clone, Copy, Default)]
pub struct FieldTable<'a> {
    repr: Repr<'a, (ShortStr<'a>, FieldValue<'a>)>,
}

/// A field array: as [`FieldTable`], of values without names.
#[derive(Clone, Copy, Default)]
pub struct FieldArray<'a> {
    repr: Repr<'a, FieldValue<'a>>,
}

#[derive(Clone, Copy)]
enum Repr<'a, T> {
    Raw(&'a [u8], Dialect),
    List(&'a [T], Dialect),
}

impl<T> Default for Repr<'_, T> {
    fn default() -> Self {
        Self::List(&[], Dialect::RabbitMq)
    }
}

impl<'a> FieldTable<'a> {
    /// The empty table.
    pub const EMPTY: FieldTable<'static> = FieldTable {
        repr: Repr::List(&[], Dialect::RabbitMq),
    };

    /// A table to encode, in RabbitMQ's dialect.
    pub const fn new(entries: &'a [(ShortStr<'a>, FieldValue<'a>)]) -> Self {
        Self::new_in(entries, Dialect::RabbitMq)
    }

    /// A table to encode in `dialect`.
    pub const fn new_in(entries: &'a [(ShortStr<'a>, FieldValue<'a>)], dialect: Dialect) -> Self {
        Self {
            repr: Repr::List(entries, dialect),
        }
    }

    /// The entries of a table validated in `dialect` (without the length prefix).
    pub(crate) const fn raw(body: &'a [u8], dialect: Dialect) -> Self {
        Self {
            repr: Repr::Raw(body, dialect),
        }
    }

    /// Decodes a whole field table (length prefix, then entries) on its own.
    ///
    /// # Errors
    ///
    /// As decoding a table inside a frame.
    pub fn decode_with(buf: &'a [u8], cx: &Context) -> Result<(Self, usize), Error> {
        let mut input = super::codec::In::new(buf, 0, 0, *cx);
        let t = input.table()?;
        Ok((t, 4 + t.body_len()))
    }

    /// Encodes the table on its own (length prefix, then entries) into `out`.
    ///
    /// # Errors
    ///
    /// [`EncodeError::BufferTooSmall`], or a value the table's dialect cannot write.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        self.check()?;
        crate::wire::write_exact(out, self.encoded_len(), |w| self.write_to(w))
    }

    /// The entries in order. Cannot fail: decoding validated them.
    pub fn iter(&self) -> impl Iterator<Item = (ShortStr<'a>, FieldValue<'a>)> + use<'a> {
        let (mut r, dialect, mut list) = match self.repr {
            Repr::Raw(b, d) => (Reader::at(b, 0), d, [].iter()),
            Repr::List(l, d) => (Reader::at(&[], 0), d, l.iter()),
        };
        core::iter::from_fn(move || match list.next() {
            Some(e) => Some(*e),
            None => {
                let key = r.take_u8().and_then(|n| r.take(usize::from(n)))?;
                let letter = r.take_u8()?;
                let v = FieldValue::read(letter, &mut r, dialect)?;
                Some((ShortStr::from_bytes(key).ok()?, v))
            }
        })
    }

    /// The value of the first entry named `key`.
    pub fn get(&self, key: &str) -> Option<FieldValue<'a>> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// `true` when it has no entries.
    pub fn is_empty(&self) -> bool {
        match self.repr {
            Repr::Raw(b, _) => b.is_empty(),
            Repr::List(l, _) => l.is_empty(),
        }
    }

    fn body_len(&self) -> usize {
        match self.repr {
            Repr::Raw(b, _) => b.len(),
            Repr::List(l, _) => l
                .iter()
                .map(|(k, v)| k.encoded_len() + 1 + v.value_len())
                .sum(),
        }
    }

    /// Octets of the encoding: length, then entries.
    pub(crate) fn encoded_len(&self) -> usize {
        4 + self.body_len()
    }

    pub(crate) fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(&(self.body_len() as u32).to_be_bytes());
        match self.repr {
            Repr::Raw(b, _) => out.put(b),
            Repr::List(l, d) => l.iter().for_each(|(k, v)| {
                k.write_to(out);
                v.write_to(d, out);
            }),
        }
    }

    /// Checks a table to encode: every value writable in its dialect, names allowed in
    /// the spec dialect, lengths within 32 bits, nesting within the default limit.
    pub(crate) fn check(&self) -> Result<(), EncodeError> {
        self.check_at(1)
    }

    fn check_at(&self, depth: u8) -> Result<(), EncodeError> {
        if depth > Context::DEFAULT_MAX_DEPTH {
            return Err(EncodeError::Inconsistent("field tables nested too deep"));
        }
        check_u32_len("field table", self.body_len())?;
        let Repr::List(l, d) = self.repr else {
            return Ok(());
        };
        for (k, v) in l {
            if d == Dialect::Spec && !spec_name(k.as_bytes()) {
                return Err(EncodeError::Inconsistent(
                    "field name not allowed by the 0-9-1 grammar",
                ));
            }
            v.check(d, depth)?;
        }
        Ok(())
    }
}

impl<'a> FieldArray<'a> {
    /// The empty array.
    pub const EMPTY: FieldArray<'static> = FieldArray {
        repr: Repr::List(&[], Dialect::RabbitMq),
    };

    /// An array to encode, in RabbitMQ's dialect.
    pub const fn new(values: &'a [FieldValue<'a>]) -> Self {
        Self::new_in(values, Dialect::RabbitMq)
    }

    /// An array to encode in `dialect`.
    pub const fn new_in(values: &'a [FieldValue<'a>], dialect: Dialect) -> Self {
        Self {
            repr: Repr::List(values, dialect),
        }
    }

    pub(crate) const fn raw(body: &'a [u8], dialect: Dialect) -> Self {
        Self {
            repr: Repr::Raw(body, dialect),
        }
    }

    /// The values in order. Cannot fail: decoding validated them.
    pub fn iter(&self) -> impl Iterator<Item = FieldValue<'a>> + use<'a> {
        let (mut r, dialect, mut list) = match self.repr {
            Repr::Raw(b, d) => (Reader::at(b, 0), d, [].iter()),
            Repr::List(l, d) => (Reader::at(&[], 0), d, l.iter()),
        };
        core::iter::from_fn(move || match list.next() {
            Some(v) => Some(*v),
            None => {
                let letter = r.take_u8()?;
                FieldValue::read(letter, &mut r, dialect)
            }
        })
    }

    /// `true` when it has no values.
    pub fn is_empty(&self) -> bool {
        match self.repr {
            Repr::Raw(b, _) => b.is_empty(),
            Repr::List(l, _) => l.is_empty(),
        }
    }

    fn body_len(&self) -> usize {
        match self.repr {
            Repr::Raw(b, _) => b.len(),
            Repr::List(l, _) => l.iter().map(|v| 1 + v.value_len()).sum(),
        }
    }

    pub(crate) fn encoded_len(&self) -> usize {
        4 + self.body_len()
    }

    pub(crate) fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(&(self.body_len() as u32).to_be_bytes());
        match self.repr {
            Repr::Raw(b, _) => out.put(b),
            Repr::List(l, d) => l.iter().for_each(|v| v.write_to(d, out)),
        }
    }

    fn check(&self, depth: u8) -> Result<(), EncodeError> {
        if depth > Context::DEFAULT_MAX_DEPTH {
            return Err(EncodeError::Inconsistent("field tables nested too deep"));
        }
        check_u32_len("field array", self.body_len())?;
        match self.repr {
            Repr::List(l, d) => l.iter().try_for_each(|v| v.check(d, depth)),
            Repr::Raw(..) => Ok(()),
        }
    }
}

impl PartialEq for FieldTable<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for FieldTable<'_> {}

impl PartialEq for FieldArray<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for FieldArray<'_> {}

impl fmt::Debug for FieldTable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl fmt::Debug for FieldArray<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn cx() -> Context {
        Context::new()
    }

    /// A table `levels` deep (the outer table is level 1): each level's container is
    /// the only value of the one above, under key `n` in tables; `array` makes every
    /// level below the first an array.
    fn nested(levels: usize, array: bool) -> Vec<u8> {
        let mut inner: Vec<u8> = Vec::new();
        for level in (2..=levels).rev() {
            let mut v = Vec::new();
            // The container at `level` sits in the one at `level - 1`.
            if level == 2 || !array {
                v.extend_from_slice(&[1, b'n']);
            }
            v.push(if array { b'A' } else { b'F' });
            v.extend_from_slice(&(inner.len() as u32).to_be_bytes());
            v.extend_from_slice(&inner);
            inner = v;
        }
        let mut out = (inner.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(&inner);
        out
    }

    #[test]
    fn nesting_is_limited_without_recursion() {
        // 64 levels pass, 65 do not, and 2000 (amq-protocol's stack overflow) is an
        // error found without recursing.
        assert!(FieldTable::decode_with(&nested(64, false), &cx()).is_ok());
        assert!(matches!(
            FieldTable::decode_with(&nested(65, false), &cx()),
            Err(Error::TooDeep { max: 64, .. })
        ));
        assert!(matches!(
            FieldTable::decode_with(&nested(2000, false), &cx()),
            Err(Error::TooDeep { .. })
        ));
        assert!(FieldTable::decode_with(&nested(65, false), &cx().max_depth(65)).is_ok());
        // Arrays count as levels too.
        assert!(FieldTable::decode_with(&nested(64, true), &cx()).is_ok());
        assert!(matches!(
            FieldTable::decode_with(&nested(2000, true), &cx()),
            Err(Error::TooDeep { .. })
        ));
    }

    #[test]
    fn letters_by_dialect() {
        // {k: s 0x0005}: RabbitMQ reads a signed 16-bit integer.
        let b = [0, 0, 0, 5, 1, b'k', b's', 0, 5];
        let (t, _) = FieldTable::decode_with(&b, &cx()).unwrap();
        assert_eq!(t.get("k"), Some(FieldValue::I16(5)));
        // The spec reads a short string of length 0, then a key running past the end.
        assert!(FieldTable::decode_with(&b, &cx().dialect(Dialect::Spec)).is_err());
        // {k: s "hi"} by the spec.
        let b = [0, 0, 0, 6, 1, b'k', b's', 2, b'h', b'i'];
        let (t, _) = FieldTable::decode_with(&b, &cx().dialect(Dialect::Spec)).unwrap();
        assert!(matches!(t.get("k"), Some(FieldValue::ShortStr(s)) if s == "hi"));
        // 'x' is RabbitMQ's only; 'U' the spec's only.
        let x = [0, 0, 0, 7, 1, b'k', b'x', 0, 0, 0, 0];
        assert!(FieldTable::decode_with(&x, &cx()).is_ok());
        assert!(matches!(
            FieldTable::decode_with(&x, &cx().dialect(Dialect::Spec)),
            Err(Error::UnknownFieldType { letter: b'x', .. })
        ));
        let u = [0, 0, 0, 5, 1, b'k', b'U', 0x80, 0];
        assert!(FieldTable::decode_with(&u, &cx()).is_err());
        let (t, _) = FieldTable::decode_with(&u, &cx().dialect(Dialect::Spec)).unwrap();
        assert_eq!(t.get("k"), Some(FieldValue::I16(-32768)));
    }

    #[test]
    fn spec_field_names() {
        assert!(spec_name(b"x_message_ttl") && spec_name(b"$a") && spec_name(b"#1"));
        assert!(!spec_name(b"") && !spec_name(b"x-message-ttl") && !spec_name(b"1a"));
        assert!(spec_name(&[b'k'; 128]) && !spec_name(&[b'k'; 129]));
    }

    #[test]
    fn every_value_type_round_trips_in_its_dialects() {
        let nested_entries = [(ShortStr::new("in").unwrap(), FieldValue::Bool(true))];
        let arr = [FieldValue::I32(-1), FieldValue::Void];
        let common = [
            FieldValue::Bool(false),
            FieldValue::I8(-128),
            FieldValue::U8(255),
            FieldValue::I16(-2),
            FieldValue::U16(65535),
            FieldValue::I32(i32::MIN),
            FieldValue::U32(u32::MAX),
            FieldValue::I64(i64::MIN),
            FieldValue::F32(-0.0),
            FieldValue::F64(f64::MIN_POSITIVE),
            FieldValue::Decimal {
                scale: 2,
                value: -1,
            },
            FieldValue::LongStr(LongStr::new(b"\xff\xfe")),
            FieldValue::Array(FieldArray::new(&arr)),
            FieldValue::Timestamp(1_700_000_000),
            FieldValue::Table(FieldTable::new(&nested_entries)),
            FieldValue::Void,
        ];
        for (dialect, extra) in [
            (Dialect::RabbitMq, FieldValue::Bytes(b"\x00\x01")),
            (Dialect::Spec, FieldValue::U64(u64::MAX)),
        ] {
            let keys: Vec<std::string::String> =
                (0..=common.len()).map(|i| std::format!("k{i}")).collect();
            let entries: Vec<(ShortStr<'_>, FieldValue<'_>)> = common
                .iter()
                .chain([&extra])
                .zip(&keys)
                .map(|(v, k)| (ShortStr::new(k).unwrap(), *v))
                .collect();
            let t = FieldTable::new_in(&entries, dialect);
            let mut buf = [0u8; 512];
            let n = t.encode(&mut buf).unwrap();
            assert_eq!(n, t.encoded_len());
            let (back, used) = FieldTable::decode_with(&buf[..n], &cx().dialect(dialect)).unwrap();
            assert_eq!(used, n);
            assert_eq!(back, t, "{dialect:?}");
        }
        // What a dialect cannot write is refused.
        let e = [(ShortStr::new("k").unwrap(), FieldValue::U64(1))];
        assert!(FieldTable::new(&e).encode(&mut [0u8; 64]).is_err());
    }
}
