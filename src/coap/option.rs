//! Options (RFC 7252 §3.1, §5.4, §5.10) and the registry of their numbers, formats and
//! lengths, with the signaling options of RFC 8323 §5, which are numbered per code.

use core::fmt;

use super::{Code, Error};
use crate::packet::Sink;
use crate::wire::{Reader, copy_short};

/// An option number (RFC 7252 §5.4.6, §12.2), registered or not. Its properties follow
/// from the number itself.
///
/// ```
/// use iotwire::coap::OptionNumber;
/// assert!(OptionNumber::URI_PATH.is_critical());
/// assert!(OptionNumber::SIZE1.is_no_cache_key());
/// assert!(!OptionNumber::MAX_AGE.is_safe_to_forward());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OptionNumber(pub u16);

/// What an option's value is (RFC 7252 §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A zero-length sequence of bytes.
    Empty,
    /// An opaque sequence of bytes.
    Opaque,
    /// A non-negative integer in network byte order; leading zero bytes are allowed
    /// on receipt.
    Uint,
    /// A UTF-8 string.
    String,
}

/// The registry entry of an option: name, format, length range, whether it repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OptionSpec {
    /// The registered name.
    pub name: &'static str,
    /// Its value format.
    pub format: Format,
    /// Shortest value, in bytes.
    pub min: u16,
    /// Longest value, in bytes.
    pub max: u16,
    /// May occur more than once.
    pub repeatable: bool,
}

macro_rules! options {
    ($($(#[$doc:meta])* $name:ident = $n:literal, $text:literal, $format:ident, $min:literal ..= $max:literal, $rep:literal;)*) => {
        impl OptionNumber {
            $($(#[$doc])* pub const $name: Self = Self($n);)*

            /// The registry entry of a registered (non-signaling) option.
            #[inline]
            pub const fn spec(self) -> Option<OptionSpec> {
                Some(match self {
                    $(Self::$name => OptionSpec {
                        name: $text,
                        format: Format::$format,
                        min: $min,
                        max: $max,
                        repeatable: $rep,
                    },)*
                    _ => return None,
                })
            }
        }
    };
}

// The IANA "CoAP Option Numbers" registry (RFC 7252 §12.2 and the RFCs that extend it).
options! {
    /// 1 If-Match (RFC 7252 §5.10.8.1).
    IF_MATCH = 1, "If-Match", Opaque, 0..=8, true;
    /// 3 Uri-Host (RFC 7252 §5.10.1).
    URI_HOST = 3, "Uri-Host", String, 1..=255, false;
    /// 4 ETag (RFC 7252 §5.10.6); repeats in requests.
    ETAG = 4, "ETag", Opaque, 1..=8, true;
    /// 5 If-None-Match (RFC 7252 §5.10.8.2).
    IF_NONE_MATCH = 5, "If-None-Match", Empty, 0..=0, false;
    /// 6 Observe (RFC 7641 §2).
    OBSERVE = 6, "Observe", Uint, 0..=3, false;
    /// 7 Uri-Port (RFC 7252 §5.10.1).
    URI_PORT = 7, "Uri-Port", Uint, 0..=2, false;
    /// 8 Location-Path (RFC 7252 §5.10.7).
    LOCATION_PATH = 8, "Location-Path", String, 0..=255, true;
    /// 9 OSCORE (RFC 8613 §2).
    OSCORE = 9, "OSCORE", Opaque, 0..=255, false;
    /// 11 Uri-Path (RFC 7252 §5.10.1).
    URI_PATH = 11, "Uri-Path", String, 0..=255, true;
    /// 12 Content-Format (RFC 7252 §5.10.3).
    CONTENT_FORMAT = 12, "Content-Format", Uint, 0..=2, false;
    /// 14 Max-Age (RFC 7252 §5.10.5); 60 seconds when absent.
    MAX_AGE = 14, "Max-Age", Uint, 0..=4, false;
    /// 15 Uri-Query (RFC 7252 §5.10.1).
    URI_QUERY = 15, "Uri-Query", String, 0..=255, true;
    /// 16 Hop-Limit (RFC 8768 §3).
    HOP_LIMIT = 16, "Hop-Limit", Uint, 1..=1, false;
    /// 17 Accept (RFC 7252 §5.10.4).
    ACCEPT = 17, "Accept", Uint, 0..=2, false;
    /// 19 Q-Block1 (RFC 9177 §4).
    Q_BLOCK1 = 19, "Q-Block1", Uint, 0..=3, false;
    /// 20 Location-Query (RFC 7252 §5.10.7).
    LOCATION_QUERY = 20, "Location-Query", String, 0..=255, true;
    /// 21 EDHOC (RFC 9668 §3.1).
    EDHOC = 21, "EDHOC", Empty, 0..=0, false;
    /// 23 Block2 (RFC 7959 §2.1).
    BLOCK2 = 23, "Block2", Uint, 0..=3, false;
    /// 27 Block1 (RFC 7959 §2.1).
    BLOCK1 = 27, "Block1", Uint, 0..=3, false;
    /// 28 Size2 (RFC 7959 §4).
    SIZE2 = 28, "Size2", Uint, 0..=4, false;
    /// 31 Q-Block2 (RFC 9177 §4); repeats when asking for missing blocks.
    Q_BLOCK2 = 31, "Q-Block2", Uint, 0..=3, true;
    /// 35 Proxy-Uri (RFC 7252 §5.10.2).
    PROXY_URI = 35, "Proxy-Uri", String, 1..=1034, false;
    /// 39 Proxy-Scheme (RFC 7252 §5.10.2).
    PROXY_SCHEME = 39, "Proxy-Scheme", String, 1..=255, false;
    /// 60 Size1 (RFC 7252 §5.10.9).
    SIZE1 = 60, "Size1", Uint, 0..=4, false;
    /// 252 Echo (RFC 9175 §2.2.1).
    ECHO = 252, "Echo", Opaque, 1..=40, false;
    /// 258 No-Response (RFC 7967 §2).
    NO_RESPONSE = 258, "No-Response", Uint, 0..=1, false;
    /// 292 Request-Tag (RFC 9175 §3.2.1).
    REQUEST_TAG = 292, "Request-Tag", Opaque, 0..=8, true;
    /// 2049 OCF-Accept-Content-Format-Version (OCF Core specification).
    OCF_ACCEPT_CONTENT_FORMAT_VERSION = 2049, "OCF-Accept-Content-Format-Version", Uint, 0..=2, false;
    /// 2053 OCF-Content-Format-Version (OCF Core specification).
    OCF_CONTENT_FORMAT_VERSION = 2053, "OCF-Content-Format-Version", Uint, 0..=2, false;
}

/// Signaling option numbers (RFC 8323 §5): they mean something only with their code.
pub mod signaling {
    use super::OptionNumber;

    /// 2 Max-Message-Size, in a CSM (7.01; RFC 8323 §5.3.1).
    pub const MAX_MESSAGE_SIZE: OptionNumber = OptionNumber(2);
    /// 4 Block-Wise-Transfer, in a CSM (7.01; RFC 8323 §5.3.2).
    pub const BLOCK_WISE_TRANSFER: OptionNumber = OptionNumber(4);
    /// 6 Extended-Token-Length, in a CSM (7.01; RFC 8974 §2.2.2).
    pub const EXTENDED_TOKEN_LENGTH: OptionNumber = OptionNumber(6);
    /// 2 Custody, in a Ping or Pong (7.02, 7.03; RFC 8323 §5.4.1).
    pub const CUSTODY: OptionNumber = OptionNumber(2);
    /// 2 Alternative-Address, in a Release (7.04; RFC 8323 §5.5.1).
    pub const ALTERNATIVE_ADDRESS: OptionNumber = OptionNumber(2);
    /// 4 Hold-Off, in a Release (7.04; RFC 8323 §5.5.2).
    pub const HOLD_OFF: OptionNumber = OptionNumber(4);
    /// 2 Bad-CSM-Option, in an Abort (7.05; RFC 8323 §5.6.1).
    pub const BAD_CSM_OPTION: OptionNumber = OptionNumber(2);
}

impl OptionNumber {
    /// Critical (odd, RFC 7252 §5.4.1): a recipient that does not know it rejects the
    /// message.
    pub const fn is_critical(self) -> bool {
        self.0 & 1 == 1
    }

    /// Elective: not critical.
    pub const fn is_elective(self) -> bool {
        !self.is_critical()
    }

    /// Unsafe to forward (bit 1, RFC 7252 §5.4.6): a proxy that does not know it must
    /// not forward the message.
    pub const fn is_unsafe(self) -> bool {
        self.0 & 2 == 2
    }

    /// Safe to forward: not unsafe.
    pub const fn is_safe_to_forward(self) -> bool {
        !self.is_unsafe()
    }

    /// NoCacheKey (RFC 7252 §5.4.6): not part of the cache key (a safe-to-forward
    /// option whose bits 1-4 are `1110`).
    pub const fn is_no_cache_key(self) -> bool {
        self.0 & 0x1E == 0x1C
    }

    /// The registry entry of this number as an option of a message with `code`:
    /// signaling codes have their own options (RFC 8323 §5).
    pub const fn spec_in(self, code: Code) -> Option<OptionSpec> {
        if !code.is_signaling() {
            return self.spec();
        }
        const fn s(
            name: &'static str,
            format: Format,
            min: u16,
            max: u16,
            repeatable: bool,
        ) -> OptionSpec {
            OptionSpec {
                name,
                format,
                min,
                max,
                repeatable,
            }
        }
        Some(match (code, self.0) {
            (Code::CSM, 2) => s("Max-Message-Size", Format::Uint, 0, 4, false),
            (Code::CSM, 4) => s("Block-Wise-Transfer", Format::Empty, 0, 0, false),
            (Code::CSM, 6) => s("Extended-Token-Length", Format::Uint, 0, 3, false),
            (Code::PING | Code::PONG, 2) => s("Custody", Format::Empty, 0, 0, false),
            (Code::RELEASE, 2) => s("Alternative-Address", Format::String, 1, 255, true),
            (Code::RELEASE, 4) => s("Hold-Off", Format::Uint, 0, 3, false),
            (Code::ABORT, 2) => s("Bad-CSM-Option", Format::Uint, 0, 2, false),
            _ => return None,
        })
    }
}

impl fmt::Debug for OptionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.spec() {
            Some(s) => write!(f, "{} {}", self.0, s.name),
            None => write!(f, "{}", self.0),
        }
    }
}

impl fmt::Display for OptionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An option value to encode: bytes, or an integer written in its shortest form.
#[derive(Clone, Copy, Eq)]
pub enum Value<'a> {
    /// The bytes as they are (decoded values are always this).
    Bytes(&'a [u8]),
    /// A uint, written without leading zero bytes (0 as no bytes; RFC 7252 §3.2).
    Uint(u32),
}

/// The shortest big-endian form of `v`: a buffer and how many of its last bytes count.
const fn uint_bytes(v: u32) -> ([u8; 4], usize) {
    (
        v.to_be_bytes(),
        (32 - v.leading_zeros() as usize).div_ceil(8),
    )
}

/// The number in a uint option's bytes (leading zeros allowed), when it has at most
/// four.
pub(crate) fn read_uint(b: &[u8]) -> Option<u32> {
    if b.len() > 4 {
        return None;
    }
    Some(b.iter().fold(0u32, |n, &d| n << 8 | u32::from(d)))
}

impl<'a> Value<'a> {
    /// Bytes of the value on the wire.
    pub const fn len(&self) -> usize {
        match self {
            Self::Bytes(b) => b.len(),
            Self::Uint(v) => uint_bytes(*v).1,
        }
    }

    /// `true` for a zero-length value.
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        match self {
            Self::Bytes(b) => out.put(b),
            Self::Uint(v) => {
                let (b, n) = uint_bytes(*v);
                for &d in b.iter().skip(4 - n) {
                    out.put_u8(d);
                }
            }
        }
    }

    /// Calls `f` with the value's bytes.
    #[inline]
    pub(crate) fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            Self::Bytes(b) => f(b),
            Self::Uint(v) => {
                let (b, n) = uint_bytes(*v);
                f(b.get(4 - n..).unwrap_or_default())
            }
        }
    }
}

impl PartialEq for Value<'_> {
    /// Equal when the bytes on the wire are.
    fn eq(&self, other: &Self) -> bool {
        self.with_bytes(|a| other.with_bytes(|b| a == b))
    }
}

impl core::hash::Hash for Value<'_> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.with_bytes(|b| b.hash(state));
    }
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Uint(v) => write!(f, "{v}"),
            Self::Bytes(b) => match crate::wire::utf8(b) {
                Ok(s) if !s.chars().any(char::is_control) => write!(f, "{s:?}"),
                _ => {
                    f.write_str("0x")?;
                    b.iter().try_for_each(|d| write!(f, "{d:02x}"))
                }
            },
        }
    }
}

/// One option: its number and value.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Opt<'a> {
    /// The option number.
    pub number: OptionNumber,
    /// The value.
    pub value: Value<'a>,
}

impl<'a> Opt<'a> {
    /// An option with bytes as its value.
    pub const fn new(number: OptionNumber, value: &'a [u8]) -> Self {
        Self {
            number,
            value: Value::Bytes(value),
        }
    }

    /// An option whose value is a string (Uri-Path, Uri-Query, ...).
    pub const fn str(number: OptionNumber, value: &'a str) -> Self {
        Self::new(number, value.as_bytes())
    }

    /// An option whose value is a uint, written in its shortest form.
    pub const fn uint(number: OptionNumber, value: u32) -> Self {
        Self {
            number,
            value: Value::Uint(value),
        }
    }

    /// An option without a value (If-None-Match, Block-Wise-Transfer, ...).
    pub const fn empty(number: OptionNumber) -> Self {
        Self::new(number, &[])
    }

    /// The value as a uint, when it has at most four bytes.
    pub fn as_uint(&self) -> Option<u32> {
        match self.value {
            Value::Uint(v) => Some(v),
            Value::Bytes(b) => read_uint(b),
        }
    }

    /// The value's bytes (`None` for a [`Value::Uint`] built to encode).
    pub const fn as_bytes(&self) -> Option<&'a [u8]> {
        match self.value {
            Value::Bytes(b) => Some(b),
            Value::Uint(_) => None,
        }
    }

    /// The value as text, when it is UTF-8.
    pub fn as_str(&self) -> Option<&'a str> {
        crate::wire::utf8(self.as_bytes()?).ok()
    }
}

impl fmt::Debug for Opt<'_> {
    /// The number with its registered name, and the value as its format reads: a
    /// number, a quoted string, hex bytes. (A message's `Debug` names signaling
    /// options by their code's registry instead.)
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_as(self.number.spec(), f)
    }
}

impl Opt<'_> {
    /// `Debug` with the registry entry `spec` (the option's meaning in its message).
    fn fmt_as(&self, spec: Option<OptionSpec>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match spec {
            Some(s) => write!(f, "{} {}: ", self.number.0, s.name)?,
            None => write!(f, "{}: ", self.number.0)?,
        }
        match (spec.map(|s| s.format), self.as_uint(), self.as_str()) {
            (Some(Format::Uint), Some(n), _) => write!(f, "{n}"),
            (Some(Format::String), _, Some(s)) => write!(f, "{s:?}"),
            _ => write!(f, "{:?}", self.value),
        }
    }
}

/// The `Debug` of a message's options: each named as an option of the message's code
/// ([`OptionNumber::spec_in`]), so that a CSM's option 2 reads Max-Message-Size, not
/// If-Match.
pub(crate) struct OptionsIn<'o, 'a>(pub(crate) &'o Options<'a>, pub(crate) Code);

impl fmt::Debug for OptionsIn<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct One<'a>(Opt<'a>, Code);
        impl fmt::Debug for One<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt_as(self.0.number.spec_in(self.1), f)
            }
        }
        f.debug_list()
            .entries(self.0.iter().map(|o| One(o, self.1)))
            .finish()
    }
}

/// The options of a message: the validated bytes of a decoded message, walked lazily,
/// or a slice of [`Opt`] to encode, in any order (they are written in number order,
/// repeated options keeping their order). Both compare equal when they hold the same
/// options in the same wire order.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    repr: Repr<'a>,
}

#[derive(Clone, Copy)]
enum Repr<'a> {
    Raw(&'a [u8]),
    List(&'a [Opt<'a>]),
}

impl Default for Repr<'_> {
    fn default() -> Self {
        Self::List(&[])
    }
}

impl PartialEq for Options<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Options<'_> {}

impl fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> Options<'a> {
    /// No options.
    pub const EMPTY: Options<'static> = Options {
        repr: Repr::List(&[]),
    };

    /// Options to encode, in any order.
    pub const fn new(list: &'a [Opt<'a>]) -> Self {
        Self {
            repr: Repr::List(list),
        }
    }

    /// The bytes of a decoded block that [`walk`] validated.
    pub(crate) const fn raw(block: &'a [u8]) -> Self {
        Self {
            repr: Repr::Raw(block),
        }
    }

    /// The options in wire order: ascending numbers, repeats in their order. Cannot
    /// fail: decoding validated them.
    pub fn iter(&self) -> Iter<'a> {
        let (raw, list) = match self.repr {
            Repr::Raw(b) => (b, IterRepr::Sorted([].iter())),
            // Already in order (the common case): no sorting to do.
            Repr::List(list) if list.is_sorted_by_key(|o| o.number) => {
                (&[][..], IterRepr::Sorted(list.iter()))
            }
            Repr::List(list) => (&[][..], IterRepr::List(list, None)),
        };
        Iter {
            raw,
            number: 0,
            list,
        }
    }

    /// `true` when there are none.
    pub fn is_empty(&self) -> bool {
        match self.repr {
            Repr::Raw(b) => b.is_empty(),
            Repr::List(l) => l.is_empty(),
        }
    }

    /// Sorts options to encode into number order, keeping repeated options in their
    /// order, in place and without allocating: O(n) for a list in order but for a few
    /// options (a proxy that replaces Hop-Limit, say), at worst O(n^2).
    ///
    /// [`Options::new`] takes options in any order, but sorts them as it walks them,
    /// which costs O(n^2) per walk; encoding refuses more than 64 unsorted options.
    pub fn sort(list: &mut [Opt<'_>]) {
        for i in 1..list.len() {
            let mut j = i;
            while j > 0 && list.get(j - 1).map(|o| o.number) > list.get(j).map(|o| o.number) {
                list.swap(j - 1, j);
                j -= 1;
            }
        }
    }

    /// Decoded, in number order, or a list short enough to sort as it is walked.
    pub(crate) fn is_sorted_or_short(&self) -> bool {
        match self.repr {
            Repr::Raw(_) => true,
            Repr::List(l) => l.len() <= 64 || l.is_sorted_by_key(|o| o.number),
        }
    }

    /// The options to encode, as given (`None` for decoded ones).
    pub(crate) const fn list(&self) -> Option<&'a [Opt<'a>]> {
        match self.repr {
            Repr::Raw(_) => None,
            Repr::List(l) => Some(l),
        }
    }

    /// Every option numbered `number`, in order.
    pub fn all(&self, number: OptionNumber) -> impl Iterator<Item = Opt<'a>> + use<'a> {
        // Numbers ascend: stop after the last one that can match.
        self.iter()
            .skip_while(move |o| o.number < number)
            .take_while(move |o| o.number == number)
    }

    /// The first option numbered `number`.
    pub fn get(&self, number: OptionNumber) -> Option<Opt<'a>> {
        self.all(number).next()
    }

    /// Bytes of the encoded options (without any payload marker).
    pub(crate) fn encoded_len(&self) -> usize {
        match self.repr {
            Repr::Raw(b) => b.len(),
            Repr::List(_) => {
                let mut prev = 0;
                self.iter()
                    .map(|o| {
                        let delta = o.number.0 - prev;
                        prev = o.number.0;
                        header_len(delta, o.value.len())
                    })
                    .sum()
            }
        }
    }

    pub(crate) fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        match self.repr {
            Repr::Raw(b) => out.put(b),
            Repr::List(l) if l.is_sorted_by_key(|o| o.number) => write_sorted(l, out),
            Repr::List(_) => {
                let mut prev = 0;
                for o in self.iter() {
                    write_header(o.number.0 - prev, o.value.len(), out);
                    o.value.write_to(out);
                    prev = o.number.0;
                }
            }
        }
    }
}

/// Writes options to encode that are already in number order (the caller knows).
#[inline]
pub(crate) fn write_sorted<S: Sink + ?Sized>(list: &[Opt<'_>], out: &mut S) {
    let mut prev = 0;
    for o in list {
        let delta = o.number.0.wrapping_sub(prev);
        match o.value {
            Value::Bytes(b) => {
                write_header(delta, b.len(), out);
                out.put(b);
            }
            // Byte by byte: a copy call for at most four bytes costs more than they do.
            Value::Uint(v) => {
                let n = uint_bytes(v).1;
                write_header(delta, n, out);
                for i in (0..n).rev() {
                    out.put_u8((v >> (8 * i)) as u8);
                }
            }
        }
        prev = o.number.0;
    }
}

/// Writes options to encode that are already in number order (the caller knows) into
/// `out`, which holds exactly their bytes.
#[inline]
pub(crate) fn write_sorted_into(list: &[Opt<'_>], mut out: &mut [u8]) {
    let mut prev = 0;
    for o in list {
        let delta = o.number.0.wrapping_sub(prev);
        prev = o.number.0;
        out = match o.value {
            Value::Bytes(b) => put_value(put_header(out, delta, b.len()), b),
            Value::Uint(v) => {
                let n = uint_bytes(v).1;
                put_uint(put_header(out, delta, n), v, n)
            }
        };
    }
    debug_assert!(out.is_empty(), "the options' length disagrees");
}

/// Writes an option header at the front of `out`; returns the bytes after it.
#[inline(always)]
fn put_header(out: &mut [u8], delta: u16, len: usize) -> &mut [u8] {
    // Most options: one byte, or two for a value of 13 to 268 bytes.
    if delta >= 13 || len >= 269 {
        return put_long_header(out, delta, len);
    }
    if len >= 13 {
        return match out.split_first_chunk_mut::<2>() {
            Some((first, rest)) => {
                *first = [(delta as u8) << 4 | 13, (len - 13) as u8];
                rest
            }
            None => &mut [],
        };
    }
    match out.split_first_mut() {
        Some((first, rest)) => {
            *first = (delta as u8) << 4 | len as u8;
            rest
        }
        None => &mut [],
    }
}

/// [`put_header`] for a header with extended fields.
#[inline(never)]
fn put_long_header(out: &mut [u8], delta: u16, len: usize) -> &mut [u8] {
    let n = header_len(delta, len) - len;
    let Some((head, rest)) = out.split_at_mut_checked(n) else {
        return &mut [];
    };
    let mut w = crate::wire::SliceWriter::new(head);
    write_header(delta, len, &mut w);
    rest
}

/// Writes the last `n` bytes of `v` to the front of `out`; returns the bytes after it.
#[inline(always)]
fn put_uint(out: &mut [u8], v: u32, n: usize) -> &mut [u8] {
    let Some((dst, rest)) = out.split_at_mut_checked(n) else {
        return &mut [];
    };
    // By pattern, not by a loop (which becomes a call to `memcpy`).
    let [a, b, c, d] = v.to_be_bytes();
    match dst {
        [w] => *w = d,
        [w, x] => [*w, *x] = [c, d],
        [w, x, y] => [*w, *x, *y] = [b, c, d],
        [w, x, y, z] => [*w, *x, *y, *z] = [a, b, c, d],
        _ => {}
    }
    rest
}

/// Copies `value` to the front of `out`; returns the bytes after it.
#[inline(always)]
fn put_value<'o>(out: &'o mut [u8], value: &[u8]) -> &'o mut [u8] {
    match out.split_at_mut_checked(value.len()) {
        Some((dst, rest)) => {
            copy_short(dst, value);
            rest
        }
        None => &mut [],
    }
}

/// Bytes of an option with this delta and value length: header, extended fields and
/// value.
#[inline(always)]
pub(crate) const fn header_len(delta: u16, len: usize) -> usize {
    // Without branches: 13 or more needs one extended byte, 269 or more two.
    const fn ext(n: usize) -> usize {
        (n >= 13) as usize + (n >= 269) as usize
    }
    1 + ext(delta as usize) + ext(len) + len
}

/// Writes an option header: the nibbles, then the extended delta and length.
#[inline(always)]
fn write_header<S: Sink + ?Sized>(delta: u16, len: usize, out: &mut S) {
    // Most options: one byte.
    if delta < 13 && len < 13 {
        out.put_u8((delta as u8) << 4 | len as u8);
        return;
    }
    let split = |n: usize| -> (u8, [u8; 2], usize) {
        match n {
            0..=12 => (n as u8, [0; 2], 0),
            13..=268 => (13, [(n - 13) as u8, 0], 1),
            _ => (14, ((n - 269).min(0xFFFF) as u16).to_be_bytes(), 2),
        }
    };
    let (d, dx, dn) = split(usize::from(delta));
    let (l, lx, ln) = split(len);
    out.put_u8(d << 4 | l);
    // Byte by byte: most options have no extended fields, and a copy call for none or
    // two bytes costs more than the bytes.
    for &b in dx.iter().take(dn).chain(lx.iter().take(ln)) {
        out.put_u8(b);
    }
}

/// Iterator over [`Options`], in wire order.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    /// Decoded bytes not walked yet (none for a list), kept apart from the list's
    /// state so that a loop keeps them in registers.
    raw: &'a [u8],
    /// The number of the option last read from `raw`.
    number: u16,
    /// A list's state (an empty one for decoded bytes).
    list: IterRepr<'a>,
}

#[derive(Debug, Clone)]
enum IterRepr<'a> {
    /// Over a list already in order.
    Sorted(core::slice::Iter<'a, Opt<'a>>),
    /// Over a list, sorted as it goes (stable, without allocating): the (number,
    /// index) last yielded.
    List(&'a [Opt<'a>], Option<(u16, usize)>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = Opt<'a>;

    #[inline(always)]
    fn next(&mut self) -> Option<Opt<'a>> {
        // Decoding validated the bytes: `step` stops only at their end.
        if let Some((n, value, tail)) = step(self.raw, self.number) {
            (self.raw, self.number) = (tail, n);
            return Some(Opt::new(OptionNumber(n), value));
        }
        match &mut self.list {
            IterRepr::Sorted(it) => it.next().copied(),
            IterRepr::List(list, last) => select(list, last),
        }
    }
}

/// The next option of an unsorted list: the smallest (number, index) after the last
/// one yielded, a selection step, O(n) each, over lists that are short.
#[inline(never)]
fn select<'a>(list: &[Opt<'a>], last: &mut Option<(u16, usize)>) -> Option<Opt<'a>> {
    let after = |k: (u16, usize)| last.is_none_or(|l| k > l);
    let (i, o) = list
        .iter()
        .enumerate()
        .filter(|&(i, o)| after((o.number.0, i)))
        .min_by_key(|&(i, o)| (o.number.0, i))?;
    *last = Some((o.number.0, i));
    Some(*o)
}

/// The option at the front of `b` after option number `prev`: its number, its value
/// and the bytes after it; `None` at the end, at the payload marker (nibble 15), or
/// where the option is malformed ([`next_option`] says how).
#[inline(always)]
pub(crate) fn step(b: &[u8], prev: u16) -> Option<(u16, &[u8], &[u8])> {
    let (&first, mut rest) = b.split_first()?;
    let mut ext = |nibble: u8| -> Option<usize> {
        Some(match nibble {
            0..=12 => usize::from(nibble),
            13 => {
                let (&x, r) = rest.split_first()?;
                rest = r;
                usize::from(x) + 13
            }
            14 => {
                let (x, r) = rest.split_first_chunk::<2>()?;
                rest = r;
                usize::from(u16::from_be_bytes(*x)) + 269
            }
            _ => return None,
        })
    };
    let delta = ext(first >> 4)?;
    let len = ext(first & 0x0F)?;
    let number = u16::try_from(usize::from(prev) + delta).ok()?;
    let (value, rest) = rest.split_at_checked(len)?;
    Some((number, value, rest))
}

/// An option as read: number, value, and the offset of its header byte.
pub(crate) type Raw<'a> = (u16, &'a [u8], usize);

/// Reads the option at the front of `r` after option number `prev`: its number, value
/// and the offset of its header byte (`base` + position), or `None` at the end of the
/// options (the end of the input, or the payload marker, which is left unread).
///
/// # Errors
///
/// [`Error::ReservedNibble`], [`Error::Truncated`], [`Error::OptionNumberTooLarge`].
#[inline]
pub(crate) fn next_option<'a>(
    r: &mut Reader<'a>,
    prev: u16,
    base: usize,
) -> Result<Option<Raw<'a>>, Error> {
    let at = base + r.pos();
    let first = match r.peek() {
        None | Some(0xFF) => return Ok(None),
        Some(b) => b,
    };
    // Well formed, as nearly every option is: read once, without error paths.
    let rest = r.rest();
    if let Some((number, value, tail)) = step(rest, prev) {
        let _ = r.take(rest.len() - tail.len());
        return Ok(Some((number, value, at)));
    }
    let _ = r.take_u8();
    let mut ext = |nibble: u8| -> Result<usize, Error> {
        let truncated = Error::Truncated { at };
        Ok(match nibble {
            0..=12 => usize::from(nibble),
            13 => usize::from(r.take_u8().ok_or(truncated)?) + 13,
            14 => usize::from(r.take_u16().ok_or(truncated)?) + 269,
            _ => return Err(Error::ReservedNibble { at }),
        })
    };
    let delta = ext(first >> 4)?;
    let len = ext(first & 0x0F)?;
    let number =
        u16::try_from(usize::from(prev) + delta).map_err(|_| Error::OptionNumberTooLarge { at })?;
    let value = r.take(len).ok_or(Error::Truncated { at })?;
    Ok(Some((number, value, at)))
}

/// A Block1 / Block2 value (RFC 7959 §2.2): block number, more flag, size exponent.
///
/// ```
/// use iotwire::coap::Block;
/// let b = Block::from_uint(0x2A).unwrap(); // NUM 2, M 1, SZX 2
/// assert_eq!((b.num, b.more, b.size()), (2, true, 64));
/// assert_eq!(b.to_uint(), 0x2A);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Block {
    /// Block number, 0 to 2^20 - 1.
    pub num: u32,
    /// More blocks follow.
    pub more: bool,
    /// Size exponent: blocks of `2^(szx + 4)` bytes; 7 is BERT over reliable
    /// transports (RFC 8323 §6) and reserved over UDP.
    pub szx: u8,
}

impl Block {
    /// The block of a uint option value, when it fits in 24 bits.
    pub const fn from_uint(v: u32) -> Option<Self> {
        if v >= 1 << 24 {
            return None;
        }
        Some(Self {
            num: v >> 4,
            more: v & 8 != 0,
            szx: (v & 7) as u8,
        })
    }

    /// The uint option value (the block number is taken modulo 2^20, the most the
    /// option can carry).
    pub const fn to_uint(self) -> u32 {
        (self.num & 0xF_FFFF) << 4 | (self.more as u32) << 3 | (self.szx & 7) as u32
    }

    /// Block size in bytes (1024 for BERT, whose blocks are multiples of it).
    pub const fn size(self) -> usize {
        1 << (if self.szx > 6 { 6 } else { self.szx } + 4)
    }

    /// `true` for SZX 7: BERT (RFC 8323 §6).
    pub const fn is_bert(self) -> bool {
        self.szx == 7
    }

    /// Offset of the block's first byte in the whole body (saturating where `usize`
    /// is too small).
    pub const fn offset(self) -> usize {
        (self.num as usize).saturating_mul(self.size())
    }
}

/// A Content-Format identifier (RFC 7252 §12.3), registered or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentFormat(pub u16);

impl ContentFormat {
    /// 0 `text/plain; charset=utf-8`.
    pub const TEXT_PLAIN: Self = Self(0);
    /// 16 `application/cose; cose-type="cose-encrypt0"`.
    pub const COSE_ENCRYPT0: Self = Self(16);
    /// 17 `application/cose; cose-type="cose-mac0"`.
    pub const COSE_MAC0: Self = Self(17);
    /// 18 `application/cose; cose-type="cose-sign1"`.
    pub const COSE_SIGN1: Self = Self(18);
    /// 40 `application/link-format` (RFC 6690).
    pub const LINK_FORMAT: Self = Self(40);
    /// 41 `application/xml`.
    pub const XML: Self = Self(41);
    /// 42 `application/octet-stream`.
    pub const OCTET_STREAM: Self = Self(42);
    /// 47 `application/exi`.
    pub const EXI: Self = Self(47);
    /// 50 `application/json`.
    pub const JSON: Self = Self(50);
    /// 51 `application/json-patch+json` (RFC 8132).
    pub const JSON_PATCH: Self = Self(51);
    /// 52 `application/merge-patch+json` (RFC 8132).
    pub const MERGE_PATCH: Self = Self(52);
    /// 60 `application/cbor`.
    pub const CBOR: Self = Self(60);
    /// 61 `application/cwt`.
    pub const CWT: Self = Self(61);
    /// 110 `application/senml+json`.
    pub const SENML_JSON: Self = Self(110);
    /// 112 `application/senml+cbor`.
    pub const SENML_CBOR: Self = Self(112);
    /// 11542 `application/vnd.oma.lwm2m+tlv`.
    pub const LWM2M_TLV: Self = Self(11542);
    /// 11543 `application/vnd.oma.lwm2m+json`.
    pub const LWM2M_JSON: Self = Self(11543);
}
