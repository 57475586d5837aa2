//! The hot loops: finding the end of a field value or of a request-target.
//!
//! Both test a whole 16-byte block for "anything special here?" with a branch-free loop
//! that the compiler turns into SIMD compares (SSE2 is part of the x86_64 baseline; NEON
//! on aarch64), then fall back to one byte at a time only inside a block that has a
//! special byte. Safe code only; `benches/http.rs` measures it against `httparse`.

use super::chars;

const BLOCK: usize = 16;

use crate::wire::eq_bytes;

const LO7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const HI: u64 = 0x8080_8080_8080_8080;

/// Offset of the first byte of `s` for which `special` holds, or `s.len()`.
///
/// Whole 16-byte blocks are tested with a branch-free loop the compiler turns into SIMD
/// compares and one move-mask (SSE2 is in the x86_64 baseline); `first` finds the byte
/// inside the block that has one.
#[inline(always)]
fn find(
    s: &[u8],
    special: impl Fn(u8) -> bool + Copy,
    first: impl Fn(&[u8; BLOCK]) -> usize,
) -> usize {
    let mut off = 0;
    let mut rest = s;
    while let Some((block, tail)) = rest.split_first_chunk::<BLOCK>() {
        let mut any = false;
        for &b in block {
            any |= special(b);
        }
        if any {
            return off + first(block);
        }
        off += BLOCK;
        rest = tail;
    }
    off + rest.iter().position(|&b| special(b)).unwrap_or(rest.len())
}

/// The first byte of a block whose 8-byte halves give SWAR masks `m`.
#[inline(always)]
fn first_in_halves(block: &[u8; BLOCK], m: impl Fn(u64) -> u64) -> usize {
    let (lo, hi) = block.split_at(8);
    let half = |h: &[u8]| m(u64::from_le_bytes(h.try_into().unwrap_or([0; 8])));
    match half(lo) {
        0 => 8 + (half(hi).trailing_zeros() / 8) as usize,
        x => (x.trailing_zeros() / 8) as usize,
    }
}

#[inline(always)]
fn value_special(b: u8) -> bool {
    (b < 0x20 && b != b'\t') | (b == 0x7F)
}

/// SWAR [`value_special`]: high bit of each byte that is a CTL but HTAB, or DEL.
#[inline(always)]
fn value_special8(x: u64) -> u64 {
    // (b & 0x7F) + 0x60 carries into bit 7 iff b & 0x7F >= 0x20; with b's own bit 7
    // (obs-text) that is "b >= 0x20 or b >= 0x80".
    let printable = ((x & LO7) + 0x6060_6060_6060_6060) | x;
    (!printable & HI & !eq_bytes(x, b'\t')) | eq_bytes(x, 0x7F)
}

/// Offset of the first byte of `s` that is not `field-vchar / SP / HTAB` (RFC 9110
/// §5.5), or `s.len()`. On a well-formed line that byte is the CR or LF ending it.
#[inline]
pub(crate) fn value_end(s: &[u8]) -> usize {
    find(s, value_special, |block| {
        first_in_halves(block, value_special8)
    })
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
    find(s, special, |block| {
        block
            .iter()
            .position(|&b| !chars::target_char(b) || b == b'%')
            .unwrap_or(BLOCK)
    })
}

/// Offset of the first `:` in `s`, or `s.len()`. For already-validated field lines,
/// where it ends the name.
#[inline]
pub(crate) fn colon(s: &[u8]) -> usize {
    find(
        s,
        |b| b == b':',
        |block| first_in_halves(block, |x| eq_bytes(x, b':')),
    )
}

/// Offset of the first LF in `s`, or `s.len()`. For already-validated field sections,
/// whose only CTLs are HTAB, CR and LF.
#[inline]
pub(crate) fn lf(s: &[u8]) -> usize {
    find(
        s,
        |b| b == b'\n',
        |block| first_in_halves(block, |x| eq_bytes(x, b'\n')),
    )
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
    }

    #[test]
    fn swar_masks_are_exact_per_byte() {
        for b in 0u8..=255 {
            for i in 0..8 {
                let mut w = [b'a'; 8];
                w[i] = b;
                let x = u64::from_le_bytes(w);
                let want = if value_special(b) {
                    0x80u64 << (8 * i)
                } else {
                    0
                };
                assert_eq!(value_special8(x), want, "byte {b:#04x} at {i}");
                let want = if b == b'\n' { 0x80u64 << (8 * i) } else { 0 };
                assert_eq!(eq_bytes(x, b'\n'), want, "byte {b:#04x} at {i}");
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
