//! Response heads (RFC 9112 §4): version, status code, reason phrase, fields.

use core::fmt;

use super::chars::eol;
use super::head::{self, ResponseDecoder};
use super::header::ByteStr;
use super::{BodyFraming, Config, Error, Header, Headers, Method, Version, chars, framing, scan};
use crate::error::EncodeError;
use crate::packet::{Packet, Sink};
use crate::wire::Reader;

/// A status code, 100-599 (RFC 9110 §15). Unregistered codes in that range are valid:
/// their class (first digit) gives their meaning.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Status(u16);

macro_rules! statuses {
    ($($name:ident = $code:literal, $clause:literal;)*) => {
        impl Status {
            $(
                #[doc = concat!("`", stringify!($code), "` (", $clause, ").")]
                pub const $name: Status = Status($code);
            )*
        }
    };
}

statuses! {
    CONTINUE = 100, "RFC 9110 §15.2.1";
    SWITCHING_PROTOCOLS = 101, "RFC 9110 §15.2.2";
    OK = 200, "RFC 9110 §15.3.1";
    CREATED = 201, "RFC 9110 §15.3.2";
    ACCEPTED = 202, "RFC 9110 §15.3.3";
    NO_CONTENT = 204, "RFC 9110 §15.3.5";
    PARTIAL_CONTENT = 206, "RFC 9110 §15.3.7";
    MOVED_PERMANENTLY = 301, "RFC 9110 §15.4.2";
    FOUND = 302, "RFC 9110 §15.4.3";
    SEE_OTHER = 303, "RFC 9110 §15.4.4";
    NOT_MODIFIED = 304, "RFC 9110 §15.4.5";
    TEMPORARY_REDIRECT = 307, "RFC 9110 §15.4.8";
    PERMANENT_REDIRECT = 308, "RFC 9110 §15.4.9";
    BAD_REQUEST = 400, "RFC 9110 §15.5.1";
    UNAUTHORIZED = 401, "RFC 9110 §15.5.2";
    FORBIDDEN = 403, "RFC 9110 §15.5.4";
    NOT_FOUND = 404, "RFC 9110 §15.5.5";
    METHOD_NOT_ALLOWED = 405, "RFC 9110 §15.5.6";
    LENGTH_REQUIRED = 411, "RFC 9110 §15.5.12";
    CONTENT_TOO_LARGE = 413, "RFC 9110 §15.5.14";
    URI_TOO_LONG = 414, "RFC 9110 §15.5.15";
    REQUEST_HEADER_FIELDS_TOO_LARGE = 431, "RFC 6585 §5";
    INTERNAL_SERVER_ERROR = 500, "RFC 9110 §15.6.1";
    NOT_IMPLEMENTED = 501, "RFC 9110 §15.6.2";
    BAD_GATEWAY = 502, "RFC 9110 §15.6.3";
    SERVICE_UNAVAILABLE = 503, "RFC 9110 §15.6.4";
    HTTP_VERSION_NOT_SUPPORTED = 505, "RFC 9110 §15.6.6";
}

impl Status {
    /// A status code.
    ///
    /// # Errors
    ///
    /// [`EncodeError::OutOfRange`] outside 100-599.
    pub const fn new(code: u16) -> Result<Self, EncodeError> {
        if code < 100 || code > 599 {
            return Err(EncodeError::OutOfRange {
                field: "status code",
                value: code as u64,
            });
        }
        Ok(Self(code))
    }

    /// The code.
    pub const fn code(self) -> u16 {
        self.0
    }

    /// `true` for 1xx, which has no body; after any but 101 another response follows.
    pub const fn is_informational(self) -> bool {
        self.0 < 200
    }

    /// `true` for 2xx.
    pub const fn is_success(self) -> bool {
        self.0 >= 200 && self.0 < 300
    }

    fn digits(self) -> [u8; 3] {
        let c = self.0;
        [
            b'0' + (c / 100 % 10) as u8,
            b'0' + (c / 10 % 10) as u8,
            b'0' + (c % 10) as u8,
        ]
    }
}

impl fmt::Debug for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A reason phrase: HTAB, SP, VCHAR and obs-text (RFC 9112 §4), possibly empty. Clients
/// should ignore it; it is kept so the head re-encodes as it came.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reason<'a>(&'a [u8]);

impl<'a> Reason<'a> {
    /// No reason phrase.
    pub const EMPTY: Reason<'static> = Reason(b"");

    /// A reason phrase.
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidByte`] for a CTL other than HTAB.
    pub fn new(s: &'a [u8]) -> Result<Self, EncodeError> {
        match s.iter().position(|&b| !chars::value_char(b)) {
            Some(at) => Err(EncodeError::InvalidByte {
                field: "reason phrase",
                at,
            }),
            None => Ok(Self(s)),
        }
    }

    /// The bytes.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
}

impl fmt::Debug for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&ByteStr(self.0), f)
    }
}

/// Where the parts of a status line are, once it has been validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StatusLine {
    version: Version,
    status: Status,
    reason: (usize, usize),
}

impl StatusLine {
    /// Validates the status line at the front of `buf` and returns it with the offset
    /// just past its line ending.
    pub(crate) fn parse(buf: &[u8], cfg: &Config) -> Result<(Self, usize), Error> {
        match Self::parse_line(buf, cfg) {
            Err(Error::Incomplete(_)) if buf.len() > cfg.max_line_len => Err(Error::LineTooLong {
                max: cfg.max_line_len,
                at: 0,
            }),
            Ok((_, end)) if end > cfg.max_line_len => Err(Error::LineTooLong {
                max: cfg.max_line_len,
                at: 0,
            }),
            r => r,
        }
    }

    fn parse_line(buf: &[u8], cfg: &Config) -> Result<(Self, usize), Error> {
        let version = Version::parse(buf, 0)?;
        let mut r = Reader::at(buf, Version::LEN);
        match r.take_u8() {
            None => return Err(Error::INCOMPLETE),
            Some(b' ') => {}
            Some(_) => return Err(Error::InvalidStatusLine { at: Version::LEN }),
        }
        // status-code = 3DIGIT
        let mut r = Reader::at(buf, cfg.skip_spaces(buf, r.pos()));
        let s0 = r.pos();
        let digits = r.take_while(|b| b.is_ascii_digit());
        let code = match (digits, r.peek()) {
            (d, None) if d.len() <= 3 => return Err(Error::INCOMPLETE),
            ([a, b, c], Some(_)) => [a, b, c]
                .iter()
                .fold(0u16, |n, &&d| n * 10 + u16::from(d - b'0')),
            (d, _) => {
                return Err(Error::InvalidStatusLine {
                    at: s0 + d.len().min(3),
                });
            }
        };
        let status = Status::new(code).map_err(|_| Error::StatusOutOfRange { code, at: s0 })?;
        let r0 = match r.peek() {
            None => return Err(Error::INCOMPLETE),
            Some(b' ') => cfg.skip_spaces(buf, r.pos() + 1),
            Some(b'\r' | b'\n') if cfg.missing_reason_space => r.pos(),
            Some(_) => return Err(Error::InvalidStatusLine { at: r.pos() }),
        };
        // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
        let r1 = r0 + scan::value_end(buf.get(r0..).unwrap_or_default());
        let end = eol(buf, r1, cfg.bare_lf)?.ok_or(Error::InvalidReason { at: r1 })?;
        Ok((
            Self {
                version,
                status,
                reason: (r0, r1),
            },
            end,
        ))
    }

    pub(crate) fn parts<'a>(&self, buf: &'a [u8]) -> (Version, Status, Reason<'a>) {
        let (a, b) = self.reason;
        (
            self.version,
            self.status,
            Reason(buf.get(a..b).unwrap_or_default()),
        )
    }
}

/// A response head (RFC 9112 §4): status line and header fields, up to the empty line.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Response<'a> {
    version: Version,
    status: Status,
    reason: Reason<'a>,
    headers: Headers<'a>,
}

impl<'a> Response<'a> {
    /// A response head to encode.
    ///
    /// # Errors
    ///
    /// [`EncodeError::Inconsistent`] when the fields frame the body in a way RFC 9112 §6
    /// forbids a sender to (a Content-Length that is not one number, an invalid
    /// Transfer-Encoding, both fields at once, Transfer-Encoding in HTTP/1.0, either in
    /// a 1xx or 204 response); [`EncodeError::Empty`] for a [`Header::EMPTY`]
    /// placeholder.
    pub fn new(
        version: Version,
        status: Status,
        reason: Reason<'a>,
        headers: &'a [Header<'a>],
    ) -> Result<Self, EncodeError> {
        let line_len = Version::LEN + 5 + reason.0.len() + 2;
        let headers = Headers::checked(headers)?.at_offset(line_len);
        framing::check_encodable(&headers, version, Some(status))?;
        Ok(Self {
            version,
            status,
            reason,
            headers,
        })
    }

    pub(crate) const fn from_parts(
        line: (Version, Status, Reason<'a>),
        headers: Headers<'a>,
    ) -> Self {
        Self {
            version: line.0,
            status: line.1,
            reason: line.2,
            headers,
        }
    }

    /// The HTTP version.
    pub const fn version(&self) -> Version {
        self.version
    }

    /// The status code.
    pub const fn status(&self) -> Status {
        self.status
    }

    /// The reason phrase.
    pub const fn reason(&self) -> Reason<'a> {
        self.reason
    }

    /// The header fields.
    pub const fn headers(&self) -> &Headers<'a> {
        &self.headers
    }

    /// Whether the connection persists after this message (RFC 9112 §9.3): not when
    /// Connection lists `close`; yes in HTTP/1.1; in HTTP/1.0 only with `keep-alive`.
    /// A body framed [`BodyFraming::UntilClose`] ends the connection regardless.
    pub fn keep_alive(&self) -> bool {
        self.headers.keep_alive(self.version)
    }

    /// How the body that follows this head is delimited (RFC 9112 §6.3), given the
    /// method of the request it answers.
    ///
    /// # Errors
    ///
    /// When the framing is invalid: an invalid or conflicting Content-Length,
    /// Transfer-Encoding in HTTP/1.0. Offsets count from the start of the head.
    ///
    /// ```
    /// use iotwire::Packet;
    /// use iotwire::http::{BodyFraming, Method, Response};
    ///
    /// let (resp, _) = Response::decode(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n").unwrap();
    /// assert_eq!(resp.body_framing(&Method::GET), Ok(BodyFraming::Length(9)));
    /// assert_eq!(resp.body_framing(&Method::HEAD), Ok(BodyFraming::None));
    /// ```
    pub fn body_framing(&self, request_method: &Method<'_>) -> Result<BodyFraming, Error> {
        self.body_framing_with(request_method, &Config::new())
    }

    /// [`Response::body_framing`] with the framing leniencies of `cfg`.
    ///
    /// # Errors
    ///
    /// As [`Response::body_framing`].
    pub fn body_framing_with(
        &self,
        request_method: &Method<'_>,
        cfg: &Config,
    ) -> Result<BodyFraming, Error> {
        framing::response(
            &self.headers,
            self.version,
            self.status,
            request_method,
            cfg,
        )
    }
}

impl<'h> Response<'h> {
    /// Decodes a head in one pass that also copies its fields into `storage`; see
    /// [`Request::decode_into`](super::Request::decode_into).
    ///
    /// # Errors
    ///
    /// As [`Packet::decode_with`], and [`Error::TooManyHeaders`] when `storage` is too
    /// short.
    pub fn decode_into<'a: 'h>(
        buf: &'a [u8],
        cx: &Config,
        storage: &'h mut [Header<'a>],
    ) -> Result<(Self, usize), Error> {
        let (line, headers, end) = head::decode_into(buf, cx, StatusLine::parse, storage)?;
        Ok((Self::from_parts(line.parts(buf), headers), end))
    }
}

impl<'a> Packet<'a> for Response<'a> {
    type Error = Error;
    type Context = Config;

    fn decode_with(buf: &'a [u8], cx: &Config) -> Result<(Self, usize), Error> {
        ResponseDecoder::new(*cx).decode(buf)
    }

    fn encoded_len(&self) -> usize {
        Version::LEN + 5 + self.reason.0.len() + 2 + self.headers.encoded_len() + 2
    }

    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(&self.version.bytes());
        out.put_u8(b' ');
        out.put(&self.status.digits());
        out.put_u8(b' ');
        out.put(self.reason.0);
        out.put(b"\r\n");
        self.headers.write_to(out);
        out.put(b"\r\n");
    }
}

impl fmt::Debug for Response<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("version", &self.version)
            .field("status", &self.status)
            .field("reason", &self.reason)
            .field("headers", &self.headers)
            .finish()
    }
}
