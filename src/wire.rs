//! Bounds-checked cursors over byte slices, shared by every protocol module.
//!
//! Nothing here indexes raw: every read goes through `split_first_chunk` /
//! `split_at_checked`, so a short buffer is an `Option::None`, never a panic.

use crate::error::EncodeError;
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
    #[inline]
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

/// The error of a protocol whose fields sit in a frame of known length (MQTT's
/// packets after the fixed header, AMQP's frame payloads): a field that runs past the
/// end is malformed, not incomplete, and so are bytes left after the last field.
pub(crate) trait FramedError {
    /// A field starting at `at` runs past the end of its frame.
    fn truncated(at: usize) -> Self;
    /// Bytes are left from `at` after the last field.
    fn trailing(at: usize) -> Self;
}

/// What a protocol's decode options are to a [`Cursor`]: they name its error.
pub(crate) trait CursorContext: Copy {
    /// The protocol's error.
    type Error: FramedError;
}

/// A cursor over one frame whose length is known, for a protocol whose decode options
/// are `C`: a [`Reader`] that knows where its buffer sits in the caller's input (so
/// that errors give offsets there) and turns running out of bytes into the protocol's
/// [`FramedError::truncated`]. Each protocol adds the fields of its own format
/// (strings, tables, variable integers) in an `impl` of its own.
#[derive(Debug, Clone)]
#[cfg_attr(not(any(feature = "mqtt", feature = "amqp")), allow(dead_code))]
pub(crate) struct Cursor<'a, C> {
    pub(crate) r: Reader<'a>,
    /// Offset of `r`'s buffer in the caller's input.
    base: usize,
    /// The decode options in force.
    pub(crate) cx: C,
}

// Each protocol uses the methods its format needs; with one protocol feature alone,
// some are unused.
#[allow(dead_code)]
impl<'a, C: CursorContext> Cursor<'a, C> {
    /// A cursor at offset `pos` of `buf`, which starts at offset `base` of the input.
    pub(crate) fn new(buf: &'a [u8], pos: usize, base: usize, cx: C) -> Self {
        Self {
            r: Reader::at(buf, pos),
            base,
            cx,
        }
    }

    /// Offset of the next byte in the caller's input.
    pub(crate) fn at(&self) -> usize {
        self.base + self.r.pos()
    }

    /// Whether every byte was read.
    pub(crate) fn is_empty(&self) -> bool {
        self.r.is_empty()
    }

    /// How many bytes are left.
    pub(crate) fn remaining(&self) -> usize {
        self.r.rest().len()
    }

    fn truncated(&self) -> C::Error {
        C::Error::truncated(self.at())
    }

    /// One byte.
    pub(crate) fn u8(&mut self) -> Result<u8, C::Error> {
        match self.r.take_u8() {
            Some(v) => Ok(v),
            None => Err(self.truncated()),
        }
    }

    /// A big-endian `u16`.
    pub(crate) fn u16(&mut self) -> Result<u16, C::Error> {
        match self.r.take_u16() {
            Some(v) => Ok(v),
            None => Err(self.truncated()),
        }
    }

    /// A big-endian `u32`.
    pub(crate) fn u32(&mut self) -> Result<u32, C::Error> {
        match self.r.take_u32() {
            Some(v) => Ok(v),
            None => Err(self.truncated()),
        }
    }

    /// A big-endian `u64`.
    pub(crate) fn u64(&mut self) -> Result<u64, C::Error> {
        match self.r.take_array::<8>() {
            Some(b) => Ok(u64::from_be_bytes(*b)),
            None => Err(self.truncated()),
        }
    }

    /// The next `n` bytes.
    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8], C::Error> {
        match self.r.take(n) {
            Some(v) => Ok(v),
            None => Err(self.truncated()),
        }
    }

    /// A big-endian length of `N` bytes (1, 2 or 4), then that many bytes: a field
    /// that runs past the end is truncated *at its length*, where it starts.
    #[inline]
    pub(crate) fn prefixed<const N: usize>(&mut self) -> Result<&'a [u8], C::Error> {
        let at = self.at();
        let n = match self.r.take_array::<N>() {
            Some(len) => len.iter().fold(0u64, |n, &b| n << 8 | u64::from(b)),
            None => return Err(self.truncated()),
        };
        // A length past a 16-bit `usize` cannot fit in the buffer either.
        usize::try_from(n)
            .ok()
            .and_then(|n| self.r.take(n))
            .ok_or_else(|| C::Error::truncated(at))
    }

    /// Everything left.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let rest = self.r.rest();
        let _ = self.r.take(rest.len());
        rest
    }

    /// Errors unless every byte was read.
    pub(crate) fn end(&self) -> Result<(), C::Error> {
        match self.is_empty() {
            true => Ok(()),
            false => Err(C::Error::trailing(self.at())),
        }
    }
}

/// `b` as text when it is well-formed UTF-8 without U+0000 (what MQTT's strings must
/// be), or the offset of the first byte that breaks that and whether it is a NUL.
///
/// One word-at-a-time pass settles the common case (ASCII without NUL); only the rest
/// goes to `from_utf8` and a byte search.
#[inline]
#[cfg_attr(not(feature = "mqtt"), allow(dead_code))]
pub(crate) fn text_without_nul(b: &[u8]) -> Result<&str, (usize, bool)> {
    if let Some(s) = ascii_without(b, [0]) {
        return Ok(s);
    }
    let nul = b.iter().position(|&c| c == 0);
    let valid = b.get(..nul.unwrap_or(b.len())).unwrap_or_default();
    match (core::str::from_utf8(valid), nul) {
        // A NUL after an invalid sequence: report what comes first.
        (Err(e), _) => Err((e.valid_up_to(), false)),
        (Ok(_), Some(at)) => Err((at, true)),
        (Ok(s), None) => Ok(s),
    }
}

/// `true` when `b` holds a byte of `set` (or, with `non_ascii`, a byte of 128 or
/// more), eight bytes at a time and without a branch per word.
#[inline(always)]
fn any<const N: usize>(b: &[u8], set: [u8; N], non_ascii: bool) -> bool {
    let high = if non_ascii { HI } else { 0 };
    let bad = |x: u64| set.iter().fold(x & high, |m, &c| m | eq_bytes(x, c));
    // Short inputs in one word: bytes read twice are harmless, as all are tested.
    let word = |lo: u32, hi: u32| u64::from(lo) | u64::from(hi) << 32;
    let x = match (b.first_chunk::<4>(), b.last_chunk::<4>()) {
        (Some(lo), Some(hi)) if b.len() < 8 => {
            word(u32::from_le_bytes(*lo), u32::from_le_bytes(*hi))
        }
        (None, _) => match (b.first(), b.get(b.len() / 2), b.last()) {
            (Some(&f), Some(&m), Some(&l)) => u64::from_le_bytes([f, m, l, f, f, f, f, f]),
            _ => return false,
        },
        _ => {
            let (mut acc, mut rest) = (0, b);
            while let Some((w, tail)) = rest.split_first_chunk::<8>() {
                acc |= bad(u64::from_le_bytes(*w));
                rest = tail;
            }
            // The last eight bytes, overlapping words already seen.
            match b.last_chunk::<8>() {
                Some(w) => return acc | bad(u64::from_le_bytes(*w)) != 0,
                None => return acc != 0,
            }
        }
    };
    bad(x) != 0
}

/// `b` as text when it is ASCII and holds no byte of `set` (with an empty `set`: when
/// it is ASCII).
///
/// The crate's one `unsafe` block. `core::str::from_utf8` pays a fixed cost per call
/// that dominates on the short strings protocols are made of (header names, topics,
/// MQTT property strings); this is a word-at-a-time test that also looks for the bytes
/// a protocol forbids in the same pass. Measured: 26% off
/// `http::Request::decode_into`, and more than half of an MQTT 5.0 PUBLISH decode
/// (benches/http.rs, benches/mqtt.rs).
#[inline]
#[allow(unsafe_code)]
pub(crate) fn ascii_without<const N: usize>(b: &[u8], set: [u8; N]) -> Option<&str> {
    if any(b, set, true) {
        return None;
    }
    // SAFETY: every byte of `b` is ASCII (`any` checked each one's high bit just
    // above), and every sequence of ASCII bytes is valid UTF-8.
    Some(unsafe { core::str::from_utf8_unchecked(b) })
}

/// `b` as text when it is ASCII.
#[inline]
pub(crate) fn ascii(b: &[u8]) -> Option<&str> {
    ascii_without(b, [])
}

/// `b` as text when it is well-formed UTF-8 (the ASCII case fast), or the offset of
/// the first byte that is not.
#[inline]
#[cfg_attr(not(any(feature = "mqtt", feature = "coap")), allow(dead_code))]
pub(crate) fn utf8(b: &[u8]) -> Result<&str, usize> {
    match ascii(b) {
        Some(s) => Ok(s),
        None => core::str::from_utf8(b).map_err(|e| e.valid_up_to()),
    }
}

/// `true` when `b` is UTF-8: ASCII tested a word or two at a time, without a loop for
/// the short values of option-like fields (up to 16 bytes); longer ones by `core`.
#[inline(always)]
#[cfg_attr(not(feature = "coap"), allow(dead_code))]
pub(crate) fn is_utf8(b: &[u8]) -> bool {
    let word = |c: Option<&[u8; 8]>| c.map_or(0, |c| u64::from_le_bytes(*c));
    let half = |c: Option<&[u8; 4]>| c.map_or(0, |c| u64::from(u32::from_le_bytes(*c)));
    let high = match b.len() {
        0 => 0,
        1..4 => {
            let at = |i: usize| b.get(i).map_or(0, |&c| u64::from(c));
            at(0) | at(b.len() / 2) | at(b.len() - 1)
        }
        4..8 => half(b.first_chunk()) | half(b.last_chunk()),
        8..=16 => word(b.first_chunk()) | word(b.last_chunk()),
        _ => return b.is_ascii() || core::str::from_utf8(b).is_ok(),
    };
    high & HI == 0 || core::str::from_utf8(b).is_ok()
}

/// Copies `src` into `dst`, of the same length: up to 32 bytes as two overlapping
/// words (or bytes, for fewer than 4), not by a call to `memcpy`, which costs more
/// than such short copies; more with `copy_from_slice`.
#[inline(always)]
#[cfg_attr(not(feature = "coap"), allow(dead_code))]
pub(crate) fn copy_short(dst: &mut [u8], src: &[u8]) {
    fn two<const N: usize>(dst: &mut [u8], src: &[u8]) {
        if let (Some(d), Some(s)) = (dst.first_chunk_mut::<N>(), src.first_chunk::<N>()) {
            *d = *s;
        }
        if let (Some(d), Some(s)) = (dst.last_chunk_mut::<N>(), src.last_chunk::<N>()) {
            *d = *s;
        }
    }
    match src.len() {
        // First, middle and last byte, not a loop (which becomes a call to `memcpy`).
        1..4 => {
            let mid = src.len() / 2;
            for i in [0, mid, src.len() - 1] {
                if let (Some(d), Some(&s)) = (dst.get_mut(i), src.get(i)) {
                    *d = s;
                }
            }
        }
        0 => {}
        4..8 => two::<4>(dst, src),
        8..16 => two::<8>(dst, src),
        16..=32 => two::<16>(dst, src),
        _ => dst.copy_from_slice(src),
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

/// Offset of the first byte of `s` that is one of `set`: a word-at-a-time test for
/// the common case of none, a byte search otherwise.
#[inline]
#[cfg_attr(not(feature = "mqtt"), allow(dead_code))]
pub(crate) fn find_any<const N: usize>(s: &[u8], set: [u8; N]) -> Option<usize> {
    match any(s, set, false) {
        true => s.iter().position(|b| set.contains(b)),
        false => None,
    }
}

/// Bytes in `Debug` output as a Rust byte string (`b"{\"t\":21.5}\x00"`), which reads
/// better than a list of numbers for the payloads and tokens of protocol units.
#[cfg_attr(
    not(any(feature = "mqtt", feature = "coap", feature = "amqp")),
    allow(dead_code)
)]
pub(crate) struct DebugBytes<'a>(pub(crate) &'a [u8]);

impl core::fmt::Debug for DebugBytes<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        use core::fmt::Write;
        f.write_str("b\"")?;
        for &b in self.0 {
            core::ascii::escape_default(b).try_for_each(|c| f.write_char(char::from(c)))?;
        }
        f.write_char('"')
    }
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

/// Writes exactly `needed` bytes into the front of `out` with `write`, or refuses with
/// [`EncodeError::BufferTooSmall`] having written nothing: what every `encode` into a
/// slice does once its value is checked.
pub(crate) fn write_exact(
    out: &mut [u8],
    needed: usize,
    write: impl FnOnce(&mut SliceWriter<'_>),
) -> Result<usize, EncodeError> {
    let Some(dst) = out.get_mut(..needed) else {
        return Err(EncodeError::BufferTooSmall {
            needed,
            available: out.len(),
        });
    };
    let mut w = SliceWriter::new(dst);
    write(&mut w);
    debug_assert_eq!(
        w.written(),
        needed,
        "the length disagrees with what was written"
    );
    Ok(needed)
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
    fn is_utf8_agrees_with_core() {
        let mut b = [b'a'; 40];
        for len in 0..=40 {
            for at in 0..len {
                for c in [0x7F, 0x80, 0xC3, 0xFF] {
                    b[at] = c;
                    let v = &b[..len];
                    assert_eq!(is_utf8(v), core::str::from_utf8(v).is_ok(), "{v:02x?}");
                    b[at] = b'a';
                }
            }
            // A valid two-byte sequence at each end.
            if len >= 2 {
                let (mut front, mut back) = (b, b);
                front[..2].copy_from_slice("é".as_bytes());
                assert!(is_utf8(&front[..len]));
                back[len - 2..len].copy_from_slice("é".as_bytes());
                assert!(is_utf8(&back[..len]));
            }
        }
    }

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
    fn ascii_without_matches_a_bytewise_check_at_every_length_and_position() {
        // Short inputs are read as one overlapping word, long ones as words plus an
        // overlapping last word: every byte must still be tested exactly.
        let naive = |s: &[u8]| s.iter().all(|&b| b.is_ascii() && b != 0 && b != b'+');
        for len in 0..40 {
            for at in 0..len {
                for b in 0u8..=255 {
                    let mut s = [b'a'; 40];
                    s[at] = b;
                    let s = &s[..len];
                    assert_eq!(
                        ascii_without(s, [0, b'+']).is_some(),
                        naive(s),
                        "{b:#04x} at {at} of {len}"
                    );
                    assert_eq!(ascii(s).is_some(), s.is_ascii());
                }
            }
        }
        assert_eq!(ascii_without(b"", [0]), Some(""));
        assert_eq!(text_without_nul(b"ab\0\xC0"), Err((2, true)));
        assert_eq!(text_without_nul(b"\xC0\0"), Err((0, false)));
        assert_eq!(text_without_nul("caf\u{e9}".as_bytes()), Ok("caf\u{e9}"));
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
