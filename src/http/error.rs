//! The HTTP module's error type.

use crate::error::Needed;

/// Why HTTP bytes could not be decoded, or a decoded head's body framing decided.
///
/// Every malformed variant carries `at`, the offset of the offending byte from the start
/// of the input given to decode (for framing errors, from the start of the head).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input holds only the start of a unit; more bytes may complete it.
    #[error("incomplete: {0} more bytes needed")]
    Incomplete(Needed),

    /// The method is not a token (RFC 9112 §3.1, RFC 9110 §5.6.2), or is empty.
    #[error("invalid method: bad byte at offset {at}")]
    InvalidMethod {
        /// Offset of the offending byte.
        at: usize,
    },
    /// The request-target has a byte RFC 3986 does not allow, a bad percent-encoding, or
    /// is of no known form (RFC 9112 §3.2).
    #[error("invalid request-target: bad byte at offset {at}")]
    InvalidTarget {
        /// Offset of the offending byte.
        at: usize,
    },
    /// The request-target's form does not go with the method: authority-form is for
    /// CONNECT only and CONNECT needs it, asterisk-form is for OPTIONS only (RFC 9112
    /// §3.2.3, §3.2.4).
    #[error("request-target form not allowed with this method, at offset {at}")]
    TargetForm {
        /// Offset of the target's first byte.
        at: usize,
    },
    /// The request line is not `method SP request-target SP HTTP-version CRLF` (RFC
    /// 9112 §3): a missing part, or a separator other than one SP.
    #[error("malformed request line at offset {at}")]
    InvalidRequestLine {
        /// Offset of the offending byte.
        at: usize,
    },
    /// The HTTP-version is not `HTTP/` DIGIT `.` DIGIT (RFC 9112 §2.3).
    #[error("invalid HTTP-version at offset {at}")]
    InvalidVersion {
        /// Offset of the offending byte.
        at: usize,
    },
    /// A well-formed HTTP-version of a major version other than 1 (RFC 9110 §2.5).
    #[error("unsupported HTTP major version {major} at offset {at}")]
    UnsupportedVersion {
        /// The major version received.
        major: u8,
        /// Offset of the major version digit.
        at: usize,
    },
    /// The status line is not `HTTP-version SP status-code SP [reason-phrase] CRLF`
    /// (RFC 9112 §4), or the status code is not three digits.
    #[error("malformed status line at offset {at}")]
    InvalidStatusLine {
        /// Offset of the offending byte.
        at: usize,
    },
    /// A three-digit status code outside 100-599 (RFC 9110 §15).
    #[error("status code {code:03} outside 100-599 at offset {at}")]
    StatusOutOfRange {
        /// The code received.
        code: u16,
        /// Offset of its first digit.
        at: usize,
    },
    /// A reason phrase byte other than HTAB, SP, VCHAR or obs-text (RFC 9112 §4).
    #[error("invalid reason phrase: bad byte at offset {at}")]
    InvalidReason {
        /// Offset of the offending byte.
        at: usize,
    },
    /// A CR not followed by LF, or a bare LF where CRLF is required (RFC 9112 §2.2).
    #[error("invalid line ending at offset {at}")]
    InvalidLineEnding {
        /// Offset of the CR or LF.
        at: usize,
    },
    /// A field name that is empty or not a token (RFC 9110 §5.1, §5.6.2).
    #[error("invalid field name: bad byte at offset {at}")]
    InvalidFieldName {
        /// Offset of the offending byte.
        at: usize,
    },
    /// Whitespace after a field name, where its colon must come (RFC 9112 §5.1: no
    /// whitespace is allowed between the field name and colon; a server MUST reject).
    #[error("whitespace before the colon of a field line at offset {at}")]
    SpaceBeforeColon {
        /// Offset of the first whitespace byte.
        at: usize,
    },
    /// A field line that ends right after its name, without a colon (RFC 9112 §5.1).
    #[error("field line without a colon, at offset {at}")]
    MissingColon {
        /// Offset of the end of the line.
        at: usize,
    },
    /// A field value byte that is a CTL other than HTAB, such as NUL or a bare CR (RFC
    /// 9110 §5.5).
    #[error("invalid field value byte {byte:#04x} at offset {at}")]
    InvalidFieldValue {
        /// The byte.
        byte: u8,
        /// Its offset.
        at: usize,
    },
    /// obs-fold: a field line continued on the next line (RFC 9112 §5.2).
    #[error("obsolete line folding at offset {at}")]
    ObsFold {
        /// Offset of the whitespace that starts the continuation line.
        at: usize,
    },
    /// A whitespace-preceded line between the start line and the first field (RFC 9112
    /// §2.2).
    #[error("whitespace-preceded line after the start line, at offset {at}")]
    SpaceAfterStartLine {
        /// Offset of the whitespace.
        at: usize,
    },
    /// More field lines than [`crate::http::Config::max_headers`], or than the caller's
    /// storage holds (`decode_into`, [`crate::http::Headers::fill`]).
    #[error("more than {max} field lines, at offset {at}")]
    TooManyHeaders {
        /// The limit.
        max: usize,
        /// Offset of the first field line over the limit (for `Headers::fill`, of that
        /// field's value).
        at: usize,
    },
    /// The head is longer than [`crate::http::Config::max_head_len`].
    #[error("head longer than {max} bytes")]
    HeadTooLarge {
        /// The limit.
        max: usize,
    },
    /// A line is longer than [`crate::http::Config::max_line_len`].
    #[error("line longer than {max} bytes, starting at offset {at}")]
    LineTooLong {
        /// The limit.
        max: usize,
        /// Offset of the line's first byte.
        at: usize,
    },

    /// Transfer-Encoding and Content-Length in one request (RFC 9112 §6.3 rule 3).
    #[error("Transfer-Encoding together with Content-Length, at offset {at}")]
    TransferEncodingWithContentLength {
        /// Offset of the value of the later of the two fields.
        at: usize,
    },
    /// A Content-Length value that is not `1*DIGIT` or does not fit in 64 bits (RFC
    /// 9110 §8.6).
    #[error("invalid Content-Length at offset {at}")]
    InvalidContentLength {
        /// Offset of the offending byte.
        at: usize,
    },
    /// Content-Length field lines with different values, or (strict) repeated ones
    /// (RFC 9110 §8.6, RFC 9112 §6.3 rule 5); with the list leniency, a list whose
    /// values differ. A strict `5, 5` is [`Error::InvalidContentLength`].
    #[error("conflicting Content-Length values at offset {at}")]
    ConflictingContentLength {
        /// Offset of the value that conflicts.
        at: usize,
    },
    /// A Transfer-Encoding value that is not a list of transfer codings (RFC 9112 §6.1).
    #[error("invalid Transfer-Encoding at offset {at}")]
    InvalidTransferEncoding {
        /// Offset of the offending byte.
        at: usize,
    },
    /// In a request, chunked is not the final transfer coding (RFC 9112 §6.3 rule 4).
    #[error("chunked is not the final transfer coding, at offset {at}")]
    ChunkedNotFinal {
        /// Offset of the Transfer-Encoding value.
        at: usize,
    },
    /// chunked applied more than once (RFC 9112 §6.1).
    #[error("chunked applied more than once, at offset {at}")]
    ChunkedTwice {
        /// Offset of the second `chunked`.
        at: usize,
    },
    /// Transfer-Encoding in an HTTP/1.0 message: its framing is faulty (RFC 9112 §6.1).
    #[error("Transfer-Encoding in an HTTP/1.0 message, at offset {at}")]
    TransferEncodingInHttp10 {
        /// Offset of the Transfer-Encoding value.
        at: usize,
    },

    /// An HTTP/1.1 request without a Host field (RFC 9112 §3.2: a server MUST answer
    /// 400).
    #[error("HTTP/1.1 request without Host")]
    MissingHost,
    /// A request with more than one Host field (RFC 9112 §3.2: a server MUST answer 400).
    #[error("more than one Host field, the second at offset {at}")]
    DuplicateHost {
        /// Offset of the second Host value.
        at: usize,
    },

    /// A Host value that is not `uri-host [ ":" port ]` (RFC 9112 §3.2: a server MUST
    /// answer 400).
    #[error("invalid Host value: bad byte at offset {at}")]
    InvalidHost {
        /// Offset of the offending byte.
        at: usize,
    },

    /// A chunk-size that is empty or not hexadecimal (RFC 9112 §7.1).
    #[error("invalid chunk size at offset {at}")]
    InvalidChunkSize {
        /// Offset of the offending byte.
        at: usize,
    },
    /// A chunk-size over 2^64 - 1 (RFC 9112 §7.1: MUST prevent integer overflow).
    #[error("chunk size overflows 64 bits at offset {at}")]
    ChunkSizeOverflow {
        /// Offset of the digit that overflows.
        at: usize,
    },
    /// A chunk extension that is not `;` name [`=` token / quoted-string] (RFC 9112
    /// §7.1.1).
    #[error("invalid chunk extension at offset {at}")]
    InvalidChunkExtension {
        /// Offset of the offending byte.
        at: usize,
    },
    /// Chunk data not followed by CRLF (RFC 9112 §7.1).
    #[error("chunk data not followed by CRLF, at offset {at}")]
    MissingChunkDataEnd {
        /// Offset where CRLF should be.
        at: usize,
    },
}

impl Error {
    pub(crate) const INCOMPLETE: Self = Self::Incomplete(Needed::Unknown);

    /// The same error with its offset moved by `by` bytes (for errors found in a
    /// sub-slice).
    pub(crate) fn shift(mut self, by: usize) -> Self {
        if let Some(at) = self.at_mut() {
            *at += by;
        }
        self
    }

    fn at_mut(&mut self) -> Option<&mut usize> {
        use Error::*;
        match self {
            Incomplete(_) | HeadTooLarge { .. } | MissingHost => None,
            InvalidMethod { at }
            | InvalidTarget { at }
            | TargetForm { at }
            | InvalidRequestLine { at }
            | InvalidVersion { at }
            | UnsupportedVersion { at, .. }
            | InvalidStatusLine { at }
            | StatusOutOfRange { at, .. }
            | InvalidReason { at }
            | InvalidLineEnding { at }
            | InvalidFieldName { at }
            | SpaceBeforeColon { at }
            | MissingColon { at }
            | InvalidFieldValue { at, .. }
            | ObsFold { at }
            | SpaceAfterStartLine { at }
            | TooManyHeaders { at, .. }
            | LineTooLong { at, .. }
            | TransferEncodingWithContentLength { at }
            | InvalidContentLength { at }
            | ConflictingContentLength { at }
            | InvalidTransferEncoding { at }
            | ChunkedNotFinal { at }
            | ChunkedTwice { at }
            | TransferEncodingInHttp10 { at }
            | InvalidChunkSize { at }
            | ChunkSizeOverflow { at }
            | InvalidChunkExtension { at }
            | MissingChunkDataEnd { at }
            | DuplicateHost { at }
            | InvalidHost { at } => Some(at),
        }
    }
}

impl Error {
    /// Offset of the byte at fault, when one byte proves the input malformed.
    fn at(&self) -> Option<usize> {
        let mut e = *self;
        e.at_mut().copied()
    }
}

impl_decode_error!(Error);
