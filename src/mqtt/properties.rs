//! MQTT 5.0 properties (§2.2.2): all 27 identifiers, each allowed only in the packets
//! the specification lists, once unless it may repeat, with its value in range.

use core::fmt;

use super::codec::{In, Str, VarInt, check_binary, topic_name_error, varint, write_binary};
use super::{Error, Version};
use crate::error::EncodeError;
use crate::packet::Sink;
use crate::wire::Reader;

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
/// and whether it may repeat (in which holders).
const fn spec(id: u8) -> Option<(Kind, Range, u16, u16)> {
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
            _ => match spec(self.id()) {
                Some((Kind::Byte, ..)) => 1,
                Some((Kind::U16, ..)) => 2,
                _ => 4,
            },
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
                let n = self.number().unwrap_or(0);
                match spec(self.id()) {
                    Some((Kind::Byte, ..)) => out.put_u8(n as u8),
                    Some((Kind::U16, ..)) => out.put(&(n as u16).to_be_bytes()),
                    _ => out.put(&n.to_be_bytes()),
                }
            }
        }
    }

    /// Reads one property of a block decoding already validated.
    fn read(r: &mut Reader<'a>) -> Option<Self> {
        use Property::*;
        let id = r.take_u8()?;
        let (kind, ..) = spec(id)?;
        let str = |r: &mut Reader<'a>| -> Option<Str<'a>> {
            let n = r.take_u16()?;
            crate::wire::utf8(r.take(usize::from(n))?)
                .ok()
                .map(Str::from_valid)
        };
        let bin = |r: &mut Reader<'a>| -> Option<&'a [u8]> {
            let n = r.take_u16()?;
            r.take(usize::from(n))
        };
        Some(match kind {
            Kind::Byte => {
                let v = r.take_u8()?;
                match id {
                    0x01 => PayloadFormatIndicator(v),
                    0x17 => RequestProblemInformation(v),
                    0x19 => RequestResponseInformation(v),
                    0x24 => MaximumQos(v),
                    0x25 => RetainAvailable(v),
                    0x28 => WildcardSubscriptionAvailable(v),
                    0x29 => SubscriptionIdentifierAvailable(v),
                    _ => SharedSubscriptionAvailable(v),
                }
            }
            Kind::U16 => {
                let v = r.take_u16()?;
                match id {
                    0x13 => ServerKeepAlive(v),
                    0x21 => ReceiveMaximum(v),
                    0x22 => TopicAliasMaximum(v),
                    _ => TopicAlias(v),
                }
            }
            Kind::U32 => {
                let v = r.take_u32()?;
                match id {
                    0x02 => MessageExpiryInterval(v),
                    0x11 => SessionExpiryInterval(v),
                    0x18 => WillDelayInterval(v),
                    _ => MaximumPacketSize(v),
                }
            }
            Kind::VarInt => {
                let (v, n) = varint(r.rest(), 0, false).ok()??;
                r.take(n)?;
                SubscriptionIdentifier(v)
            }
            Kind::Str => {
                let s = str(r)?;
                match id {
                    0x03 => ContentType(s),
                    0x08 => ResponseTopic(s),
                    0x12 => AssignedClientIdentifier(s),
                    0x15 => AuthenticationMethod(s),
                    0x1A => ResponseInformation(s),
                    0x1C => ServerReference(s),
                    _ => ReasonString(s),
                }
            }
            Kind::Binary => {
                let b = bin(r)?;
                match id {
                    0x09 => CorrelationData(b),
                    _ => AuthenticationData(b),
                }
            }
            Kind::Pair => UserProperty(str(r)?, str(r)?),
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
        let (mut raw, mut list) = match self.repr {
            Repr::Raw(b) => (Reader::at(b, 0), [].iter()),
            Repr::List(l) => (Reader::at(&[], 0), l.iter()),
        };
        core::iter::from_fn(move || match list.next() {
            Some(p) => Some(*p),
            None if raw.is_empty() => None,
            None => Property::read(&mut raw),
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

    /// The Topic Alias (0x23).
    pub fn topic_alias(&self) -> Option<u16> {
        self.iter().find_map(|p| match p {
            Property::TopicAlias(v) => Some(v),
            _ => None,
        })
    }

    /// The Reason String (0x1F).
    pub fn reason_string(&self) -> Option<Str<'a>> {
        self.iter().find_map(|p| match p {
            Property::ReasonString(v) => Some(v),
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
            let bad_value = match (range, p.number()) {
                (Range::Flag, Some(n)) => n > 1,
                (Range::NonZero, Some(n)) => n == 0,
                _ => false,
            };
            if bad_value {
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
        if seen & (1 << 0x16) != 0 && seen & (1 << 0x15) == 0 {
            return Err(EncodeError::Inconsistent(
                "Authentication Data without Authentication Method",
            ));
        }
        if self.body_len() > VarInt::MAX.get() as usize {
            return Err(EncodeError::TooLong {
                field: "properties",
                len: self.body_len(),
                max: VarInt::MAX.get() as usize,
            });
        }
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
            let id = r.u8()?;
            let Some((kind, range, allowed, repeat)) = spec(id) else {
                return Err(Error::UnknownProperty { id, at });
            };
            if allowed & holder.bit() == 0 {
                return Err(Error::PropertyNotAllowed { id, at });
            }
            if seen & (1 << id) != 0 && repeat & holder.bit() == 0 {
                return Err(Error::DuplicateProperty { id, at });
            }
            seen |= 1 << id;
            let v_at = r.at();
            let n = match kind {
                Kind::Byte => u32::from(r.u8()?),
                Kind::U16 => u32::from(r.u16()?),
                Kind::U32 => r.u32()?,
                Kind::VarInt => r.varint()?.get(),
                // [MQTT-4.7.3-1]: a Topic Name has at least one character.
                Kind::Str if range == Range::Topic => {
                    r.topic_name(false)?;
                    0
                }
                Kind::Str => {
                    r.str()?;
                    0
                }
                Kind::Binary => {
                    r.binary()?;
                    0
                }
                Kind::Pair => {
                    r.str()?;
                    r.str()?;
                    0
                }
            };
            let bad = match range {
                Range::Flag => n > 1,
                Range::NonZero => n == 0,
                _ => false,
            };
            if bad {
                return Err(Error::InvalidPropertyValue { id, at: v_at });
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
