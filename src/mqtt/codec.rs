//! MQTT's data representations (MQTT 5.0 §1.5, 3.1.1 §1.5): two-byte integers,
//! Variable Byte Integers, UTF-8 strings, binary data, topic names and filters, and the
//! cursor that reads them from a packet whose length is known.

use core::fmt;
use core::num::NonZeroU16;

use super::{Context, Error};
use crate::error::EncodeError;
use crate::packet::Sink;
use crate::wire::{Cursor, CursorContext, ascii_without, find_any, text_without_nul};

/// A Variable Byte Integer (MQTT 5.0 §1.5.5): 0 to 268,435,455 in one to four bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct VarInt(u32);

impl VarInt {
    /// The largest value, 268,435,455 (four bytes `FF FF FF 7F`).
    pub const MAX: Self = Self(268_435_455);

    /// The value.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// Bytes of its (shortest) encoding, 1 to 4.
    pub const fn size(self) -> usize {
        match self.0 {
            0..=127 => 1,
            128..=16_383 => 2,
            16_384..=2_097_151 => 3,
            _ => 4,
        }
    }

    /// `n` as a Variable Byte Integer, when it fits.
    pub const fn new(n: u32) -> Option<Self> {
        if n <= Self::MAX.0 {
            Some(Self(n))
        } else {
            None
        }
    }

    pub(crate) fn write_to<S: Sink + ?Sized>(self, out: &mut S) {
        let mut n = self.0;
        loop {
            let byte = (n % 128) as u8;
            n /= 128;
            if n == 0 {
                out.put_u8(byte);
                return;
            }
            out.put_u8(byte | 0x80);
        }
    }
}

impl TryFrom<u32> for VarInt {
    type Error = EncodeError;

    fn try_from(n: u32) -> Result<Self, EncodeError> {
        Self::new(n).ok_or(EncodeError::OutOfRange {
            field: "variable byte integer",
            value: u64::from(n),
        })
    }
}

/// What a Variable Byte Integer at the front of some bytes is: its value and length,
/// or that the bytes end inside it (`Ok(None)`).
///
/// # Errors
///
/// [`Error::MalformedVarInt`] for a fifth byte, or with `minimal` for an encoding
/// longer than needed ([MQTT-1.5.5-1]).
pub(crate) fn varint(s: &[u8], at: usize, minimal: bool) -> Result<Option<(VarInt, usize)>, Error> {
    let mut value: u32 = 0;
    for i in 0..4 {
        let Some(&b) = s.get(i) else {
            return Ok(None);
        };
        value |= u32::from(b & 0x7F) << (7 * i);
        if b & 0x80 == 0 {
            let v = VarInt(value);
            // A zero last byte after the first means a shorter encoding existed.
            if minimal && i > 0 && b == 0 {
                return Err(Error::MalformedVarInt { at });
            }
            return Ok(Some((v, i + 1)));
        }
    }
    Err(Error::MalformedVarInt { at })
}

/// A quality of service level (MQTT 5.0 §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum QoS {
    /// At most once (0).
    #[default]
    AtMostOnce = 0,
    /// At least once (1).
    AtLeastOnce = 1,
    /// Exactly once (2).
    ExactlyOnce = 2,
}

impl TryFrom<u8> for QoS {
    type Error = u8;

    /// The QoS of the two bits `q`, or `q` when it is 3 or more.
    fn try_from(q: u8) -> Result<Self, u8> {
        match q {
            0 => Ok(Self::AtMostOnce),
            1 => Ok(Self::AtLeastOnce),
            2 => Ok(Self::ExactlyOnce),
            q => Err(q),
        }
    }
}

/// A Packet Identifier: never 0 ([MQTT-2.2.1-3]).
pub type PacketId = NonZeroU16;

/// A UTF-8 Encoded String (MQTT 5.0 §1.5.4, 3.1.1 §1.5.3): well-formed UTF-8 of at most
/// 65,535 bytes, without U+0000.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Str<'a>(&'a str);

impl<'a> Str<'a> {
    /// The longest string, in bytes.
    pub const MAX_LEN: usize = 65_535;

    /// A string to encode.
    ///
    /// # Errors
    ///
    /// [`EncodeError::TooLong`] over 65,535 bytes; [`EncodeError::InvalidByte`] for
    /// U+0000 ([MQTT-1.5.4-2]).
    pub fn new(s: &'a str) -> Result<Self, EncodeError> {
        if s.len() > Self::MAX_LEN {
            return Err(EncodeError::TooLong {
                field: "UTF-8 string",
                len: s.len(),
                max: Self::MAX_LEN,
            });
        }
        if let Some(at) = s.bytes().position(|b| b == 0) {
            return Err(EncodeError::InvalidByte {
                field: "UTF-8 string",
                at,
            });
        }
        Ok(Self(s))
    }

    /// The text.
    pub const fn as_str(&self) -> &'a str {
        self.0
    }

    /// A string that decoding validated.
    pub(crate) const fn from_valid(s: &'a str) -> Self {
        Self(s)
    }

    /// Bytes of its encoding: two-byte length, then the text.
    pub(crate) const fn encoded_len(&self) -> usize {
        2 + self.0.len()
    }

    pub(crate) fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        write_binary(self.0.as_bytes(), out);
    }
}

impl fmt::Debug for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl PartialEq<str> for Str<'_> {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Str<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Binary Data (MQTT 5.0 §1.5.6): at most 65,535 bytes.
///
/// # Errors
///
/// [`EncodeError::TooLong`] over 65,535 bytes.
pub(crate) fn check_binary(field: &'static str, b: &[u8]) -> Result<(), EncodeError> {
    match b.len() {
        n if n > Str::MAX_LEN => Err(EncodeError::TooLong {
            field,
            len: n,
            max: Str::MAX_LEN,
        }),
        _ => Ok(()),
    }
}

pub(crate) fn write_binary<S: Sink + ?Sized>(b: &[u8], out: &mut S) {
    out.put(&(b.len().min(usize::from(u16::MAX)) as u16).to_be_bytes());
    out.put(b);
}

/// Checks a Topic Name: no wildcard ([MQTT-3.3.2-2]); the offset of one.
pub(crate) fn topic_name_error(t: &str) -> Option<usize> {
    find_any(t.as_bytes(), [b'+', b'#'])
}

/// Checks a Topic Filter ([MQTT-4.7.1-2], [MQTT-4.7.1-3], [MQTT-4.7.3-1]; with
/// `shared`, MQTT 5.0 §4.8.2): `Err` with the offset of the offending byte.
pub(crate) fn topic_filter_error(f: &str, shared: bool) -> Option<usize> {
    if f.is_empty() {
        return Some(0);
    }
    if shared && let Some(rest) = f.strip_prefix("$share/") {
        // $share/{ShareName}/{filter}: a non-empty name without '/', '+' or '#'.
        let name_len = rest.find('/').unwrap_or(rest.len());
        let name = rest.get(..name_len).unwrap_or_default();
        if name.is_empty() || rest.len() == name_len {
            return Some(7 + name_len);
        }
        if let Some(i) = name.bytes().position(|b| b == b'+' || b == b'#') {
            return Some(7 + i);
        }
        let filter = rest.get(name_len + 1..).unwrap_or_default();
        let base = 7 + name_len + 1;
        return topic_filter_error(filter, false).map(|i| base + i);
    }
    let mut start = 0;
    let levels = f.split('/');
    let n = f.split('/').count();
    for (i, level) in levels.enumerate() {
        match level {
            "#" if i + 1 != n => return Some(start),
            "#" | "+" => {}
            _ => {
                if let Some(j) = level.bytes().position(|b| b == b'+' || b == b'#') {
                    return Some(start + j);
                }
            }
        }
        start += level.len() + 1;
    }
    None
}

/// A cursor over one packet whose length the fixed header gave: running out of bytes
/// means the packet is malformed ([`Error::Truncated`]), not incomplete.
pub(crate) type In<'a> = Cursor<'a, Context>;

impl CursorContext for Context {
    type Error = Error;
}

/// The fields of MQTT's own format.
impl<'a> In<'a> {
    pub(crate) fn packet_id(&mut self) -> Result<PacketId, Error> {
        let at = self.at();
        PacketId::new(self.u16()?).ok_or(Error::ZeroPacketId { at })
    }

    pub(crate) fn varint(&mut self) -> Result<VarInt, Error> {
        let at = self.at();
        match varint(self.r.rest(), at, self.cx.version.is_v5())? {
            Some((v, n)) => {
                let _ = self.r.take(n);
                Ok(v)
            }
            None => Err(Error::Truncated { at }),
        }
    }

    /// Two-byte length, then that many bytes (Binary Data, MQTT 5.0 §1.5.6).
    pub(crate) fn binary(&mut self) -> Result<&'a [u8], Error> {
        self.prefixed::<2>()
    }

    /// A UTF-8 Encoded String (MQTT 5.0 §1.5.4).
    #[inline]
    pub(crate) fn str(&mut self) -> Result<Str<'a>, Error> {
        // The common case straight off the slice: whole, ASCII, no NUL.
        if let Some((len, tail)) = self.r.rest().split_first_chunk::<2>()
            && let Some(b) = tail.get(..usize::from(u16::from_be_bytes(*len)))
            && !self.cx.strict_strings
            && let Some(s) = ascii_without(b, [0])
        {
            let _ = self.r.take(2 + b.len());
            return Ok(Str(s));
        }
        let at = self.at() + 2;
        let b = self.binary()?;
        self.text(b, at)
    }

    /// The string `b` found at `at`, checked byte by byte: the error names the first
    /// byte at fault.
    #[cold]
    fn text(&self, b: &'a [u8], at: usize) -> Result<Str<'a>, Error> {
        let s = text_without_nul(b).map_err(|(i, nul)| match nul {
            true => Error::NullCharacter { at: at + i },
            false => Error::InvalidUtf8 { at: at + i },
        })?;
        if self.cx.strict_strings
            && let Some((i, _)) = s.char_indices().find(|&(_, c)| disallowed(c))
        {
            return Err(Error::DisallowedCharacter { at: at + i });
        }
        Ok(Str(s))
    }

    /// A Topic Name: a string without wildcards; empty only when `empty_ok`.
    pub(crate) fn topic_name(&mut self, empty_ok: bool) -> Result<Str<'a>, Error> {
        // The common case in one pass: non-empty ASCII without NUL or wildcards.
        let start = self.r;
        let b = self.binary()?;
        if !self.cx.strict_strings
            && !b.is_empty()
            && let Some(t) = ascii_without(b, [0, b'+', b'#'])
        {
            return Ok(Str(t));
        }
        self.r = start;
        let at = self.at() + 2;
        let t = self.str()?;
        if t.0.is_empty() && !empty_ok {
            return Err(Error::InvalidTopicName { at: at - 2 });
        }
        match topic_name_error(t.0) {
            Some(i) => Err(Error::InvalidTopicName { at: at + i }),
            None => Ok(t),
        }
    }

    /// A Topic Filter (shared subscriptions in 5.0).
    pub(crate) fn topic_filter(&mut self) -> Result<Str<'a>, Error> {
        let at = self.at() + 2;
        let f = self.str()?;
        match topic_filter_error(f.0, self.cx.version.is_v5()) {
            Some(i) => Err(Error::InvalidTopicFilter { at: at + i }),
            None => Ok(f),
        }
    }
}

/// The code points MQTT 5.0 §1.5.4 lets a receiver refuse: controls and non-characters.
fn disallowed(c: char) -> bool {
    let n = u32::from(c);
    matches!(n, 0x01..=0x1F | 0x7F..=0x9F | 0xFDD0..=0xFDEF) || n & 0xFFFE == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_boundaries_of_table_2_4() {
        // MQTT 3.1.1 §2.2.3 Table 2.4 / 5.0 §1.5.5.
        for (n, bytes) in [
            (0u32, &[0x00u8][..]),
            (127, &[0x7F]),
            (128, &[0x80, 0x01]),
            (16_383, &[0xFF, 0x7F]),
            (16_384, &[0x80, 0x80, 0x01]),
            (2_097_151, &[0xFF, 0xFF, 0x7F]),
            (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
            (268_435_455, &[0xFF, 0xFF, 0xFF, 0x7F]),
        ] {
            let v = VarInt::new(n).unwrap();
            assert_eq!(v.size(), bytes.len());
            assert_eq!(varint(bytes, 0, true), Ok(Some((v, bytes.len()))));
            let mut out = [0u8; 4];
            let mut w = crate::wire::SliceWriter::new(&mut out);
            v.write_to(&mut w);
            let n = w.written();
            assert_eq!(&out[..n], bytes);
        }
        assert_eq!(VarInt::new(268_435_456), None);
    }

    #[test]
    fn rejects_a_fifth_varint_byte_and_non_minimal_forms_in_v5() {
        assert_eq!(
            varint(&[0xFF, 0xFF, 0xFF, 0xFF, 0x01], 3, false),
            Err(Error::MalformedVarInt { at: 3 })
        );
        // [MQTT-1.5.5-1]: the minimum number of bytes.
        assert_eq!(
            varint(&[0x80, 0x00], 0, true),
            Err(Error::MalformedVarInt { at: 0 })
        );
        assert_eq!(varint(&[0x80, 0x00], 0, false), Ok(Some((VarInt(0), 2))));
        assert_eq!(varint(&[0x80, 0x80], 0, true), Ok(None));
    }

    #[test]
    fn topic_filters_follow_4_7_1() {
        for ok in [
            "#",
            "+",
            "a/#",
            "a/+/b",
            "+/+",
            "/",
            "a//b",
            "sport/tennis/+",
        ] {
            assert_eq!(topic_filter_error(ok, false), None, "{ok}");
        }
        for (bad, at) in [
            ("", 0),
            ("a/#/b", 2),
            ("a+", 1),
            ("#a", 0),
            ("a/b#", 3),
            ("+a/b", 0),
        ] {
            assert_eq!(topic_filter_error(bad, false), Some(at), "{bad}");
        }
        // MQTT 5.0 §4.8.2 shared subscriptions.
        assert_eq!(topic_filter_error("$share/g/a/+", true), None);
        assert_eq!(topic_filter_error("$share//a", true), Some(7));
        assert_eq!(topic_filter_error("$share/g", true), Some(8));
        assert_eq!(topic_filter_error("$share/g+/a", true), Some(8));
        assert_eq!(topic_filter_error("$share/g/a#", true), Some(10));
        assert_eq!(topic_name_error("a/+/b"), Some(2));
    }

    #[test]
    fn disallowed_code_points() {
        for c in [
            '\u{1}',
            '\u{1F}',
            '\u{7F}',
            '\u{9F}',
            '\u{FDD0}',
            '\u{FFFE}',
            '\u{1FFFF}',
        ] {
            assert!(disallowed(c), "{c:?}");
        }
        for c in ['a', ' ', '\u{A0}', '\u{FFFD}', '\u{10000}'] {
            assert!(!disallowed(c), "{c:?}");
        }
    }
}
