//! The hot loops: finding the end of a field name, a field value or a request-target.
//!
//! Each classifies a whole 16-byte block at once with a branch-free loop that the
//! compiler turns into SIMD compares (SSE2 is part of the x86_64 baseline; NEON on
//! aarch64) and takes the first special byte's offset from the resulting byte mask; only
//! an input shorter than a block goes one byte at a time. Safe code only;
//! `benches/http.rs` measures it against `httparse`.

use super::chars;

const BLOCK: usize = 16;

/// One byte of the mask per byte of `block`: `0xFF` where `special` holds, else `0`, as
/// a little-endian `u128`, so `trailing_zeros() / 8` is the first special byte.
///
/// Written so the compiler keeps it in vector registers: one load, the compares of
/// `special` on all 16 bytes at once, and two moves to general registers (SSE2 is in
/// the x86_64 baseline; NEON on aarch64).
#[inline(always)]
fn mask(block: &[u8; BLOCK], special: impl Fn(u8) -> bool) -> u128 {
    let mut m = [0u8; BLOCK];
    for (m, &b) in m.iter_mut().zip(block) {
        *m = if special(b) { 0xFF } else { 0 };
    }
    u128::from_le_bytes(m)
}

/// Offset of the first byte of `s` for which `special` holds, or `s.len()`.
///
/// Whole 16-byte blocks are tested at once with [`mask`]; the last, partial block is
/// the final 16 bytes of `s` read again, with the bytes already seen masked off; only
/// an `s` shorter than a block goes one byte at a time.
#[inline(always)]
fn find(s: &[u8], special: impl Fn(u8) -> bool + Copy) -> usize {
    let mut off = 0;
    let mut rest = s;
    while let Some((block, tail)) = rest.split_first_chunk::<BLOCK>() {
        let m = mask(block, special);
        if m != 0 {
            return off + (m.trailing_zeros() / 8) as usize;
        }
        off += BLOCK;
        rest = tail;
    }
    if rest.is_empty() {
        return off;
    }
    match s.last_chunk::<BLOCK>() {
        // `rest` is its last `rest.len()` bytes: shift the others out.
        Some(last) => {
            let seen = BLOCK - rest.len();
            let m = mask(last, special) >> (8 * seen);
            match m {
                0 => s.len(),
                m => off + (m.trailing_zeros() / 8) as usize,
            }
        }
        None => off + rest.iter().position(|&b| special(b)).unwrap_or(rest.len()),
    }
}

#[inline(always)]
fn value_special(b: u8) -> bool {
    (b < 0x20 && b != b'\t') | (b == 0x7F)
}

/// Offset of the first byte of `s` that is not `field-vchar / SP / HTAB` (RFC 9110
/// §5.5), or `s.len()`. On a well-formed line that byte is the CR or LF ending it.
#[inline]
pub(crate) fn value_end(s: &[u8]) -> usize {
    find(s, value_special)
}

/// Offset of the first byte of `s` that is not a request-target byte (RFC 3986 set, see
/// [`chars::target_char`]) or is `%`, or `s.len()`.
#[inline]
pub(crate) fn target_end(s: &[u8]) -> usize {
    let special = |b: u8| {
        // Outside 0x21..=0x7E, or one of the visible bytes RFC 3986 leaves out, or '%'.
        (b.wrapping_sub(0x21) > 0x7E - 0x21)
            | (b == b'"')
            | (b == b'<')
            | (b == b'>')
            | (b == b'\\')
            | (b == b'^')
            | (b == b'`')
            | (b == b'{')
            | (b == b'|')
            | (b == b'}')
            | (b == b'#')
            | (b == b'%')
    };
    find(s, special)
}

/// Not one of the `tchar`s field names are mostly made of: ASCII letters, digits, `-`.
#[inline(always)]
fn not_name_char(b: u8) -> bool {
    !(((b | 0x20).wrapping_sub(b'a') < 26) | (b.wrapping_sub(b'0') < 10) | (b == b'-'))
}

/// Offset of the first byte of `s` that is not a `tchar` (RFC 9110 §5.6.2), or
/// `s.len()`: the length of the token at its front.
///
/// Runs of letters, digits and `-` go 16 bytes at a time; each other byte is looked up
/// in the `tchar` table, and the run resumes after it.
#[inline]
pub(crate) fn token_end(s: &[u8]) -> usize {
    let mut i = 0;
    loop {
        i += find(s.get(i..).unwrap_or_default(), not_name_char);
        match s.get(i) {
            Some(&b) if chars::tchar(b) => i += 1,
            _ => return i,
        }
    }
}

/// Classes of each byte of `block`, one bit per class (so several questions share one
/// load and one pass): byte `i` of the result is `class(block[i])`. Select a class
/// with [`ONES`] shifted to its bit; `trailing_zeros() / 8` of a selection is the first
/// byte of that class.
///
/// One function per block, not one per class, because the compiler vectorizes a single
/// pass over a block but may fall back to byte-by-byte code for two.
#[inline(always)]
fn classes(block: &[u8; BLOCK], class: impl Fn(u8) -> u8) -> u128 {
    let mut m = [0u8; BLOCK];
    for (m, &b) in m.iter_mut().zip(block) {
        *m = class(b);
    }
    u128::from_le_bytes(m)
}

/// Bit 0 of every byte: selects class bit 0 of [`classes`]; `ONES << k` selects bit `k`.
const ONES: u128 = u128::from_le_bytes([1; BLOCK]);

/// Offset of the first byte of a selection of [`classes`] (not 0).
#[inline(always)]
fn first(m: u128) -> usize {
    (m.trailing_zeros() / 8) as usize
}

/// The start of a field line: the length `n` of the token at the front of `line`
/// (as [`token_end`]) and, when `line[n]` is `:`, the offset of the first byte after it
/// that is not `field-vchar / SP / HTAB` (as [`value_end`]), or `None` when the caller
/// must look for it.
///
/// Most names are short and plain: one 16-byte block then holds the name, the colon and
/// the start of the value, and both questions are answered from that one load.
#[inline(always)]
pub(crate) fn field_start(line: &[u8]) -> (usize, Option<usize>) {
    if let Some(block) = line.first_chunk::<BLOCK>() {
        let m = classes(block, |b| {
            u8::from(not_name_char(b)) | u8::from(value_special(b)) << 1
        });
        let names = m & ONES;
        if names != 0 {
            let n = first(names);
            if block.get(n) == Some(&b':') {
                // The value's special bytes in this block: those after the colon.
                let after = (ONES << 1) & (u128::MAX << (8 * n + 8 - 1) << 1);
                let e = match m & after {
                    0 => BLOCK + value_end(line.get(BLOCK..).unwrap_or_default()),
                    v => first(v),
                };
                return (n, Some(e));
            }
        }
    }
    (token_end(line), None)
}

/// In a validated canonical field line (`name: value` CRLF): the offsets of its colon
/// and of its CR, which are the first of each.
#[inline(always)]
pub(crate) fn colon_cr(line: &[u8]) -> (usize, usize) {
    if let Some(block) = line.first_chunk::<BLOCK>() {
        let m = classes(block, |b| u8::from(b == b':') | u8::from(b == b'\r') << 1);
        let colon = m & ONES;
        if colon != 0 {
            let cr = match m & (ONES << 1) {
                0 => BLOCK + find(line.get(BLOCK..).unwrap_or_default(), |b| b == b'\r'),
                m => first(m),
            };
            return (first(colon), cr);
        }
    }
    let c = colon(line);
    let v = line.get(c..).unwrap_or_default();
    (c, c + find(v, |b| b == b'\r'))
}

/// Offset of the first `:` in `s`, or `s.len()`. For already-validated field lines,
/// where it ends the name.
#[inline]
pub(crate) fn colon(s: &[u8]) -> usize {
    find(s, |b| b == b':')
}

/// Offset of the first LF in `s`, or `s.len()`. For already-validated field sections,
/// whose only CTLs are HTAB, CR and LF.
#[inline]
pub(crate) fn lf(s: &[u8]) -> usize {
    find(s, |b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow_value_end(s: &[u8]) -> usize {
        s.iter()
            .position(|&b| !chars::value_char(b))
            .unwrap_or(s.len())
    }

    #[test]
    fn value_end_matches_bytewise_scan_at_every_position() {
        let base = [b'a'; 70];
        for bad in [b'\r', b'\n', 0u8, 0x7F, 0x1F] {
            for i in 0..base.len() {
                let mut s = base;
                s[i] = bad;
                assert_eq!(value_end(&s), i);
                assert_eq!(value_end(&s), slow_value_end(&s));
            }
        }
        let mut tabs = base;
        tabs[3] = b'\t';
        tabs[40] = 0xE9;
        assert_eq!(value_end(&tabs), 70);
    }

    #[test]
    fn target_end_stops_at_excluded_bytes() {
        let base = [b'/'; 40];
        for bad in *b"\"<>\\^`{|}# %\x7f\x80\x00" {
            for i in 0..base.len() {
                let mut s = base;
                s[i] = bad;
                assert_eq!(target_end(&s), i, "byte {bad:#04x} at {i}");
            }
        }
        assert_eq!(target_end(b"/a?b=c&d=[::1]"), 14);
        for b in 0u8..=255 {
            let want = usize::from(chars::target_char(b) && b != b'%');
            assert_eq!(target_end(&[b]), want, "byte {b:#04x}");
        }
    }

    #[test]
    fn find_is_exact_for_every_byte_length_and_position() {
        // Lengths around the block size exercise the overlapping last block.
        for len in 0..40 {
            for i in 0..len {
                for b in 0u8..=255 {
                    let mut s = std::vec![b'a'; len];
                    s[i] = b;
                    let want = if chars::value_char(b) { len } else { i };
                    assert_eq!(value_end(&s), want, "byte {b:#04x} at {i} of {len}");
                    let want = if b == b'\n' { i } else { len };
                    assert_eq!(lf(&s), want, "byte {b:#04x} at {i} of {len}");
                }
            }
            assert_eq!(value_end(&std::vec![b'a'; len]), len);
        }
    }

    #[test]
    fn token_end_is_the_first_non_tchar() {
        for b in 0u8..=255 {
            assert!(not_name_char(b) || chars::tchar(b), "byte {b:#04x}");
            for len in [5, 17, 40] {
                for i in 0..len {
                    let mut s = std::vec![b'x'; len];
                    s[i] = b;
                    s[len / 2] = b'_';
                    let want = s.iter().position(|&c| !chars::tchar(c)).unwrap_or(len);
                    assert_eq!(token_end(&s), want, "byte {b:#04x} at {i} of {len}");
                }
            }
        }
    }

    #[test]
    fn field_start_matches_token_end_and_value_end() {
        let lines: [&[u8]; 8] = [
            b"Host: a\r\n",
            b"Host: example.com\r\n\r\n",
            b"Accept-Encoding: gzip, deflate, br\r\n",
            b"A:\x01bcdefghijklmnopqrstu\r\n",
            b"Sec-Fetch-Dest12: x\r\n",
            b"X_Y: 1\r\nB: 2\r\n\r\n",
            b"Abcdefghijklmno:\r\n\r\n\r\n",
            b"Abcdefghijklmn : x\r\n\r\n",
        ];
        for line in lines {
            for cut in 0..=line.len() {
                let l = &line[..cut];
                let (n, e) = field_start(l);
                assert_eq!(n, token_end(l), "{l:?}");
                if let Some(e) = e {
                    assert_eq!(l[n], b':');
                    assert_eq!(e, n + 1 + value_end(&l[n + 1..]), "{l:?}");
                }
                if l.ends_with(b"\r\n") && l[n..].starts_with(b":") {
                    let cr = n + 1 + l[n + 1..].iter().position(|&b| b == b'\r').unwrap();
                    assert_eq!(colon_cr(l), (n, cr), "{l:?}");
                }
            }
        }
    }

    #[test]
    fn lf_finds_first_newline() {
        let mut s = [b'x'; 50];
        assert_eq!(lf(&s), 50);
        s[33] = b'\n';
        s[45] = b'\n';
        assert_eq!(lf(&s), 33);
    }
}
