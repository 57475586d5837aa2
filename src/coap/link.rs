//! CoRE Link Format (RFC 6690): the payload of `/.well-known/core`, validated once and
//! then walked without copies.
//!
//! ```
//! use iotwire::coap::link;
//!
//! let links = link::parse(br#"</sensors/temp>;rt="temperature-c";if="sensor";obs,</fw>;sz=262144"#)?;
//! let first = links.iter().next().unwrap();
//! assert_eq!(first.target, "/sensors/temp");
//! assert_eq!(first.attr("rt"), Some(Some("temperature-c")));
//! assert_eq!(first.attr("obs"), Some(None));
//! assert_eq!(links.iter().count(), 2);
//! # Ok::<(), iotwire::coap::link::Error>(())
//! ```

/// Why a payload is not RFC 6690 link format: what was expected and the offset of the
/// byte where it was not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The payload is not UTF-8.
    #[error("link format is not UTF-8 at offset {at}")]
    NotUtf8 {
        /// Offset of the first byte that is not.
        at: usize,
    },
    /// A link does not start with `<` (RFC 6690 §2 `link-value`).
    #[error("expected '<' at offset {at}")]
    ExpectedTarget {
        /// Offset.
        at: usize,
    },
    /// A target runs to the end, or holds a byte a URI-Reference cannot.
    #[error("bad link target at offset {at}")]
    BadTarget {
        /// Offset of the byte.
        at: usize,
    },
    /// After a target or parameter, neither `;`, `,` nor the end.
    #[error("expected ';' or ',' at offset {at}")]
    ExpectedSeparator {
        /// Offset.
        at: usize,
    },
    /// A parameter name that is empty or holds a byte `parmname` does not allow.
    #[error("bad parameter name at offset {at}")]
    BadName {
        /// Offset.
        at: usize,
    },
    /// A parameter value that is empty, unterminated, or holds a byte a `ptoken` does
    /// not allow.
    #[error("bad parameter value at offset {at}")]
    BadValue {
        /// Offset.
        at: usize,
    },
}

impl crate::error::DecodeError for Error {
    fn needed(&self) -> Option<crate::error::Needed> {
        None
    }

    fn offset(&self) -> Option<usize> {
        use Error::*;
        match *self {
            NotUtf8 { at }
            | ExpectedTarget { at }
            | BadTarget { at }
            | ExpectedSeparator { at }
            | BadName { at }
            | BadValue { at } => Some(at),
        }
    }
}

/// A validated link-format payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Links<'a>(&'a str);

/// One link: its target and its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Link<'a> {
    /// The URI-Reference between `<` and `>`.
    pub target: &'a str,
    /// The parameters as written, from the first `;` (validated).
    params: &'a str,
}

/// One parameter: a name, and a value unless it is a bare flag (`obs`). A quoted value
/// is given without its quotes, with any `\` escapes as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Attr<'a> {
    /// The name.
    pub name: &'a str,
    /// The value.
    pub value: Option<&'a str>,
}

/// `parmname` (RFC 6690 §2, RFC 5987 `attr-char` without `*`, `'` and `%`).
const fn name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
        )
}

/// `ptokenchar` (RFC 6690 §2).
const fn ptoken_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'/'
                | b':'
                | b'<'
                | b'='
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b']'
                | b'^'
                | b'_'
                | b'`'
                | b'{'
                | b'|'
                | b'}'
                | b'~'
        )
}

/// A byte a URI-Reference may hold (RFC 3986: unreserved, reserved and `%`).
const fn uri_char(b: u8) -> bool {
    b.is_ascii_graphic()
        && !matches!(
            b,
            b'<' | b'>' | b'"' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
        )
}

/// Validates a link-format payload.
///
/// # Errors
///
/// An [`Error`] naming the offset of the first byte that breaks RFC 6690 §2's grammar.
pub fn parse(payload: &[u8]) -> Result<Links<'_>, Error> {
    let s = crate::wire::utf8(payload).map_err(|at| Error::NotUtf8 { at })?;
    let mut pos = 0;
    while pos < s.len() {
        let (_, next) = link_at(s, pos)?;
        pos = match s.as_bytes().get(next) {
            None => next,
            // A comma must be followed by another link.
            Some(b',') if next + 1 < s.len() => next + 1,
            Some(_) => return Err(Error::ExpectedSeparator { at: next }),
        };
    }
    Ok(Links(s))
}

/// The link starting at `pos`, and the offset just after it (a `,` or the end).
fn link_at(s: &str, pos: usize) -> Result<(Link<'_>, usize), Error> {
    let b = s.as_bytes();
    if b.get(pos) != Some(&b'<') {
        return Err(Error::ExpectedTarget { at: pos });
    }
    let start = pos + 1;
    let mut i = start;
    loop {
        match b.get(i) {
            Some(b'>') => break,
            Some(&c) if uri_char(c) => i += 1,
            _ => return Err(Error::BadTarget { at: i }),
        }
    }
    let target = s.get(start..i).unwrap_or_default();
    let params_at = i + 1;
    let mut i = params_at;
    while b.get(i) == Some(&b';') {
        i = param_at(b, i + 1)?.1;
    }
    match b.get(i) {
        None | Some(b',') => {}
        Some(_) => return Err(Error::ExpectedSeparator { at: i }),
    }
    let params = s.get(params_at..i).unwrap_or_default();
    Ok((Link { target, params }, i))
}

/// The parameter starting at `pos` (after its `;`): name and value spans, and the
/// offset after it.
type Param = ((usize, usize), Option<(usize, usize)>);

fn param_at(b: &[u8], pos: usize) -> Result<(Param, usize), Error> {
    let mut i = pos;
    while b.get(i).is_some_and(|&c| name_char(c)) {
        i += 1;
    }
    if i == pos {
        return Err(Error::BadName { at: pos });
    }
    // RFC 6690 §2 (RFC 5987): `name*=charset'lang'value`, an extended value; the
    // name keeps its `*`.
    if b.get(i) == Some(&b'*') && b.get(i + 1) == Some(&b'=') {
        i += 1;
    }
    let name = (pos, i);
    if b.get(i) != Some(&b'=') {
        return Ok(((name, None), i));
    }
    let v = i + 1;
    match b.get(v) {
        Some(b'"') => {
            let mut j = v + 1;
            loop {
                match b.get(j) {
                    Some(b'"') => break,
                    Some(b'\\') if j + 1 < b.len() => j += 2,
                    Some(&c) if (c >= 0x20 || c == b'\t') && c != 0x7F => j += 1,
                    _ => return Err(Error::BadValue { at: j }),
                }
            }
            Ok(((name, Some((v + 1, j))), j + 1))
        }
        _ => {
            let mut j = v;
            while b.get(j).is_some_and(|&c| ptoken_char(c)) {
                j += 1;
            }
            if j == v {
                return Err(Error::BadValue { at: v });
            }
            Ok(((name, Some((v, j))), j))
        }
    }
}

impl<'a> Links<'a> {
    /// The links, in order. Cannot fail: [`parse`] validated them.
    pub fn iter(&self) -> impl Iterator<Item = Link<'a>> + use<'a> {
        let s = self.0;
        let mut pos = 0;
        core::iter::from_fn(move || {
            let (link, next) = link_at(s, pos).ok()?;
            pos = next + 1;
            Some(link)
        })
    }

    /// The payload text.
    pub const fn as_str(&self) -> &'a str {
        self.0
    }
}

impl<'a> Link<'a> {
    /// The parameters, in order.
    pub fn attrs(&self) -> impl Iterator<Item = Attr<'a>> + use<'a> {
        let s = self.params;
        let mut pos = 0;
        core::iter::from_fn(move || {
            if s.as_bytes().get(pos) != Some(&b';') {
                return None;
            }
            let (((n0, n1), value), next) = param_at(s.as_bytes(), pos + 1).ok()?;
            pos = next;
            Some(Attr {
                name: s.get(n0..n1)?,
                value: value.and_then(|(v0, v1)| s.get(v0..v1)),
            })
        })
    }

    /// The first parameter named `name`: `Some(None)` for a bare flag.
    pub fn attr(&self, name: &str) -> Option<Option<&'a str>> {
        self.attrs().find(|a| a.name == name).map(|a| a.value)
    }
}
