//! AMQP 0-9-1 (with RabbitMQ's extensions and errata): field tables and arrays so far;
//! frames, methods and content headers are being built on them.
//!
//! Field tables are validated once, without recursion and within a nesting limit
//! ([`Context::max_depth`], 64 by default: a frame of thousands of nested tables is an
//! error, not a stack overflow), then walked lazily without copies. The type letters
//! are read in RabbitMQ's dialect by default, by the letter of the 0-9-1 grammar on
//! request ([`Dialect`]).
//!
//! ```
//! use iotwire::amqp::{Context, FieldTable, FieldValue, LongStr, ShortStr};
//!
//! let entries = [
//!     (ShortStr::new("x-message-ttl")?, FieldValue::I32(60_000)),
//!     (ShortStr::new("x-dead-letter-exchange")?, FieldValue::LongStr(LongStr::text("dlx"))),
//! ];
//! let table = FieldTable::new(&entries);
//! let mut buf = [0u8; 64];
//! let n = table.encode(&mut buf)?;
//! let (back, used) = FieldTable::decode_with(&buf[..n], &Context::default()).unwrap();
//! assert_eq!((back, used), (table, n));
//! assert_eq!(back.get("x-message-ttl"), Some(FieldValue::I32(60_000)));
//! # Ok::<(), iotwire::EncodeError>(())
//! ```

mod codec;
mod error;
mod frame;
#[cfg(feature = "arbitrary")]
mod fuzzing;
mod methods;
mod table;

#[cfg(test)]
mod proptests;

pub use codec::{LongStr, ShortStr};
pub use error::Error;
pub use frame::{
    BasicProperties, ContentHeader, FRAME_END, Frame, PROTOCOL_HEADER, Payload, ProtocolHeader,
    frame_type,
};
pub use methods::*;
pub use table::{Dialect, FieldArray, FieldTable, FieldValue, MAX_DEPTH};

/// What decoding needs besides the bytes: the negotiated frame-max, the field-table
/// dialect and the nesting limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Context {
    pub(crate) frame_max: u32,
    pub(crate) dialect: Dialect,
    pub(crate) max_depth: u8,
}

impl Default for Context {
    fn default() -> Self {
        Self::new()
    }
}

impl Context {
    /// The nesting limit by default: the outermost table is level 1.
    pub const DEFAULT_MAX_DEPTH: u8 = 64;

    /// RabbitMQ's dialect, nesting up to 64 levels, and no frame-max below what a
    /// frame's size field can express (set the negotiated one with
    /// [`Context::frame_max`]).
    pub const fn new() -> Self {
        Self {
            frame_max: u32::MAX,
            dialect: Dialect::RabbitMq,
            max_depth: Self::DEFAULT_MAX_DEPTH,
        }
    }

    /// The negotiated frame-max: the largest frame, header and frame-end included
    /// (0-9-1 §4.2.3; 0 means no limit, as in connection.tune).
    pub const fn frame_max(mut self, n: u32) -> Self {
        self.frame_max = if n == 0 { u32::MAX } else { n };
        self
    }

    /// The field-table dialect.
    pub const fn dialect(mut self, d: Dialect) -> Self {
        self.dialect = d;
        self
    }

    /// The deepest nesting of field tables and arrays (1 to [`MAX_DEPTH`]).
    pub const fn max_depth(mut self, n: u8) -> Self {
        self.max_depth = if n == 0 {
            1
        } else if n > MAX_DEPTH {
            MAX_DEPTH
        } else {
            n
        };
        self
    }
}
