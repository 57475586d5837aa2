//! The protocol header (0-9-1 §4.2.2), frames (§4.2.3), content headers with the
//! basic class's properties (§4.2.6.1), content bodies and heartbeats.

use super::codec::{In, ShortStr};
use super::methods::Method;
use super::table::FieldTable;
use super::{Context, Error};
use crate::error::{EncodeError, Needed};
use crate::packet::{Packet, Sink};

/// `AMQP 0 0 9 1`: what a client sends first (§4.2.2).
pub const PROTOCOL_HEADER: [u8; 8] = *b"AMQP\x00\x00\x09\x01";

/// The octet that ends every frame (§4.2.3).
pub const FRAME_END: u8 = 0xCE;

/// Frame type octets (§4.2.3; heartbeat is 8, errata §29).
pub mod frame_type {
    /// A method frame.
    pub const METHOD: u8 = 1;
    /// A content header frame.
    pub const HEADER: u8 = 2;
    /// A content body frame.
    pub const BODY: u8 = 3;
    /// A heartbeat frame.
    pub const HEARTBEAT: u8 = 8;
}

/// The protocol header, `AMQP 0 0 9 1`, as a unit to decode and encode.
///
/// ```
/// use iotwire::Packet;
/// use iotwire::amqp::{Error, ProtocolHeader};
/// assert!(ProtocolHeader::decode(b"AMQP\x00\x00\x09\x01").is_ok());
/// // A server that speaks another version answers with its own header.
/// assert_eq!(
///     ProtocolHeader::decode(b"AMQP\x00\x01\x00\x00"),
///     Err(Error::BadProtocolHeader { version: Some([0, 1, 0, 0]) })
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ProtocolHeader;

impl<'a> Packet<'a> for ProtocolHeader {
    type Error = Error;
    type Context = Context;

    fn decode_with(buf: &'a [u8], _: &Context) -> Result<(Self, usize), Error> {
        let have = buf.len().min(8);
        if buf.get(..have) != PROTOCOL_HEADER.get(..have) {
            let version = match buf.split_first_chunk::<8>() {
                Some((&[b'A', b'M', b'Q', b'P', a, b, c, d], _)) => Some([a, b, c, d]),
                _ => None,
            };
            return Err(Error::BadProtocolHeader { version });
        }
        match have {
            8 => Ok((Self, 8)),
            n => Err(Error::Incomplete(Needed::new(8 - n))),
        }
    }

    fn encoded_len(&self) -> usize {
        8
    }

    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(&PROTOCOL_HEADER);
    }
}

/// One frame: its channel and what it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The channel: 0 for the connection, 1-65535 for channels.
    pub channel: u16,
    /// The payload.
    pub payload: Payload<'a>,
}

/// What a frame carries.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Payload<'a> {
    /// A method (type 1).
    Method(Method<'a>),
    /// A content header (type 2).
    Header(ContentHeader<'a>),
    /// Content body octets (type 3), borrowed.
    Body(&'a [u8]),
    /// A heartbeat (type 8), on channel 0.
    Heartbeat,
}

impl core::fmt::Debug for Payload<'_> {
    /// A body as a byte string.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Method(m) => f.debug_tuple("Method").field(m).finish(),
            Self::Header(h) => f.debug_tuple("Header").field(h).finish(),
            Self::Body(b) => f
                .debug_tuple("Body")
                .field(&crate::wire::DebugBytes(b))
                .finish(),
            Self::Heartbeat => f.write_str("Heartbeat"),
        }
    }
}

impl Payload<'_> {
    /// The frame type octet.
    pub const fn frame_type(&self) -> u8 {
        match self {
            Self::Method(_) => frame_type::METHOD,
            Self::Header(_) => frame_type::HEADER,
            Self::Body(_) => frame_type::BODY,
            Self::Heartbeat => frame_type::HEARTBEAT,
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::Method(m) => m.encoded_len(),
            Self::Header(h) => h.encoded_len(),
            Self::Body(b) => b.len(),
            Self::Heartbeat => 0,
        }
    }
}

/// The class whose methods use channel 0 only (§4.2.3).
const CONNECTION_CLASS: u16 = 10;

/// Whether a frame of `frame_type` (and, for methods, `class_id`) may use `channel`.
const fn channel_ok(frame_type: u8, class_id: u16, channel: u16) -> bool {
    match frame_type {
        frame_type::HEARTBEAT => channel == 0,
        frame_type::METHOD => (class_id == CONNECTION_CLASS) == (channel == 0),
        _ => channel != 0,
    }
}

impl<'a> Packet<'a> for Frame<'a> {
    type Error = Error;
    type Context = Context;

    /// Decodes one frame from the front of a stream: the type, the size against
    /// frame-max and the channel are checked from the 7-octet header, before the
    /// payload has arrived.
    fn decode_with(buf: &'a [u8], cx: &Context) -> Result<(Self, usize), Error> {
        let Some(&kind) = buf.first() else {
            return Err(Error::Incomplete(Needed::new(8)));
        };
        if !matches!(kind, 1 | 2 | 3 | 8) {
            return Err(Error::UnknownFrameType { frame_type: kind });
        }
        let Some((&[_, c0, c1, s0, s1, s2, s3], _)) = buf.split_first_chunk::<7>() else {
            return Err(Error::Incomplete(Needed::new(8 - buf.len())));
        };
        let channel = u16::from_be_bytes([c0, c1]);
        let size = u32::from_be_bytes([s0, s1, s2, s3]);
        let total = 8 + u64::from(size);
        if total > u64::from(cx.frame_max) {
            return Err(Error::FrameTooLarge {
                size: total,
                max: cx.frame_max,
            });
        }
        if kind == frame_type::HEARTBEAT && size != 0 {
            return Err(Error::HeartbeatPayload);
        }
        if kind != frame_type::METHOD && !channel_ok(kind, 0, channel) {
            return Err(Error::WrongChannel { channel });
        }
        let end = 7 + size as usize;
        let Some(&last) = buf.get(end) else {
            return Err(Error::Incomplete(Needed::new(end + 1 - buf.len())));
        };
        if last != FRAME_END {
            return Err(Error::BadFrameEnd {
                octet: last,
                at: end,
            });
        }
        let body = buf.get(7..end).unwrap_or_default();
        // Each kind returns its own frame: built in one place, the payload (a content
        // header makes it some 200 octets) would be copied into the result whatever
        // the kind, a body frame's cost several times over.
        match kind {
            frame_type::BODY => Ok((
                Frame {
                    channel,
                    payload: Payload::Body(body),
                },
                end + 1,
            )),
            frame_type::METHOD => method_frame(body, channel, cx),
            frame_type::HEADER => header_frame(body, channel, cx),
            _ => Ok((
                Frame {
                    channel,
                    payload: Payload::Heartbeat,
                },
                8,
            )),
        }
    }

    fn encoded_len(&self) -> usize {
        8 + self.payload.len()
    }

    fn check(&self) -> Result<(), EncodeError> {
        let class = match &self.payload {
            Payload::Method(m) => {
                m.check()?;
                m.class_id()
            }
            Payload::Header(h) => {
                h.check()?;
                0
            }
            _ => 0,
        };
        if !channel_ok(self.payload.frame_type(), class, self.channel) {
            return Err(EncodeError::Inconsistent(
                "frame on a channel its type or class may not use",
            ));
        }
        super::codec::check_u32_len("frame payload", self.payload.len())
    }

    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put_u8(self.payload.frame_type());
        out.put(&self.channel.to_be_bytes());
        out.put(&(self.payload.len() as u32).to_be_bytes());
        match &self.payload {
            Payload::Method(m) => m.write_to(out),
            Payload::Header(h) => h.write_to(out),
            Payload::Body(b) => out.put(b),
            Payload::Heartbeat => {}
        }
        out.put_u8(FRAME_END);
    }
}

/// A method frame's result from its payload (`body`, the octets between the frame
/// header and frame-end).
fn method_frame<'a>(
    body: &'a [u8],
    channel: u16,
    cx: &Context,
) -> Result<(Frame<'a>, usize), Error> {
    let frame = Frame {
        channel,
        payload: Payload::Method(Method::decode(&mut In::new(body, 0, 7, *cx))?),
    };
    // The class id is the payload's first two octets, there since the method decoded
    // (cheaper than asking the method, a match over all 66).
    let class_id = body.first_chunk().map_or(0, |&c| u16::from_be_bytes(c));
    if !channel_ok(frame_type::METHOD, class_id, channel) {
        return Err(Error::WrongChannel { channel });
    }
    Ok((frame, body.len() + 8))
}

/// A content header frame's result from its payload.
fn header_frame<'a>(
    body: &'a [u8],
    channel: u16,
    cx: &Context,
) -> Result<(Frame<'a>, usize), Error> {
    // Decoded in place: built apart and moved in, the header would be copied twice.
    let mut frame = Frame {
        channel,
        payload: Payload::Header(ContentHeader::default()),
    };
    if let Payload::Header(h) = &mut frame.payload {
        h.decode_into(&mut In::new(body, 0, 7, *cx))?;
    }
    Ok((frame, body.len() + 8))
}

impl<'a> Frame<'a> {
    /// A heartbeat frame.
    pub const HEARTBEAT: Frame<'static> = Frame {
        channel: 0,
        payload: Payload::Heartbeat,
    };

    /// The 7-octet header of a body frame carrying `len` octets on `channel`: write
    /// it, then the body octets, then [`FRAME_END`], in one vectored write.
    ///
    /// # Errors
    ///
    /// [`EncodeError::Inconsistent`] on channel 0; [`EncodeError::TooLong`] past 4 GiB.
    pub fn body_head(channel: u16, len: usize) -> Result<[u8; 7], EncodeError> {
        if channel == 0 {
            return Err(EncodeError::Inconsistent("content body on channel 0"));
        }
        super::codec::check_u32_len("frame payload", len)?;
        let [c0, c1] = channel.to_be_bytes();
        let [s0, s1, s2, s3] = (len as u32).to_be_bytes();
        Ok([frame_type::BODY, c0, c1, s0, s1, s2, s3])
    }

    /// A content body cut into body frames that fit `frame_max` (the whole frame,
    /// header and frame-end included, as connection.tune counts it), borrowed in
    /// order. An empty body gives no frame.
    pub fn bodies(
        channel: u16,
        body: &'a [u8],
        frame_max: u32,
    ) -> impl Iterator<Item = Frame<'a>> + use<'a> {
        // At least one octet a frame, whatever frame-max says.
        let room = (frame_max as usize).saturating_sub(8).max(1);
        body.chunks(room).map(move |chunk| Frame {
            channel,
            payload: Payload::Body(chunk),
        })
    }
}

/// A content header (§4.2.6.1): the class (basic, 60, the one class with content in
/// 0-9-1), the body size, and the basic properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ContentHeader<'a> {
    /// The body size, octets, over all the body frames that follow.
    pub body_size: u64,
    /// The properties.
    pub properties: BasicProperties<'a>,
}

/// The 14 properties of the basic class (0-9-1 XML, class basic), each present or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(missing_docs)]
pub struct BasicProperties<'a> {
    /// MIME content type.
    pub content_type: Option<ShortStr<'a>>,
    /// MIME content encoding.
    pub content_encoding: Option<ShortStr<'a>>,
    /// Application headers.
    pub headers: Option<FieldTable<'a>>,
    /// 1 non-persistent, 2 persistent.
    pub delivery_mode: Option<u8>,
    /// 0 to 9.
    pub priority: Option<u8>,
    pub correlation_id: Option<ShortStr<'a>>,
    pub reply_to: Option<ShortStr<'a>>,
    /// Per-message TTL, milliseconds as text (RabbitMQ).
    pub expiration: Option<ShortStr<'a>>,
    pub message_id: Option<ShortStr<'a>>,
    /// Seconds since the epoch.
    pub timestamp: Option<u64>,
    /// Message type name (`type`).
    pub kind: Option<ShortStr<'a>>,
    pub user_id: Option<ShortStr<'a>>,
    pub app_id: Option<ShortStr<'a>>,
    /// Reserved in 0-9-1 (`cluster-id`).
    pub cluster_id: Option<ShortStr<'a>>,
}

/// The basic class id.
const BASIC_CLASS: u16 = 60;

impl<'a> BasicProperties<'a> {
    /// The property flags: bit 15 for the first property down to bit 2 for the 14th.
    pub fn flags(&self) -> u16 {
        let present = [
            self.content_type.is_some(),
            self.content_encoding.is_some(),
            self.headers.is_some(),
            self.delivery_mode.is_some(),
            self.priority.is_some(),
            self.correlation_id.is_some(),
            self.reply_to.is_some(),
            self.expiration.is_some(),
            self.message_id.is_some(),
            self.timestamp.is_some(),
            self.kind.is_some(),
            self.user_id.is_some(),
            self.app_id.is_some(),
            self.cluster_id.is_some(),
        ];
        present
            .iter()
            .enumerate()
            .fold(0, |f, (i, &p)| if p { f | 1 << (15 - i) } else { f })
    }

    /// Reads the properties `flags` marks present, in flag order (bit 15 first), into
    /// `self`, which starts with none. Only the present ones cost anything: a header
    /// usually carries a few of the fourteen.
    fn decode_into(&mut self, flags: u16, input: &mut In<'a>) -> Result<(), Error> {
        let mut rest = flags & !0b11;
        while rest != 0 {
            let bit = 15 - rest.leading_zeros();
            rest &= !(1 << bit);
            match bit {
                15 => self.content_type = Some(input.shortstr()?),
                14 => self.content_encoding = Some(input.shortstr()?),
                13 => self.headers = Some(input.table()?),
                12 => self.delivery_mode = Some(input.u8()?),
                11 => self.priority = Some(input.u8()?),
                10 => self.correlation_id = Some(input.shortstr()?),
                9 => self.reply_to = Some(input.shortstr()?),
                8 => self.expiration = Some(input.shortstr()?),
                7 => self.message_id = Some(input.shortstr()?),
                6 => self.timestamp = Some(input.u64()?),
                5 => self.kind = Some(input.shortstr()?),
                4 => self.user_id = Some(input.shortstr()?),
                3 => self.app_id = Some(input.shortstr()?),
                _ => self.cluster_id = Some(input.shortstr()?),
            }
        }
        Ok(())
    }

    fn encoded_len(&self) -> usize {
        let s = |p: &Option<ShortStr<'_>>| p.map_or(0, |s| s.encoded_len());
        s(&self.content_type)
            + s(&self.content_encoding)
            + self.headers.map_or(0, |t| t.encoded_len())
            + usize::from(self.delivery_mode.is_some())
            + usize::from(self.priority.is_some())
            + s(&self.correlation_id)
            + s(&self.reply_to)
            + s(&self.expiration)
            + s(&self.message_id)
            + self.timestamp.map_or(0, |_| 8)
            + s(&self.kind)
            + s(&self.user_id)
            + s(&self.app_id)
            + s(&self.cluster_id)
    }

    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        let s = |p: &Option<ShortStr<'_>>, out: &mut S| {
            if let Some(v) = p {
                v.write_to(out);
            }
        };
        s(&self.content_type, out);
        s(&self.content_encoding, out);
        if let Some(t) = &self.headers {
            t.write_to(out);
        }
        if let Some(v) = self.delivery_mode {
            out.put_u8(v);
        }
        if let Some(v) = self.priority {
            out.put_u8(v);
        }
        s(&self.correlation_id, out);
        s(&self.reply_to, out);
        s(&self.expiration, out);
        s(&self.message_id, out);
        if let Some(v) = self.timestamp {
            out.put(&v.to_be_bytes());
        }
        s(&self.kind, out);
        s(&self.user_id, out);
        s(&self.app_id, out);
        s(&self.cluster_id, out);
    }
}

impl<'a> ContentHeader<'a> {
    /// Reads a content header's payload into `self`, which starts as the default.
    fn decode_into(&mut self, input: &mut In<'a>) -> Result<(), Error> {
        let at = input.at();
        if input.u16()? != BASIC_CLASS {
            return Err(Error::BadContentHeader { at });
        }
        let at = input.at();
        if input.u16()? != 0 {
            return Err(Error::BadContentHeader { at });
        }
        let body_size = input.u64()?;
        let at = input.at();
        let flags = input.u16()?;
        // Bit 1 would flag a 15th property, bit 0 another flags word: basic has 14.
        if flags & 0b11 != 0 {
            return Err(Error::BadContentHeader { at });
        }
        self.body_size = body_size;
        self.properties.decode_into(flags, input)?;
        input.end()
    }

    fn encoded_len(&self) -> usize {
        14 + self.properties.encoded_len()
    }

    fn check(&self) -> Result<(), EncodeError> {
        match self.properties.headers {
            Some(t) => t.check(),
            None => Ok(()),
        }
    }

    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(&BASIC_CLASS.to_be_bytes());
        out.put(&[0, 0]);
        out.put(&self.body_size.to_be_bytes());
        out.put(&self.properties.flags().to_be_bytes());
        self.properties.write_to(out);
    }
}
