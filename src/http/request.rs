//! Request heads (RFC 9112 §3): method, request-target, version, fields.

use core::fmt;

use super::chars::{self, check_token, eol};
use super::head::{self, RequestDecoder};
use super::{BodyFraming, Config, Error, Header, Headers, Version, framing, scan};
use crate::error::EncodeError;
use crate::packet::{Packet, Sink};

/// A request method: a token (RFC 9110 §9.1), case-sensitive. The registered methods are
/// constants; any other token is an extension method and is kept as it came.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Method<'a>(&'a str);

impl<'a> Method<'a> {
    /// `GET` (RFC 9110 §9.3.1).
    pub const GET: Method<'static> = Method("GET");
    /// `HEAD` (RFC 9110 §9.3.2).
    pub const HEAD: Method<'static> = Method("HEAD");
    /// `POST` (RFC 9110 §9.3.3).
    pub const POST: Method<'static> = Method("POST");
    /// `PUT` (RFC 9110 §9.3.4).
    pub const PUT: Method<'static> = Method("PUT");
    /// `DELETE` (RFC 9110 §9.3.5).
    pub const DELETE: Method<'static> = Method("DELETE");
    /// `CONNECT` (RFC 9110 §9.3.6).
    pub const CONNECT: Method<'static> = Method("CONNECT");
    /// `OPTIONS` (RFC 9110 §9.3.7).
    pub const OPTIONS: Method<'static> = Method("OPTIONS");
    /// `TRACE` (RFC 9110 §9.3.8).
    pub const TRACE: Method<'static> = Method("TRACE");
    /// `PATCH` (RFC 5789).
    pub const PATCH: Method<'static> = Method("PATCH");

    /// A method to encode.
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidByte`] or [`EncodeError::Empty`] when `s` is not a token.
    pub fn new(s: &'a str) -> Result<Self, EncodeError> {
        match check_token(s.as_bytes()) {
            Ok(()) => Ok(Self(s)),
            Err(_) if s.is_empty() => Err(EncodeError::Empty { field: "method" }),
            Err(at) => Err(EncodeError::InvalidByte {
                field: "method",
                at,
            }),
        }
    }

    /// The method's name.
    pub const fn as_str(&self) -> &'a str {
        self.0
    }
}

impl fmt::Debug for Method<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for Method<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// The four forms of request-target (RFC 9112 §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetForm {
    /// `/path?query`: a request to an origin server (§3.2.1).
    Origin,
    /// `scheme://authority/path?query`: a request to a proxy (§3.2.2).
    Absolute,
    /// `host:port`: CONNECT only (§3.2.3).
    Authority,
    /// `*`: server-wide OPTIONS only (§3.2.4).
    Asterisk,
}

/// A request-target: ASCII bytes of RFC 3986 (no whitespace, no CTL, no `#`, percent
/// signs followed by two hex digits), in one of the four forms.
///
/// `[` and `]` are accepted anywhere in the target, not only around an IP-literal host,
/// as `httparse` and browsers do for query strings such as `a[]=1`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target<'a> {
    s: &'a str,
    form: TargetForm,
    /// Decoded with [`Config::allow_unsafe_target_chars`] and holding such bytes, which
    /// encode percent-encodes so the strict decoder accepts the result.
    escape: bool,
}

impl<'a> Target<'a> {
    /// The asterisk-form target `*`.
    pub const ASTERISK: Target<'static> = Target {
        s: "*",
        form: TargetForm::Asterisk,
        escape: false,
    };

    /// An origin-form (`/…`), absolute-form (`scheme:…`) or asterisk-form (`*`) target.
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidByte`] for a byte RFC 3986 does not allow or a target of no
    /// form; [`EncodeError::Empty`] for an empty target. Use [`Target::authority`] for
    /// CONNECT's `host:port`.
    pub fn new(s: &'a str) -> Result<Self, EncodeError> {
        check_chars(s.as_bytes()).map_err(invalid_target)?;
        let form = classify(s.as_bytes(), false).map_err(|at| match at {
            _ if s.is_empty() => EncodeError::Empty {
                field: "request-target",
            },
            at => invalid_target(at),
        })?;
        Ok(Self {
            s,
            form,
            escape: false,
        })
    }

    /// An authority-form target, `host:port`, for CONNECT.
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidByte`] when `s` is not `host:port`.
    pub fn authority(s: &'a str) -> Result<Self, EncodeError> {
        check_chars(s.as_bytes()).map_err(invalid_target)?;
        check_authority(s.as_bytes()).map_err(invalid_target)?;
        Ok(Self {
            s,
            form: TargetForm::Authority,
            escape: false,
        })
    }

    /// The target as it appears on the request line.
    pub const fn as_str(&self) -> &'a str {
        self.s
    }

    /// Bytes the target encodes to.
    fn encoded_len(&self) -> usize {
        match self.escape {
            false => self.s.len(),
            true => self.s.len() + 2 * self.s.bytes().filter(|&b| is_unsafe(b)).count(),
        }
    }

    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        if !self.escape {
            return out.put(self.s.as_bytes());
        }
        for b in self.s.bytes() {
            match is_unsafe(b) {
                true => out.put(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]]),
                false => out.put_u8(b),
            }
        }
    }

    /// Its form.
    pub const fn form(&self) -> TargetForm {
        self.form
    }

    /// The path of an origin-form target (what precedes `?`).
    pub fn path(&self) -> Option<&'a str> {
        match self.form {
            TargetForm::Origin => Some(self.s.split_once('?').map_or(self.s, |(p, _)| p)),
            _ => None,
        }
    }

    /// The query of an origin-form or absolute-form target (what follows the first
    /// `?`), still percent-encoded.
    pub fn query(&self) -> Option<&'a str> {
        match self.form {
            TargetForm::Origin | TargetForm::Absolute => self.s.split_once('?').map(|(_, q)| q),
            _ => None,
        }
    }
}

/// The visible ASCII bytes RFC 3986 leaves out of a URI but for `#`: what
/// [`Config::allow_unsafe_target_chars`] lets into a target.
const fn is_unsafe(b: u8) -> bool {
    matches!(
        b,
        b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
    )
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn invalid_target(at: usize) -> EncodeError {
    EncodeError::InvalidByte {
        field: "request-target",
        at,
    }
}

impl fmt::Debug for Target<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.s, f)
    }
}

/// Offset of the first byte that is not allowed in a request-target, or of a `%` not
/// followed by two HEXDIG.
fn check_chars(t: &[u8]) -> Result<(), usize> {
    match scan_target(t, 0, false) {
        Ok((end, _)) if end == t.len() => Ok(()),
        Ok((end, _)) => Err(end),
        Err(at) => Err(at.unwrap_or(t.len())),
    }
}

/// Reads request-target bytes of `t` from `i` (RFC 3986 bytes, `%` with two HEXDIG,
/// and with `allow_unsafe` the bytes [`is_unsafe`] names): the offset of the first byte
/// that is none of those (or `t.len()`), and whether an unsafe byte was seen.
/// `Err(Some(at))` for a bad percent-encoding, `Err(None)` when `t` ends inside one.
fn scan_target(t: &[u8], mut i: usize, allow_unsafe: bool) -> Result<(usize, bool), Option<usize>> {
    let mut escape = false;
    loop {
        i += scan::target_end(t.get(i..).unwrap_or_default());
        match t.get(i) {
            Some(b'%') => {
                pct(t, i)?;
                i += 3;
            }
            Some(&b) if allow_unsafe && is_unsafe(b) => {
                escape = true;
                i += 1;
            }
            _ => return Ok((i, escape)),
        }
    }
}

/// Checks the `%` at `i` is followed by two HEXDIG: `Err(Some(at))` for a bad byte,
/// `Err(None)` when the input ends first.
fn pct(t: &[u8], i: usize) -> Result<(), Option<usize>> {
    for k in 1..3 {
        match t.get(i + k) {
            None => return Err(None),
            Some(b) if b.is_ascii_hexdigit() => {}
            Some(_) => return Err(Some(i + k)),
        }
    }
    Ok(())
}

/// The form of a target whose bytes are valid, or the offset of what is wrong.
/// `connect` asks for authority-form.
fn classify(t: &[u8], connect: bool) -> Result<TargetForm, usize> {
    if connect {
        return check_authority(t).map(|()| TargetForm::Authority);
    }
    match t {
        [] => Err(0),
        [b'*'] => Ok(TargetForm::Asterisk),
        [b'/', ..] => Ok(TargetForm::Origin),
        [first, ..] if first.is_ascii_alphabetic() => {
            // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" (RFC 3986 §3.1)
            let n = t
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
                .unwrap_or(t.len());
            match t.get(n) {
                Some(b':') => no_userinfo(t, n).map(|()| TargetForm::Absolute),
                _ => Err(n),
            }
        }
        _ => Err(0),
    }
}

/// An `http` or `https` absolute-form target whose scheme ends at `colon` must not carry
/// userinfo (RFC 9110 §4.2.4: a recipient SHOULD treat it as an error): the offset of
/// its `@` if it does.
fn no_userinfo(t: &[u8], colon: usize) -> Result<(), usize> {
    let scheme = t.get(..colon).unwrap_or_default();
    if !scheme.eq_ignore_ascii_case(b"http") && !scheme.eq_ignore_ascii_case(b"https") {
        return Ok(());
    }
    let Some(authority) = t.get(colon + 1..).and_then(|r| r.strip_prefix(b"//")) else {
        return Ok(());
    };
    let end = authority
        .iter()
        .position(|&b| b == b'/' || b == b'?')
        .unwrap_or(authority.len());
    match authority
        .get(..end)
        .and_then(|a| a.iter().position(|&b| b == b'@'))
    {
        Some(at) => Err(colon + 3 + at),
        None => Ok(()),
    }
}

/// authority-form = uri-host ":" port (RFC 9112 §3.2.3): no userinfo, a port of digits.
fn check_authority(t: &[u8]) -> Result<(), usize> {
    host_port(t, true)
}

/// `uri-host [ ":" port ]` (RFC 3986 §3.2.2, §3.2.3), the port required when `port`:
/// `Err` with the offset of the first bad byte (or of the end, when something is
/// missing).
pub(crate) fn host_port(t: &[u8], port: bool) -> Result<(), usize> {
    let host_len = match t.first() {
        // IP-literal = "[" ( IPv6address / IPvFuture ) "]"
        Some(b'[') => {
            let close = t.iter().position(|&b| b == b']').ok_or(t.len())?;
            let inner = t.get(1..close).unwrap_or_default();
            let ok = |b: &u8| match inner.first() {
                Some(b'v' | b'V') => b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:".contains(b),
                _ => b.is_ascii_hexdigit() || *b == b':' || *b == b'.',
            };
            if inner.is_empty() {
                return Err(1);
            }
            if let Some(at) = inner.iter().position(|b| !ok(b)) {
                return Err(1 + at);
            }
            close + 1
        }
        // reg-name / IPv4address = *( unreserved / pct-encoded / sub-delims )
        _ => {
            let mut i = 0;
            while let Some(&b) = t.get(i) {
                match b {
                    b'%' => {
                        pct(t, i).map_err(|e| e.unwrap_or(t.len()))?;
                        i += 3;
                    }
                    _ if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&b) => i += 1,
                    _ => break,
                }
            }
            i
        }
    };
    match t.get(host_len..).unwrap_or_default() {
        [] if !port => Ok(()),
        [b':', digits @ ..] if !(port && digits.is_empty()) => {
            match digits.iter().position(|b| !b.is_ascii_digit()) {
                Some(at) => Err(host_len + 1 + at),
                None if host_len == 0 && port => Err(0),
                None => Ok(()),
            }
        }
        _ => Err(host_len),
    }
}

/// Where the parts of a request line are, once it has been validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RequestLine {
    method: (usize, usize),
    target: (usize, usize),
    form: TargetForm,
    escape: bool,
    version: Version,
}

impl RequestLine {
    /// Validates the request line at the front of `buf`, after any empty lines (RFC 9112
    /// §2.2), and returns it with the offset just past its line ending.
    pub(crate) fn parse(buf: &[u8], cfg: &Config) -> Result<(Self, usize), Error> {
        // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the
        // request-line; all of them count toward the head size.
        let mut pos = 0;
        while let Some(end) = eol(buf, pos, cfg.bare_lf)? {
            pos = end;
            if pos > cfg.max_head_len {
                return Err(Error::HeadTooLarge {
                    max: cfg.max_head_len,
                });
            }
        }
        let start = pos;
        match Self::parse_line(buf, start, cfg) {
            Err(Error::Incomplete(_)) if buf.len() - start > cfg.max_line_len => {
                Err(Error::LineTooLong {
                    max: cfg.max_line_len,
                    at: start,
                })
            }
            Ok((_, end)) if end - start > cfg.max_line_len => Err(Error::LineTooLong {
                max: cfg.max_line_len,
                at: start,
            }),
            r => r,
        }
    }

    fn parse_line(buf: &[u8], start: usize, cfg: &Config) -> Result<(Self, usize), Error> {
        // method SP
        let rest = buf.get(start..).unwrap_or_default();
        let n = chars::token_len(rest);
        let at = start + n;
        match rest.get(n) {
            None => return Err(Error::INCOMPLETE),
            Some(b' ') if n > 0 => {}
            Some(b' ' | b'\t' | b'\r' | b'\n') if n > 0 => {
                return Err(Error::InvalidRequestLine { at });
            }
            Some(_) => return Err(Error::InvalidMethod { at }),
        }
        let method = (start, at);
        let mut pos = cfg.skip_spaces(buf, at + 1);

        // request-target SP
        let t0 = pos;
        let (t1, escape) = scan_target(buf, t0, cfg.unsafe_target_chars)
            .map_err(|e| e.map_or(Error::INCOMPLETE, |at| Error::InvalidTarget { at }))?;
        match buf.get(t1) {
            None => return Err(Error::INCOMPLETE),
            Some(b' ' | b'\r' | b'\n' | b'\t') => {}
            Some(_) => return Err(Error::InvalidTarget { at: t1 }),
        }
        if t1 == t0 || buf.get(t1) != Some(&b' ') {
            // Empty target (two SP), or the line ends after the target (no version: the
            // HTTP/0.9 form), or HTAB as a separator.
            return Err(Error::InvalidRequestLine { at: t1 });
        }
        pos = cfg.skip_spaces(buf, t1 + 1);

        // HTTP-version CRLF
        let version = Version::parse(buf.get(pos..).unwrap_or_default(), pos)?;
        pos += Version::LEN;
        let end = match eol(buf, pos, cfg.bare_lf)? {
            Some(end) => end,
            None if buf.get(pos).is_some_and(|&b| chars::ws(b)) => {
                return Err(Error::InvalidRequestLine { at: pos });
            }
            None => return Err(Error::InvalidVersion { at: pos }),
        };

        let target = buf.get(t0..t1).unwrap_or_default();
        let connect = buf.get(method.0..method.1) == Some(b"CONNECT".as_slice());
        let form = match classify(target, connect) {
            Ok(form) => form,
            Err(_) if connect => return Err(Error::TargetForm { at: t0 }),
            Err(at) => return Err(Error::InvalidTarget { at: t0 + at }),
        };
        let options = buf.get(method.0..method.1) == Some(b"OPTIONS".as_slice());
        if form == TargetForm::Asterisk && !options {
            return Err(Error::TargetForm { at: t0 });
        }
        Ok((
            Self {
                method,
                target: (t0, t1),
                form,
                escape,
                version,
            },
            end,
        ))
    }

    /// The borrowed parts, from the buffer the line was validated in.
    pub(crate) fn parts<'a>(&self, buf: &'a [u8]) -> (Method<'a>, Target<'a>, Version) {
        let text = |(a, b): (usize, usize)| buf.get(a..b).map(chars::ascii_str).unwrap_or_default();
        (
            Method(text(self.method)),
            Target {
                s: text(self.target),
                form: self.form,
                escape: self.escape,
            },
            self.version,
        )
    }
}

/// A request head (RFC 9112 §3): request line and header fields, up to the empty line.
///
/// Decoding returns it with the offset where the body (if any) starts; see
/// [`Request::body_framing`] for how long that body is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    method: Method<'a>,
    target: Target<'a>,
    version: Version,
    headers: Headers<'a>,
}

impl<'a> Request<'a> {
    /// A request head to encode.
    ///
    /// # Errors
    ///
    /// [`EncodeError::Inconsistent`] when the target's form does not go with the method
    /// (CONNECT needs an authority-form target and only CONNECT may have one; only
    /// OPTIONS may have `*`: RFC 9112 §3.2.3, §3.2.4), or when the fields frame the body
    /// in a way RFC 9112 §6 forbids a sender to (Transfer-Encoding with Content-Length,
    /// chunked not last, a Content-Length that is not one number, Transfer-Encoding in
    /// HTTP/1.0); [`EncodeError::Empty`] for a [`Header::EMPTY`] placeholder.
    pub fn new(
        method: Method<'a>,
        target: Target<'a>,
        version: Version,
        headers: &'a [Header<'a>],
    ) -> Result<Self, EncodeError> {
        let connect = method == Method::CONNECT;
        match target.form {
            TargetForm::Authority if !connect => {
                return Err(EncodeError::Inconsistent(
                    "authority-form target without CONNECT",
                ));
            }
            TargetForm::Asterisk if method != Method::OPTIONS => {
                return Err(EncodeError::Inconsistent(
                    "asterisk-form target without OPTIONS",
                ));
            }
            TargetForm::Origin | TargetForm::Absolute | TargetForm::Asterisk if connect => {
                return Err(EncodeError::Inconsistent(
                    "CONNECT without an authority-form target",
                ));
            }
            _ => {}
        }
        let line_len = method.0.len() + 1 + target.encoded_len() + 1 + Version::LEN + 2;
        let headers = Headers::checked(headers)?.at_offset(line_len);
        framing::check_encodable(&headers, version, None)?;
        Ok(Self {
            method,
            target,
            version,
            headers,
        })
    }

    pub(crate) const fn from_parts(
        line: (Method<'a>, Target<'a>, Version),
        headers: Headers<'a>,
    ) -> Self {
        Self {
            method: line.0,
            target: line.1,
            version: line.2,
            headers,
        }
    }

    /// The method.
    pub const fn method(&self) -> Method<'a> {
        self.method
    }

    /// The request-target.
    pub const fn target(&self) -> Target<'a> {
        self.target
    }

    /// The HTTP version.
    pub const fn version(&self) -> Version {
        self.version
    }

    /// The header fields.
    pub const fn headers(&self) -> &Headers<'a> {
        &self.headers
    }

    /// Whether the connection persists after this message (RFC 9112 §9.3): not when
    /// Connection lists `close`; yes in HTTP/1.1; in HTTP/1.0 only with `keep-alive`.
    /// A request framed with [`Config::allow_transfer_encoding_with_content_length`]
    /// must still close the connection (RFC 9112 §6.1), whatever this says.
    pub fn keep_alive(&self) -> bool {
        self.headers.keep_alive(self.version)
    }

    /// The Host field's value, checked as a server MUST (RFC 9112 §3.2): exactly one
    /// in HTTP/1.1 (`Ok(Some(..))`), at most one in HTTP/1.0 (`Ok(None)` when absent),
    /// and a valid `uri-host [ ":" port ]` (possibly empty). For an absolute-form target,
    /// an origin server uses the target's authority and ignores Host (§3.2.2), but must
    /// still reject a request this method rejects.
    ///
    /// # Errors
    ///
    /// [`Error::MissingHost`] for HTTP/1.1 without Host, [`Error::DuplicateHost`] for
    /// more than one, [`Error::InvalidHost`] for an invalid value; a server answers
    /// each with 400.
    pub fn host(&self) -> Result<Option<&'a [u8]>, Error> {
        let mut hosts = self.headers.iter_at().filter(|(_, h)| h.is("host"));
        let first = hosts.next();
        if let Some((at, _)) = hosts.next() {
            return Err(Error::DuplicateHost { at });
        }
        match first {
            Some((at, h)) => match host_port(h.value(), false) {
                Ok(()) => Ok(Some(h.value())),
                Err(i) => Err(Error::InvalidHost { at: at + i }),
            },
            None if self.version.is_http11_or_later() => Err(Error::MissingHost),
            None => Ok(None),
        }
    }

    /// How the body that follows this head is delimited (RFC 9112 §6.3), in the strict
    /// default configuration.
    ///
    /// # Errors
    ///
    /// When the framing is invalid and the request must not be processed: Transfer-Encoding
    /// together with Content-Length, a final coding other than chunked, an invalid or
    /// conflicting Content-Length, Transfer-Encoding in HTTP/1.0. Offsets count from the
    /// start of the head.
    pub fn body_framing(&self) -> Result<BodyFraming, Error> {
        self.body_framing_with(&Config::new())
    }

    /// [`Request::body_framing`] with the framing leniencies of `cfg`.
    ///
    /// # Errors
    ///
    /// As [`Request::body_framing`].
    pub fn body_framing_with(&self, cfg: &Config) -> Result<BodyFraming, Error> {
        framing::request_framing(&self.headers, self.version, cfg)
    }

    fn line_len(&self) -> usize {
        self.method.0.len() + 1 + self.target.encoded_len() + 1 + Version::LEN + 2
    }
}

impl<'h> Request<'h> {
    /// Decodes a head in one pass that also copies its fields into `storage`, for
    /// indexed access without walking the head again (as `httparse` does).
    ///
    /// The head's fields are then `storage[..head.headers().len()]`. Offsets in
    /// [`Request::body_framing`] errors count as in the head's encoding.
    ///
    /// # Errors
    ///
    /// As [`Packet::decode_with`], and [`Error::TooManyHeaders`] when `storage` is too
    /// short.
    ///
    /// ```
    /// use iotwire::http::{Config, Header, Request};
    ///
    /// let mut storage = [Header::EMPTY; 16];
    /// let (req, _) = Request::decode_into(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", &Config::new(), &mut storage).unwrap();
    /// assert_eq!(req.headers().len(), 1);
    /// assert_eq!(storage[0].name(), "Host");
    /// ```
    pub fn decode_into<'a: 'h>(
        buf: &'a [u8],
        cx: &Config,
        storage: &'h mut [Header<'a>],
    ) -> Result<(Self, usize), Error> {
        let (line, headers, end) = head::decode_into(buf, cx, RequestLine::parse, storage)?;
        Ok((Self::from_parts(line.parts(buf), headers), end))
    }
}

impl<'a> Packet<'a> for Request<'a> {
    type Error = Error;
    type Context = Config;

    fn decode_with(buf: &'a [u8], cx: &Config) -> Result<(Self, usize), Error> {
        RequestDecoder::new(*cx).decode(buf)
    }

    fn encoded_len(&self) -> usize {
        self.line_len() + self.headers.encoded_len() + 2
    }

    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(self.method.0.as_bytes());
        out.put_u8(b' ');
        self.target.write_to(out);
        out.put_u8(b' ');
        out.put(&self.version.bytes());
        out.put(b"\r\n");
        self.headers.write_to(out);
        out.put(b"\r\n");
    }
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("version", &self.version)
            .field("headers", &self.headers)
            .finish()
    }
}
