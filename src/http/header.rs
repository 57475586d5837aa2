//! Header fields (RFC 9110 §5, RFC 9112 §5): one field, a field section, and the
//! validation of a field section on the wire.

use core::fmt;

use super::chars::{self, check_token, eol, ws};
use super::{Config, Error, scan};
use crate::error::{DecodeError, EncodeError};
use crate::packet::Sink;

/// One header (or trailer) field: a name and a value, both borrowed.
///
/// The name is a token (RFC 9110 §5.1); names compare case-insensitively in
/// [`Headers::get`] but are kept as they came. The value is bytes, not text: RFC 9110
/// §5.5 allows obs-text (0x80-0xFF), which need not be UTF-8; [`Header::value_str`] gives
/// a text view when there is one.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header<'a> {
    name: &'a str,
    value: &'a [u8],
}

impl<'a> Header<'a> {
    /// A placeholder (`"": ""`) to initialise storage for [`Headers::fill`]; it is not a
    /// valid field.
    pub const EMPTY: Header<'static> = Header {
        name: "",
        value: b"",
    };

    /// A field to encode.
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidByte`] when `name` is not a token (RFC 9110 §5.6.2), or
    /// `value` has a CTL other than HTAB (a CR or LF would let a value inject a field:
    /// RFC 9110 §5.5) or starts or ends with whitespace (which decoding trims, so the
    /// field would not round-trip); [`EncodeError::Empty`] when `name` is empty.
    ///
    /// ```
    /// use iotwire::http::Header;
    /// assert!(Header::new("X-Ok", b"fine").is_ok());
    /// assert!(Header::new("X-Evil", b"a\r\nSet-Cookie: b").is_err());
    /// assert!(Header::new("Bad Name", b"x").is_err());
    /// ```
    pub fn new(name: &'a str, value: &'a [u8]) -> Result<Self, EncodeError> {
        check_name(name.as_bytes())?;
        check_value(value)?;
        Ok(Self { name, value })
    }

    /// The name as it came (RFC 9110 §5.1: case-insensitive).
    pub const fn name(&self) -> &'a str {
        self.name
    }

    /// The value with leading and trailing whitespace trimmed (RFC 9112 §5.1).
    pub const fn value(&self) -> &'a [u8] {
        self.value
    }

    /// The value as text, when it is UTF-8.
    pub fn value_str(&self) -> Option<&'a str> {
        core::str::from_utf8(self.value).ok()
    }

    /// `true` when the name equals `name`, ignoring ASCII case.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// `name: value` CRLF, in bytes.
    pub(crate) const fn encoded_len(&self) -> usize {
        self.name.len() + 2 + self.value.len() + 2
    }

    pub(crate) fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(self.name.as_bytes());
        out.put(b": ");
        // A value decoded with the obs-fold leniency keeps its line breaks; RFC 9112
        // §5.2 says to replace them with SP, and encode must not emit a fold.
        let mut v = self.value;
        while let Some(i) = Some(scan::value_end(v)).filter(|&i| i < v.len()) {
            let (clean, rest) = v.split_at(i);
            out.put(clean);
            out.put_u8(b' ');
            v = rest.get(1..).unwrap_or_default();
        }
        out.put(v);
        out.put(b"\r\n");
    }
}

fn check_name(name: &[u8]) -> Result<(), EncodeError> {
    match check_token(name) {
        Ok(()) => Ok(()),
        Err(_) if name.is_empty() => Err(EncodeError::Empty {
            field: "field name",
        }),
        Err(at) => Err(EncodeError::InvalidByte {
            field: "field name",
            at,
        }),
    }
}

fn check_value(value: &[u8]) -> Result<(), EncodeError> {
    let bad = |at| EncodeError::InvalidByte {
        field: "field value",
        at,
    };
    if let Some(at) = value.iter().position(|&b| !chars::value_char(b)) {
        return Err(bad(at));
    }
    if value.first().is_some_and(|&b| ws(b)) {
        return Err(bad(0));
    }
    if value.last().is_some_and(|&b| ws(b)) {
        return Err(bad(value.len() - 1));
    }
    Ok(())
}

impl fmt::Debug for Header<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {:?}", self.name, ByteStr(self.value))
    }
}

/// Shows bytes as a double-quoted string, escaping what is not printable ASCII.
pub(crate) struct ByteStr<'a>(pub(crate) &'a [u8]);

impl fmt::Debug for ByteStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for &b in self.0 {
            match b {
                b'"' => f.write_str("\\\"")?,
                b'\\' => f.write_str("\\\\")?,
                b'\t' => f.write_str("\\t")?,
                b'\r' => f.write_str("\\r")?,
                b'\n' => f.write_str("\\n")?,
                0x20..=0x7E => write!(f, "{}", b as char)?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        f.write_str("\"")
    }
}

/// A field section: the header fields of a head, or the trailer fields of a chunked body.
///
/// A decoded section is the validated bytes themselves, walked lazily by
/// [`Headers::iter`]; a section to encode is a slice of [`Header`]s. Both compare equal
/// when they hold the same fields in the same order. Repeated fields are kept, in order.
#[derive(Clone, Copy)]
pub struct Headers<'a> {
    repr: Repr<'a>,
    /// Offset of the section's first byte in the unit it belongs to (as decoded, or as
    /// encoded for a list), for error offsets.
    offset: usize,
}

#[derive(Clone, Copy)]
enum Repr<'a> {
    /// Validated field lines, each ending in LF. `canonical` when every line is `name:
    /// value` CRLF, as encode writes it; otherwise iterating reads each line again with
    /// the very function and leniencies decoding used (`lines`), skipping the lines
    /// decoding skipped.
    Raw {
        block: &'a [u8],
        count: usize,
        canonical: bool,
        lines: Lines,
    },
    List(&'a [Header<'a>]),
}

impl<'a> Headers<'a> {
    /// No fields.
    pub const EMPTY: Headers<'static> = Headers {
        repr: Repr::List(&[]),
        offset: 0,
    };

    /// A section of fields decoded into storage by `decode_into`, or checked by
    /// [`Headers::checked`].
    pub(crate) const fn new(fields: &'a [Header<'a>]) -> Self {
        Self {
            repr: Repr::List(fields),
            offset: 0,
        }
    }

    /// A section to encode, from fields built with [`Header::new`] or decoded.
    ///
    /// # Errors
    ///
    /// [`EncodeError::Empty`] when a field is the [`Header::EMPTY`] placeholder, which is
    /// not a valid field.
    pub fn checked(fields: &'a [Header<'a>]) -> Result<Self, EncodeError> {
        match fields.iter().any(|h| h.name.is_empty()) {
            true => Err(EncodeError::Empty {
                field: "field name",
            }),
            false => Ok(Self::new(fields)),
        }
    }

    pub(crate) const fn at_offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        match self.repr {
            Repr::Raw {
                count,
                lines: Lines { skipped: false, .. },
                ..
            } => count,
            Repr::Raw { .. } => self.iter().count(),
            Repr::List(l) => l.len(),
        }
    }

    /// `true` when there are no fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The fields in order.
    pub fn iter(&self) -> Iter<'a> {
        Iter {
            inner: match self.repr {
                Repr::Raw {
                    block,
                    canonical,
                    lines,
                    ..
                } => IterRepr::Raw {
                    block,
                    pos: 0,
                    canonical,
                    cfg: lines.config(),
                },
                Repr::List(l) => IterRepr::List { rest: l, pos: 0 },
            },
        }
    }

    /// The value of the first field named `name` (ASCII case-insensitive).
    pub fn get(&self, name: &str) -> Option<&'a [u8]> {
        self.iter().find(|h| h.is(name)).map(|h| h.value)
    }

    /// The values of every field named `name`, in order.
    pub fn get_all<'n>(&self, name: &'n str) -> impl Iterator<Item = &'a [u8]> + use<'a, 'n> {
        self.iter().filter(move |h| h.is(name)).map(|h| h.value)
    }

    /// `true` when a field named `name` lists `token` in its comma-separated value,
    /// ignoring ASCII case (RFC 9110 §5.6.1), as `Connection: keep-alive, Upgrade` lists
    /// `upgrade`.
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        !token.is_empty()
            && self.get_all(name).any(|v| {
                chars::list_elements(v).any(|(_, e)| e.eq_ignore_ascii_case(token.as_bytes()))
            })
    }

    /// Whether the connection stays open after this message (RFC 9112 §9.3): not when
    /// Connection lists `close`; yes in HTTP/1.1 and later; in HTTP/1.0 only when
    /// Connection lists `keep-alive`.
    pub(crate) fn keep_alive(&self, version: super::Version) -> bool {
        if self.has_token("connection", "close") {
            return false;
        }
        version.is_http11_or_later() || self.has_token("connection", "keep-alive")
    }

    /// Copies the fields into `out`, for indexed access, and returns how many there are.
    ///
    /// # Errors
    ///
    /// [`Error::TooManyHeaders`] when `out` is too short; `out` then holds the first
    /// `out.len()` fields.
    pub fn fill(&self, out: &mut [Header<'a>]) -> Result<usize, Error> {
        let mut slots = out.iter_mut();
        let mut n = 0;
        for (at, h) in self.iter_at() {
            let Some(slot) = slots.next() else {
                return Err(Error::TooManyHeaders { max: n, at });
            };
            *slot = h;
            n += 1;
        }
        Ok(n)
    }

    /// The fields with the offset of each value from the start of the unit.
    pub(crate) fn iter_at(&self) -> impl Iterator<Item = (usize, Header<'a>)> + use<'a> {
        let base = self.offset;
        let mut it = self.iter();
        core::iter::from_fn(move || {
            let (at, h) = it.next_at()?;
            Some((base + at, h))
        })
    }

    /// Bytes [`Headers::write_to`] writes.
    pub(crate) fn encoded_len(&self) -> usize {
        match self.repr {
            Repr::Raw {
                block,
                canonical: true,
                ..
            } => block.len(),
            _ => self.iter().map(|h| h.encoded_len()).sum(),
        }
    }

    pub(crate) fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        match self.repr {
            // Already in the form encode writes: copy it.
            Repr::Raw {
                block,
                canonical: true,
                ..
            } => out.put(block),
            Repr::Raw { .. } => self.iter().for_each(|h| h.write_to(out)),
            Repr::List(list) => list.iter().for_each(|h| h.write_to(out)),
        }
    }
}

impl Default for Headers<'_> {
    fn default() -> Self {
        Headers::EMPTY
    }
}

impl PartialEq for Headers<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Headers<'_> {}

impl fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &Headers<'a> {
    type Item = Header<'a>;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The fields of a [`Headers`], in order. Cannot fail: decoding validated them.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    inner: IterRepr<'a>,
}

#[derive(Debug, Clone)]
enum IterRepr<'a> {
    Raw {
        block: &'a [u8],
        pos: usize,
        canonical: bool,
        cfg: Config,
    },
    List {
        rest: &'a [Header<'a>],
        pos: usize,
    },
}

impl<'a> Iter<'a> {
    /// The next field and the offset of its value from the start of the section.
    #[inline(always)]
    fn next_at(&mut self) -> Option<(usize, Header<'a>)> {
        match &mut self.inner {
            IterRepr::List { rest, pos } => {
                let (h, tail) = rest.split_first()?;
                *rest = tail;
                let at = *pos + h.name.len() + 2;
                *pos += h.encoded_len();
                Some((at, *h))
            }
            IterRepr::Raw {
                block,
                pos,
                canonical,
                cfg,
            } => loop {
                let rest = block.get(*pos..).unwrap_or_default();
                if rest.is_empty() {
                    return None;
                }
                let start = *pos;
                if *canonical {
                    // Every line is `name: value` CRLF: the colon ends the name, the
                    // value starts two bytes later and ends at the CR.
                    let colon = scan::colon(rest);
                    let v0 = colon + 2;
                    let cr = v0 + scan::value_end(rest.get(v0..).unwrap_or_default());
                    *pos += cr + 2;
                    let name = chars::ascii_str(rest.get(..colon).unwrap_or_default());
                    let value = rest.get(v0..cr).unwrap_or_default();
                    return Some((start + v0, Header { name, value }));
                }
                // Read the line exactly as decoding did; a line that fails was skipped
                // by decoding (with its continuation lines, which fail too).
                match field_line(block, start, cfg, true) {
                    Ok(line) => {
                        *pos = line.end;
                        let name =
                            chars::ascii_str(block.get(start..line.name_end).unwrap_or_default());
                        let value = block.get(line.value.0..line.value.1).unwrap_or_default();
                        return Some((line.value.0, Header { name, value }));
                    }
                    Err(_) => *pos = start + scan::lf(rest) + 1,
                }
            },
        }
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = Header<'a>;

    #[inline(always)]
    fn next(&mut self) -> Option<Header<'a>> {
        self.next_at().map(|(_, h)| h)
    }
}

impl core::iter::FusedIterator for Iter<'_> {}

/// The leniencies that decide how a decoded field line reads, kept with a decoded
/// section so iterating reads it as decoding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lines {
    bare_lf: bool,
    obs_fold: bool,
    space_before_colon: bool,
    /// Decoding skipped invalid lines.
    skipped: bool,
}

impl Lines {
    fn config(self) -> Config {
        Config::new()
            .allow_bare_lf(self.bare_lf)
            .allow_obs_fold(self.obs_fold)
            .allow_space_before_colon(self.space_before_colon)
    }
}

/// Where the validation of a field section stands, so a partial section can be resumed
/// from its last complete line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Section {
    /// Offset of the first field line (after any skipped whitespace-preceded lines).
    pub(crate) start: usize,
    /// Offset of the next line to validate.
    pub(crate) pos: usize,
    /// Field lines validated so far (skipped ones included).
    pub(crate) count: usize,
    /// Whether an invalid line was skipped.
    pub(crate) skipped: bool,
    /// Whether every line so far is in the form encode writes (`name: value` CRLF).
    pub(crate) canonical: bool,
}

impl Default for Section {
    fn default() -> Self {
        Self::at(0)
    }
}

/// Where one validated field line's parts are.
struct Line {
    name_end: usize,
    /// The value, OWS trimmed.
    value: (usize, usize),
    /// Offset just past the line's LF (past any obs-fold continuation).
    end: usize,
    canonical: bool,
}

/// What decoding does with each valid field line besides validating it.
pub(crate) trait FieldSink<'a> {
    /// A field line starting at `at`; `name` is a validated token, `value` a trimmed
    /// value.
    fn push(&mut self, at: usize, name: &'a [u8], value: &'a [u8]) -> Result<(), Error>;
}

/// Keeps nothing: the lazy form walks the validated section later.
pub(crate) struct Validate;

impl FieldSink<'_> for Validate {
    #[inline(always)]
    fn push(&mut self, _: usize, _: &[u8], _: &[u8]) -> Result<(), Error> {
        Ok(())
    }
}

/// Copies each field into caller storage as it is validated, starting at index `n`.
pub(crate) struct Fill<'s, 'a> {
    pub(crate) out: &'s mut [Header<'a>],
    pub(crate) n: usize,
}

impl<'a> FieldSink<'a> for Fill<'_, 'a> {
    #[inline]
    fn push(&mut self, at: usize, name: &'a [u8], value: &'a [u8]) -> Result<(), Error> {
        let max = self.out.len();
        let slot = self
            .out
            .get_mut(self.n)
            .ok_or(Error::TooManyHeaders { max, at })?;
        *slot = Header {
            name: chars::ascii_str(name),
            value,
        };
        self.n += 1;
        Ok(())
    }
}

impl Section {
    pub(crate) const fn at(pos: usize) -> Self {
        Self {
            start: pos,
            pos,
            count: 0,
            skipped: false,
            canonical: true,
        }
    }

    /// The validated lines as a [`Headers`]; `cfg` is the one they were validated with.
    pub(crate) fn headers<'a>(&self, buf: &'a [u8], cfg: &Config) -> Headers<'a> {
        Headers {
            repr: Repr::Raw {
                block: buf.get(self.start..self.pos).unwrap_or_default(),
                count: self.count,
                canonical: self.canonical && !self.skipped,
                lines: Lines {
                    bare_lf: cfg.bare_lf,
                    obs_fold: cfg.obs_fold,
                    space_before_colon: cfg.space_before_colon,
                    skipped: self.skipped,
                },
            },
            offset: self.start,
        }
    }

    /// Validates field lines from `self.pos` up to and including the empty line that
    /// ends the section, and returns the offset just past it; `sink` sees every valid
    /// field. The section's lines are `buf[self.start..self.pos]` afterwards. On
    /// `Incomplete`, `self` has advanced past every complete line, so calling again with
    /// more bytes resumes there.
    pub(crate) fn parse<'a, S: FieldSink<'a>>(
        &mut self,
        buf: &'a [u8],
        cfg: &Config,
        sink: &mut S,
    ) -> Result<usize, Error> {
        loop {
            let pos = self.pos;
            if pos > cfg.max_head_len {
                return Err(Error::HeadTooLarge {
                    max: cfg.max_head_len,
                });
            }
            let line = match field_line(buf, pos, cfg, false) {
                Ok(line) => line,
                Err(e) => match self.not_a_field(buf, pos, cfg, e)? {
                    Some(end) => return Ok(end),
                    None => continue,
                },
            };
            self.count_line(pos, line.end, cfg)?;
            let name = buf.get(pos..line.name_end).unwrap_or_default();
            let value = buf.get(line.value.0..line.value.1).unwrap_or_default();
            sink.push(pos, name, value)?;
            self.canonical &= line.canonical;
            self.pos = line.end;
        }
    }

    /// The line at `pos` is not a valid field line (`e` says why): the empty line that
    /// ends the section (`Some(end)`), a line a leniency skips (`None`: go on), or the
    /// error to report.
    #[cold]
    fn not_a_field(
        &mut self,
        buf: &[u8],
        pos: usize,
        cfg: &Config,
        e: Error,
    ) -> Result<Option<usize>, Error> {
        if let Some(end) = eol(buf, pos, cfg.bare_lf)? {
            return Ok(Some(end));
        }
        let line = buf.get(pos..).unwrap_or_default();
        match line {
            [b, ..] if ws(*b) => {
                if self.count > 0 && !cfg.obs_fold {
                    return Err(Error::ObsFold { at: pos });
                }
                // With obs-fold allowed, a fold after a valid line was taken with it:
                // this one continues a skipped line, and is skipped with it.
                if self.count == 0 && !cfg.space_before_first_header {
                    return Err(Error::SpaceAfterStartLine { at: pos });
                }
                let end = line_end(buf, pos, cfg)?;
                if self.count == 0 {
                    self.start = end;
                }
                self.canonical = false;
                self.pos = end;
                return Ok(None);
            }
            _ => {}
        }
        if e.is_incomplete() {
            if line.len() > cfg.max_line_len {
                return Err(Error::LineTooLong {
                    max: cfg.max_line_len,
                    at: pos,
                });
            }
            return Err(e);
        }
        if !cfg.ignore_invalid_headers {
            return Err(e);
        }
        let end = line_end(buf, pos, cfg)?;
        self.count_line(pos, end, cfg)?;
        self.skipped = true;
        self.pos = end;
        Ok(None)
    }

    /// Counts the field line from `pos` to `end` against the line length and field
    /// count limits.
    fn count_line(&mut self, pos: usize, end: usize, cfg: &Config) -> Result<(), Error> {
        if end - pos > cfg.max_line_len {
            return Err(Error::LineTooLong {
                max: cfg.max_line_len,
                at: pos,
            });
        }
        self.count += 1;
        if self.count > cfg.max_headers {
            return Err(Error::TooManyHeaders {
                max: cfg.max_headers,
                at: pos,
            });
        }
        Ok(())
    }
}

/// Offset just past the LF that ends the line at `pos`, without looking at its content
/// (for lines RFC 9112 lets a recipient consume unprocessed).
fn line_end(buf: &[u8], pos: usize, cfg: &Config) -> Result<usize, Error> {
    let line = buf.get(pos..).unwrap_or_default();
    let lf = scan::lf(line);
    if lf == line.len() {
        return Err(Error::INCOMPLETE);
    }
    if !cfg.bare_lf && (lf == 0 || line.get(lf - 1) != Some(&b'\r')) {
        return Err(Error::InvalidLineEnding { at: pos + lf });
    }
    Ok(pos + lf + 1)
}

/// Validates one field line at `pos` and says where its parts are, obs-fold
/// continuation lines included when the leniency allows them. Any line that is not a
/// valid field line (the empty line included) is an error here. `complete` says `buf`
/// ends where the section does, so a line ending at its end has no continuation.
#[inline(always)]
fn field_line(buf: &[u8], pos: usize, cfg: &Config, complete: bool) -> Result<Line, Error> {
    let line = buf.get(pos..).unwrap_or_default();
    let n = chars::token_len(line);
    let name_end = pos + n;
    let after_colon = match line.get(n) {
        Some(b':') if n > 0 => name_end + 1,
        None => return Err(Error::INCOMPLETE),
        Some(_) => name_tail(buf, pos, n, cfg)?,
    };
    let mut v0 = after_colon;
    while buf.get(v0).is_some_and(|&b| ws(b)) {
        v0 += 1;
    }
    let mut v = v0;
    loop {
        let e = v + scan::value_end(buf.get(v..).unwrap_or_default());
        let (end, crlf) = match buf.get(e) {
            None => return Err(Error::INCOMPLETE),
            Some(b'\r') => match buf.get(e + 1) {
                None => return Err(Error::INCOMPLETE),
                Some(b'\n') => (e + 2, true),
                Some(_) => return Err(Error::InvalidLineEnding { at: e }),
            },
            Some(b'\n') if cfg.bare_lf => (e + 1, false),
            Some(b'\n') => return Err(Error::InvalidLineEnding { at: e }),
            Some(&byte) => return Err(Error::InvalidFieldValue { byte, at: e }),
        };
        // A fold continues the value: the line is only complete once the next byte is
        // known not to be whitespace.
        if cfg.obs_fold {
            match buf.get(end) {
                None if !complete => return Err(Error::INCOMPLETE),
                Some(&b) if ws(b) => {
                    v = end;
                    continue;
                }
                _ => {}
            }
        }
        let folded = v != v0;
        // Trim OWS, and the line breaks of folds at either end (RFC 9112 §5.2: a fold
        // is whitespace), from the value.
        let (mut v0, mut v1) = (v0, e);
        if folded {
            while v0 < v1
                && buf
                    .get(v0)
                    .is_some_and(|&b| ws(b) || b == b'\r' || b == b'\n')
            {
                v0 += 1;
            }
        }
        while v1 > v0
            && buf
                .get(v1 - 1)
                .is_some_and(|&b| ws(b) || b == b'\r' || b == b'\n')
        {
            v1 -= 1;
        }
        return Ok(Line {
            name_end,
            value: (v0, v1),
            end,
            canonical: crlf
                && !folded
                && v1 == e
                && v0 == after_colon + 1
                && after_colon == name_end + 1
                && buf.get(after_colon) == Some(&b' '),
        });
    }
}

/// The name at `pos` stopped after `n` token bytes at something other than a colon:
/// classify what is wrong, or (with the leniency) step over whitespace before the colon.
/// Returns the offset just past the colon.
///
/// The classification looks at no byte past the one that proves the line malformed, so
/// a prefix of a head is rejected with the very error the whole head gets.
#[cold]
fn name_tail(buf: &[u8], pos: usize, n: usize, cfg: &Config) -> Result<usize, Error> {
    let mut at = pos + n;
    if n > 0 && buf.get(at).is_some_and(|&b| ws(b)) {
        // RFC 9112 §5.1: no whitespace is allowed between the field name and colon.
        if !cfg.space_before_colon {
            return Err(Error::SpaceBeforeColon { at });
        }
        while buf.get(at).is_some_and(|&b| ws(b)) {
            at += 1;
        }
    }
    match buf.get(at) {
        None => Err(Error::INCOMPLETE),
        Some(b':') if n > 0 => Ok(at + 1),
        // The line ends before any colon.
        Some(b'\r' | b'\n') if n > 0 => Err(Error::MissingColon { at }),
        Some(_) => Err(Error::InvalidFieldName { at }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn section<'a>(s: &'a [u8], cfg: &Config) -> Result<(usize, Headers<'a>), Error> {
        let mut sec = Section::at(0);
        let end = sec.parse(s, cfg, &mut Validate)?;
        Ok((end, sec.headers(s, cfg)))
    }

    #[test]
    fn decode_fields_trims_ows_and_keeps_order() {
        // RFC 9112 §5.1: OWS before and after the value is not part of it.
        let s = b"A: 1\r\nB:\t 2 \t\r\na: 3\r\nEmpty:\r\n\r\n";
        let (end, h) = section(s, &Config::new()).unwrap();
        assert_eq!(end, s.len());
        let got: Vec<_> = h.iter().map(|h| (h.name(), h.value())).collect();
        assert_eq!(
            got,
            [("A", &b"1"[..]), ("B", b"2"), ("a", b"3"), ("Empty", b"")]
        );
        assert_eq!(h.len(), 4);
        assert_eq!(h.get("a"), Some(&b"1"[..]));
        assert_eq!(h.get_all("A").collect::<Vec<_>>(), [b"1", b"3"]);
        assert_eq!(h.get("missing"), None);
    }

    #[test]
    fn iter_at_gives_value_offsets() {
        let s = b"A: 1\r\nBb:  22\r\n\r\n";
        let (_, h) = section(s, &Config::new()).unwrap();
        let at: Vec<_> = h.iter_at().map(|(at, h)| (at, h.value())).collect();
        assert_eq!(at, [(3, &b"1"[..]), (11, b"22")]);
        for (at, v) in at {
            assert_eq!(&s[at..at + v.len()], v);
        }
    }

    #[test]
    fn rejects_space_before_colon_unless_allowed() {
        // RFC 9112 §5.1: no whitespace is allowed between the field name and colon.
        let s = b"Host : a\r\n\r\n";
        assert_eq!(
            section(s, &Config::new()).unwrap_err(),
            Error::SpaceBeforeColon { at: 4 }
        );
        let (_, h) = section(s, &Config::new().allow_space_before_colon(true)).unwrap();
        assert_eq!(h.get("host"), Some(&b"a"[..]));
    }

    #[test]
    fn rejects_obs_fold_unless_allowed() {
        // RFC 9112 §5.2.
        let s = b"A: x\r\n y\r\nB: 2\r\n\r\n";
        assert_eq!(
            section(s, &Config::new()).unwrap_err(),
            Error::ObsFold { at: 6 }
        );
        let (_, h) = section(s, &Config::new().allow_obs_fold(true)).unwrap();
        assert_eq!(h.get("a"), Some(&b"x\r\n y"[..]));
        assert_eq!(h.get("b"), Some(&b"2"[..]));
        let mut out = [0u8; 16];
        let mut w = crate::wire::SliceWriter::new(&mut out);
        h.write_to(&mut w);
        assert_eq!(w.written(), h.encoded_len());
        assert_eq!(&out, b"A: x   y\r\nB: 2\r\n");
    }

    #[test]
    fn ignore_invalid_headers_skips_them_in_iteration() {
        let s = b"A: 1\r\nB@d: 2\r\nC: \x013\r\nD: 4\r\n\r\n";
        assert_eq!(
            section(s, &Config::new()).unwrap_err(),
            Error::InvalidFieldName { at: 7 }
        );
        let (_, h) = section(s, &Config::new().ignore_invalid_headers(true)).unwrap();
        let names: Vec<_> = h.iter().map(|h| h.name()).collect();
        assert_eq!(names, ["A", "D"]);
        assert_eq!(h.len(), 2);
    }

    #[test]
    fn classifies_name_errors() {
        let cfg = Config::new();
        assert_eq!(
            section(b"X-Note a\r\n\r\n", &cfg).unwrap_err(),
            Error::SpaceBeforeColon { at: 6 }
        );
        assert_eq!(
            section(b"X-Note\r\n\r\n", &cfg).unwrap_err(),
            Error::MissingColon { at: 6 }
        );
        let lenient = Config::new().allow_space_before_colon(true);
        assert_eq!(
            section(b"X-Note a\r\n\r\n", &lenient).unwrap_err(),
            Error::InvalidFieldName { at: 7 }
        );
        assert_eq!(
            section(b"X-Note \r\n\r\n", &lenient).unwrap_err(),
            Error::MissingColon { at: 7 }
        );
        assert_eq!(
            section(b": x\r\n\r\n", &cfg).unwrap_err(),
            Error::InvalidFieldName { at: 0 }
        );
        // A space inside a name is whitespace where the colon must come.
        assert_eq!(
            section(b"A b: x\r\n\r\n", &cfg).unwrap_err(),
            Error::SpaceBeforeColon { at: 1 }
        );
        assert_eq!(
            section(b"A@b: x\r\n\r\n", &cfg).unwrap_err(),
            Error::InvalidFieldName { at: 1 }
        );
    }

    #[test]
    fn incomplete_until_the_empty_line_and_resumes() {
        let s = b"A: 1\r\nB: 2\r\n\r\n";
        let cfg = Config::new();
        let mut sec = Section::at(0);
        for cut in 0..s.len() {
            assert_eq!(
                sec.parse(&s[..cut], &cfg, &mut Validate),
                Err(Error::INCOMPLETE),
                "cut {cut}"
            );
            // Resumes from the last complete line only.
            assert!(sec.pos <= cut);
        }
        assert_eq!(sec.parse(s, &cfg, &mut Validate), Ok(s.len()));
        assert_eq!(sec.count, 2);
    }

    #[test]
    fn limits_apply() {
        let cfg = Config::new().max_headers(1);
        assert_eq!(
            section(b"A: 1\r\nB: 2\r\n\r\n", &cfg).unwrap_err(),
            Error::TooManyHeaders { max: 1, at: 6 }
        );
        let cfg = Config::new().max_line_len(8);
        assert_eq!(
            section(b"A: 12345\r\n\r\n", &cfg).unwrap_err(),
            Error::LineTooLong { max: 8, at: 0 }
        );
        // A partial line already over the limit is rejected without waiting.
        assert_eq!(
            section(b"A: 123456789", &cfg).unwrap_err(),
            Error::LineTooLong { max: 8, at: 0 }
        );
    }

    #[test]
    fn fill_copies_into_storage() {
        let s = b"A: 1\r\nB: 2\r\n\r\n";
        let (_, h) = section(s, &Config::new()).unwrap();
        let mut store = [Header::EMPTY; 2];
        assert_eq!(h.fill(&mut store), Ok(2));
        assert_eq!(store[1].name(), "B");
        let mut small = [Header::EMPTY; 1];
        assert_eq!(
            h.fill(&mut small),
            Err(Error::TooManyHeaders { max: 1, at: 9 })
        );
    }

    #[test]
    fn header_new_rejects_injection() {
        assert_eq!(
            Header::new("X", b"a\r\nB: c"),
            Err(EncodeError::InvalidByte {
                field: "field value",
                at: 1
            })
        );
        assert!(Header::new("X", b" a").is_err());
        assert!(Header::new("X", b"a\t").is_err());
        assert!(Header::new("", b"a").is_err());
        assert!(Header::new("X:Y", b"a").is_err());
        assert!(Header::new("X", b"caf\xe9 \tok").is_ok());
    }

    #[test]
    fn list_and_raw_compare_equal() {
        let s = b"A: 1\r\nB: 2\r\n\r\n";
        let (_, raw) = section(s, &Config::new()).unwrap();
        let list = [
            Header::new("A", b"1").unwrap(),
            Header::new("B", b"2").unwrap(),
        ];
        assert_eq!(raw, Headers::new(&list));
        assert_eq!(raw.encoded_len(), s.len() - 2);
    }
}
