//! Messages: the RFC 7252 datagram header, the RFC 8323 stream and WebSocket headers,
//! and what follows them (token, options, payload).

use super::option::signaling;
use super::option::{
    Block, ContentFormat, Format, Opt, OptionNumber, Options, Value, next_option, step,
};
use super::{Code, Context, Error, Transport, Type};
use crate::error::{EncodeError, Needed};
use crate::packet::{Packet, Sink};
use crate::wire::{Reader, is_utf8};

/// The header fields that depend on the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Header {
    /// A UDP (or DTLS) datagram (RFC 7252 §3): type and Message ID.
    Udp {
        /// The message type.
        kind: Type,
        /// The Message ID.
        message_id: u16,
    },
    /// A frame in a TCP (or TLS) stream (RFC 8323 §3.2): the length is in the header.
    Tcp,
    /// A WebSocket message (RFC 8323 §4.2): the WebSocket frame gives the length.
    WebSocket,
}

impl Header {
    /// The transport this header belongs to.
    pub const fn transport(self) -> Transport {
        match self {
            Self::Udp { .. } => Transport::Udp,
            Self::Tcp => Transport::Tcp,
            Self::WebSocket => Transport::WebSocket,
        }
    }
}

/// One CoAP message over any transport: header, code, token, options, payload.
///
/// ```
/// use iotwire::Packet;
/// use iotwire::coap::{Code, Context, Header, Message, Opt, OptionNumber, Options, Type};
///
/// let opts = [
///     Opt::str(OptionNumber::URI_PATH, "sensors"),
///     Opt::str(OptionNumber::URI_PATH, "temp"),
///     Opt::uint(OptionNumber::ACCEPT, 50),
/// ];
/// let get = Message {
///     header: Header::Udp { kind: Type::Confirmable, message_id: 0x7d34 },
///     code: Code::GET,
///     token: &[0x20],
///     options: Options::new(&opts),
///     payload: &[],
/// };
/// let mut buf = [0u8; 64];
/// let n = get.encode(&mut buf)?;
/// let (back, used) = Message::decode(&buf[..n]).unwrap();
/// assert_eq!((back, used), (get, n));
/// assert_eq!(back.uri_path().collect::<Vec<_>>(), ["sensors", "temp"]);
/// # Ok::<(), iotwire::EncodeError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    /// Type and Message ID over UDP; which reliable framing otherwise.
    pub header: Header,
    /// Request method, response code, signal, or Empty.
    pub code: Code,
    /// The token, 0 to 8 bytes.
    pub token: &'a [u8],
    /// The options.
    pub options: Options<'a>,
    /// The payload (empty when there is none: an empty payload is never sent).
    pub payload: &'a [u8],
}

impl core::fmt::Debug for Message<'_> {
    /// Token and payload as byte strings.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Message")
            .field("header", &self.header)
            .field("code", &self.code)
            .field("token", &crate::wire::DebugBytes(self.token))
            .field(
                "options",
                &super::option::OptionsIn(&self.options, self.code),
            )
            .field("payload", &crate::wire::DebugBytes(self.payload))
            .finish()
    }
}

/// What to do with one option (RFC 7252 §5.4.1, §5.4.3, §5.4.5; RFC 8323 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Recognised and well formed.
    Good,
    /// Treated as unrecognised and ignored (elective), or unknown to the registry.
    Ignored,
    /// The message is rejected.
    Reject(Error),
}

/// Judges option `number` with `value` in a message with `code`; `repeat` when the
/// previous option had the same number. `at` is for the error.
#[inline]
fn judge(
    number: u16,
    value: &Value<'_>,
    code: Code,
    reliable: bool,
    repeat: bool,
    at: usize,
) -> Verdict {
    let n = OptionNumber(number);
    let Some(spec) = n.spec_in(code) else {
        // Signaling: a critical option the code does not define aborts (RFC 8323 §5.2).
        return match code.is_signaling() && n.is_critical() {
            true => Verdict::Reject(Error::BadSignalingOption { number, at }),
            false => Verdict::Ignored,
        };
    };
    // RFC 9668 §3.1: EDHOC "MUST be empty. If any value is sent, the recipient MUST
    // ignore it" (the value, not the option).
    if n == OptionNumber::EDHOC && !code.is_signaling() && !repeat {
        return Verdict::Good;
    }
    let block = !code.is_signaling()
        && matches!(
            n,
            OptionNumber::BLOCK1
                | OptionNumber::BLOCK2
                | OptionNumber::Q_BLOCK1
                | OptionNumber::Q_BLOCK2
        );
    // SZX 7 is BERT over reliable transports, reserved over UDP (RFC 7959 §2.2).
    if block && !reliable && value.with_bytes(|b| b.last().is_some_and(|&l| l & 7 == 7)) {
        return Verdict::Reject(Error::ReservedBlockSize { number, at });
    }
    if spec.format == Format::String && value.with_bytes(|b| crate::wire::utf8(b).is_err()) {
        return Verdict::Reject(Error::NotUtf8 { number, at });
    }
    // RFC 7252 §5.4.3: an option whose length is out of range is treated as
    // unrecognized.
    let len = value.len();
    let bad =
        len < usize::from(spec.min) || len > usize::from(spec.max) || (repeat && !spec.repeatable);
    match bad {
        false => Verdict::Good,
        true if code == Code::CSM => Verdict::Reject(Error::BadSignalingOption { number, at }),
        true if n.is_critical() && !code.is_signaling() => {
            Verdict::Reject(Error::BadCriticalOption { number, at })
        }
        true => Verdict::Ignored,
    }
}

/// What [`judge`] needs of an option numbered below 64, for the common case of a
/// message that is not signaling: packed by [`rule`] from [`OptionNumber::spec`].
#[derive(Clone, Copy)]
struct Rule {
    /// Shortest value.
    min: u16,
    /// [`ONCE`], [`STRING`], [`BLOCK`].
    flags: u8,
    /// Longest value less the shortest: one comparison tests both ends. An option the
    /// registry does not know is kept whatever its length, up to what the format can
    /// carry.
    span: u32,
}

/// May not repeat.
const ONCE: u8 = 1;
/// A UTF-8 string.
const STRING: u8 = 2;
/// Block1, Block2, Q-Block1 or Q-Block2: SZX 7 is reserved over UDP.
const BLOCK: u8 = 4;

/// `bit` when `on`, else nothing.
#[inline(always)]
const fn flag(on: bool, bit: u8) -> u8 {
    (on as u8) * bit
}

const fn rule(n: u16) -> Rule {
    let block = matches!(
        OptionNumber(n),
        OptionNumber::BLOCK1
            | OptionNumber::BLOCK2
            | OptionNumber::Q_BLOCK1
            | OptionNumber::Q_BLOCK2
    );
    match OptionNumber(n).spec() {
        Some(s) => Rule {
            min: s.min,
            flags: flag(!s.repeatable, ONCE)
                | flag(matches!(s.format, Format::String), STRING)
                | flag(block, BLOCK),
            span: (s.max - s.min) as u32,
        },
        // Outside signaling, an option the registry does not know is kept, never
        // refused.
        None => Rule {
            min: 0,
            flags: 0,
            span: MAX_OPTION_LEN as u32,
        },
    }
}

const RULES: [Rule; 64] = {
    let mut t = [rule(0); 64];
    let mut i = 0;
    while i < 64 {
        t[i] = rule(i as u16);
        i += 1;
    }
    t
};

/// `true` when [`judge`] surely finds option `number` with `value` good or ignored
/// (never a reason to reject) in a message that is not signaling, and the value is no
/// longer than the format can carry: a table look-up for the options numbered below
/// 64. `false` means "ask [`judge`]".
#[inline(always)]
fn surely_accepted(number: u16, value: &[u8], reliable: bool, repeat: bool) -> bool {
    let Some(r) = RULES.get(usize::from(number)) else {
        return false;
    };
    // The rules that may apply, in one test: most options have none.
    let bits = r.flags & (flag(repeat, ONCE) | flag(!reliable, BLOCK) | STRING);
    value.len().wrapping_sub(usize::from(r.min)) <= r.span as usize
        && (bits == 0 || bits & ONCE == 0 && passes(bits, value))
}

/// The block and string rules of [`surely_accepted`] that `bits` asks for.
#[inline(always)]
fn passes(bits: u8, value: &[u8]) -> bool {
    (bits & BLOCK == 0 || value.last().is_none_or(|&l| l & 7 != 7))
        && (bits & STRING == 0 || is_utf8(value))
}

/// [`surely_accepted`] for a [`Value::Uint`] `v` of `n` bytes, without writing its
/// bytes out: a uint where the registry wants a string is left to [`judge`].
#[inline(always)]
fn surely_accepted_uint(number: u16, v: u32, n: usize, reliable: bool, repeat: bool) -> bool {
    let Some(r) = RULES.get(usize::from(number)) else {
        return false;
    };
    // The last byte's SZX; `v & 7 == 7` only when `v` has a last byte.
    let szx7 = v & 7 == 7;
    let bits = r.flags & (flag(repeat, ONCE) | flag(szx7 & !reliable, BLOCK) | STRING);
    n.wrapping_sub(usize::from(r.min)) <= r.span as usize && bits == 0
}

/// Validates the options at the front of `b` (up to the payload marker or the end),
/// which starts at offset `base` of the message; returns their length.
#[inline]
fn walk(b: &[u8], base: usize, code: Code, reliable: bool) -> Result<usize, Error> {
    let mut rest = b;
    let mut prev = None;
    let signaling = code.is_signaling();
    while let Some(&first) = rest.first()
        && first != 0xFF
    {
        let Some((number, value, tail)) = step(rest, prev.unwrap_or(0)) else {
            return Err(malformed(b, b.len() - rest.len(), prev.unwrap_or(0), base));
        };
        let repeat = prev == Some(number);
        if (signaling || !surely_accepted(number, value, reliable, repeat))
            && let at = base + (b.len() - rest.len())
            && let Verdict::Reject(e) =
                judge(number, &Value::Bytes(value), code, reliable, repeat, at)
        {
            return Err(e);
        }
        prev = Some(number);
        rest = tail;
    }
    Ok(b.len() - rest.len())
}

/// What is wrong with the option at offset `pos` of `b`, which [`step`] could not read
/// (after option number `prev`; `b` starts at offset `base` of the message).
#[cold]
fn malformed(b: &[u8], pos: usize, prev: u16, base: usize) -> Error {
    let at = base + pos;
    match next_option(&mut Reader::at(b, pos), prev, base) {
        Err(e) => e,
        // Not reached: what `step` cannot read, `next_option` refuses.
        Ok(_) => Error::Truncated { at },
    }
}

/// Token, options and payload of a message whose header ends at `start` of `msg`
/// (the whole message: a datagram, a WebSocket message, or a complete stream frame).
#[inline]
fn body<'a>(
    msg: &'a [u8],
    start: usize,
    tkl: usize,
    code: Code,
    reliable: bool,
) -> Result<(&'a [u8], Options<'a>, &'a [u8]), Error> {
    let Some((token, rest)) = msg
        .get(start..)
        .and_then(|after| after.split_at_checked(tkl))
    else {
        return Err(Error::Truncated { at: start });
    };
    let opts_at = start + tkl;
    let len = walk(rest, opts_at, code, reliable)?;
    let (opts, tail) = rest.split_at_checked(len).unwrap_or((rest, &[]));
    let payload = match tail {
        [] => &[][..],
        // The walk stops only at the end or at the marker.
        [_marker] => return Err(Error::EmptyPayload { at: opts_at + len }),
        [_marker, p @ ..] => p,
    };
    Ok((token, Options::raw(opts), payload))
}

/// The reserved code classes on this transport (RFC 7252 §12.1, RFC 8323 §5.1).
const fn reserved_class(code: Code, reliable: bool) -> bool {
    match code.class() {
        1 | 6 => true,
        7 => !reliable,
        _ => false,
    }
}

fn decode_udp(buf: &[u8]) -> Result<(Message<'_>, usize), Error> {
    let Some(&[b0, c, m0, m1]) = buf.first_chunk::<4>() else {
        return Err(Error::TooShort { len: buf.len() });
    };
    if b0 >> 6 != 1 {
        return Err(Error::UnsupportedVersion { version: b0 >> 6 });
    }
    let kind = Type::from_bits(b0 >> 4);
    let tkl = b0 & 0x0F;
    if tkl > 8 {
        return Err(Error::ReservedTokenLength { tkl });
    }
    let (code, message_id) = (Code(c), u16::from_be_bytes([m0, m1]));
    if reserved_class(code, false) {
        return Err(Error::ReservedCode {
            code,
            message_id: Some((kind, message_id)),
            at: 1,
        });
    }
    let mismatch = Error::TypeCodeMismatch {
        kind,
        code,
        message_id,
    };
    // RFC 7252 §4.1, §4.2, §4.3 Table 1.
    match (kind, code) {
        (Type::NonConfirmable, Code::EMPTY) => return Err(mismatch),
        (_, Code::EMPTY) if buf.len() > 4 => return Err(Error::EmptyNotEmpty { at: 4 }),
        (Type::Reset, c) if c != Code::EMPTY => return Err(mismatch),
        (Type::Acknowledgement, c) if c.is_request() => return Err(mismatch),
        _ => {}
    }
    let (token, options, payload) = body(buf, 4, usize::from(tkl), code, false)?;
    let header = Header::Udp { kind, message_id };
    Ok((
        Message {
            header,
            code,
            token,
            options,
            payload,
        },
        buf.len(),
    ))
}

/// The extended-length bytes a Len nibble calls for, and what they add (RFC 8323 §3.2).
const fn extended(nibble: u8) -> (usize, u64) {
    match nibble {
        0..=12 => (0, 0),
        13 => (1, 13),
        14 => (2, 269),
        _ => (4, 65_805),
    }
}

fn decode_tcp<'a>(buf: &'a [u8], cx: &Context) -> Result<(Message<'a>, usize), Error> {
    let Some(&b0) = buf.first() else {
        return Err(Error::Incomplete(Needed::new(2)));
    };
    let tkl = b0 & 0x0F;
    if tkl > 8 {
        return Err(Error::ReservedTokenLength { tkl });
    }
    let (ext_n, add) = extended(b0 >> 4);
    let fixed = 1 + ext_n + 1 + usize::from(tkl);
    let too_large = |size: u64| Error::MessageTooLarge {
        size,
        max: cx.max_message_size,
    };
    // What the bytes present already prove is said before asking for more, in one
    // order whatever has arrived: the size (the shortest frame this Len nibble allows,
    // then the exact one), then a reserved code.
    let len = match buf.get(1..1 + ext_n) {
        None => None,
        Some([]) => Some(u64::from(b0 >> 4)),
        Some(ext) => Some(ext.iter().fold(0u64, |n, &d| n << 8 | u64::from(d)) + add),
    };
    let total = fixed as u64 + len.unwrap_or(add);
    if total > cx.max_message_size as u64 {
        return Err(too_large(total));
    }
    if let Some(&c) = buf.get(1 + ext_n)
        && reserved_class(Code(c), true)
    {
        return Err(Error::ReservedCode {
            code: Code(c),
            message_id: None,
            at: 1 + ext_n,
        });
    }
    let Some(msg) = usize::try_from(total).ok().and_then(|t| buf.get(..t)) else {
        let missing = total - buf.len() as u64;
        return Err(Error::Incomplete(Needed::new(
            missing.try_into().unwrap_or(usize::MAX),
        )));
    };
    let code = Code(msg.get(1 + ext_n).copied().unwrap_or_default());
    let (token, options, payload) = body(msg, 2 + ext_n, usize::from(tkl), code, true)?;
    let m = Message {
        header: Header::Tcp,
        code,
        token,
        options,
        payload,
    };
    Ok((m, msg.len()))
}

fn decode_ws(buf: &[u8]) -> Result<(Message<'_>, usize), Error> {
    let Some(&[b0, c]) = buf.first_chunk::<2>() else {
        return Err(Error::TooShort { len: buf.len() });
    };
    if b0 >> 4 != 0 {
        return Err(Error::WebSocketLength { len: b0 >> 4 });
    }
    let tkl = b0 & 0x0F;
    if tkl > 8 {
        return Err(Error::ReservedTokenLength { tkl });
    }
    let code = Code(c);
    if reserved_class(code, true) {
        return Err(Error::ReservedCode {
            code,
            message_id: None,
            at: 1,
        });
    }
    let (token, options, payload) = body(buf, 2, usize::from(tkl), code, true)?;
    let m = Message {
        header: Header::WebSocket,
        code,
        token,
        options,
        payload,
    };
    Ok((m, buf.len()))
}

impl<'a> Packet<'a> for Message<'a> {
    type Error = Error;
    type Context = Context;

    /// Decodes one message. Over UDP and WebSocket the input is the whole message
    /// (a datagram, a WebSocket message): a short one is malformed. Over TCP it is the
    /// front of a stream: a short one is `Incomplete`.
    fn decode_with(buf: &'a [u8], cx: &Context) -> Result<(Self, usize), Error> {
        match cx.transport {
            Transport::Udp => decode_udp(buf),
            Transport::Tcp => decode_tcp(buf, cx),
            Transport::WebSocket => decode_ws(buf),
        }
    }

    fn encoded_len(&self) -> usize {
        self.len_with(self.rest_len())
    }

    fn check(&self) -> Result<(), EncodeError> {
        self.checked_options_len().map(drop)
    }

    /// As the default, with the check and the options' length taken in one walk, which
    /// also tells whether a list of options is in order already (the common case), so
    /// that writing need not ask again.
    fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        let (opts, sorted) = self.checked_options_len()?;
        let rest = opts + self.payload.len() + usize::from(!self.payload.is_empty());
        let needed = self.len_with(rest);
        let Some(dst) = out.get_mut(..needed) else {
            return Err(EncodeError::BufferTooSmall {
                needed,
                available: out.len(),
            });
        };
        // Three regions of known length: header and token, options, marker and
        // payload.
        let Some((head, tail)) = dst.split_at_mut_checked(needed - rest) else {
            return Ok(needed); // unreachable: `needed` counts the head
        };
        let w = &mut Out { buf: head, pos: 0 };
        self.write_prefix(rest, w);
        debug_assert_eq!(w.pos, needed - rest, "the head's length disagrees");
        let Some((options, payload)) = tail.split_at_mut_checked(opts) else {
            return Ok(needed); // unreachable: `rest` counts the options
        };
        match self.options.list() {
            Some(list) if sorted => super::option::write_sorted_into(list, options),
            _ => {
                let w = &mut Out {
                    buf: options,
                    pos: 0,
                };
                self.options.write_to(w);
                debug_assert_eq!(w.pos, opts, "the options' length disagrees");
            }
        }
        if let Some((marker, rest)) = payload.split_first_mut()
            && let Some(dst) = rest.get_mut(..self.payload.len())
        {
            *marker = 0xFF;
            dst.copy_from_slice(self.payload);
        }
        Ok(needed)
    }

    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        self.write_head(out);
        out.put(self.payload);
    }
}

impl Message<'_> {
    /// The whole length, from that of the options and payload.
    fn len_with(&self, rest: usize) -> usize {
        match self.header {
            Header::Udp { .. } => 4 + self.token.len() + rest,
            Header::Tcp => 2 + extended(len_nibble(rest)).0 + self.token.len() + rest,
            Header::WebSocket => 2 + self.token.len() + rest,
        }
    }

    /// What [`Packet::check`] checks; the bytes of the options when they pass, and
    /// whether they are a list already in number order.
    fn checked_options_len(&self) -> Result<(usize, bool), EncodeError> {
        self.checked_with(true)
    }

    /// [`Message::checked_options_len`], with or without the one-pass check of a list
    /// in number order (without it, every list takes the general walk: what tests
    /// compare the one pass with).
    #[inline(always)]
    fn checked_with(&self, fast: bool) -> Result<(usize, bool), EncodeError> {
        let reliable = !matches!(self.header, Header::Udp { .. });
        if self.token.len() > 8 {
            return Err(EncodeError::TooLong {
                field: "token",
                len: self.token.len(),
                max: 8,
            });
        }
        if reserved_class(self.code, reliable) {
            return Err(EncodeError::Inconsistent(
                "reserved code class on this transport",
            ));
        }
        if let Header::Udp { kind, .. } = self.header {
            let empty = self.code == Code::EMPTY;
            let has_content =
                !self.token.is_empty() || !self.options.is_empty() || !self.payload.is_empty();
            match kind {
                Type::NonConfirmable if empty => {
                    return Err(EncodeError::Inconsistent("Non-confirmable Empty message"));
                }
                _ if empty && has_content => {
                    return Err(EncodeError::Inconsistent(
                        "Empty message with token, options or payload",
                    ));
                }
                Type::Reset if !empty => {
                    return Err(EncodeError::Inconsistent("Reset that is not Empty"));
                }
                Type::Acknowledgement if self.code.is_request() => {
                    return Err(EncodeError::Inconsistent("Acknowledgement with a request"));
                }
                _ => {}
            }
        }
        // A list in number order (the common case) is checked in one pass over the
        // slice; any other goes the general way, sorting as it walks.
        let fast = match self.options.list() {
            Some(list) if fast && !self.code.is_signaling() => {
                check_sorted(list, self.code, reliable)
            }
            _ => None,
        };
        if matches!(self.header, Header::Tcp) {
            let rest = match fast {
                Some(Ok(opts)) => opts + self.payload.len() + usize::from(!self.payload.is_empty()),
                _ => self.rest_len(),
            };
            if rest as u64 > MAX_TCP_LEN {
                return Err(EncodeError::TooLong {
                    field: "message",
                    len: rest,
                    max: MAX_TCP_LEN as usize,
                });
            }
        }
        if let Some(checked) = fast {
            return checked.map(|len| (len, true));
        }
        self.checked_walk(reliable).map(|len| (len, false))
    }

    /// The option checks of [`Message::checked_options_len`] for any options: decoded
    /// ones, a list out of order, a signaling message's. Apart from the common case so
    /// that it keeps its registers.
    #[inline(never)]
    fn checked_walk(&self, reliable: bool) -> Result<usize, EncodeError> {
        if !self.options.is_sorted_or_short() {
            return Err(EncodeError::Inconsistent(
                "more than 64 options out of number order: sort them first (Options::sort)",
            ));
        }
        let mut prev = None;
        let mut len = 0;
        for o in self.options.iter() {
            let delta = o.number.0 - prev.map_or(0, |p: OptionNumber| p.0);
            len += super::option::header_len(delta, o.value.len());
            if o.value.len() > MAX_OPTION_LEN {
                return Err(EncodeError::TooLong {
                    field: "option value",
                    len: o.value.len(),
                    max: MAX_OPTION_LEN,
                });
            }
            let repeat = prev == Some(o.number);
            let surely = !self.code.is_signaling()
                && o.value
                    .with_bytes(|b| surely_accepted(o.number.0, b, reliable, repeat));
            if !surely
                && let Verdict::Reject(_) =
                    judge(o.number.0, &o.value, self.code, reliable, repeat, 0)
            {
                return Err(EncodeError::Inconsistent(
                    "option that decoding would reject (malformed critical or CSM option)",
                ));
            }
            prev = Some(o.number);
        }
        Ok(len)
    }
}

/// The option checks of [`Message::checked_options_len`] for a message that is not
/// signaling, over a list in number order, in one pass over the slice: the bytes of the
/// options, or the first refusal. `None` when the list is not in number order: then the
/// first refusal in wire order may be another, and the general walk must judge.
#[inline]
fn check_sorted(
    list: &[Opt<'_>],
    code: Code,
    reliable: bool,
) -> Option<Result<usize, EncodeError>> {
    let mut len = 0;
    let mut last = 0;
    for (i, o) in list.iter().enumerate() {
        let number = o.number.0;
        if number < last {
            return None;
        }
        let repeat = i > 0 && number == last;
        let (n, surely) = match o.value {
            Value::Uint(v) => {
                let n = uint_len(v);
                (n, surely_accepted_uint(number, v, n, reliable, repeat))
            }
            // `surely_accepted` refuses values too long for the format.
            Value::Bytes(b) => (b.len(), surely_accepted(number, b, reliable, repeat)),
        };
        len += super::option::header_len(number - last, n);
        if !surely && let Some(e) = refusal(o, code, reliable, repeat) {
            // Refused here only if nothing after it comes first in wire order.
            let rest = list.get(i..).unwrap_or_default();
            return rest.is_sorted_by_key(|o| o.number).then_some(Err(e));
        }
        last = number;
    }
    Some(Ok(len))
}

/// Why option `o` cannot be encoded (`repeat` when the one before it has its number),
/// if it cannot: what the general walk of [`Message::checked_options_len`] says.
#[cold]
fn refusal(o: &Opt<'_>, code: Code, reliable: bool, repeat: bool) -> Option<EncodeError> {
    if o.value.len() > MAX_OPTION_LEN {
        return Some(EncodeError::TooLong {
            field: "option value",
            len: o.value.len(),
            max: MAX_OPTION_LEN,
        });
    }
    match judge(o.number.0, &o.value, code, reliable, repeat, 0) {
        Verdict::Reject(_) => Some(EncodeError::Inconsistent(
            "option that decoding would reject (malformed critical or CSM option)",
        )),
        _ => None,
    }
}

/// Bytes of a uint in its shortest form.
#[inline(always)]
const fn uint_len(v: u32) -> usize {
    (32 - v.leading_zeros() as usize).div_ceil(8)
}

/// The slice [`Message::encode`] writes into, cut to the exact length: as the crate's
/// slice writer, but short copies (tokens, most option values) done in registers, not
/// by a call to `memcpy`.
struct Out<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl Sink for Out<'_> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.pos.saturating_add(bytes.len());
        if let Some(dst) = self.buf.get_mut(self.pos..end) {
            crate::wire::copy_short(dst, bytes);
        }
        self.pos = end;
    }

    #[inline(always)]
    fn put_u8(&mut self, byte: u8) {
        if let Some(dst) = self.buf.get_mut(self.pos) {
            *dst = byte;
        }
        self.pos += 1;
    }
}

/// The longest option value the option format can carry (RFC 7252 §3.1).
const MAX_OPTION_LEN: usize = 65_535 + 269;

/// The most bytes of options and payload a TCP Len field can count (RFC 8323 §3.2).
const MAX_TCP_LEN: u64 = u32::MAX as u64 + 65_805;

/// The Len nibble for `n` bytes of options and payload (RFC 8323 §3.2).
const fn len_nibble(n: usize) -> u8 {
    match n {
        0..=12 => n as u8,
        13..=268 => 13,
        269..=65_804 => 14,
        _ => 15,
    }
}

impl<'a> Message<'a> {
    /// Bytes after the token: options, and the marker and payload if there is one.
    fn rest_len(&self) -> usize {
        self.options.encoded_len()
            + match self.payload.len() {
                0 => 0,
                n => 1 + n,
            }
    }

    /// Writes everything but the payload: header (which counts the payload), token,
    /// options, and the payload marker when there is a payload.
    fn write_head<S: Sink + ?Sized>(&self, out: &mut S) {
        self.write_head_with(self.rest_len(), out);
    }

    /// [`Message::write_head`] with the length of options and payload known.
    fn write_head_with<S: Sink + ?Sized>(&self, rest: usize, out: &mut S) {
        self.write_prefix(rest, out);
        self.options.write_to(out);
        if !self.payload.is_empty() {
            out.put_u8(0xFF);
        }
    }

    /// Writes the header and the token.
    #[inline]
    fn write_prefix<S: Sink + ?Sized>(&self, rest: usize, out: &mut S) {
        let tkl = self.token.len().min(15) as u8;
        match self.header {
            Header::Udp { kind, message_id } => {
                out.put_u8(0x40 | (kind as u8) << 4 | tkl);
                out.put_u8(self.code.0);
                out.put(&message_id.to_be_bytes());
            }
            Header::Tcp => {
                let nibble = len_nibble(rest);
                out.put_u8(nibble << 4 | tkl);
                let (n, add) = extended(nibble);
                let ext = (rest as u64).saturating_sub(add).to_be_bytes();
                out.put(ext.get(8 - n..).unwrap_or_default());
                out.put_u8(self.code.0);
            }
            Header::WebSocket => {
                out.put_u8(tkl);
                out.put_u8(self.code.0);
            }
        }
        out.put(self.token);
    }

    /// The type, Message ID, code and token of a UDP datagram, read leniently: what a
    /// Reset or a 4.02 Bad Option answer to a message that failed to decode needs
    /// (RFC 7252 §4.2, §5.4.1). `None` when not even those can be read (shorter than
    /// its header and token, not version 1, or a reserved token length).
    ///
    /// ```
    /// use iotwire::Packet;
    /// use iotwire::coap::{Code, Message, Type};
    /// // A CON GET with token 0x2a and a 3-byte Uri-Port (a malformed critical option).
    /// let bad = [0x41, 0x01, 0x12, 0x34, 0x2a, 0x73, 0x00, 0x00, 0x50];
    /// assert!(Message::decode(&bad).is_err());
    /// let (kind, id, code, token) = Message::peek_udp(&bad).unwrap();
    /// assert_eq!((kind, id, code, token), (Type::Confirmable, 0x1234, Code::GET, &[0x2a][..]));
    /// ```
    pub fn peek_udp(buf: &'a [u8]) -> Option<(Type, u16, Code, &'a [u8])> {
        let (&[b0, c, m0, m1], rest) = buf.split_first_chunk::<4>()?;
        let tkl = usize::from(b0 & 0x0F);
        if b0 >> 6 != 1 || tkl > 8 {
            return None;
        }
        let token = rest.get(..tkl)?;
        Some((
            Type::from_bits(b0 >> 4),
            u16::from_be_bytes([m0, m1]),
            Code(c),
            token,
        ))
    }

    /// The code, token and frame length of a TCP frame at the front of `buf`, read
    /// leniently: what a 4.02 answer to a request that failed to decode needs, and how
    /// many bytes to skip to the next frame (RFC 8323 §3.2). `None` until the header
    /// and token have arrived, or for a reserved token length.
    ///
    /// ```
    /// use iotwire::coap::{Code, Message};
    /// // Len 4, TKL 1, GET, token 0x2a, and a 3-byte Uri-Port (malformed, critical).
    /// let bad = [0x41, 0x01, 0x2a, 0x73, 0x00, 0x00, 0x50];
    /// assert_eq!(Message::peek_tcp(&bad[..4]), Some((Code::GET, &[0x2a][..], 7)));
    /// ```
    pub fn peek_tcp(buf: &'a [u8]) -> Option<(Code, &'a [u8], u64)> {
        let &b0 = buf.first()?;
        let tkl = usize::from(b0 & 0x0F);
        if tkl > 8 {
            return None;
        }
        let (ext_n, add) = extended(b0 >> 4);
        let len = match buf.get(1..1 + ext_n)? {
            [] => u64::from(b0 >> 4),
            ext => ext.iter().fold(0u64, |n, &d| n << 8 | u64::from(d)) + add,
        };
        let code = Code(*buf.get(1 + ext_n)?);
        let token = buf.get(2 + ext_n..2 + ext_n + tkl)?;
        Some((code, token, (2 + ext_n + tkl) as u64 + len))
    }

    /// Bytes of the message without its payload (header, token, options and the
    /// payload marker), for a vectored write with the payload after it.
    pub fn head_len(&self) -> usize {
        self.encoded_len() - self.payload.len()
    }

    /// Writes the message without its payload into `out` (the header counts the
    /// payload, and the payload marker is written when there is one), so that head and
    /// payload go out in one vectored write. Returns [`Message::head_len`].
    ///
    /// # Errors
    ///
    /// As [`crate::Packet::encode`] for the whole message.
    pub fn encode_head(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        self.check()?;
        crate::wire::write_exact(out, self.head_len(), |w| self.write_head(w))
    }
}

/// Typed views of the options (RFC 7252 §5.10, RFC 7641, RFC 7959, RFC 7967, RFC 8768,
/// RFC 9175, RFC 8323 §5). Each reads only well-formed occurrences: an elective option
/// with a bad length, or a second occurrence of one that may occur once, is treated as
/// unrecognised (RFC 7252 §5.4.1, §5.4.5) and shows in [`Message::ignored_options`].
impl<'a> Message<'a> {
    /// Every well-formed occurrence of `number` (only the first of one that may not
    /// repeat), or every occurrence of a number the registry does not know.
    pub fn options_of(&self, number: OptionNumber) -> impl Iterator<Item = Opt<'a>> + use<'a> {
        let (code, reliable) = (self.code, self.is_reliable());
        let mut first = true;
        let known = number.spec_in(code).is_some();
        self.options.all(number).filter(move |o| {
            let repeat = !core::mem::replace(&mut first, false);
            // An option the registry does not know is taken as it is.
            !known || judge(o.number.0, &o.value, code, reliable, repeat, 0) == Verdict::Good
        })
    }

    /// The first well-formed occurrence of `number`.
    pub fn option(&self, number: OptionNumber) -> Option<Opt<'a>> {
        self.options_of(number).next()
    }

    /// Options treated as unrecognised: unknown elective numbers, and known elective
    /// options that are malformed or repeated where they may not be. (Unknown critical
    /// options are in [`Message::unknown_critical`].)
    pub fn ignored_options(&self) -> impl Iterator<Item = Opt<'a>> + use<'a> {
        let (code, reliable) = (self.code, self.is_reliable());
        let mut prev = None;
        self.options.iter().filter(move |o| {
            let repeat = prev.replace(o.number) == Some(o.number);
            judge(o.number.0, &o.value, code, reliable, repeat, 0) == Verdict::Ignored
                && !(o.number.is_critical() && o.number.spec_in(code).is_none())
        })
    }

    /// The first critical option the registry does not know: a server answers a CON
    /// request holding one with 4.02 Bad Option, a client rejects such a response
    /// (RFC 7252 §5.4.1). Decoding keeps it so the caller can decide.
    pub fn unknown_critical(&self) -> Option<OptionNumber> {
        let code = self.code;
        self.options
            .iter()
            .map(|o| o.number)
            .find(|n| n.is_critical() && n.spec_in(code).is_none())
    }

    fn is_reliable(&self) -> bool {
        !matches!(self.header, Header::Udp { .. })
    }

    fn strs(&self, n: OptionNumber) -> impl Iterator<Item = &'a str> + use<'a> {
        self.options_of(n).filter_map(|o| o.as_str())
    }

    fn uint(&self, n: OptionNumber) -> Option<u32> {
        self.option(n).and_then(|o| o.as_uint())
    }

    /// Uri-Host.
    pub fn uri_host(&self) -> Option<&'a str> {
        self.strs(OptionNumber::URI_HOST).next()
    }

    /// Uri-Port.
    pub fn uri_port(&self) -> Option<u16> {
        self.uint(OptionNumber::URI_PORT)
            .and_then(|p| u16::try_from(p).ok())
    }

    /// The Uri-Path segments, in order.
    pub fn uri_path(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.strs(OptionNumber::URI_PATH)
    }

    /// The Uri-Query arguments, in order.
    pub fn uri_query(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.strs(OptionNumber::URI_QUERY)
    }

    /// The Location-Path segments, in order.
    pub fn location_path(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.strs(OptionNumber::LOCATION_PATH)
    }

    /// The Location-Query arguments, in order.
    pub fn location_query(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.strs(OptionNumber::LOCATION_QUERY)
    }

    /// Proxy-Uri.
    pub fn proxy_uri(&self) -> Option<&'a str> {
        self.strs(OptionNumber::PROXY_URI).next()
    }

    /// Proxy-Scheme.
    pub fn proxy_scheme(&self) -> Option<&'a str> {
        self.strs(OptionNumber::PROXY_SCHEME).next()
    }

    /// Content-Format.
    pub fn content_format(&self) -> Option<ContentFormat> {
        self.uint(OptionNumber::CONTENT_FORMAT)
            .map(|v| ContentFormat(v as u16))
    }

    /// Accept.
    pub fn accept(&self) -> Option<ContentFormat> {
        self.uint(OptionNumber::ACCEPT)
            .map(|v| ContentFormat(v as u16))
    }

    /// Max-Age in seconds: 60 when absent (RFC 7252 §5.10.5).
    pub fn max_age(&self) -> u32 {
        self.uint(OptionNumber::MAX_AGE).unwrap_or(60)
    }

    /// The ETags, in order.
    pub fn etags(&self) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        self.options_of(OptionNumber::ETAG)
            .filter_map(|o| o.as_bytes())
    }

    /// The If-Match values, in order (an empty one matches any representation).
    pub fn if_match(&self) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        self.options_of(OptionNumber::IF_MATCH)
            .filter_map(|o| o.as_bytes())
    }

    /// If-None-Match is present.
    pub fn if_none_match(&self) -> bool {
        self.option(OptionNumber::IF_NONE_MATCH).is_some()
    }

    /// Observe (RFC 7641 §2): in a GET or FETCH 0 registers and 1 deregisters; in a
    /// notification, a sequence number.
    pub fn observe(&self) -> Option<u32> {
        self.uint(OptionNumber::OBSERVE)
    }

    /// Block1 (RFC 7959 §2.1): the block of a request body.
    pub fn block1(&self) -> Option<Block> {
        self.uint(OptionNumber::BLOCK1).and_then(Block::from_uint)
    }

    /// Block2 (RFC 7959 §2.1): the block of a response body.
    pub fn block2(&self) -> Option<Block> {
        self.uint(OptionNumber::BLOCK2).and_then(Block::from_uint)
    }

    /// Q-Block1 (RFC 9177).
    pub fn q_block1(&self) -> Option<Block> {
        self.uint(OptionNumber::Q_BLOCK1).and_then(Block::from_uint)
    }

    /// Q-Block2 (RFC 9177): every one (it repeats when asking for missing blocks).
    pub fn q_block2(&self) -> impl Iterator<Item = Block> + use<'a> {
        self.options_of(OptionNumber::Q_BLOCK2)
            .filter_map(|o| o.as_uint().and_then(Block::from_uint))
    }

    /// Size1 (RFC 7959 §4): size of the request body.
    pub fn size1(&self) -> Option<u32> {
        self.uint(OptionNumber::SIZE1)
    }

    /// Size2 (RFC 7959 §4): size of the response body.
    pub fn size2(&self) -> Option<u32> {
        self.uint(OptionNumber::SIZE2)
    }

    /// No-Response (RFC 7967 §2): the response classes the client is not interested
    /// in (bit 1: 2.xx, bit 3: 4.xx, bit 4: 5.xx).
    pub fn no_response(&self) -> Option<u8> {
        self.uint(OptionNumber::NO_RESPONSE).map(|v| v as u8)
    }

    /// Echo (RFC 9175 §2).
    pub fn echo(&self) -> Option<&'a [u8]> {
        self.option(OptionNumber::ECHO).and_then(|o| o.as_bytes())
    }

    /// The Request-Tags (RFC 9175 §3), in order.
    pub fn request_tags(&self) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        self.options_of(OptionNumber::REQUEST_TAG)
            .filter_map(|o| o.as_bytes())
    }

    /// Hop-Limit (RFC 8768).
    pub fn hop_limit(&self) -> Option<u8> {
        self.uint(OptionNumber::HOP_LIMIT).map(|v| v as u8)
    }

    /// The OSCORE option's value (RFC 8613).
    pub fn oscore(&self) -> Option<&'a [u8]> {
        self.option(OptionNumber::OSCORE).and_then(|o| o.as_bytes())
    }

    /// In a CSM: Max-Message-Size, 1152 when absent (RFC 8323 §5.3.1); `None` in any
    /// other message.
    pub fn max_message_size(&self) -> Option<u32> {
        (self.code == Code::CSM).then(|| self.uint(signaling::MAX_MESSAGE_SIZE).unwrap_or(1152))
    }

    /// In a CSM: Block-Wise-Transfer is offered (RFC 8323 §5.3.2).
    pub fn block_wise_transfer(&self) -> bool {
        self.code == Code::CSM && self.option(signaling::BLOCK_WISE_TRANSFER).is_some()
    }

    /// In a Ping or Pong: Custody (RFC 8323 §5.4.1).
    pub fn custody(&self) -> bool {
        matches!(self.code, Code::PING | Code::PONG) && self.option(signaling::CUSTODY).is_some()
    }

    /// In a Release: the Alternative-Addresses (RFC 8323 §5.5.1).
    pub fn alternative_addresses(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let release = self.code == Code::RELEASE;
        self.strs(signaling::ALTERNATIVE_ADDRESS)
            .filter(move |_| release)
    }

    /// In a Release: Hold-Off, seconds (RFC 8323 §5.5.2).
    pub fn hold_off(&self) -> Option<u32> {
        (self.code == Code::RELEASE).then(|| self.uint(signaling::HOLD_OFF))?
    }

    /// In an Abort: Bad-CSM-Option, the CSM option that caused it (RFC 8323 §5.6.1).
    pub fn bad_csm_option(&self) -> Option<u16> {
        (self.code == Code::ABORT)
            .then(|| self.uint(signaling::BAD_CSM_OPTION))?
            .and_then(|v| u16::try_from(v).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_the_first_bad_option_in_wire_order() {
        let long = std::vec![b'a'; MAX_OPTION_LEN + 1];
        let too_long = EncodeError::TooLong {
            field: "option value",
            len: long.len(),
            max: MAX_OPTION_LEN,
        };
        let bad = EncodeError::Inconsistent(
            "option that decoding would reject (malformed critical or CSM option)",
        );
        let path = Opt::new(OptionNumber::URI_PATH, &long);
        let host = Opt::str(OptionNumber::URI_HOST, ""); // critical, 1 to 255 bytes
        for (i, (opts, first)) in [
            ([path, host], bad),
            ([host, path], bad),
            ([Opt::empty(OptionNumber(14)), path], too_long),
        ]
        .into_iter()
        .enumerate()
        {
            let m = Message {
                header: Header::Tcp,
                code: Code::GET,
                token: &[],
                options: Options::new(&opts),
                payload: &[],
            };
            let mut buf = [0u8; 16];
            assert_eq!(m.encode(&mut buf), Err(first), "case {i}");
            assert_eq!(m.check(), Err(first));
        }
    }

    mod one_pass {
        use super::*;
        use proptest::prelude::*;

        /// The message as the generic writer (any `Sink`) writes it.
        fn written(m: &Message<'_>) -> std::vec::Vec<u8> {
            let mut v = std::vec![0xA5; m.encoded_len()];
            m.write_to(&mut crate::wire::SliceWriter::new(&mut v));
            v
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

            /// The one-pass check of a list in number order refuses exactly what the
            /// general walk refuses, with the same error, and counts the same bytes; what
            /// passes encodes as the same list sorted first does, into a slice and into a
            /// vector alike.
            #[test]
            fn the_one_pass_check_agrees_with_the_general_walk(
                owned in crate::coap::strategy::transport()
                    .prop_flat_map(crate::coap::strategy::any_message),
                uints in prop::collection::vec(any::<bool>(), 8),
                sort in any::<bool>(),
            ) {
                let mut opts: std::vec::Vec<Opt<'_>> = owned
                    .options
                    .iter()
                    .zip(uints.iter().cycle())
                    .map(|((n, v), &uint)| {
                        // Some values in the shortest uint form as Value::Uint.
                        match crate::coap::option::read_uint(v) {
                            Some(u) if uint && v.len() == uint_len(u) => Opt::uint(OptionNumber(*n), u),
                            _ => Opt::new(OptionNumber(*n), v),
                        }
                    })
                    .collect();
                if sort {
                    Options::sort(&mut opts);
                }
                let m = Message {
                    header: owned.header,
                    code: owned.code,
                    token: &owned.token,
                    options: Options::new(&opts),
                    payload: &owned.payload,
                };
                let fast = m.checked_with(true);
                let general = m.checked_with(false);
                assert_eq!(fast.map(|(len, _)| len), general.map(|(len, _)| len));
                let mut buf = std::vec![0xA5u8; m.encoded_len() + 3];
                let encoded = m.encode(&mut buf);
                assert_eq!(encoded.map(drop), general.map(drop));
                if let Ok(n) = encoded {
                    assert_eq!(n, m.encoded_len());
                    assert_eq!(buf[n..], [0xA5; 3]);
                    assert_eq!(&buf[..n], written(&m));
                    let mut sorted = opts.clone();
                    Options::sort(&mut sorted);
                    let s = Message { options: Options::new(&sorted), ..m };
                    assert_eq!(&buf[..n], written(&s));
                    // Too short: refused, nothing written.
                    let mut short = std::vec![0xA5u8; n - 1];
                    assert!(m.encode(&mut short).is_err());
                    assert!(short.iter().all(|&b| b == 0xA5));
                } else {
                    assert!(buf.iter().all(|&b| b == 0xA5), "nothing written on refusal");
                }
            }
        }
    }

    #[test]
    fn the_rule_table_never_accepts_what_judge_rejects() {
        // `surely_accepted` is a shortcut past `judge`: it may say "ask judge", never
        // "fine" where judge refuses.
        for n in 0..64u16 {
            for len in 0..12 {
                for last in [0x41, 0x07, 0xFF, 0x00] {
                    let mut v = [0x41u8; 12];
                    if let Some(l) = v.get_mut(len.max(1) - 1) {
                        *l = last;
                    }
                    let value = &v[..len];
                    for (reliable, repeat) in
                        [(false, false), (false, true), (true, false), (true, true)]
                    {
                        if let Some(v) = crate::coap::option::read_uint(value)
                            && value.len() == uint_len(v)
                            && surely_accepted_uint(n, v, value.len(), reliable, repeat)
                        {
                            let verdict = judge(n, &Value::Uint(v), Code::GET, reliable, repeat, 0);
                            assert!(
                                !matches!(verdict, Verdict::Reject(_)),
                                "option {n}, uint {v}, reliable {reliable}, repeat {repeat}"
                            );
                        }
                        if surely_accepted(n, value, reliable, repeat) {
                            let verdict =
                                judge(n, &Value::Bytes(value), Code::GET, reliable, repeat, 0);
                            assert!(
                                !matches!(verdict, Verdict::Reject(_)),
                                "option {n}, value {value:02x?}, reliable {reliable}, repeat {repeat}"
                            );
                        }
                    }
                }
            }
        }
    }
}
