//! The fixed header (MQTT 5.0 §2.1, 3.1.1 §2.2) and the control packet it introduces.

use super::codec::{In, VarInt, varint};
use super::packets::{
    Ack, Auth, ConnAck, Connect, Disconnect, Publish, SubAck, Subscribe, Unsubscribe,
    check_remaining_length,
};
use super::properties::Holder;
use super::{Context, Error, Version};
use crate::error::{EncodeError, Needed};
use crate::packet::{Packet, Sink};

/// The MQTT Control Packet type: the high nibble of the first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum PacketType {
    Connect = 1,
    ConnAck = 2,
    Publish = 3,
    PubAck = 4,
    PubRec = 5,
    PubRel = 6,
    PubComp = 7,
    Subscribe = 8,
    SubAck = 9,
    Unsubscribe = 10,
    UnsubAck = 11,
    PingReq = 12,
    PingResp = 13,
    Disconnect = 14,
    /// 5.0 only.
    Auth = 15,
}

impl PacketType {
    /// The type of `nibble` in `version`, or `None` for a reserved one.
    pub const fn new(nibble: u8, version: Version) -> Option<Self> {
        use PacketType::*;
        Some(match nibble {
            1 => Connect,
            2 => ConnAck,
            3 => Publish,
            4 => PubAck,
            5 => PubRec,
            6 => PubRel,
            7 => PubComp,
            8 => Subscribe,
            9 => SubAck,
            10 => Unsubscribe,
            11 => UnsubAck,
            12 => PingReq,
            13 => PingResp,
            14 => Disconnect,
            15 if version.is_v5() => Auth,
            _ => return None,
        })
    }

    /// The flags this type requires ([MQTT-2.2.2-1]); PUBLISH has its own.
    const fn required_flags(self) -> u8 {
        match self {
            Self::PubRel | Self::Subscribe | Self::Unsubscribe => 0b0010,
            _ => 0,
        }
    }
}

/// One MQTT control packet of either version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ControlPacket<'a> {
    Connect(Connect<'a>),
    ConnAck(ConnAck<'a>),
    Publish(Publish<'a>),
    PubAck(Ack<'a>),
    PubRec(Ack<'a>),
    PubRel(Ack<'a>),
    PubComp(Ack<'a>),
    Subscribe(Subscribe<'a>),
    SubAck(SubAck<'a>),
    Unsubscribe(Unsubscribe<'a>),
    UnsubAck(SubAck<'a>),
    PingReq,
    PingResp,
    Disconnect(Disconnect<'a>),
    /// 5.0 only.
    Auth(Auth<'a>),
}

/// What the fixed header says: type, flags, and where the packet's body is.
struct Fixed {
    kind: PacketType,
    flags: u8,
    body: usize,
    end: usize,
}

/// Reads and checks the fixed header at the front of `buf`: type, flags, Remaining
/// Length, and the packet size against the limit, before the rest has arrived (the
/// caller checks that it has).
fn fixed_header(buf: &[u8], cx: &Context) -> Result<Fixed, Error> {
    let Some(&first) = buf.first() else {
        return Err(Error::Incomplete(Needed::new(2)));
    };
    let (nibble, flags) = (first >> 4, first & 0x0F);
    let kind = PacketType::new(nibble, cx.version).ok_or(Error::ReservedPacketType {
        packet_type: nibble,
        at: 0,
    })?;
    if kind == PacketType::Publish {
        // [MQTT-3.3.1-4]: QoS 3 is malformed; [MQTT-3.3.1-2]: no DUP at QoS 0.
        let qos = (flags >> 1) & 3;
        if qos == 3 {
            return Err(Error::InvalidQos { qos, at: 0 });
        }
        if qos == 0 && flags & 0x08 != 0 {
            return Err(Error::InvalidFlags {
                packet_type: nibble,
                flags,
                at: 0,
            });
        }
    } else if flags != kind.required_flags() {
        return Err(Error::InvalidFlags {
            packet_type: nibble,
            flags,
            at: 0,
        });
    }
    let rest = buf.get(1..).unwrap_or_default();
    let Some((len, n)) = varint(rest, 1, cx.version.is_v5())? else {
        return Err(Error::Incomplete(Needed::new(1)));
    };
    let size = 1 + n as u64 + u64::from(len.get());
    if size > u64::from(cx.max_packet_size) {
        return Err(Error::PacketTooLarge {
            size,
            max: cx.max_packet_size,
        });
    }
    Ok(Fixed {
        kind,
        flags,
        body: 1 + n,
        end: 1 + n + len.get() as usize,
    })
}

/// The length of the packet at the front of `buf`, fixed header included, as soon as
/// its fixed header has arrived (the rest need not have): for a reader that sizes its
/// buffer or skips a packet. The fixed header is checked as decoding checks it: type,
/// flags, Remaining Length, and the Maximum Packet Size of `cx`.
///
/// ```
/// use iotwire::mqtt::{packet_len, Context, Version};
/// // A PUBLISH whose Remaining Length (0x80 0x01 = 128) says 131 bytes in all.
/// assert_eq!(packet_len(&[0x30, 0x80, 0x01], &Context::new(Version::V5)), Ok(131));
/// ```
///
/// # Errors
///
/// `Incomplete` until the Remaining Length is whole; the decode errors of a fixed
/// header.
pub fn packet_len(buf: &[u8], cx: &Context) -> Result<usize, Error> {
    fixed_header(buf, cx).map(|f| f.end)
}

impl<'a> ControlPacket<'a> {
    /// The packet type.
    pub const fn packet_type(&self) -> PacketType {
        match self {
            Self::Connect(_) => PacketType::Connect,
            Self::ConnAck(_) => PacketType::ConnAck,
            Self::Publish(_) => PacketType::Publish,
            Self::PubAck(_) => PacketType::PubAck,
            Self::PubRec(_) => PacketType::PubRec,
            Self::PubRel(_) => PacketType::PubRel,
            Self::PubComp(_) => PacketType::PubComp,
            Self::Subscribe(_) => PacketType::Subscribe,
            Self::SubAck(_) => PacketType::SubAck,
            Self::Unsubscribe(_) => PacketType::Unsubscribe,
            Self::UnsubAck(_) => PacketType::UnsubAck,
            Self::PingReq => PacketType::PingReq,
            Self::PingResp => PacketType::PingResp,
            Self::Disconnect(_) => PacketType::Disconnect,
            Self::Auth(_) => PacketType::Auth,
        }
    }

    fn first_byte(&self) -> u8 {
        let kind = self.packet_type();
        let flags = match self {
            Self::Publish(p) => p.flags(),
            _ => kind.required_flags(),
        };
        (kind as u8) << 4 | flags
    }

    /// The Remaining Length: bytes after the fixed header.
    fn body_len(&self) -> usize {
        match self {
            Self::Connect(p) => p.body_len(),
            Self::ConnAck(p) => p.body_len(),
            Self::Publish(p) => p.body_len(),
            Self::PubAck(p) | Self::PubRec(p) | Self::PubRel(p) | Self::PubComp(p) => p.body_len(),
            Self::Subscribe(p) => p.body_len(),
            Self::SubAck(p) | Self::UnsubAck(p) => p.body_len(),
            Self::Unsubscribe(p) => p.body_len(),
            Self::PingReq | Self::PingResp => 0,
            Self::Disconnect(p) => p.body_len(),
            Self::Auth(p) => p.body_len(),
        }
    }

    fn decode_body(kind: PacketType, flags: u8, input: &mut In<'a>) -> Result<Self, Error> {
        use PacketType as T;
        Ok(match kind {
            T::Connect => Self::Connect(Connect::decode(input)?),
            T::ConnAck => Self::ConnAck(ConnAck::decode(input)?),
            T::Publish => Self::Publish(Publish::decode(input, flags)?),
            T::PubAck => Self::PubAck(Ack::decode(input, Holder::PubAck)?),
            T::PubRec => Self::PubRec(Ack::decode(input, Holder::PubRec)?),
            T::PubRel => Self::PubRel(Ack::decode(input, Holder::PubRel)?),
            T::PubComp => Self::PubComp(Ack::decode(input, Holder::PubComp)?),
            T::Subscribe => Self::Subscribe(Subscribe::decode(input)?),
            T::SubAck => Self::SubAck(SubAck::decode(input, Holder::SubAck)?),
            T::Unsubscribe => Self::Unsubscribe(Unsubscribe::decode(input)?),
            T::UnsubAck => Self::UnsubAck(SubAck::decode(input, Holder::UnsubAck)?),
            // §3.12, §3.13: no variable header, no payload.
            T::PingReq | T::PingResp => {
                input.end()?;
                match kind {
                    T::PingReq => Self::PingReq,
                    _ => Self::PingResp,
                }
            }
            T::Disconnect => Self::Disconnect(Disconnect::decode(input)?),
            T::Auth => Self::Auth(Auth::decode(input)?),
        })
    }
}

impl<'a> Packet<'a> for ControlPacket<'a> {
    type Error = Error;
    type Context = Context;

    fn decode_with(buf: &'a [u8], cx: &Context) -> Result<(Self, usize), Error> {
        let fixed = fixed_header(buf, cx)?;
        if buf.len() < fixed.end {
            return Err(Error::Incomplete(Needed::new(fixed.end - buf.len())));
        }
        let packet = buf.get(..fixed.end).unwrap_or_default();
        let mut input = In::new(packet, fixed.body, 0, *cx);
        let p = Self::decode_body(fixed.kind, fixed.flags, &mut input)?;
        Ok((p, fixed.end))
    }

    fn encoded_len(&self) -> usize {
        let rl = self.body_len();
        1 + VarInt::new(rl as u32).map_or(4, VarInt::size) + rl
    }

    fn check(&self) -> Result<(), EncodeError> {
        self.check_fields()?;
        check_remaining_length(self.body_len()).map(|_| ())
    }

    /// As the trait's, with the Remaining Length computed once for check, length and
    /// write.
    fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        self.check_fields()?;
        let rl = check_remaining_length(self.body_len())?;
        let needed = 1 + rl.size() + rl.get() as usize;
        crate::wire::write_exact(out, needed, |w| self.write_with(rl, w))
    }

    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        self.write_with(
            VarInt::new(self.body_len() as u32).unwrap_or(VarInt::MAX),
            out,
        );
    }
}

impl ControlPacket<'_> {
    /// The checks of each packet's fields, without the Remaining Length.
    fn check_fields(&self) -> Result<(), EncodeError> {
        match self {
            Self::Connect(p) => p.check(),
            Self::ConnAck(p) => p.check(),
            Self::Publish(p) => p.check(),
            Self::PubAck(p) => p.check(Holder::PubAck),
            Self::PubRec(p) => p.check(Holder::PubRec),
            Self::PubRel(p) => p.check(Holder::PubRel),
            Self::PubComp(p) => p.check(Holder::PubComp),
            Self::Subscribe(p) => p.check(),
            Self::SubAck(p) => p.check(Holder::SubAck),
            Self::Unsubscribe(p) => p.check(),
            Self::UnsubAck(p) => p.check(Holder::UnsubAck),
            Self::PingReq | Self::PingResp => Ok(()),
            Self::Disconnect(p) => p.check(),
            Self::Auth(p) => p.check(),
        }
    }

    /// Writes the packet whose Remaining Length is `rl`.
    fn write_with<S: Sink + ?Sized>(&self, rl: VarInt, out: &mut S) {
        out.put_u8(self.first_byte());
        rl.write_to(out);
        match self {
            Self::Connect(p) => p.write_body(out),
            Self::ConnAck(p) => p.write_body(out),
            Self::Publish(p) => p.write_body(out),
            Self::PubAck(p) | Self::PubRec(p) | Self::PubRel(p) | Self::PubComp(p) => {
                p.write_body(out)
            }
            Self::Subscribe(p) => p.write_body(out),
            Self::SubAck(p) | Self::UnsubAck(p) => p.write_body(out),
            Self::Unsubscribe(p) => p.write_body(out),
            Self::PingReq | Self::PingResp => {}
            Self::Disconnect(p) => p.write_body(out),
            Self::Auth(p) => p.write_body(out),
        }
    }
}

/// The protocol version a CONNECT at the front of `buf` asks for, so a server can pick
/// the decode context: `Ok(None)` when it is not a CONNECT or names no known version.
///
/// # Errors
///
/// `Incomplete` until the protocol name and level have arrived.
pub fn protocol_version(buf: &[u8]) -> Result<Option<Version>, Error> {
    let Some(&first) = buf.first() else {
        return Err(Error::Incomplete(Needed::new(2)));
    };
    if first != 0x10 {
        return Ok(None);
    }
    let Some((rl, n)) = varint(buf.get(1..).unwrap_or_default(), 1, false)? else {
        return Err(Error::Incomplete(Needed::new(1)));
    };
    // Read within the packet only: its Remaining Length bounds the name and level.
    let end = (1 + n).saturating_add(rl.get() as usize);
    let complete = buf.len() >= end;
    let packet = buf.get(..end.min(buf.len())).unwrap_or_default();
    let mut input = In::new(packet, 1 + n, 0, Context::new(Version::V3_1_1));
    let (Ok(name), Ok(level)) = (input.binary(), input.u8()) else {
        return match complete {
            true => Ok(None),
            false => Err(Error::Incomplete(Needed::Unknown)),
        };
    };
    Ok(match (name, level) {
        (b"MQIsdp", 3) => Some(Version::V3_1),
        (b"MQTT", 4) => Some(Version::V3_1_1),
        (b"MQTT", 5) => Some(Version::V5),
        _ => None,
    })
}
