//! MQTT 5.0 properties (§2.2.2): all 27 identifiers, each allowed only in the packets
//! the specification lists, once unless it may repeat, with its value in range.

use core::fmt;

use super::codec::{In, Str, VarInt, check_binary, topic_name_error, write_binary};
use super::{Context, Error, Version};
use crate::error::EncodeError;
use crate::packet::Sink;

/// Where a property block stands: which packet (or the will) it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Holder {
    /// CONNECT.
    Connect,
    /// The Will Properties of a CONNECT.
    Will,
    /// CONNACK.
    ConnAck,
    /// PUBLISH.
    Publish,
    /// PUBACK.
    PubAck,
    /// PUBREC.
    PubRec,
    /// PUBREL.
    PubRel,
    /// PUBCOMP.
    PubComp,
    /// SUBSCRIBE.
    Subscribe,
    /// SUBACK.
    SubAck,
    /// UNSUBSCRIBE.
    Unsubscribe,
    /// UNSUBACK.
    UnsubAck,
    /// DISCONNECT.
    Disconnect,
    /// AUTH.
    Auth,
}

impl Holder {
    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// The type of a property's value (MQTT 5.0 §2.2.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Byte,
    U16,
    U32,
    VarInt,
    Str,
    Binary,
    Pair,
}

/// Value range rules beyond the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Range {
    Any,
    /// 0 or 1.
    Flag,
    /// Not 0.
    NonZero,
    /// A Topic Name: no wildcards.
    Topic,
}

impl Range {
    /// Whether a numeric value `n` is in range (values that are not numbers are
    /// checked by their type).
    const fn admits(self, n: Option<u32>) -> bool {
        match (self, n) {
            (Self::Flag, Some(n)) => n <= 1,
            (Self::NonZero, Some(n)) => n != 0,
            _ => true,
        }
    }
}

use Holder as H;

const fn mask(holders: &[Holder]) -> u16 {
    let mut m = 0;
    let mut i = 0;
    while i < holders.len() {
        m |= holders[i].bit();
        i += 1;
    }
    m
}

const ALL_ACKS: u16 = mask(&[H::PubAck, H::PubRec, H::PubRel, H::PubComp]);

/// The property table of MQTT 5.0 §2.2.2.2: identifier, type, range, where allowed,
/// and whether it may repeat (in which holders), looked up in a table.
fn spec(id: u8) -> Option<(Kind, Range, u16, u16)> {
    SPECS.get(usize::from(id)).copied().flatten()
}

/// [`spec_of`] for every identifier, as a table.
const SPECS: [Option<(Kind, Range, u16, u16)>; 0x2B] = {
    let mut t = [None; 0x2B];
    let mut id = 0;
    while id < t.len() {
        t[id] = spec_of(id as u8);
        id += 1;
    }
    t
};

const fn spec_of(id: u8) -> Option<(Kind, Range, u16, u16)> {
    use Kind::*;
    use Range::*;
    let pw = mask(&[H::Publish, H::Will]);
    let cca = mask(&[H::Connect, H::ConnAck]);
    Some(match id {
        0x01 => (Byte, Flag, pw, 0),
        0x02 => (U32, Any, pw, 0),
        0x03 => (Str, Any, pw, 0),
        0x08 => (Str, Topic, pw, 0),
        0x09 => (Binary, Any, pw, 0),
        0x0B => (
            VarInt,
            NonZero,
            mask(&[H::Publish, H::Subscribe]),
            mask(&[H::Publish]),
        ),
        0x11 => (U32, Any, mask(&[H::Connect, H::ConnAck, H::Disconnect]), 0),
        0x12 => (Str, Any, mask(&[H::ConnAck]), 0),
        0x13 => (U16, Any, mask(&[H::ConnAck]), 0),
        0x15 => (Str, Any, mask(&[H::Connect, H::ConnAck, H::Auth]), 0),
        0x16 => (Binary, Any, mask(&[H::Connect, H::ConnAck, H::Auth]), 0),
        0x17 => (Byte, Flag, mask(&[H::Connect]), 0),
        0x18 => (U32, Any, mask(&[H::Will]), 0),
        0x19 => (Byte, Flag, mask(&[H::Connect]), 0),
        0x1A => (Str, Any, mask(&[H::ConnAck]), 0),
        0x1C => (Str, Any, mask(&[H::ConnAck, H::Disconnect]), 0),
        0x1F => (
            Str,
            Any,
            ALL_ACKS | mask(&[H::ConnAck, H::SubAck, H::UnsubAck, H::Disconnect, H::Auth]),
            0,
        ),
        0x21 => (U16, NonZero, cca, 0),
        0x22 => (U16, Any, cca, 0),
        0x23 => (U16, NonZero, mask(&[H::Publish]), 0),
        0x24 => (Byte, Flag, mask(&[H::ConnAck]), 0),
        0x25 => (Byte, Flag, mask(&[H::ConnAck]), 0),
        0x26 => (Pair, Any, u16::MAX, u16::MAX),
        0x27 => (U32, NonZero, cca, 0),
        0x28 => (Byte, Flag, mask(&[H::ConnAck]), 0),
        0x29 => (Byte, Flag, mask(&[H::ConnAck]), 0),
        0x2A => (Byte, Flag, mask(&[H::ConnAck]), 0),
        _ => return None,
    })
}

/// One property (MQTT 5.0 §2.2.2.2), named as the specification names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Property<'a> {
    /// 0x01: 0 unspecified bytes, 1 UTF-8 payload.
    PayloadFormatIndicator(u8),
    /// 0x02: seconds.
    MessageExpiryInterval(u32),
    /// 0x03.
    ContentType(Str<'a>),
    /// 0x08: a Topic Name.
    ResponseTopic(Str<'a>),
    /// 0x09.
    CorrelationData(&'a [u8]),
    /// 0x0B: 1 to 268,435,455.
    SubscriptionIdentifier(VarInt),
    /// 0x11: seconds.
    SessionExpiryInterval(u32),
    /// 0x12.
    AssignedClientIdentifier(Str<'a>),
    /// 0x13: seconds.
    ServerKeepAlive(u16),
    /// 0x15.
    AuthenticationMethod(Str<'a>),
    /// 0x16.
    AuthenticationData(&'a [u8]),
    /// 0x17: 0 or 1.
    RequestProblemInformation(u8),
    /// 0x18: seconds.
    WillDelayInterval(u32),
    /// 0x19: 0 or 1.
    RequestResponseInformation(u8),
    /// 0x1A.
    ResponseInformation(Str<'a>),
    /// 0x1C.
    ServerReference(Str<'a>),
    /// 0x1F.
    ReasonString(Str<'a>),
    /// 0x21: not 0.
    ReceiveMaximum(u16),
    /// 0x22.
    TopicAliasMaximum(u16),
    /// 0x23: not 0.
    TopicAlias(u16),
    /// 0x24: 0 or 1.
    MaximumQos(u8),
    /// 0x25: 0 or 1.
    RetainAvailable(u8),
    /// 0x26: a name and a value; may repeat, order kept.
    UserProperty(Str<'a>, Str<'a>),
    /// 0x27: not 0.
    MaximumPacketSize(u32),
    /// 0x28: 0 or 1.
    WildcardSubscriptionAvailable(u8),
    /// 0x29: 0 or 1.
    SubscriptionIdentifierAvailable(u8),
    /// 0x2A: 0 or 1.
    SharedSubscriptionAvailable(u8),
}

impl<'a> Property<'a> {
    /// The property identifier.
    pub const fn id(&self) -> u8 {
        use Property::*;
        match self {
            PayloadFormatIndicator(_) => 0x01,
            MessageExpiryInterval(_) => 0x02,
            ContentType(_) => 0x03,
            ResponseTopic(_) => 0x08,
            CorrelationData(_) => 0x09,
            SubscriptionIdentifier(_) => 0x0B,
            SessionExpiryInterval(_) => 0x11,
            AssignedClientIdentifier(_) => 0x12,
            ServerKeepAlive(_) => 0x13,
            AuthenticationMethod(_) => 0x15,
            AuthenticationData(_) => 0x16,
            RequestProblemInformation(_) => 0x17,
            WillDelayInterval(_) => 0x18,
            RequestResponseInformation(_) => 0x19,
            ResponseInformation(_) => 0x1A,
            ServerReference(_) => 0x1C,
            ReasonString(_) => 0x1F,
            ReceiveMaximum(_) => 0x21,
            TopicAliasMaximum(_) => 0x22,
            TopicAlias(_) => 0x23,
            MaximumQos(_) => 0x24,
            RetainAvailable(_) => 0x25,
            UserProperty(..) => 0x26,
            MaximumPacketSize(_) => 0x27,
            WildcardSubscriptionAvailable(_) => 0x28,
            SubscriptionIdentifierAvailable(_) => 0x29,
            SharedSubscriptionAvailable(_) => 0x2A,
        }
    }

    /// The value as a number, for the numeric properties.
    fn number(&self) -> Option<u32> {
        use Property::*;
        Some(match *self {
            PayloadFormatIndicator(v)
            | RequestProblemInformation(v)
            | RequestResponseInformation(v)
            | MaximumQos(v)
            | RetainAvailable(v)
            | WildcardSubscriptionAvailable(v)
            | SubscriptionIdentifierAvailable(v)
            | SharedSubscriptionAvailable(v) => u32::from(v),
            ServerKeepAlive(v) | ReceiveMaximum(v) | TopicAliasMaximum(v) | TopicAlias(v) => {
                u32::from(v)
            }
            MessageExpiryInterval(v)
            | SessionExpiryInterval(v)
            | WillDelayInterval(v)
            | MaximumPacketSize(v) => v,
            SubscriptionIdentifier(v) => v.get(),
            _ => return None,
        })
    }

    /// The fixed size of a numeric value: 1, 2 or 4 bytes (`None` for the others).
    const fn width(&self) -> Option<usize> {
        use Property::*;
        Some(match self {
            PayloadFormatIndicator(_)
            | RequestProblemInformation(_)
            | RequestResponseInformation(_)
            | MaximumQos(_)
            | RetainAvailable(_)
            | WildcardSubscriptionAvailable(_)
            | SubscriptionIdentifierAvailable(_)
            | SharedSubscriptionAvailable(_) => 1,
            ServerKeepAlive(_) | ReceiveMaximum(_) | TopicAliasMaximum(_) | TopicAlias(_) => 2,
            MessageExpiryInterval(_)
            | SessionExpiryInterval(_)
            | WillDelayInterval(_)
            | MaximumPacketSize(_) => 4,
            _ => return None,
        })
    }

    /// Bytes of its encoding: identifier and value.
    pub(crate) fn encoded_len(&self) -> usize {
        use Property::*;
        1 + match self {
            ContentType(s)
            | ResponseTopic(s)
            | AssignedClientIdentifier(s)
            | AuthenticationMethod(s)
            | ResponseInformation(s)
            | ServerReference(s)
            | ReasonString(s) => s.encoded_len(),
            CorrelationData(b) | AuthenticationData(b) => 2 + b.len(),
            UserProperty(k, v) => k.encoded_len() + v.encoded_len(),
            SubscriptionIdentifier(v) => v.size(),
            _ => self.width().unwrap_or(0),
        }
    }

    pub(crate) fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        use Property::*;
        out.put_u8(self.id());
        match self {
            ContentType(s)
            | ResponseTopic(s)
            | AssignedClientIdentifier(s)
            | AuthenticationMethod(s)
            | ResponseInformation(s)
            | ServerReference(s)
            | ReasonString(s) => s.write_to(out),
            CorrelationData(b) | AuthenticationData(b) => write_binary(b, out),
            UserProperty(k, v) => {
                k.write_to(out);
                v.write_to(out);
            }
            SubscriptionIdentifier(v) => v.write_to(out),
            _ => {
                let n = self.number().unwrap_or(0).to_be_bytes();
                let w = self.width().unwrap_or(4);
                out.put(n.get(4 - w..).unwrap_or_default());
            }
        }
    }

    /// Reads one property, identifier and value, checking the value's type (strings
    /// well-formed, a Response Topic a topic name); decoding and iteration share it.
    fn read(r: &mut In<'a>) -> Result<Self, Error> {
        use Property::*;
        let at = r.at();
        let id = r.u8()?;
        Ok(match id {
            0x01 => PayloadFormatIndicator(r.u8()?),
            0x02 => MessageExpiryInterval(r.u32()?),
            0x03 => ContentType(r.str()?),
            // [MQTT-4.7.3-1]: a Topic Name has at least one character.
            0x08 => ResponseTopic(r.topic_name(false)?),
            0x09 => CorrelationData(r.binary()?),
            0x0B => SubscriptionIdentifier(r.varint()?),
            0x11 => SessionExpiryInterval(r.u32()?),
            0x12 => AssignedClientIdentifier(r.str()?),
            0x13 => ServerKeepAlive(r.u16()?),
            0x15 => AuthenticationMethod(r.str()?),
            0x16 => AuthenticationData(r.binary()?),
            0x17 => RequestProblemInformation(r.u8()?),
            0x18 => WillDelayInterval(r.u32()?),
            0x19 => RequestResponseInformation(r.u8()?),
            0x1A => ResponseInformation(r.str()?),
            0x1C => ServerReference(r.str()?),
            0x1F => ReasonString(r.str()?),
            0x21 => ReceiveMaximum(r.u16()?),
            0x22 => TopicAliasMaximum(r.u16()?),
            0x23 => TopicAlias(r.u16()?),
            0x24 => MaximumQos(r.u8()?),
            0x25 => RetainAvailable(r.u8()?),
            0x26 => UserProperty(r.str()?, r.str()?),
            0x27 => MaximumPacketSize(r.u32()?),
            0x28 => WildcardSubscriptionAvailable(r.u8()?),
            0x29 => SubscriptionIdentifierAvailable(r.u8()?),
            0x2A => SharedSubscriptionAvailable(r.u8()?),
            _ => return Err(Error::UnknownProperty { id, at }),
        })
    }
}

/// The properties of one packet (or of a will): the validated bytes of a decoded block,
/// walked lazily, or a slice of [`Property`] to encode. Both compare equal when they
/// hold the same properties in the same order.
#[derive(Clone, Copy, Default)]
pub struct Properties<'a> {
    repr: Repr<'a>,
}

#[derive(Clone, Copy)]
enum Repr<'a> {
    Raw(&'a [u8]),
    List(&'a [Property<'a>]),
}

impl Default for Repr<'_> {
    fn default() -> Self {
        Self::List(&[])
    }
}

impl<'a> Properties<'a> {
    /// No properties.
    pub const EMPTY: Properties<'static> = Properties {
        repr: Repr::List(&[]),
    };

    /// Properties to encode; checked against the packet when it is encoded.
    pub const fn new(list: &'a [Property<'a>]) -> Self {
        Self {
            repr: Repr::List(list),
        }
    }

    /// The properties, in order. Cannot fail: decoding validated them.
    pub fn iter(&self) -> impl Iterator<Item = Property<'a>> + use<'a> {
        let (raw, mut list) = match self.repr {
            Repr::Raw(b) => (b, [].iter()),
            Repr::List(l) => (&[][..], l.iter()),
        };
        // The block was validated in the version that has properties.
        let mut raw = In::new(raw, 0, 0, Context::new(Version::V5));
        core::iter::from_fn(move || match list.next() {
            Some(p) => Some(*p),
            None if raw.is_empty() => None,
            None => Property::read(&mut raw).ok(),
        })
    }

    /// `true` when there are none.
    pub fn is_empty(&self) -> bool {
        match self.repr {
            Repr::Raw(b) => b.is_empty(),
            Repr::List(l) => l.is_empty(),
        }
    }

    /// The first property with identifier `id`.
    pub fn get(&self, id: u8) -> Option<Property<'a>> {
        self.iter().find(|p| p.id() == id)
    }

    /// Every User Property (0x26), in order.
    pub fn user_properties(&self) -> impl Iterator<Item = (Str<'a>, Str<'a>)> + use<'a> {
        self.iter().filter_map(|p| match p {
            Property::UserProperty(k, v) => Some((k, v)),
            _ => None,
        })
    }

    /// Every Subscription Identifier (0x0B), in order.
    pub fn subscription_identifiers(&self) -> impl Iterator<Item = VarInt> + use<'a> {
        self.iter().filter_map(|p| match p {
            Property::SubscriptionIdentifier(v) => Some(v),
            _ => None,
        })
    }

    /// Bytes of the property block without its length.
    fn body_len(&self) -> usize {
        match self.repr {
            Repr::Raw(b) => b.len(),
            Repr::List(l) => l.iter().map(Property::encoded_len).sum(),
        }
    }

    /// Bytes of the encoding: Property Length, then the properties.
    pub(crate) fn encoded_len(&self) -> usize {
        let n = self.body_len();
        VarInt::new(n as u32).map_or(4, VarInt::size) + n
    }

    pub(crate) fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        VarInt::new(self.body_len() as u32)
            .unwrap_or(VarInt::MAX)
            .write_to(out);
        match self.repr {
            Repr::Raw(b) => out.put(b),
            Repr::List(l) => l.iter().for_each(|p| p.write_to(out)),
        }
    }

    /// Checks properties to encode against the rules decoding applies.
    pub(crate) fn check(&self, holder: Holder) -> Result<(), EncodeError> {
        let Repr::List(list) = self.repr else {
            return Ok(()); // decoded, so validated for its holder
        };
        let mut seen = 0u64;
        for p in list {
            let id = p.id();
            let Some((_, range, allowed, repeat)) = spec(id) else {
                return Err(EncodeError::Inconsistent("unknown property"));
            };
            if allowed & holder.bit() == 0 {
                return Err(EncodeError::Inconsistent(
                    "property not allowed in this packet",
                ));
            }
            if seen & (1 << id) != 0 && repeat & holder.bit() == 0 {
                return Err(EncodeError::Inconsistent(
                    "property repeated where it may appear once",
                ));
            }
            seen |= 1 << id;
            if !range.admits(p.number()) {
                return Err(EncodeError::OutOfRange {
                    field: "property value",
                    value: u64::from(p.number().unwrap_or(0)),
                });
            }
            match p {
                Property::ResponseTopic(t)
                    if t.as_str().is_empty() || topic_name_error(t.as_str()).is_some() =>
                {
                    return Err(EncodeError::Inconsistent(
                        "Response Topic is not a topic name",
                    ));
                }
                Property::CorrelationData(b) | Property::AuthenticationData(b) => {
                    check_binary("property value", b)?
                }
                _ => {}
            }
        }
        if seen & (1 << 0x16) != 0 && seen & (1 << 0x15) == 0 {
            return Err(EncodeError::Inconsistent(
                "Authentication Data without Authentication Method",
            ));
        }
        // The length of the block needs no check of its own: the packet's Remaining
        // Length, checked after this, bounds it.
        Ok(())
    }

    /// Reads and validates a property block (Property Length, then the properties) for
    /// `holder` (MQTT 5.0 §2.2.2).
    pub(crate) fn decode(input: &mut In<'a>, holder: Holder) -> Result<Self, Error> {
        let len_at = input.at();
        let len = input.varint()?.get() as usize;
        if len > input.remaining() {
            return Err(Error::Truncated { at: len_at });
        }
        let start = input.at();
        let block = input.bytes(len)?;
        let mut r = In::new(block, 0, start, input.cx);
        let mut seen = 0u64;
        while !r.is_empty() {
            let at = r.at();
            let p = Property::read(&mut r)?;
            let id = p.id();
            let Some((_, range, allowed, repeat)) = spec(id) else {
                return Err(Error::UnknownProperty { id, at });
            };
            if allowed & holder.bit() == 0 {
                return Err(Error::PropertyNotAllowed { id, at });
            }
            if seen & (1 << id) != 0 && repeat & holder.bit() == 0 {
                return Err(Error::DuplicateProperty { id, at });
            }
            seen |= 1 << id;
            if range != Range::Any && !range.admits(p.number()) {
                return Err(Error::InvalidPropertyValue { id, at: at + 1 });
            }
        }
        // MQTT 5.0 §3.1.2.11.10, §3.2.2.3.18, §3.15.2.2.3: Authentication Data without an
        // Authentication Method is a Protocol Error.
        if seen & (1 << 0x16) != 0 && seen & (1 << 0x15) == 0 {
            return Err(Error::PropertyNotAllowed {
                id: 0x16,
                at: start,
            });
        }
        Ok(Self {
            repr: Repr::Raw(block),
        })
    }
}

/// Typed getters: the value of the first property of each kind (a property that may
/// appear once appears at most once in a decoded block).
macro_rules! getters {
    ($($(#[$doc:meta])* $name:ident: $variant:ident -> $ty:ty;)*) => {
        impl<'a> Properties<'a> {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> Option<$ty> {
                    self.iter().find_map(|p| match p {
                        Property::$variant(v) => Some(v),
                        _ => None,
                    })
                }
            )*
        }
    };
}

getters! {
    /// Payload Format Indicator (0x01): 1 for UTF-8 payloads.
    payload_format_indicator: PayloadFormatIndicator -> u8;
    /// Message Expiry Interval (0x02), seconds.
    message_expiry_interval: MessageExpiryInterval -> u32;
    /// Content Type (0x03).
    content_type: ContentType -> Str<'a>;
    /// Response Topic (0x08).
    response_topic: ResponseTopic -> Str<'a>;
    /// Correlation Data (0x09).
    correlation_data: CorrelationData -> &'a [u8];
    /// Session Expiry Interval (0x11), seconds.
    session_expiry_interval: SessionExpiryInterval -> u32;
    /// Assigned Client Identifier (0x12).
    assigned_client_identifier: AssignedClientIdentifier -> Str<'a>;
    /// Server Keep Alive (0x13), seconds.
    server_keep_alive: ServerKeepAlive -> u16;
    /// Authentication Method (0x15).
    authentication_method: AuthenticationMethod -> Str<'a>;
    /// Authentication Data (0x16).
    authentication_data: AuthenticationData -> &'a [u8];
    /// Will Delay Interval (0x18), seconds.
    will_delay_interval: WillDelayInterval -> u32;
    /// Response Information (0x1A).
    response_information: ResponseInformation -> Str<'a>;
    /// Server Reference (0x1C).
    server_reference: ServerReference -> Str<'a>;
    /// Reason String (0x1F).
    reason_string: ReasonString -> Str<'a>;
    /// Receive Maximum (0x21).
    receive_maximum: ReceiveMaximum -> u16;
    /// Topic Alias Maximum (0x22).
    topic_alias_maximum: TopicAliasMaximum -> u16;
    /// Topic Alias (0x23).
    topic_alias: TopicAlias -> u16;
    /// Maximum QoS (0x24).
    maximum_qos: MaximumQos -> u8;
    /// Retain Available (0x25).
    retain_available: RetainAvailable -> u8;
    /// Maximum Packet Size (0x27).
    maximum_packet_size: MaximumPacketSize -> u32;
}

impl PartialEq for Properties<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Properties<'_> {}

impl fmt::Debug for Properties<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Properties exist in 5.0 only: the encoded length of a block in `version`.
pub(crate) fn len_in(version: Version, p: &Properties<'_>) -> usize {
    if version.is_v5() { p.encoded_len() } else { 0 }
}

/// Decodes a property block in 5.0, or gives none before it.
pub(crate) fn decode_in<'a>(input: &mut In<'a>, holder: Holder) -> Result<Properties<'a>, Error> {
    match input.cx.version.is_v5() {
        true => Properties::decode(input, holder),
        false => Ok(Properties::EMPTY),
    }
}

/// Properties to encode must be empty before 5.0, and valid for their packet in 5.0.
pub(crate) fn check_in(
    version: Version,
    p: &Properties<'_>,
    holder: Holder,
) -> Result<(), EncodeError> {
    match version.is_v5() {
        true => p.check(holder),
        false if p.is_empty() => Ok(()),
        false => Err(EncodeError::Inconsistent(
            "properties exist in MQTT 5.0 only",
        )),
    }
}
