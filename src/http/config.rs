//! Limits and leniencies: the decode context of every HTTP unit.

/// Decode limits and leniencies for HTTP/1.1 heads, chunked bodies and body framing.
///
/// The default is strict, as RFC 9112 asks of a recipient, with limits that bound the
/// work done on any input. Each leniency is one of RFC 9112's "MAY accept" (or a
/// tolerance of `httparse`'s `ParserConfig`) and is off by default.
///
/// ```
/// use iotwire::http::{Config, Request};
/// use iotwire::Packet;
///
/// let bare_lf = b"GET / HTTP/1.1\nHost: a\n\n";
/// assert!(Request::decode(bare_lf).is_err());
/// let lenient = Config::new().allow_bare_lf(true);
/// assert!(Request::decode_with(bare_lf, &lenient).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Config {
    pub(crate) max_head_len: usize,
    pub(crate) max_line_len: usize,
    pub(crate) max_headers: usize,
    pub(crate) bare_lf: bool,
    pub(crate) obs_fold: bool,
    pub(crate) space_before_colon: bool,
    pub(crate) space_before_first_header: bool,
    pub(crate) ignore_invalid_headers: bool,
    pub(crate) multiple_spaces: bool,
    pub(crate) missing_reason_space: bool,
    pub(crate) content_length_list: bool,
    pub(crate) unsafe_target_chars: bool,
    pub(crate) transfer_encoding_overrides: bool,
}

impl Config {
    /// Default [`Config::max_head_len`]: 64 KiB, the size at which most servers answer
    /// 431 (RFC 6585 §5).
    pub const DEFAULT_MAX_HEAD_LEN: usize = 65_536;
    /// Default [`Config::max_line_len`]: 16 KiB, room for a large cookie.
    pub const DEFAULT_MAX_LINE_LEN: usize = 16_384;
    /// Default [`Config::max_headers`]: 100 field lines, as hyper and h11 allow.
    pub const DEFAULT_MAX_HEADERS: usize = 100;

    /// The strict default.
    pub const fn new() -> Self {
        Self {
            max_head_len: Self::DEFAULT_MAX_HEAD_LEN,
            max_line_len: Self::DEFAULT_MAX_LINE_LEN,
            max_headers: Self::DEFAULT_MAX_HEADERS,
            bare_lf: false,
            obs_fold: false,
            space_before_colon: false,
            space_before_first_header: false,
            ignore_invalid_headers: false,
            multiple_spaces: false,
            missing_reason_space: false,
            content_length_list: false,
            unsafe_target_chars: false,
            transfer_encoding_overrides: false,
        }
    }

    /// Every leniency on, with the default limits: what a tolerant proxy or a client of
    /// sloppy servers accepts. Still rejects what no leniency covers (NUL and other CTLs,
    /// a bare CR, a non-token name, a bad version or status, conflicting framing).
    pub const fn lenient() -> Self {
        Self::new()
            .allow_bare_lf(true)
            .allow_obs_fold(true)
            .allow_space_before_colon(true)
            .allow_space_before_first_header(true)
            .ignore_invalid_headers(true)
            .allow_multiple_spaces(true)
            .allow_missing_reason_space(true)
            .allow_content_length_list(true)
            .allow_transfer_encoding_with_content_length(true)
            .allow_unsafe_target_chars(true)
    }

    /// Largest head, start line to the empty line included (and any empty lines
    /// skipped before a request line), in bytes. Bigger heads give
    /// [`Error::HeadTooLarge`](super::Error::HeadTooLarge), as soon as the buffer
    /// holds more than this many bytes without the head's end.
    #[must_use]
    pub const fn max_head_len(mut self, n: usize) -> Self {
        self.max_head_len = n;
        self
    }

    /// Longest line (start line, field line, chunk-size line), CRLF included.
    #[must_use]
    pub const fn max_line_len(mut self, n: usize) -> Self {
        self.max_line_len = n;
        self
    }

    /// Most field lines in a head or a trailer section.
    #[must_use]
    pub const fn max_headers(mut self, n: usize) -> Self {
        self.max_headers = n;
        self
    }

    /// Accept a bare LF as a line terminator in the start line and field lines (RFC
    /// 9112 §2.2: a recipient MAY). Chunked framing lines still need CRLF.
    #[must_use]
    pub const fn allow_bare_lf(mut self, on: bool) -> Self {
        self.bare_lf = on;
        self
    }

    /// Accept obs-fold (RFC 9112 §5.2): the folded value keeps its line breaks, which
    /// [`Header::value`](super::Header::value) shows as they came and encode turns into
    /// SP, as §5.2 asks before a value is forwarded.
    #[must_use]
    pub const fn allow_obs_fold(mut self, on: bool) -> Self {
        self.obs_fold = on;
        self
    }

    /// Accept whitespace between a field name and its colon (RFC 9112 §5.1 says MUST
    /// reject in requests; some servers send it in responses).
    #[must_use]
    pub const fn allow_space_before_colon(mut self, on: bool) -> Self {
        self.space_before_colon = on;
        self
    }

    /// Consume whitespace-preceded lines between the start line and the first field
    /// without processing them (RFC 9112 §2.2 allows this instead of rejecting).
    #[must_use]
    pub const fn allow_space_before_first_header(mut self, on: bool) -> Self {
        self.space_before_first_header = on;
        self
    }

    /// Skip field lines whose name or value is invalid instead of rejecting the head.
    /// Skipped lines are counted toward [`Config::max_headers`] and are not yielded by
    /// [`Headers::iter`](super::Headers::iter).
    #[must_use]
    pub const fn ignore_invalid_headers(mut self, on: bool) -> Self {
        self.ignore_invalid_headers = on;
        self
    }

    /// Accept runs of SP between the parts of a request line or status line (RFC 9112
    /// §3: a recipient MAY split on whitespace).
    #[must_use]
    pub const fn allow_multiple_spaces(mut self, on: bool) -> Self {
        self.multiple_spaces = on;
        self
    }

    /// Accept a status line without the SP after the status code (`HTTP/1.1 200`
    /// CRLF), which some servers send.
    #[must_use]
    pub const fn allow_missing_reason_space(mut self, on: bool) -> Self {
        self.missing_reason_space = on;
        self
    }

    /// Accept the visible ASCII bytes RFC 3986 leaves out of a URI (`"` `<` `>` `\`
    /// `^` `` ` `` `{` `|` `}`) in a request-target, as curl sends them in query strings
    /// and nginx and `httparse` accept them. Whitespace, CTLs, `#` and non-ASCII bytes
    /// stay errors.
    #[must_use]
    pub const fn allow_unsafe_target_chars(mut self, on: bool) -> Self {
        self.unsafe_target_chars = on;
        self
    }

    /// Accept a Content-Length that is a list of one repeated value (`5, 5`) or
    /// repeated field lines with one value, as RFC 9110 §8.6 permits.
    #[must_use]
    pub const fn allow_content_length_list(mut self, on: bool) -> Self {
        self.content_length_list = on;
        self
    }

    /// In a request with both Transfer-Encoding and Content-Length, let
    /// Transfer-Encoding win (RFC 9112 §6.3 rule 3) instead of rejecting; the caller
    /// must then close the connection after the message (§6.1).
    #[must_use]
    pub const fn allow_transfer_encoding_with_content_length(mut self, on: bool) -> Self {
        self.transfer_encoding_overrides = on;
        self
    }
}

impl Config {
    /// With [`Config::allow_multiple_spaces`], skips the extra SPs after a start-line
    /// separator at `pos`.
    pub(crate) fn skip_spaces(&self, buf: &[u8], mut pos: usize) -> usize {
        if self.multiple_spaces {
            while buf.get(pos) == Some(&b' ') {
                pos += 1;
            }
        }
        pos
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}
