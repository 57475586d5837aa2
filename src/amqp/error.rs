//! The AMQP module's error type.

use crate::error::Needed;

/// Why AMQP bytes could not be decoded: the rule broken and, where one byte proves it,
/// that byte's offset from the start of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input holds only the start of a frame or protocol header; `Needed` says how
    /// many more bytes at least.
    #[error("incomplete: {0} more bytes needed")]
    Incomplete(Needed),

    /// Eight octets that are not `AMQP 0 0 9 1` (AMQP 0-9-1 §4.2.2). When they are
    /// another AMQP protocol header (a server's answer naming the version it speaks),
    /// `version` holds its last four octets.
    #[error("not the AMQP 0-9-1 protocol header")]
    BadProtocolHeader {
        /// The version octets of another `AMQP` header.
        version: Option<[u8; 4]>,
    },
    /// A frame type other than method (1), header (2), body (3) and heartbeat (8)
    /// (§4.2.3).
    #[error("unknown frame type {frame_type}")]
    UnknownFrameType {
        /// The type octet.
        frame_type: u8,
    },
    /// A frame larger than the negotiated frame-max (§4.2.3).
    #[error("frame of {size} octets exceeds frame-max {max}")]
    FrameTooLarge {
        /// Its size: header, payload and frame-end.
        size: u64,
        /// The limit.
        max: u32,
    },
    /// The octet after the payload is not frame-end `0xCE` (§4.2.3).
    #[error("frame-end octet {octet:#04x} is not 0xce at offset {at}")]
    BadFrameEnd {
        /// The octet found.
        octet: u8,
        /// Its offset.
        at: usize,
    },
    /// A frame on a channel its type or class may not use: heartbeats and the
    /// connection class on 0 only, other methods and content on 1-65535 only
    /// (§4.2.3, §4.2.6.1).
    #[error("frame on the wrong channel {channel}")]
    WrongChannel {
        /// The channel.
        channel: u16,
    },
    /// A heartbeat frame with a payload (§4.2.7).
    #[error("heartbeat with a payload")]
    HeartbeatPayload,
    /// A class or method id that AMQP 0-9-1 (with RabbitMQ's extensions) does not
    /// define (§4.2.4).
    #[error("unknown method {class_id}.{method_id}")]
    UnknownMethod {
        /// The class id.
        class_id: u16,
        /// The method id.
        method_id: u16,
    },
    /// A field runs past the end of its frame payload, table or array.
    #[error("field runs past the end of its container at offset {at}")]
    Truncated {
        /// Offset where the field starts.
        at: usize,
    },
    /// Bytes left in a method payload after its last argument (§4.2.4).
    #[error("trailing bytes after the arguments at offset {at}")]
    TrailingBytes {
        /// Offset of the first.
        at: usize,
    },
    /// A field-table value type that the dialect in force does not define (§4.2.5.5,
    /// RabbitMQ errata §3).
    #[error("unknown field value type {letter:#04x} at offset {at}")]
    UnknownFieldType {
        /// The type octet.
        letter: u8,
        /// Its offset.
        at: usize,
    },
    /// Field tables and arrays nested deeper than the limit in force.
    #[error("field tables nested deeper than {max} levels at offset {at}")]
    TooDeep {
        /// The limit.
        max: u8,
        /// Offset of the value that goes one level too deep.
        at: usize,
    },
    /// A field name the 0-9-1 grammar does not allow (spec dialect only: a letter, `$`
    /// or `#`, then letters, digits, `_`, `$`, `#`; at most 128 octets; §4.2.5.5).
    #[error("field name not allowed by the 0-9-1 grammar at offset {at}")]
    BadFieldName {
        /// Offset of the name's length octet.
        at: usize,
    },
    /// Bits set in a bit-field octet beyond the method's arguments (would not
    /// re-encode) (§4.2.5.2).
    #[error("bits set beyond the method's bit arguments at offset {at}")]
    ReservedBits {
        /// Offset of the octet.
        at: usize,
    },
    /// A content header for a class that has no content, with a non-zero weight, or
    /// with property flags the class does not define (§4.2.6.1).
    #[error("bad content header at offset {at}")]
    BadContentHeader {
        /// Offset of the offending field.
        at: usize,
    },
}

impl Error {
    /// Offset of the byte at fault, when one byte proves the input malformed.
    const fn at(&self) -> Option<usize> {
        use Error::*;
        match *self {
            Incomplete(_) | FrameTooLarge { .. } | HeartbeatPayload => None,
            BadProtocolHeader { .. } | UnknownFrameType { .. } | WrongChannel { .. } => Some(0),
            UnknownMethod { .. } => Some(7),
            BadFrameEnd { at, .. }
            | Truncated { at }
            | TrailingBytes { at }
            | UnknownFieldType { at, .. }
            | TooDeep { at, .. }
            | BadFieldName { at }
            | ReservedBits { at }
            | BadContentHeader { at } => Some(at),
        }
    }
}

impl_decode_error!(Error, framed);
