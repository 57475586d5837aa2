//! Byte classes of RFC 9110 §5.6 and RFC 3986, as lookup tables, and line endings.

use super::Error;

macro_rules! table {
    ($pred:ident) => {{
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = $pred(i as u8);
            i += 1;
        }
        t
    }};
}

/// `tchar` (RFC 9110 §5.6.2): any VCHAR except delimiters.
const fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_'
        | b'`' | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// Bytes that may appear in a request-target (RFC 9112 §3.2, RFC 3986 §2): unreserved,
/// sub-delims, `:` `@` `/` `?`, `%` (checked for two HEXDIG separately) and `[` `]` for
/// an IP-literal host. No whitespace, no CTL, no non-ASCII, no `#`.
const fn is_target_char(b: u8) -> bool {
    matches!(b,
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~'
        | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
        | b':' | b'@' | b'/' | b'?' | b'%' | b'[' | b']')
}

/// `field-vchar / SP / HTAB` (RFC 9110 §5.5): what a field value, a reason phrase and a
/// quoted-string may hold. obs-text (0x80-0xFF) included.
const fn is_value_char(b: u8) -> bool {
    b == b'\t' || (b >= 0x20 && b != 0x7F)
}

static TCHAR: [bool; 256] = table!(is_tchar);
static TARGET: [bool; 256] = table!(is_target_char);
static VALUE: [bool; 256] = table!(is_value_char);

#[inline(always)]
pub(crate) fn tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

#[inline(always)]
pub(crate) fn target_char(b: u8) -> bool {
    TARGET[b as usize]
}

#[inline(always)]
pub(crate) fn value_char(b: u8) -> bool {
    VALUE[b as usize]
}

/// `OWS` / `BWS` / `RWS` members (RFC 9110 §5.6.3).
#[inline(always)]
pub(crate) const fn ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Length of the longest prefix of `s` made of tokens chars.
#[inline]
pub(crate) fn token_len(s: &[u8]) -> usize {
    s.iter().position(|&b| !tchar(b)).unwrap_or(s.len())
}

/// Index of the first byte of `s` that is not a `tchar`, if any; `Err(0)` for empty.
pub(crate) fn check_token(s: &[u8]) -> Result<(), usize> {
    if s.is_empty() {
        return Err(0);
    }
    match token_len(s) {
        n if n == s.len() => Ok(()),
        n => Err(n),
    }
}

/// Whether a line ends at `pos`: `Some(end)` past a CRLF (or, with `bare_lf`, an LF),
/// `None` when another byte is there. A CR not followed by LF (RFC 9112 §2.2), or an LF
/// without the leniency, is malformed; the buffer ending inside a CRLF is incomplete.
pub(crate) fn eol(buf: &[u8], pos: usize, bare_lf: bool) -> Result<Option<usize>, Error> {
    match buf.get(pos..).unwrap_or_default() {
        [b'\r', b'\n', ..] => Ok(Some(pos + 2)),
        [b'\n', ..] if bare_lf => Ok(Some(pos + 1)),
        [] | [b'\r'] => Err(Error::INCOMPLETE),
        [b'\r' | b'\n', ..] => Err(Error::InvalidLineEnding { at: pos }),
        _ => Ok(None),
    }
}

/// `b` as text when it is ASCII, else `""`: for tokens and request-targets, which
/// decoding validated as ASCII.
#[inline]
pub(crate) fn ascii_str(b: &[u8]) -> &str {
    crate::wire::ascii(b).unwrap_or_default()
}

/// Number of OWS bytes at the front of `s`.
pub(crate) fn ows_prefix(s: &[u8]) -> usize {
    s.iter().take_while(|&&b| ws(b)).count()
}

/// Whitespace in a list value: OWS, and the line breaks of an obs-fold that a lenient
/// decode let in (RFC 9112 §5.2: a fold reads as SP).
const fn list_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Number of list whitespace bytes at the front of `s`.
pub(crate) fn space_prefix(s: &[u8]) -> usize {
    s.iter().take_while(|&&b| list_space(b)).count()
}

/// Trims list whitespace (OWS and fold line breaks) from both ends.
pub(crate) fn trim_space(s: &[u8]) -> &[u8] {
    let s = s.get(space_prefix(s)..).unwrap_or_default();
    let end = s.iter().rposition(|&b| !list_space(b)).map_or(0, |i| i + 1);
    s.get(..end).unwrap_or_default()
}

/// The elements of a comma-separated list value (RFC 9110 §5.6.1) with their offsets,
/// whitespace trimmed; commas inside quoted-strings do not split.
pub(crate) fn list_elements(v: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    core::iter::from_fn(move || {
        if pos > v.len() {
            return None;
        }
        let start = pos;
        let mut quoted = false;
        let mut i = start;
        while let Some(&b) = v.get(i) {
            match b {
                b'"' => quoted = !quoted,
                b'\\' if quoted => i += 1,
                b',' if !quoted => break,
                _ => {}
            }
            i += 1;
        }
        let end = i.min(v.len());
        pos = end + 1;
        let element = v.get(start..end).unwrap_or_default();
        let lead = space_prefix(element);
        Some((start + lead, trim_space(element)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn tchar_is_vchar_minus_delimiters() {
        // RFC 9110 §5.6.2: delimiters are DQUOTE and "(),/:;<=>?@[\]{}".
        for b in 0u8..=255 {
            let delimiter = b"\"(),/:;<=>?@[\\]{}".contains(&b);
            let vchar = (0x21..=0x7E).contains(&b);
            assert_eq!(tchar(b), vchar && !delimiter, "byte {b:#04x}");
        }
    }

    #[test]
    fn value_chars_exclude_ctl_but_htab() {
        for b in 0u8..=255 {
            let ok = b == b'\t' || (0x20..=0x7E).contains(&b) || b >= 0x80;
            assert_eq!(value_char(b), ok, "byte {b:#04x}");
        }
    }

    #[test]
    fn target_chars_are_rfc3986() {
        for b in b"<>\"\\^`{|}# \t\r\n\x00\x7f\x80\xff" {
            assert!(!target_char(*b), "byte {b:#04x}");
        }
        for b in b"azAZ09-._~!$&'()*+,;=:@/?%[]" {
            assert!(target_char(*b), "byte {b:#04x}");
        }
    }

    #[test]
    fn ascii_str_is_exact_for_ascii_and_empty_otherwise() {
        // The one unsafe block of the crate: it must never hand out non-UTF-8.
        assert_eq!(ascii_str(b"Content-Length"), "Content-Length");
        assert_eq!(ascii_str(b""), "");
        for b in 0u8..=255 {
            let s = [b'a', b, b'z'];
            match b.is_ascii() {
                true => assert_eq!(ascii_str(&s).as_bytes(), &s),
                false => assert_eq!(ascii_str(&s), ""),
            }
        }
        assert_eq!(ascii_str("café".as_bytes()), "");
    }

    #[test]
    fn trims_space_and_splits_lists() {
        assert_eq!(trim_space(b"\t a b \t"), b"a b");
        assert_eq!(trim_space(b"  "), b"");
        assert_eq!(trim_space(b" \r\n a"), b"a");
        let elements: Vec<_> = list_elements(b"a, \"b,c\" ,, d").collect();
        assert_eq!(
            elements,
            [(0, &b"a"[..]), (3, b"\"b,c\""), (10, b""), (12, b"d")]
        );
        assert_eq!(check_token(b""), Err(0));
        assert_eq!(check_token(b"a b"), Err(1));
        assert_eq!(check_token(b"X-Y"), Ok(()));
    }
}
