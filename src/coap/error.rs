//! The CoAP module's error type.

use super::{Code, Type};
use crate::error::Needed;

/// Why CoAP bytes could not be decoded: the rule broken and, where one byte proves it,
/// that byte's offset from the start of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A stream (RFC 8323 over TCP) holds only the start of a message; `Needed` says
    /// how many more bytes at least.
    #[error("incomplete: {0} more bytes needed")]
    Incomplete(Needed),

    /// A datagram or WebSocket message shorter than its fixed header (RFC 7252 §3,
    /// RFC 8323 §4.2): malformed, since it is all there is.
    #[error("message of {len} bytes is shorter than its header")]
    TooShort {
        /// Its length.
        len: usize,
    },
    /// Version other than 1 (RFC 7252 §3): not a CoAP version 1 message; the caller
    /// drops it silently.
    #[error("CoAP version {version} is not 1")]
    UnsupportedVersion {
        /// The two version bits.
        version: u8,
    },
    /// Token Length 9 to 15 (RFC 7252 §3: a message format error).
    #[error("reserved token length {tkl}")]
    ReservedTokenLength {
        /// The TKL nibble.
        tkl: u8,
    },
    /// A field runs past the end of the message: token, extended option delta or
    /// length, or option value.
    #[error("field runs past the end of the message at offset {at}")]
    Truncated {
        /// Offset where the field starts.
        at: usize,
    },
    /// An option header with nibble 15 other than the payload marker `0xFF`
    /// (RFC 7252 §3.1).
    #[error("reserved option nibble 15 at offset {at}")]
    ReservedNibble {
        /// Offset of the option header byte.
        at: usize,
    },
    /// An option number beyond 65,535 (RFC 7252 §3.1, §12.2).
    #[error("option number beyond 65535 at offset {at}")]
    OptionNumberTooLarge {
        /// Offset of the option header byte.
        at: usize,
    },
    /// A payload marker followed by no payload (RFC 7252 §3).
    #[error("payload marker without a payload at offset {at}")]
    EmptyPayload {
        /// Offset of the marker.
        at: usize,
    },
    /// An Empty message (code 0.00) with a token, options or payload (RFC 7252 §4.1).
    #[error("Empty message with content at offset {at}")]
    EmptyNotEmpty {
        /// Offset of the first byte after the header.
        at: usize,
    },
    /// A reserved code class: 1 and 6, and 7 (signaling) over UDP (RFC 7252 §4.2,
    /// §12.1; RFC 8323 §5.1). Over UDP a Confirmable one is answered with a Reset:
    /// `message_id` is given for that.
    #[error("reserved code {code} at offset {at}")]
    ReservedCode {
        /// The code.
        code: Code,
        /// Over UDP: the message's type and ID, for a Reset.
        message_id: Option<(Type, u16)>,
        /// Offset of the code byte.
        at: usize,
    },
    /// A type the code rules out (RFC 7252 §4.3 Table 1, §4.1): an Acknowledgement
    /// carrying a request, a Reset that is not Empty, a Non-confirmable Empty message.
    #[error("{kind:?} message cannot carry code {code}")]
    TypeCodeMismatch {
        /// The type.
        kind: Type,
        /// The code.
        code: Code,
        /// The message ID.
        message_id: u16,
    },
    /// A registered critical option whose value has a length out of its range, or
    /// that repeats when it may not (RFC 7252 §5.4.3, §5.4.5): the caller answers a
    /// Confirmable request with 4.02 Bad Option, and rejects anything else
    /// ([`super::Message::peek_udp`] reads what the answer needs).
    #[error("bad critical option {number} at offset {at}")]
    BadCriticalOption {
        /// The option number.
        number: u16,
        /// Offset of the option header byte.
        at: usize,
    },
    /// A string option (Uri-Path, Location-Path, ...) that is not UTF-8, which RFC 7252
    /// §3.2 requires of the string format: the message is malformed, as aiocoap also
    /// reads it (rather than dropping the option and changing the path it names).
    #[error("string option {number} is not UTF-8 at offset {at}")]
    NotUtf8 {
        /// The option number.
        number: u16,
        /// Offset of the option header byte.
        at: usize,
    },
    /// Block1, Block2, Q-Block1 or Q-Block2 with SZX 7 over UDP, where it is reserved
    /// (RFC 7959 §2.2): a request with one "MUST lead to a 4.00 Bad Request".
    #[error("reserved block size (SZX 7) in option {number} at offset {at}")]
    ReservedBlockSize {
        /// The option number.
        number: u16,
        /// Offset of the option header byte.
        at: usize,
    },
    /// In a signaling message (RFC 8323 §5): a critical option the code does not
    /// define (§5.2), or any malformed option in a CSM (§5.3, §5.6): the receiver
    /// aborts the connection (with Bad-CSM-Option).
    #[error("bad signaling option {number} at offset {at}")]
    BadSignalingOption {
        /// The option number.
        number: u16,
        /// Offset of the option header byte.
        at: usize,
    },
    /// A WebSocket message whose Len nibble is not 0 (RFC 8323 §4.2).
    #[error("Len nibble {len} over WebSocket (must be 0)")]
    WebSocketLength {
        /// The nibble.
        len: u8,
    },
    /// A message larger than the limit in force (the stream framing says so before
    /// the rest has arrived).
    #[error("message of {size} bytes exceeds the maximum of {max}")]
    MessageTooLarge {
        /// Its size, header included.
        size: u64,
        /// The maximum.
        max: usize,
    },
}

impl Error {
    /// Offset of the byte at fault, when one byte proves the input malformed.
    const fn at(&self) -> Option<usize> {
        use Error::*;
        match *self {
            Incomplete(_) | TooShort { .. } | MessageTooLarge { .. } => None,
            UnsupportedVersion { .. }
            | ReservedTokenLength { .. }
            | WebSocketLength { .. }
            | TypeCodeMismatch { .. } => Some(0),
            Truncated { at }
            | ReservedNibble { at }
            | OptionNumberTooLarge { at }
            | EmptyPayload { at }
            | EmptyNotEmpty { at }
            | BadCriticalOption { at, .. }
            | ReservedBlockSize { at, .. }
            | NotUtf8 { at, .. }
            | ReservedCode { at, .. }
            | BadSignalingOption { at, .. } => Some(at),
        }
    }
}

impl_decode_error!(Error);
