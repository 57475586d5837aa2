//! The MQTT module's error type.

use crate::error::Needed;

/// Why MQTT bytes could not be decoded: the rule broken and the offset of the byte that
/// broke it, from the start of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input holds only the start of a packet; `Needed` says how many more bytes
    /// once the Remaining Length is known.
    #[error("incomplete: {0} more bytes needed")]
    Incomplete(Needed),

    /// A packet type reserved in this version (0, and 15 before 5.0; MQTT 5.0 §2.1.2,
    /// 3.1.1 §2.2.1).
    #[error("reserved packet type {packet_type} at offset {at}")]
    ReservedPacketType {
        /// The type.
        packet_type: u8,
        /// Offset of the fixed header.
        at: usize,
    },
    /// Fixed-header flags other than the packet type requires ([MQTT-2.2.2-2]).
    #[error("invalid flags {flags:#06b} for packet type {packet_type} at offset {at}")]
    InvalidFlags {
        /// The packet type.
        packet_type: u8,
        /// The four flag bits.
        flags: u8,
        /// Offset of the fixed header.
        at: usize,
    },
    /// A QoS of 3 ([MQTT-3.3.1-4], [MQTT-3.8.3-4]) or one not allowed where it stands.
    #[error("invalid QoS {qos} at offset {at}")]
    InvalidQos {
        /// The QoS bits.
        qos: u8,
        /// Offset of the byte holding them.
        at: usize,
    },
    /// A Variable Byte Integer with a fifth byte, or (5.0) not in its shortest form
    /// ([MQTT-1.5.5-1]).
    #[error("malformed variable byte integer at offset {at}")]
    MalformedVarInt {
        /// Offset of its first byte.
        at: usize,
    },
    /// The packet is larger than the Maximum Packet Size in force.
    #[error("packet of {size} bytes exceeds the maximum of {max}")]
    PacketTooLarge {
        /// Its size: fixed header plus Remaining Length.
        size: u64,
        /// The maximum.
        max: u32,
    },
    /// A field runs past the end of the packet (its Remaining Length).
    #[error("field runs past the end of the packet at offset {at}")]
    Truncated {
        /// Offset where the field starts.
        at: usize,
    },
    /// Bytes left in the packet after its last field.
    #[error("unexpected bytes at offset {at} after the last field")]
    TrailingBytes {
        /// Offset of the first extra byte.
        at: usize,
    },
    /// A string that is not well-formed UTF-8 ([MQTT-1.5.4-1], [MQTT-1.5.3-1]).
    #[error("invalid UTF-8 at offset {at}")]
    InvalidUtf8 {
        /// Offset of the first bad byte.
        at: usize,
    },
    /// A string holding U+0000 ([MQTT-1.5.4-2], [MQTT-1.5.3-2]).
    #[error("U+0000 in a string at offset {at}")]
    NullCharacter {
        /// Offset of the NUL.
        at: usize,
    },
    /// A string holding a control character or non-character, rejected because the
    /// context asks for it (MQTT 5.0 §1.5.4 lets a receiver).
    #[error("control or non-character code point in a string at offset {at}")]
    DisallowedCharacter {
        /// Offset of its first byte.
        at: usize,
    },
    /// A wildcard in a Topic Name ([MQTT-3.3.2-2]) or an empty one where the version
    /// needs a name ([MQTT-4.7.3-1]).
    #[error("invalid topic name at offset {at}")]
    InvalidTopicName {
        /// Offset of the offending byte (or of the empty name).
        at: usize,
    },
    /// A Topic Filter with a misplaced wildcard or empty ([MQTT-4.7.1-2],
    /// [MQTT-4.7.1-3], [MQTT-4.7.3-1]), or a malformed `$share/` filter ([MQTT-4.8.2-1]).
    #[error("invalid topic filter at offset {at}")]
    InvalidTopicFilter {
        /// Offset of the offending byte (or of the filter).
        at: usize,
    },
    /// A Packet Identifier of 0 ([MQTT-2.2.1-3], [MQTT-2.3.1-1]).
    #[error("packet identifier 0 at offset {at}")]
    ZeroPacketId {
        /// Offset of the identifier.
        at: usize,
    },
    /// A CONNECT protocol name other than `MQTT` (or `MQIsdp` for 3.1) ([MQTT-3.1.2-1]).
    #[error("invalid protocol name at offset {at}")]
    InvalidProtocolName {
        /// Offset of the name.
        at: usize,
    },
    /// A CONNECT protocol level the decoder was not set to ([MQTT-3.1.2-2]).
    #[error("protocol level {level} at offset {at} is not the one expected")]
    UnsupportedProtocolLevel {
        /// The level received.
        level: u8,
        /// Its offset.
        at: usize,
    },
    /// CONNECT flags that break a rule: reserved bit, will QoS or retain without a will,
    /// will QoS 3, password without user name in 3.1.1 ([MQTT-3.1.2-3], -11, -13, -14,
    /// -15, -22).
    #[error("invalid CONNECT flags {flags:#010b} at offset {at}")]
    InvalidConnectFlags {
        /// The flags byte.
        flags: u8,
        /// Its offset.
        at: usize,
    },
    /// CONNACK acknowledge flags with a reserved bit set, or Session Present with a
    /// refusing return code ([MQTT-3.2.2-1], [MQTT-3.2.2-4]).
    #[error("invalid CONNACK flags {flags:#010b} at offset {at}")]
    InvalidConnAckFlags {
        /// The flags byte.
        flags: u8,
        /// Its offset.
        at: usize,
    },
    /// A reason code (5.0) or return code (3.1.1) the packet type does not allow.
    #[error("reason code {code:#04x} not allowed in this packet, at offset {at}")]
    InvalidReasonCode {
        /// The code.
        code: u8,
        /// Its offset.
        at: usize,
    },
    /// A property identifier that is not assigned (MQTT 5.0 §2.2.2.2).
    #[error("unknown property identifier {id:#04x} at offset {at}")]
    UnknownProperty {
        /// The identifier.
        id: u8,
        /// Its offset.
        at: usize,
    },
    /// A property not allowed in this packet (MQTT 5.0 §2.2.2.2).
    #[error("property {id:#04x} not allowed in this packet, at offset {at}")]
    PropertyNotAllowed {
        /// The identifier.
        id: u8,
        /// Its offset.
        at: usize,
    },
    /// A property present twice where it may appear once (MQTT 5.0 §2.2.2.2).
    #[error("property {id:#04x} repeated at offset {at}")]
    DuplicateProperty {
        /// The identifier.
        id: u8,
        /// Offset of the repeat.
        at: usize,
    },
    /// A property value out of its range (Receive Maximum 0, Maximum QoS 2, a flag
    /// other than 0 or 1, Topic Alias 0, Subscription Identifier 0, ...).
    #[error("invalid value of property {id:#04x} at offset {at}")]
    InvalidPropertyValue {
        /// The identifier.
        id: u8,
        /// Offset of the value.
        at: usize,
    },
    /// Subscription options with reserved bits set or Retain Handling 3
    /// ([MQTT-3.8.3-5], MQTT 5.0 §3.8.3.1).
    #[error("invalid subscription options {options:#010b} at offset {at}")]
    InvalidSubscriptionOptions {
        /// The options byte.
        options: u8,
        /// Its offset.
        at: usize,
    },
    /// A SUBSCRIBE or UNSUBSCRIBE without any topic filter, or a SUBACK / UNSUBACK
    /// without any reason code ([MQTT-3.8.3-3], [MQTT-3.10.3-2]).
    #[error("no topic filter or reason code in the payload, at offset {at}")]
    EmptyPayload {
        /// Offset where the payload should start.
        at: usize,
    },
}

impl Error {
    fn at_mut(&mut self) -> Option<&mut usize> {
        use Error::*;
        match self {
            Incomplete(_) | PacketTooLarge { .. } => None,
            ReservedPacketType { at, .. }
            | InvalidFlags { at, .. }
            | InvalidQos { at, .. }
            | MalformedVarInt { at }
            | Truncated { at }
            | TrailingBytes { at }
            | InvalidUtf8 { at }
            | NullCharacter { at }
            | DisallowedCharacter { at }
            | InvalidTopicName { at }
            | InvalidTopicFilter { at }
            | ZeroPacketId { at }
            | InvalidProtocolName { at }
            | UnsupportedProtocolLevel { at, .. }
            | InvalidConnectFlags { at, .. }
            | InvalidConnAckFlags { at, .. }
            | InvalidReasonCode { at, .. }
            | UnknownProperty { at, .. }
            | PropertyNotAllowed { at, .. }
            | DuplicateProperty { at, .. }
            | InvalidPropertyValue { at, .. }
            | InvalidSubscriptionOptions { at, .. }
            | EmptyPayload { at } => Some(at),
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

impl_decode_error!(Error, framed);
