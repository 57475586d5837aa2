//! Bounds-checked cursors over byte slices, shared by every protocol module.
//!
//! Nothing here indexes raw: every read goes through `split_first_chunk` /
//! `split_at_checked`, so a short buffer is an `Option::None`, never a panic.

use crate::packet::Sink;

/// A forward-only cursor over an input buffer that remembers how far it has read, so
/// errors can name the offset of the byte at fault.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

// Each protocol uses the methods its format needs; with one protocol feature alone,
// some are unused.
#[allow(dead_code)]
impl<'a> Reader<'a> {
    /// A cursor at offset `pos` of `buf` (`pos` is clamped to the end).
    pub(crate) const fn at(buf: &'a [u8], pos: usize) -> Self {
        let pos = if pos > buf.len() { buf.len() } else { pos };
        Self { buf, pos }
    }

    /// Offset of the next unread byte from the start of the buffer.
    pub(crate) const fn pos(&self) -> usize {
        self.pos
    }

    /// The bytes not read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    /// The next byte, not consumed.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.rest().first().copied()
    }

    /// Consumes `n` bytes.
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, _) = self.rest().split_at_checked(n)?;
        self.pos += n;
        Some(head)
    }

    /// Consumes a big-endian `u16`.
    pub(crate) fn take_u16(&mut self) -> Option<u16> {
        self.take_array::<2>().map(|b| u16::from_be_bytes(*b))
    }

    /// Consumes a big-endian `u32`.
    pub(crate) fn take_u32(&mut self) -> Option<u32> {
        self.take_array::<4>().map(|b| u32::from_be_bytes(*b))
    }

    /// `true` when every byte has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.rest().is_empty()
    }

    /// Consumes `N` bytes as an array.
    pub(crate) fn take_array<const N: usize>(&mut self) -> Option<&'a [u8; N]> {
        let (head, _) = self.rest().split_first_chunk::<N>()?;
        self.pos += N;
        Some(head)
    }

    /// Consumes one byte.
    pub(crate) fn take_u8(&mut self) -> Option<u8> {
        self.take_array::<1>().map(|[b]| *b)
    }

    /// Consumes the longest run of bytes that satisfy `pred` (possibly empty).
    pub(crate) fn take_while(&mut self, pred: impl Fn(u8) -> bool) -> &'a [u8] {
        let rest = self.rest();
        let n = rest.iter().position(|&b| !pred(b)).unwrap_or(rest.len());
        self.pos += n;
        rest.get(..n).unwrap_or_default()
    }
}

/// `b` as text when it is well-formed UTF-8 without U+0000 (what MQTT's strings must
/// be), or the offset of the first byte that breaks that and whether it is a NUL.
///
/// One branch-free pass finds whether any byte is NUL and whether all are ASCII, which
/// settles the common case; only non-ASCII text goes to `from_utf8`.
#[inline]
pub(crate) fn text_without_nul(b: &[u8]) -> Result<&str, (usize, bool)> {
    let (mut high, mut nul) = (0u8, false);
    for &c in b {
        high |= c;
        nul |= c == 0;
    }
    if nul {
        let at = b.iter().position(|&c| c == 0).unwrap_or(0);
        // A NUL after an invalid sequence: report what comes first.
        return match core::str::from_utf8(b.get(..at).unwrap_or_default()) {
            Ok(_) => Err((at, true)),
            Err(e) => Err((e.valid_up_to(), false)),
        };
    }
    match high < 0x80 {
        true => ascii(b).ok_or((0, false)),
        false => core::str::from_utf8(b).map_err(|e| (e.valid_up_to(), false)),
    }
}

/// `b` as text when it is ASCII.
///
/// The crate's one `unsafe` block. `core::str::from_utf8` pays a fixed cost per call
/// that dominates on the short strings protocols are made of (header names, topics,
/// MQTT property strings); `is_ascii` is a word-at-a-time test. Measured: 26% off
/// `http::Request::decode_into`, and a third of the instructions of an MQTT 5.0
/// PUBLISH decode (benches/http.rs, benches/mqtt.rs).
#[inline]
#[allow(unsafe_code)]
pub(crate) fn ascii(b: &[u8]) -> Option<&str> {
    if !b.is_ascii() {
        return None;
    }
    // SAFETY: `b` is ASCII (checked just above), and every sequence of ASCII bytes is
    // valid UTF-8.
    Some(unsafe { core::str::from_utf8_unchecked(b) })
}

/// `b` as text when it is well-formed UTF-8 (the ASCII case fast), or the offset of
/// the first byte that is not.
#[inline]
pub(crate) fn utf8(b: &[u8]) -> Result<&str, usize> {
    match ascii(b) {
        Some(s) => Ok(s),
        None => core::str::from_utf8(b).map_err(|e| e.valid_up_to()),
    }
}

const LO7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const HI: u64 = 0x8080_8080_8080_8080;

/// Each byte's high bit set where that byte of `x` equals `b`, exactly per byte (no
/// borrow crosses bytes): the SWAR building block of the byte searches.
#[inline(always)]
pub(crate) const fn eq_bytes(x: u64, b: u8) -> u64 {
    let t = x ^ (b as u64 * 0x0101_0101_0101_0101);
    !(((t & LO7) + LO7) | t) & HI
}

/// Offset of the first byte of `s` that is one of `set`, eight bytes at a time.
#[inline]
pub(crate) fn find_any<const N: usize>(s: &[u8], set: [u8; N]) -> Option<usize> {
    let mut off = 0;
    let mut rest = s;
    while let Some((word, tail)) = rest.split_first_chunk::<8>() {
        let x = u64::from_le_bytes(*word);
        let hits = set.iter().fold(0, |m, &b| m | eq_bytes(x, b));
        if hits != 0 {
            return Some(off + (hits.trailing_zeros() / 8) as usize);
        }
        off += 8;
        rest = tail;
    }
    rest.iter().position(|b| set.contains(b)).map(|i| off + i)
}

/// A [`Sink`] over a slice that the caller sized with `encoded_len`.
///
/// Bytes beyond the end are dropped (and counted), never a panic; `Packet::encode`
/// asserts in debug builds that the count matches.
#[derive(Debug)]
pub(crate) struct SliceWriter<'a> {
    buf: &'a mut [u8],
    pos: usize,
}

impl<'a> SliceWriter<'a> {
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Bytes written so far (including any that did not fit).
    pub(crate) const fn written(&self) -> usize {
        self.pos
    }
}

impl Sink for SliceWriter<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.pos.saturating_add(bytes.len());
        if let Some(dst) = self.buf.get_mut(self.pos..end) {
            dst.copy_from_slice(bytes);
        }
        self.pos = end;
    }

    #[inline]
    fn put_u8(&mut self, byte: u8) {
        if let Some(dst) = self.buf.get_mut(self.pos) {
            *dst = byte;
        }
        self.pos += 1;
    }
}

/// Adapts a `bytes::BufMut` into a [`Sink`].
#[cfg(feature = "bytes")]
pub(crate) struct BufMutSink<'b, B: bytes::BufMut + ?Sized>(pub(crate) &'b mut B);

#[cfg(feature = "bytes")]
impl<B: bytes::BufMut + ?Sized> Sink for BufMutSink<'_, B> {
    fn put(&mut self, bytes: &[u8]) {
        self.0.put_slice(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_never_reads_past_the_end() {
        let mut r = Reader::at(b"\x01\x02\x00\x00\x01\x00", 0);
        assert_eq!(r.take_u16(), Some(0x0102));
        assert_eq!(r.take_u32(), Some(0x0100));
        assert!(r.is_empty());
        assert_eq!(r.take_u16(), None);
        let mut r = Reader::at(b"abc", 0);
        assert_eq!(r.take(0), Some(&b""[..]));
        assert_eq!(r.take(4), None);
        assert_eq!(r.take_array::<2>(), Some(b"ab"));
        assert_eq!(r.take_array::<2>(), None);
        assert_eq!(r.pos(), 2);
        assert_eq!(r.take_array::<1>(), Some(b"c"));
        assert_eq!(r.take_u8(), None);
        assert_eq!(r.peek(), None);
        assert_eq!(Reader::at(b"abc", 9).rest(), b"");
    }

    #[test]
    fn reader_take_while_stops_at_first_mismatch() {
        let mut r = Reader::at(b"12ab", 0);
        assert_eq!(r.take_while(|b| b.is_ascii_digit()), b"12");
        assert_eq!(r.take_while(|b| b.is_ascii_digit()), b"");
        assert_eq!(r.pos(), 2);
    }

    #[test]
    fn ascii_and_utf8_never_hand_out_invalid_text() {
        // The crate's one unsafe block: it must never give `&str` for non-UTF-8.
        assert_eq!(ascii(b"Content-Length"), Some("Content-Length"));
        assert_eq!(ascii(b""), Some(""));
        for b in 0u8..=255 {
            let s = [b'a', b, b'z'];
            assert_eq!(ascii(&s).is_some(), b.is_ascii(), "{b:#04x}");
            assert_eq!(
                utf8(&s).is_ok(),
                core::str::from_utf8(&s).is_ok(),
                "{b:#04x}"
            );
        }
        assert_eq!(utf8("café".as_bytes()), Ok("café"));
        assert_eq!(utf8(b"ab\xC0\xAF"), Err(2));
        assert_eq!(utf8(b"\xED\xA0\x80"), Err(0));
    }

    #[test]
    fn find_any_matches_a_bytewise_search_at_every_position() {
        for len in 0..40 {
            for at in 0..len {
                for b in [0u8, b'+', b'#', 0x80, 0xFF] {
                    let mut s = [b'a'; 40];
                    s[at] = b;
                    let want = [0u8, b'+', b'#'].contains(&b).then_some(at);
                    assert_eq!(
                        find_any(&s[..len], [0, b'+', b'#']),
                        want,
                        "{b:#04x} at {at} of {len}"
                    );
                }
            }
        }
        for b in 0u8..=255 {
            for i in 0..8 {
                let mut w = [b'a'; 8];
                w[i] = b;
                let want = if b == 0x0A { 0x80u64 << (8 * i) } else { 0 };
                assert_eq!(eq_bytes(u64::from_le_bytes(w), 0x0A), want);
            }
        }
    }

    #[test]
    fn slice_writer_drops_overflow_without_panicking() {
        let mut buf = [0xA5u8; 3];
        let mut w = SliceWriter::new(&mut buf);
        w.put(b"ab");
        w.put(b"cd");
        w.put_u8(b'e');
        assert_eq!(w.written(), 5);
        assert_eq!(&buf, b"ab\xA5");
    }
}
