//! The hot loops: finding the end of a field value or of a request-target.
//!
//! Both test a whole 16-byte block for "anything special here?" with a branch-free loop
//! that the compiler turns into SIMD compares (SSE2 is part of the x86_64 baseline; NEON
//! on aarch64), then fall back to one byte at a time only inside a block that has a
//! special byte. Safe code only; `benches/http.rs` measures it against `httparse`.

use super::chars;

const BLOCK: usize = 16;

/// Offset of the first byte of `s` that is not `field-vchar / SP / HTAB` (RFC 9110
/// §5.5), or `s.len()`. On a well-formed line that byte is the CR or LF ending it.
#[inline]
pub(crate) fn value_end(s: &[u8]) -> usize {
    let mut off = 0;
    let mut rest = s;
    while let Some((block, tail)) = rest.split_first_chunk::<BLOCK>() {
        let mut special = false;
        for &b in block {
            special |= (b < 0x20 && b != b'\t') | (b == 0x7F);
        }
        if special {
            break;
        }
        off += BLOCK;
        rest = tail;
    }
    off + rest
        .iter()
        .position(|&b| !chars::value_char(b))
        .unwrap_or(rest.len())
}

/// Offset of the first byte of `s` that is not a request-target byte (RFC 3986 set, see
/// [`chars::target_char`]) or is `%`, or `s.len()`.
#[inline]
pub(crate) fn target_end(s: &[u8]) -> usize {
    let mut off = 0;
    let mut rest = s;
    while let Some((block, tail)) = rest.split_first_chunk::<BLOCK>() {
        let mut special = false;
        for &b in block {
            // Outside 0x21..=0x7E, or one of the visible bytes RFC 3986 leaves out, or '%'.
            special |= (b.wrapping_sub(0x21) > 0x7E - 0x21)
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
                | (b == b'%');
        }
        if special {
            break;
        }
        off += BLOCK;
        rest = tail;
    }
    off + rest
        .iter()
        .position(|&b| !chars::target_char(b) || b == b'%')
        .unwrap_or(rest.len())
}

/// Offset of the first LF in `s`, or `s.len()`. For already-validated field sections,
/// whose only CTLs are HTAB, CR and LF.
#[inline]
pub(crate) fn lf(s: &[u8]) -> usize {
    let mut off = 0;
    let mut rest = s;
    while let Some((block, tail)) = rest.split_first_chunk::<BLOCK>() {
        let mut found = false;
        for &b in block {
            found |= b == b'\n';
        }
        if found {
            break;
        }
        off += BLOCK;
        rest = tail;
    }
    off + rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len())
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
    fn lf_finds_first_newline() {
        let mut s = [b'x'; 50];
        assert_eq!(lf(&s), 50);
        s[33] = b'\n';
        s[45] = b'\n';
        assert_eq!(lf(&s), 33);
    }
}
