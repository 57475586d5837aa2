//! The variable header and payload of each control packet (MQTT 5.0 §3, 3.1.1 §3).
//!
//! Each packet reads itself from a cursor over its body (what follows the fixed header),
//! says how long its body encodes, writes it, and checks a value built by hand against
//! the rules decoding applies.

use core::fmt;

use super::codec::{
    In, PacketId, QoS, Str, VarInt, check_binary, topic_filter_error, topic_name_error,
    write_binary,
};
use super::properties::{Holder, Properties, check_in, decode_in, len_in};
use super::{Error, Version};
use crate::error::EncodeError;
use crate::packet::Sink;
use crate::wire::Reader;

/// Reason codes each 5.0 packet allows (MQTT 5.0 §2.4 and each packet's section).
const CONNACK_V5: &[u8] = &[
    0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97,
    0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F,
];
const PUBACK_V5: &[u8] = &[0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
const PUBREL_V5: &[u8] = &[0x00, 0x92];
const SUBACK_V5: &[u8] = &[
    0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2,
];
const UNSUBACK_V5: &[u8] = &[0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91];
const DISCONNECT_V5: &[u8] = &[
    0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95,
    0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2,
];
const AUTH_V5: &[u8] = &[0x00, 0x18, 0x19];
/// 3.1.1 §3.2.2.3 Table 3.1 and §3.9.3.
const CONNACK_V3: &[u8] = &[0, 1, 2, 3, 4, 5];
const SUBACK_V3: &[u8] = &[0x00, 0x01, 0x02, 0x80];

fn reason(input: &mut In<'_>, allowed: &[u8]) -> Result<u8, Error> {
    let at = input.at();
    let code = input.u8()?;
    match allowed.contains(&code) {
        true => Ok(code),
        false => Err(Error::InvalidReasonCode { code, at }),
    }
}

fn check_reason(code: u8, allowed: &[u8]) -> Result<(), EncodeError> {
    match allowed.contains(&code) {
        true => Ok(()),
        false => Err(EncodeError::OutOfRange {
            field: "reason code",
            value: u64::from(code),
        }),
    }
}

/// The Will of a CONNECT (MQTT 5.0 §3.1.3.2-§3.1.3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Will<'a> {
    /// Will QoS.
    pub qos: QoS,
    /// Will Retain.
    pub retain: bool,
    /// Will Properties (5.0).
    pub properties: Properties<'a>,
    /// Will Topic: a Topic Name.
    pub topic: Str<'a>,
    /// Will Payload.
    pub payload: &'a [u8],
}

/// CONNECT (MQTT 5.0 §3.1, 3.1.1 §3.1, and 3.1's `MQIsdp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connect<'a> {
    /// The protocol version (name and level on the wire).
    pub version: Version,
    /// Clean Start (5.0) / Clean Session (3.1.1).
    pub clean_start: bool,
    /// Keep Alive, in seconds.
    pub keep_alive: u16,
    /// CONNECT properties (5.0).
    pub properties: Properties<'a>,
    /// Client Identifier (may be empty, [MQTT-3.1.3-6]).
    pub client_id: Str<'a>,
    /// The will, when the Will Flag is set.
    pub will: Option<Will<'a>>,
    /// User Name.
    pub username: Option<Str<'a>>,
    /// Password (binary data).
    pub password: Option<&'a [u8]>,
}

impl<'a> Connect<'a> {
    pub(crate) fn decode(input: &mut In<'a>) -> Result<Self, Error> {
        let version = input.cx.version;
        let name_at = input.at();
        // [MQTT-3.1.2-1]: the protocol name is "MQTT" ("MQIsdp" in 3.1), case included.
        let name = input.binary()?;
        if name != version.protocol_name().as_bytes() {
            return Err(Error::InvalidProtocolName { at: name_at });
        }
        let level_at = input.at();
        let level = input.u8()?;
        // [MQTT-3.1.2-2]: a level the decoder was not set to is refused.
        if level != version.level() {
            return Err(Error::UnsupportedProtocolLevel {
                level,
                at: level_at,
            });
        }
        let flags_at = input.at();
        let flags = input.u8()?;
        let bad_flags = Error::InvalidConnectFlags {
            flags,
            at: flags_at,
        };
        let will_flag = flags & 0x04 != 0;
        let will_qos = (flags >> 3) & 0x03;
        let will_retain = flags & 0x20 != 0;
        let password_flag = flags & 0x40 != 0;
        let username_flag = flags & 0x80 != 0;
        // [MQTT-3.1.2-3] reserved bit; [MQTT-3.1.2-11], [-13], [-15] QoS and retain only
        // with a will; [MQTT-3.1.2-14] QoS 3; 3.1.1 [MQTT-3.1.2-22] password needs a
        // user name.
        if flags & 0x01 != 0
            || (!will_flag && (will_qos != 0 || will_retain))
            || will_qos == 3
            || (!version.is_v5() && password_flag && !username_flag)
        {
            return Err(bad_flags);
        }
        let keep_alive = input.u16()?;
        let properties = decode_in(input, Holder::Connect)?;
        let client_id = input.str()?;
        let will = match will_flag {
            false => None,
            true => Some(Will {
                qos: QoS::try_from(will_qos).map_err(|_| bad_flags)?,
                retain: will_retain,
                properties: decode_in(input, Holder::Will)?,
                topic: input.topic_name(false)?,
                payload: input.binary()?,
            }),
        };
        let username = match username_flag {
            true => Some(input.str()?),
            false => None,
        };
        let password = match password_flag {
            true => Some(input.binary()?),
            false => None,
        };
        input.end()?;
        Ok(Self {
            version,
            clean_start: flags & 0x02 != 0,
            keep_alive,
            properties,
            client_id,
            will,
            username,
            password,
        })
    }

    fn flags(&self) -> u8 {
        let mut f = u8::from(self.clean_start) << 1;
        if let Some(w) = &self.will {
            f |= 0x04 | (w.qos as u8) << 3 | u8::from(w.retain) << 5;
        }
        f | u8::from(self.password.is_some()) << 6 | u8::from(self.username.is_some()) << 7
    }

    pub(crate) fn body_len(&self) -> usize {
        let v = self.version;
        2 + v.protocol_name().len()
            + 1
            + 1
            + 2
            + len_in(v, &self.properties)
            + self.client_id.encoded_len()
            + self.will.as_ref().map_or(0, |w| {
                len_in(v, &w.properties) + w.topic.encoded_len() + 2 + w.payload.len()
            })
            + self.username.map_or(0, |u| u.encoded_len())
            + self.password.map_or(0, |p| 2 + p.len())
    }

    pub(crate) fn write_body<S: Sink + ?Sized>(&self, out: &mut S) {
        let v = self.version;
        write_binary(v.protocol_name().as_bytes(), out);
        out.put_u8(v.level());
        out.put_u8(self.flags());
        out.put(&self.keep_alive.to_be_bytes());
        if v.is_v5() {
            self.properties.write_to(out);
        }
        self.client_id.write_to(out);
        if let Some(w) = &self.will {
            if v.is_v5() {
                w.properties.write_to(out);
            }
            w.topic.write_to(out);
            write_binary(w.payload, out);
        }
        if let Some(u) = &self.username {
            u.write_to(out);
        }
        if let Some(p) = self.password {
            write_binary(p, out);
        }
    }

    pub(crate) fn check(&self) -> Result<(), EncodeError> {
        check_in(self.version, &self.properties, Holder::Connect)?;
        if let Some(w) = &self.will {
            check_in(self.version, &w.properties, Holder::Will)?;
            if w.topic.as_str().is_empty() || topic_name_error(w.topic.as_str()).is_some() {
                return Err(EncodeError::Inconsistent("will topic is not a topic name"));
            }
            check_binary("will payload", w.payload)?;
        }
        if let Some(p) = self.password {
            check_binary("password", p)?;
        }
        if !self.version.is_v5() && self.password.is_some() && self.username.is_none() {
            return Err(EncodeError::Inconsistent(
                "a password needs a user name before MQTT 5.0",
            ));
        }
        // 3.1.1 [MQTT-3.1.3-7] (an empty ClientId with Clean Session 0) binds a Client,
        // not the format: a Server must decode it to refuse it ([MQTT-3.1.3-8]), and what
        // decodes must re-encode, so it is not refused here.
        Ok(())
    }
}

/// CONNACK (MQTT 5.0 §3.2, 3.1.1 §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnAck<'a> {
    /// The version of the connection.
    pub version: Version,
    /// Session Present.
    pub session_present: bool,
    /// Connect Reason Code (5.0) or Connect Return Code (3.1.1).
    pub code: u8,
    /// CONNACK properties (5.0).
    pub properties: Properties<'a>,
}

impl<'a> ConnAck<'a> {
    fn codes(v: Version) -> &'static [u8] {
        if v.is_v5() { CONNACK_V5 } else { CONNACK_V3 }
    }

    pub(crate) fn decode(input: &mut In<'a>) -> Result<Self, Error> {
        let version = input.cx.version;
        let flags_at = input.at();
        let flags = input.u8()?;
        let code = reason(input, Self::codes(version))?;
        // 3.1.1 §3.2.2.1 / 5.0 §3.2.2.1.1: bits 7-1 reserved; [MQTT-3.2.2-4] /
        // [MQTT-3.2.2-6]: no Session Present with a refusing code.
        if flags & 0xFE != 0 || (flags & 1 != 0 && code != 0) {
            return Err(Error::InvalidConnAckFlags {
                flags,
                at: flags_at,
            });
        }
        let properties = decode_in(input, Holder::ConnAck)?;
        input.end()?;
        Ok(Self {
            version,
            session_present: flags & 1 != 0,
            code,
            properties,
        })
    }

    pub(crate) fn body_len(&self) -> usize {
        2 + len_in(self.version, &self.properties)
    }

    pub(crate) fn write_body<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put_u8(u8::from(self.session_present));
        out.put_u8(self.code);
        if self.version.is_v5() {
            self.properties.write_to(out);
        }
    }

    pub(crate) fn check(&self) -> Result<(), EncodeError> {
        check_reason(self.code, Self::codes(self.version))?;
        if self.session_present && self.code != 0 {
            return Err(EncodeError::Inconsistent(
                "Session Present with a refusing code",
            ));
        }
        check_in(self.version, &self.properties, Holder::ConnAck)
    }
}

/// PUBLISH (MQTT 5.0 §3.3, 3.1.1 §3.3). The payload can be left out of the encoding
/// for a vectored write: see [`Publish::encode_head`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Publish<'a> {
    /// The version of the connection.
    pub version: Version,
    /// DUP.
    pub dup: bool,
    /// QoS.
    pub qos: QoS,
    /// RETAIN.
    pub retain: bool,
    /// Topic Name (empty in 5.0 only with a Topic Alias).
    pub topic: Str<'a>,
    /// Packet Identifier: present exactly when QoS > 0 ([MQTT-2.2.1-2]).
    pub packet_id: Option<PacketId>,
    /// PUBLISH properties (5.0).
    pub properties: Properties<'a>,
    /// Application Message.
    pub payload: &'a [u8],
}

impl core::fmt::Debug for Publish<'_> {
    /// The payload as a byte string.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Publish")
            .field("version", &self.version)
            .field("dup", &self.dup)
            .field("qos", &self.qos)
            .field("retain", &self.retain)
            .field("topic", &self.topic)
            .field("packet_id", &self.packet_id)
            .field("properties", &self.properties)
            .field("payload", &crate::wire::DebugBytes(self.payload))
            .finish()
    }
}

impl<'a> Publish<'a> {
    pub(crate) fn decode(input: &mut In<'a>, flags: u8) -> Result<Self, Error> {
        let version = input.cx.version;
        let qos = QoS::try_from((flags >> 1) & 3).unwrap_or_default();
        let topic_at = input.at();
        let topic = input.topic_name(version.is_v5())?;
        let packet_id = match qos {
            QoS::AtMostOnce => None,
            _ => Some(input.packet_id()?),
        };
        let properties = decode_in(input, Holder::Publish)?;
        // MQTT 5.0 §3.3.2.1: an empty Topic Name needs a Topic Alias.
        if topic.as_str().is_empty() && properties.topic_alias().is_none() {
            return Err(Error::InvalidTopicName { at: topic_at });
        }
        Ok(Self {
            version,
            dup: flags & 0x08 != 0,
            qos,
            retain: flags & 0x01 != 0,
            topic,
            packet_id,
            properties,
            payload: input.rest(),
        })
    }

    pub(crate) fn flags(&self) -> u8 {
        u8::from(self.dup) << 3 | (self.qos as u8) << 1 | u8::from(self.retain)
    }

    /// The variable header: topic, packet identifier, properties.
    fn head_body_len(&self) -> usize {
        self.topic.encoded_len()
            + self.packet_id.map_or(0, |_| 2)
            + len_in(self.version, &self.properties)
    }

    pub(crate) fn body_len(&self) -> usize {
        self.head_body_len() + self.payload.len()
    }

    fn write_head_body<S: Sink + ?Sized>(&self, out: &mut S) {
        self.topic.write_to(out);
        if let Some(id) = self.packet_id {
            out.put(&id.get().to_be_bytes());
        }
        if self.version.is_v5() {
            self.properties.write_to(out);
        }
    }

    pub(crate) fn write_body<S: Sink + ?Sized>(&self, out: &mut S) {
        self.write_head_body(out);
        out.put(self.payload);
    }

    /// Bytes of the packet without its payload: fixed header and variable header.
    pub fn head_len(&self) -> usize {
        let rl = self.body_len();
        1 + VarInt::new(rl as u32).map_or(4, VarInt::size) + self.head_body_len()
    }

    /// Writes the packet without its payload (fixed header, with the Remaining Length
    /// that counts the payload, and variable header) into `out`, so that head and
    /// payload go out in one vectored write. Returns [`Publish::head_len`].
    ///
    /// # Errors
    ///
    /// As [`crate::Packet::encode`] for the whole packet.
    pub fn encode_head(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        self.check()?;
        let rl = check_remaining_length(self.body_len())?;
        crate::wire::write_exact(out, self.head_len(), |w| {
            w.put_u8(0x30 | self.flags());
            rl.write_to(w);
            self.write_head_body(w);
        })
    }

    pub(crate) fn check(&self) -> Result<(), EncodeError> {
        let t = self.topic.as_str();
        if topic_name_error(t).is_some() {
            return Err(EncodeError::Inconsistent("wildcard in a PUBLISH topic"));
        }
        check_in(self.version, &self.properties, Holder::Publish)?;
        if t.is_empty() && !(self.version.is_v5() && self.properties.topic_alias().is_some()) {
            return Err(EncodeError::Empty {
                field: "topic name",
            });
        }
        match (self.qos, self.packet_id) {
            (QoS::AtMostOnce, Some(_)) => {
                Err(EncodeError::Inconsistent("packet identifier at QoS 0"))
            }
            (QoS::AtMostOnce, None) if self.dup => Err(EncodeError::Inconsistent("DUP at QoS 0")),
            (QoS::AtLeastOnce | QoS::ExactlyOnce, None) => Err(EncodeError::Inconsistent(
                "QoS > 0 needs a packet identifier",
            )),
            _ => Ok(()),
        }
    }
}

/// PUBACK, PUBREC, PUBREL or PUBCOMP (MQTT 5.0 §3.4-§3.7): a packet identifier, and in
/// 5.0 a reason code and properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ack<'a> {
    /// The version of the connection.
    pub version: Version,
    /// Packet Identifier.
    pub packet_id: PacketId,
    /// Reason Code (5.0; 0 before).
    pub reason: u8,
    /// Properties (5.0).
    pub properties: Properties<'a>,
}

impl<'a> Ack<'a> {
    /// `holder` is which of the four packets this is.
    pub(crate) fn decode(input: &mut In<'a>, holder: Holder) -> Result<Self, Error> {
        let version = input.cx.version;
        let packet_id = input.packet_id()?;
        let (mut reason_code, mut properties) = (0, Properties::EMPTY);
        // MQTT 5.0 §3.4.2.1: reason and properties may be left out; 3.1.1: exactly 2.
        if version.is_v5() && !input.is_empty() {
            reason_code = reason(input, Self::codes(holder))?;
            if !input.is_empty() {
                properties = Properties::decode(input, holder)?;
            }
        }
        input.end()?;
        Ok(Self {
            version,
            packet_id,
            reason: reason_code,
            properties,
        })
    }

    fn codes(holder: Holder) -> &'static [u8] {
        match holder {
            Holder::PubRel | Holder::PubComp => PUBREL_V5,
            _ => PUBACK_V5,
        }
    }

    pub(crate) fn body_len(&self) -> usize {
        match self.shape() {
            0 => 2,
            1 => 3,
            _ => 3 + self.properties.encoded_len(),
        }
    }

    /// How much is written after the identifier: nothing, the reason, or both.
    fn shape(&self) -> u8 {
        match (
            self.version.is_v5(),
            self.reason,
            self.properties.is_empty(),
        ) {
            (false, ..) | (true, 0, true) => 0,
            (true, _, true) => 1,
            _ => 2,
        }
    }

    pub(crate) fn write_body<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(&self.packet_id.get().to_be_bytes());
        let shape = self.shape();
        if shape >= 1 {
            out.put_u8(self.reason);
        }
        if shape == 2 {
            self.properties.write_to(out);
        }
    }

    pub(crate) fn check(&self, holder: Holder) -> Result<(), EncodeError> {
        match self.version.is_v5() {
            true => check_reason(self.reason, Self::codes(holder))?,
            false if self.reason != 0 => {
                return Err(EncodeError::Inconsistent(
                    "reason codes exist in MQTT 5.0 only",
                ));
            }
            false => {}
        }
        check_in(self.version, &self.properties, holder)
    }
}

/// Subscription Options (MQTT 5.0 §3.8.3.1; 3.1.1: the Requested QoS alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SubscriptionOptions {
    /// Maximum QoS.
    pub qos: QoS,
    /// No Local (5.0).
    pub no_local: bool,
    /// Retain As Published (5.0).
    pub retain_as_published: bool,
    /// Retain Handling, 0 to 2 (5.0).
    pub retain_handling: u8,
}

impl SubscriptionOptions {
    fn byte(&self) -> u8 {
        self.qos as u8
            | u8::from(self.no_local) << 2
            | u8::from(self.retain_as_published) << 3
            | self.retain_handling << 4
    }

    fn parse(b: u8, version: Version, at: usize) -> Result<Self, Error> {
        let qos = QoS::try_from(b & 3).map_err(|qos| Error::InvalidQos { qos, at })?;
        // 3.1.1 [MQTT-3-8.3-4]: bits 7-2 reserved; 5.0 [MQTT-3.8.3-5]: bits 7-6, and
        // Retain Handling 3 is a Protocol Error (§3.8.3.1).
        let reserved = if version.is_v5() { 0xC0 } else { 0xFC };
        if b & reserved != 0 || (b >> 4) & 3 == 3 {
            return Err(Error::InvalidSubscriptionOptions { options: b, at });
        }
        Ok(Self {
            qos,
            no_local: b & 0x04 != 0,
            retain_as_published: b & 0x08 != 0,
            retain_handling: (b >> 4) & 3,
        })
    }

    fn check(&self, version: Version) -> Result<(), EncodeError> {
        let extras = self.no_local || self.retain_as_published || self.retain_handling != 0;
        if (!version.is_v5() && extras) || self.retain_handling > 2 {
            return Err(EncodeError::OutOfRange {
                field: "subscription options",
                value: u64::from(self.byte()),
            });
        }
        Ok(())
    }
}

/// The topic filters of a SUBSCRIBE (with options) or UNSUBSCRIBE: the validated bytes
/// of a decoded payload, walked lazily, or a slice to encode.
#[derive(Clone, Copy)]
pub enum Filters<'a> {
    /// Decoded: validated filter entries (and, for SUBSCRIBE, options bytes).
    #[doc(hidden)]
    Raw {
        /// The payload.
        bytes: &'a [u8],
        /// Whether each filter is followed by an options byte.
        with_options: bool,
        /// The version they were validated in.
        version: Version,
    },
    /// Filters to encode, with their options (ignored in UNSUBSCRIBE).
    List(&'a [(Str<'a>, SubscriptionOptions)]),
}

impl<'a> Filters<'a> {
    /// The filters and their options (default options in UNSUBSCRIBE), in order.
    pub fn iter(&self) -> impl Iterator<Item = (Str<'a>, SubscriptionOptions)> + use<'a> {
        let (mut r, with_options, version, mut list) = match *self {
            Filters::Raw {
                bytes,
                with_options,
                version,
            } => (Reader::at(bytes, 0), with_options, version, [].iter()),
            Filters::List(l) => (Reader::at(&[], 0), false, Version::V5, l.iter()),
        };
        core::iter::from_fn(move || {
            if let Some(e) = list.next() {
                return Some(*e);
            }
            let n = r.take_u16()?;
            let s = crate::wire::utf8(r.take(usize::from(n))?).ok()?;
            let opts = match with_options {
                true => SubscriptionOptions::parse(r.take_u8()?, version, 0).ok()?,
                false => SubscriptionOptions::default(),
            };
            Some((Str::from_valid(s), opts))
        })
    }

    fn encoded_len(&self, with_options: bool) -> usize {
        match *self {
            Filters::Raw { bytes, .. } => bytes.len(),
            Filters::List(l) => l
                .iter()
                .map(|(f, _)| f.encoded_len() + usize::from(with_options))
                .sum(),
        }
    }

    fn write_to<S: Sink + ?Sized>(&self, out: &mut S, with_options: bool) {
        match *self {
            Filters::Raw { bytes, .. } => out.put(bytes),
            Filters::List(l) => {
                for (f, o) in l {
                    f.write_to(out);
                    if with_options {
                        out.put_u8(o.byte());
                    }
                }
            }
        }
    }

    fn check(&self, version: Version, with_options: bool) -> Result<(), EncodeError> {
        let Filters::List(l) = self else {
            return Ok(());
        };
        if l.is_empty() {
            return Err(EncodeError::Empty {
                field: "topic filters",
            });
        }
        for (f, o) in *l {
            if topic_filter_error(f.as_str(), version.is_v5()).is_some() {
                return Err(EncodeError::Inconsistent("invalid topic filter"));
            }
            if with_options {
                o.check(version)?;
                // [MQTT-3.8.3-4]: No Local on a Shared Subscription is a Protocol Error.
                if o.no_local && version.is_v5() && f.as_str().starts_with("$share/") {
                    return Err(EncodeError::Inconsistent(
                        "No Local on a shared subscription",
                    ));
                }
            } else if *o != SubscriptionOptions::default() {
                // UNSUBSCRIBE carries no options: ones given would not survive the round
                // trip.
                return Err(EncodeError::Inconsistent(
                    "subscription options in an UNSUBSCRIBE",
                ));
            }
        }
        Ok(())
    }

    /// Reads and validates the payload of a SUBSCRIBE (`with_options`) or UNSUBSCRIBE:
    /// at least one filter ([MQTT-3.8.3-3], [MQTT-3.10.3-2]).
    fn decode(input: &mut In<'a>, with_options: bool) -> Result<Self, Error> {
        let start = input.at();
        if input.is_empty() {
            return Err(Error::EmptyPayload { at: start });
        }
        let version = input.cx.version;
        let mut probe = input.clone();
        while !probe.is_empty() {
            let filter = probe.topic_filter()?;
            if with_options {
                let at = probe.at();
                let o = SubscriptionOptions::parse(probe.u8()?, version, at)?;
                // [MQTT-3.8.3-4]: No Local on a Shared Subscription is a Protocol Error.
                if o.no_local && filter.as_str().starts_with("$share/") && version.is_v5() {
                    return Err(Error::InvalidSubscriptionOptions {
                        options: o.byte(),
                        at,
                    });
                }
            }
        }
        Ok(Filters::Raw {
            bytes: input.rest(),
            with_options,
            version,
        })
    }
}

impl PartialEq for Filters<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Filters<'_> {}

impl fmt::Debug for Filters<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// SUBSCRIBE (MQTT 5.0 §3.8, 3.1.1 §3.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscribe<'a> {
    /// The version of the connection.
    pub version: Version,
    /// Packet Identifier.
    pub packet_id: PacketId,
    /// SUBSCRIBE properties (5.0).
    pub properties: Properties<'a>,
    /// Topic filters and their options; at least one.
    pub filters: Filters<'a>,
}

impl<'a> Subscribe<'a> {
    pub(crate) fn decode(input: &mut In<'a>) -> Result<Self, Error> {
        Ok(Self {
            version: input.cx.version,
            packet_id: input.packet_id()?,
            properties: decode_in(input, Holder::Subscribe)?,
            filters: Filters::decode(input, true)?,
        })
    }

    pub(crate) fn body_len(&self) -> usize {
        2 + len_in(self.version, &self.properties) + self.filters.encoded_len(true)
    }

    pub(crate) fn write_body<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(&self.packet_id.get().to_be_bytes());
        if self.version.is_v5() {
            self.properties.write_to(out);
        }
        self.filters.write_to(out, true);
    }

    pub(crate) fn check(&self) -> Result<(), EncodeError> {
        check_in(self.version, &self.properties, Holder::Subscribe)?;
        self.filters.check(self.version, true)
    }
}

/// UNSUBSCRIBE (MQTT 5.0 §3.10, 3.1.1 §3.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsubscribe<'a> {
    /// The version of the connection.
    pub version: Version,
    /// Packet Identifier.
    pub packet_id: PacketId,
    /// UNSUBSCRIBE properties (5.0).
    pub properties: Properties<'a>,
    /// Topic filters; at least one, with default options (UNSUBSCRIBE carries none).
    pub filters: Filters<'a>,
}

impl<'a> Unsubscribe<'a> {
    pub(crate) fn decode(input: &mut In<'a>) -> Result<Self, Error> {
        Ok(Self {
            version: input.cx.version,
            packet_id: input.packet_id()?,
            properties: decode_in(input, Holder::Unsubscribe)?,
            filters: Filters::decode(input, false)?,
        })
    }

    pub(crate) fn body_len(&self) -> usize {
        2 + len_in(self.version, &self.properties) + self.filters.encoded_len(false)
    }

    pub(crate) fn write_body<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(&self.packet_id.get().to_be_bytes());
        if self.version.is_v5() {
            self.properties.write_to(out);
        }
        self.filters.write_to(out, false);
    }

    pub(crate) fn check(&self) -> Result<(), EncodeError> {
        check_in(self.version, &self.properties, Holder::Unsubscribe)?;
        self.filters.check(self.version, false)
    }
}

/// SUBACK or UNSUBACK (MQTT 5.0 §3.9, §3.11): a packet identifier, properties (5.0), and
/// one reason code per filter (none in a 3.1.1 UNSUBACK).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubAck<'a> {
    /// The version of the connection.
    pub version: Version,
    /// Packet Identifier.
    pub packet_id: PacketId,
    /// Properties (5.0).
    pub properties: Properties<'a>,
    /// Reason codes (return codes in 3.1.1), one per filter of the request.
    pub codes: &'a [u8],
}

/// UNSUBACK has SUBACK's shape.
pub type UnsubAck<'a> = SubAck<'a>;

impl<'a> SubAck<'a> {
    fn codes_for(version: Version, holder: Holder) -> &'static [u8] {
        match (holder, version.is_v5()) {
            (Holder::SubAck, true) => SUBACK_V5,
            (Holder::SubAck, false) => SUBACK_V3,
            (_, true) => UNSUBACK_V5,
            (_, false) => &[],
        }
    }

    /// `holder` is SUBACK or UNSUBACK.
    pub(crate) fn decode(input: &mut In<'a>, holder: Holder) -> Result<Self, Error> {
        let version = input.cx.version;
        let packet_id = input.packet_id()?;
        let properties = decode_in(input, holder)?;
        let allowed = Self::codes_for(version, holder);
        let at = input.at();
        let codes = input.rest();
        if holder == Holder::UnsubAck && !version.is_v5() {
            // 3.1.1 §3.11: Remaining Length 2, no payload.
            if !codes.is_empty() {
                return Err(Error::TrailingBytes { at });
            }
        } else {
            // [MQTT-3.9.3-1] / [MQTT-3.11.3-1]: one code per filter, so at least one.
            if codes.is_empty() {
                return Err(Error::EmptyPayload { at });
            }
            if let Some(i) = codes.iter().position(|c| !allowed.contains(c)) {
                return Err(Error::InvalidReasonCode {
                    code: codes.get(i).copied().unwrap_or(0),
                    at: at + i,
                });
            }
        }
        Ok(Self {
            version,
            packet_id,
            properties,
            codes,
        })
    }

    pub(crate) fn body_len(&self) -> usize {
        2 + len_in(self.version, &self.properties) + self.codes.len()
    }

    pub(crate) fn write_body<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(&self.packet_id.get().to_be_bytes());
        if self.version.is_v5() {
            self.properties.write_to(out);
        }
        out.put(self.codes);
    }

    pub(crate) fn check(&self, holder: Holder) -> Result<(), EncodeError> {
        check_in(self.version, &self.properties, holder)?;
        let allowed = Self::codes_for(self.version, holder);
        if holder == Holder::UnsubAck && !self.version.is_v5() {
            return match self.codes.is_empty() {
                true => Ok(()),
                false => Err(EncodeError::Inconsistent(
                    "a 3.1.1 UNSUBACK has no reason codes",
                )),
            };
        }
        if self.codes.is_empty() {
            return Err(EncodeError::Empty {
                field: "reason codes",
            });
        }
        self.codes
            .iter()
            .try_for_each(|&c| check_reason(c, allowed))
    }
}

/// DISCONNECT (MQTT 5.0 §3.14, 3.1.1 §3.14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disconnect<'a> {
    /// The version of the connection.
    pub version: Version,
    /// Disconnect Reason Code (5.0; 0 before).
    pub reason: u8,
    /// DISCONNECT properties (5.0).
    pub properties: Properties<'a>,
}

/// AUTH (MQTT 5.0 §3.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Auth<'a> {
    /// Authenticate Reason Code.
    pub reason: u8,
    /// AUTH properties.
    pub properties: Properties<'a>,
}

/// What DISCONNECT and AUTH share: a reason code and properties that may both be left
/// out (Remaining Length 0, or 1 without properties).
fn decode_reason_and_properties<'a>(
    input: &mut In<'a>,
    allowed: &[u8],
    holder: Holder,
) -> Result<(u8, Properties<'a>), Error> {
    let (mut code, mut properties) = (0, Properties::EMPTY);
    if !input.is_empty() {
        code = reason(input, allowed)?;
        if !input.is_empty() {
            properties = Properties::decode(input, holder)?;
        }
    }
    input.end()?;
    Ok((code, properties))
}

fn reason_and_properties_len(code: u8, p: &Properties<'_>) -> usize {
    match (code, p.is_empty()) {
        (0, true) => 0,
        (_, true) => 1,
        _ => 1 + p.encoded_len(),
    }
}

fn write_reason_and_properties<S: Sink + ?Sized>(code: u8, p: &Properties<'_>, out: &mut S) {
    let n = reason_and_properties_len(code, p);
    if n >= 1 {
        out.put_u8(code);
    }
    if n > 1 {
        p.write_to(out);
    }
}

impl<'a> Disconnect<'a> {
    pub(crate) fn decode(input: &mut In<'a>) -> Result<Self, Error> {
        let version = input.cx.version;
        let (reason, properties) = match version.is_v5() {
            true => decode_reason_and_properties(input, DISCONNECT_V5, Holder::Disconnect)?,
            false => {
                input.end()?;
                (0, Properties::EMPTY)
            }
        };
        Ok(Self {
            version,
            reason,
            properties,
        })
    }

    pub(crate) fn body_len(&self) -> usize {
        match self.version.is_v5() {
            true => reason_and_properties_len(self.reason, &self.properties),
            false => 0,
        }
    }

    pub(crate) fn write_body<S: Sink + ?Sized>(&self, out: &mut S) {
        if self.version.is_v5() {
            write_reason_and_properties(self.reason, &self.properties, out);
        }
    }

    pub(crate) fn check(&self) -> Result<(), EncodeError> {
        match self.version.is_v5() {
            true => check_reason(self.reason, DISCONNECT_V5)?,
            false if self.reason != 0 => {
                return Err(EncodeError::Inconsistent(
                    "reason codes exist in MQTT 5.0 only",
                ));
            }
            false => {}
        }
        check_in(self.version, &self.properties, Holder::Disconnect)
    }
}

impl<'a> Auth<'a> {
    /// MQTT 5.0 §3.15.2: the reason code and Property Length may be left out only
    /// together (Remaining Length 0), unlike DISCONNECT's.
    pub(crate) fn decode(input: &mut In<'a>) -> Result<Self, Error> {
        let (mut reason_code, mut properties) = (0, Properties::EMPTY);
        if !input.is_empty() {
            reason_code = reason(input, AUTH_V5)?;
            properties = Properties::decode(input, Holder::Auth)?;
        }
        input.end()?;
        Ok(Self {
            reason: reason_code,
            properties,
        })
    }

    fn omitted(&self) -> bool {
        self.reason == 0 && self.properties.is_empty()
    }

    pub(crate) fn body_len(&self) -> usize {
        match self.omitted() {
            true => 0,
            false => 1 + self.properties.encoded_len(),
        }
    }

    pub(crate) fn write_body<S: Sink + ?Sized>(&self, out: &mut S) {
        if !self.omitted() {
            out.put_u8(self.reason);
            self.properties.write_to(out);
        }
    }

    pub(crate) fn check(&self) -> Result<(), EncodeError> {
        check_reason(self.reason, AUTH_V5)?;
        check_in(Version::V5, &self.properties, Holder::Auth)
    }
}

/// The body of an encodable `VarInt`-bounded packet must fit a Remaining Length.
pub(crate) fn check_remaining_length(n: usize) -> Result<VarInt, EncodeError> {
    VarInt::new(u32::try_from(n).unwrap_or(u32::MAX)).ok_or(EncodeError::TooLong {
        field: "packet",
        len: n,
        max: VarInt::MAX.get() as usize,
    })
}
