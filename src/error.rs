//! What every protocol's errors share.

use core::fmt;
use core::num::NonZeroUsize;

/// How many more bytes a stream decoder needs before it can say more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Needed {
    /// The format does not tell how many (an HTTP head ends at an empty line).
    Unknown,
    /// At least this many more bytes are needed (a length prefix said so).
    Size(NonZeroUsize),
}

impl Needed {
    /// `Size(n)` for `n > 0`, else `Unknown`.
    pub const fn new(n: usize) -> Self {
        match NonZeroUsize::new(n) {
            Some(n) => Self::Size(n),
            None => Self::Unknown,
        }
    }

    /// The number of bytes, when known.
    pub const fn size(self) -> Option<usize> {
        match self {
            Self::Unknown => None,
            Self::Size(n) => Some(n.get()),
        }
    }
}

impl fmt::Display for Needed {
    /// The count, or `?` when unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown => f.write_str("?"),
            Self::Size(n) => write!(f, "{n}"),
        }
    }
}

/// What generic code can ask of any protocol's decode error.
///
/// Each protocol has its own `#[non_exhaustive]` error enum with the offending value in
/// its variants; this trait lets a framing loop, a fuzz harness or a codec adapter tell
/// "read more and retry" apart from "the bytes are wrong" without knowing the protocol.
pub trait DecodeError: fmt::Debug + fmt::Display + Copy + Eq {
    /// `Some` when the input was merely incomplete: more bytes may make it decode.
    fn needed(&self) -> Option<Needed>;

    /// `true` when the input was merely incomplete.
    fn is_incomplete(&self) -> bool {
        self.needed().is_some()
    }

    /// The offset, from the start of the input, of the byte that proved it malformed,
    /// when there is one such byte.
    fn offset(&self) -> Option<usize>;
}

/// Why a value could not be encoded.
///
/// Shared by all protocols: once a value is built (and so validated), the only way
/// encoding into a slice can fail is a buffer that is too short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The output buffer is shorter than the encoded value; nothing was written.
    #[error("buffer too small: {needed} bytes needed, {available} available")]
    BufferTooSmall {
        /// Bytes the value needs ([`crate::Packet::encoded_len`]).
        needed: usize,
        /// Bytes the buffer had.
        available: usize,
    },
    /// A field's value is not allowed by the protocol, so a value holding it cannot be
    /// built; `at` is the offset of the first bad byte inside the field.
    #[error("invalid {field}: bad byte at offset {at}")]
    InvalidByte {
        /// Which field (`"header name"`, `"request-target"`, ...).
        field: &'static str,
        /// Offset of the offending byte inside the field.
        at: usize,
    },
    /// A field is empty where the protocol needs at least one byte.
    #[error("{field} must not be empty")]
    Empty {
        /// Which field.
        field: &'static str,
    },
    /// A field is longer than the protocol allows.
    #[error("{field} is {len} bytes long, more than the {max} allowed")]
    TooLong {
        /// Which field.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The most the protocol allows.
        max: usize,
    },
    /// A numeric field is outside its allowed range.
    #[error("{field} {value} is out of range")]
    OutOfRange {
        /// Which field.
        field: &'static str,
        /// The value given.
        value: u64,
    },
    /// Fields that are each valid do not go together (an asterisk-form target with a
    /// method other than OPTIONS, say).
    #[error("{0}")]
    Inconsistent(&'static str),
}

/// Implements [`DecodeError`] for a protocol's error enum: one with an
/// `Incomplete(Needed)` variant and an inherent `fn at(&self) -> Option<usize>` that
/// names the offending byte. Every protocol's error takes it, so that what "incomplete"
/// means is written once.
#[allow(unused_macros)]
macro_rules! impl_decode_error {
    ($t:ty) => {
        impl $crate::error::DecodeError for $t {
            fn needed(&self) -> Option<$crate::error::Needed> {
                match self {
                    Self::Incomplete(n) => Some(*n),
                    _ => None,
                }
            }

            fn offset(&self) -> Option<usize> {
                self.at()
            }
        }
    };
    // And, for a protocol whose fields sit in frames of known length (MQTT, AMQP), the
    // errors its `wire::Cursor` gives: `Truncated { at }` and `TrailingBytes { at }`.
    ($t:ty, framed) => {
        impl_decode_error!($t);

        impl $crate::wire::FramedError for $t {
            fn truncated(at: usize) -> Self {
                Self::Truncated { at }
            }

            fn trailing(at: usize) -> Self {
                Self::TrailingBytes { at }
            }
        }
    };
}
