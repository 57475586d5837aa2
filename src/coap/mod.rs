//! CoAP messages: RFC 7252 over UDP, RFC 8323 over TCP, TLS and WebSockets, with every
//! registered option and the signaling messages of RFC 8323.
//!
//! The transport is never guessed: the decode [`Context`] says which framing the bytes
//! use. Decoding is strict where RFC 7252 says "message format error" (version, token
//! length, option nibbles and numbers, a payload marker with no payload, an Empty
//! message with content, reserved code classes, types a code rules out) and applies
//! RFC 7252 §5.4's rules for options: a registered critical option with a bad value,
//! or repeated where it may not be, is an error; a bad or repeated elective option is
//! kept but ignored ([`Message::ignored_options`]); an unknown option is kept, and an
//! unknown critical one is reported ([`Message::unknown_critical`]) for the caller to
//! answer 4.02 Bad Option. Signaling options are numbered per code (RFC 8323 §5).
//! Two choices where the RFCs leave room: a string option that is not UTF-8 (the
//! string format of RFC 7252 §3.2) makes the message malformed, critical or not, as in
//! aiocoap, rather than being dropped and changing the path it names; and Block
//! options with SZX 7 over UDP are their own error ([`Error::ReservedBlockSize`],
//! answered with 4.00). [`Message::peek_udp`] reads the type, Message ID and token of
//! a datagram that failed to decode, for the Reset or 4.02 the RFC asks for.
//!
//! Token, option values and payload borrow from the input; the options stay one
//! validated region walked lazily by [`Options::iter`].
//!
//! # Round trip
//!
//! A decoded message re-encodes byte for byte: its options are kept as they came,
//! including uint values with leading zero bytes, which a receiver must accept
//! (RFC 7252 §3.2). Options built with [`Opt::uint`] are written in the shortest form,
//! and options given in any order are written in number order.

mod code;
mod error;
#[cfg(feature = "arbitrary")]
mod fuzzing;
pub mod link;
mod message;
mod option;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod strategy;

pub use code::{Code, Type};
pub use error::Error;
pub use message::{Header, Message};
pub use option::{
    Block, ContentFormat, Format, Iter, Opt, OptionNumber, OptionSpec, Options, Value, signaling,
};

/// The transport a message travels on, which decides its framing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Transport {
    /// UDP or DTLS datagrams (RFC 7252 §3).
    #[default]
    Udp,
    /// A TCP or TLS stream (RFC 8323 §3.2).
    Tcp,
    /// WebSocket messages (RFC 8323 §4.2).
    WebSocket,
}

/// What decoding needs besides the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Context {
    pub(crate) transport: Transport,
    pub(crate) max_message_size: usize,
}

impl Default for Context {
    fn default() -> Self {
        Self::new(Transport::Udp)
    }
}

impl Context {
    /// Decoding for `transport`, with no limit on message size beyond what the
    /// framing can express.
    pub const fn new(transport: Transport) -> Self {
        Self {
            transport,
            max_message_size: usize::MAX,
        }
    }

    /// Refuses stream frames longer than `n` bytes, header included, as soon as their
    /// length is known (a peer's CSM Max-Message-Size, say).
    pub const fn max_message_size(mut self, n: usize) -> Self {
        self.max_message_size = n;
        self
    }

    /// The transport.
    pub const fn transport(&self) -> Transport {
        self.transport
    }
}
