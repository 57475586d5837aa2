//! MQTT 3.1.1 and 5.0 control packets (OASIS), and MQTT 3.1 CONNECT.
//!
//! The version is never guessed: the decode [`Context`] says which one the connection
//! speaks ([`protocol_version`] reads it from a CONNECT, so a server can pick). Decoding
//! checks everything the specifications say makes a packet malformed: fixed-header
//! flags, the Remaining Length (at most four bytes; the shortest form in 5.0) against a
//! Maximum Packet Size before anything else, UTF-8 strings, topic names and filters,
//! packet identifiers, CONNECT and CONNACK flags, reason codes per packet, and every 5.0
//! property (allowed in this packet, once unless it may repeat, value in range).
//!
//! Strings, binary data, payloads, properties and topic-filter lists borrow from the
//! input; properties and filter lists are validated regions walked lazily.
//!
//! # Round trip
//!
//! Every packet the API builds encodes to bytes that decode to an equal packet, and a
//! decoded packet re-encodes byte for byte except where the wire format has more than
//! one form, when it re-encodes in the shortest: a 5.0 acknowledgement, DISCONNECT or
//! AUTH that spells out a reason code 0x00 or an empty Property Length the format lets
//! it leave out (`40 03 00 01 00` re-encodes as `40 02 00 01`), and a 3.1.1 Remaining
//! Length in more bytes than needed (`c0 80 00` re-encodes as `c0 00`; 5.0 refuses it).
//!
//! ```
//! use iotwire::Packet;
//! use iotwire::mqtt::{Context, ControlPacket, Properties, Publish, QoS, Str, Version};
//!
//! let publish = Publish {
//!     version: Version::V3_1_1,
//!     dup: false,
//!     qos: QoS::AtLeastOnce,
//!     retain: false,
//!     topic: Str::new("sensors/temp")?,
//!     packet_id: core::num::NonZeroU16::new(42),
//!     properties: Properties::EMPTY,
//!     payload: b"21.5",
//! };
//! let packet = ControlPacket::Publish(publish);
//! let mut buf = [0u8; 64];
//! let n = packet.encode(&mut buf)?;
//! let (back, used) = ControlPacket::decode_with(&buf[..n], &Context::new(Version::V3_1_1)).unwrap();
//! assert_eq!((back, used), (packet, n));
//! # Ok::<(), iotwire::EncodeError>(())
//! ```

mod codec;
mod control;
mod error;
#[cfg(feature = "arbitrary")]
mod fuzzing;
mod packets;
mod properties;
pub mod reason;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod strategy;

pub use codec::{PacketId, QoS, Str, VarInt};
pub use control::{ControlPacket, PacketType, packet_len, protocol_version};
pub use error::Error;
pub use packets::{
    Ack, Auth, ConnAck, Connect, Disconnect, Filters, Publish, SubAck, Subscribe,
    SubscriptionOptions, UnsubAck, Unsubscribe, Will,
};
pub use properties::{Holder, Properties, Property};

/// The protocol version a connection speaks (the CONNECT's Protocol Level).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// MQTT 3.1 (level 3, protocol name `MQIsdp`); packets other than CONNECT are
    /// read as in 3.1.1.
    V3_1,
    /// MQTT 3.1.1 (level 4).
    V3_1_1,
    /// MQTT 5.0 (level 5).
    V5,
}

impl Version {
    /// The Protocol Level byte of CONNECT.
    pub const fn level(self) -> u8 {
        match self {
            Self::V3_1 => 3,
            Self::V3_1_1 => 4,
            Self::V5 => 5,
        }
    }

    /// `true` for 5.0, which has properties and reason codes.
    pub const fn is_v5(self) -> bool {
        matches!(self, Self::V5)
    }

    const fn protocol_name(self) -> &'static str {
        match self {
            Self::V3_1 => "MQIsdp",
            _ => "MQTT",
        }
    }
}

/// What decoding needs beyond the bytes: the version, the Maximum Packet Size in force,
/// and whether strings may hold control characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Context {
    pub(crate) version: Version,
    pub(crate) max_packet_size: u32,
    pub(crate) strict_strings: bool,
}

impl Context {
    /// The largest packet the protocol can express: a 5-byte fixed header and a
    /// Remaining Length of 268,435,455.
    pub const PROTOCOL_MAX_PACKET_SIZE: u32 = 1 + 4 + VarInt::MAX.get();

    /// A context for `version`, with no limit below the protocol's own.
    pub const fn new(version: Version) -> Self {
        Self {
            version,
            max_packet_size: Self::PROTOCOL_MAX_PACKET_SIZE,
            strict_strings: false,
        }
    }

    /// The version.
    pub const fn version(&self) -> Version {
        self.version
    }

    /// The largest whole packet accepted, fixed header included, as MQTT 5.0's Maximum
    /// Packet Size counts it (§3.1.2.11.4). Checked against the fixed header before
    /// anything else is read, so a larger packet is refused before it arrives.
    #[must_use]
    pub const fn max_packet_size(mut self, n: u32) -> Self {
        self.max_packet_size = n;
        self
    }

    /// Refuse strings holding control characters (U+0001-U+001F, U+007F-U+009F) or
    /// non-characters, as MQTT 5.0 §1.5.4 lets a receiver.
    #[must_use]
    pub const fn strict_strings(mut self, on: bool) -> Self {
        self.strict_strings = on;
        self
    }
}

impl Default for Context {
    /// MQTT 5.0, no limit below the protocol's own.
    fn default() -> Self {
        Self::new(Version::V5)
    }
}
