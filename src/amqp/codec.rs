//! AMQP's data types (0-9-1 §4.2.5): integers in network order, short and long
//! strings, and the cursor that reads them from a frame payload of known length.

use core::fmt;

use super::table::{FieldTable, validate_table};
use super::{Context, Error};
use crate::error::EncodeError;
use crate::packet::Sink;
use crate::wire::{Cursor, CursorContext, DebugBytes};

/// A short string (§4.2.5.3): at most 255 octets. The grammar makes it octets, not
/// text (errata §16): [`ShortStr::as_str`] gives the UTF-8 view when there is one.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ShortStr<'a>(&'a [u8]);

impl<'a> ShortStr<'a> {
    /// The longest short string, in octets.
    pub const MAX_LEN: usize = 255;

    /// The empty string.
    pub const EMPTY: ShortStr<'static> = ShortStr(&[]);

    /// A short string of text.
    ///
    /// # Errors
    ///
    /// [`EncodeError::TooLong`] over 255 octets.
    pub const fn new(s: &'a str) -> Result<Self, EncodeError> {
        Self::from_bytes(s.as_bytes())
    }

    /// A short string of octets.
    ///
    /// # Errors
    ///
    /// [`EncodeError::TooLong`] over 255 octets.
    pub const fn from_bytes(b: &'a [u8]) -> Result<Self, EncodeError> {
        if b.len() > Self::MAX_LEN {
            return Err(EncodeError::TooLong {
                field: "short string",
                len: b.len(),
                max: Self::MAX_LEN,
            });
        }
        Ok(Self(b))
    }

    /// The octets.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.0
    }

    /// The text, when the octets are UTF-8.
    pub fn as_str(&self) -> Option<&'a str> {
        crate::wire::utf8(self.0).ok()
    }

    pub(crate) const fn encoded_len(&self) -> usize {
        1 + self.0.len()
    }

    pub(crate) fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put_u8(self.0.len() as u8);
        out.put(self.0);
    }
}

impl fmt::Debug for ShortStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Some(s) => fmt::Debug::fmt(s, f),
            None => fmt::Debug::fmt(&DebugBytes(self.0), f),
        }
    }
}

impl PartialEq<str> for ShortStr<'_> {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<&str> for ShortStr<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

/// A long string (§4.2.5.3): up to 2^32 - 1 octets of any data (a SASL response, a
/// header value); [`LongStr::as_str`] gives the UTF-8 view when there is one.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct LongStr<'a>(&'a [u8]);

impl<'a> LongStr<'a> {
    /// The empty string.
    pub const EMPTY: LongStr<'static> = LongStr(&[]);

    /// A long string of octets (over 4 GiB cannot be encoded: checked at encode).
    pub const fn new(b: &'a [u8]) -> Self {
        Self(b)
    }

    /// A long string of text.
    pub const fn text(s: &'a str) -> Self {
        Self(s.as_bytes())
    }

    /// The octets.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.0
    }

    /// The text, when the octets are UTF-8.
    pub fn as_str(&self) -> Option<&'a str> {
        crate::wire::utf8(self.0).ok()
    }

    pub(crate) const fn encoded_len(&self) -> usize {
        4 + self.0.len()
    }

    pub(crate) fn check(&self) -> Result<(), EncodeError> {
        check_u32_len("long string", self.0.len())
    }

    pub(crate) fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(&(self.0.len() as u32).to_be_bytes());
        out.put(self.0);
    }
}

impl fmt::Debug for LongStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Some(s) => fmt::Debug::fmt(s, f),
            None => fmt::Debug::fmt(&DebugBytes(self.0), f),
        }
    }
}

/// Errors when a length does not fit the 32-bit prefix it is written with.
pub(crate) fn check_u32_len(field: &'static str, n: usize) -> Result<(), EncodeError> {
    match u32::try_from(n) {
        Ok(_) => Ok(()),
        Err(_) => Err(EncodeError::TooLong {
            field,
            len: n,
            max: u32::MAX as usize,
        }),
    }
}

/// A cursor over one frame payload (or one table) whose length is known: running out
/// of bytes means the field is malformed ([`Error::Truncated`]).
pub(crate) type In<'a> = Cursor<'a, Context>;

impl CursorContext for Context {
    type Error = Error;
}

/// The fields of AMQP's own format.
impl<'a> In<'a> {
    /// A short string: a one-octet length, then the octets (§4.2.5.3).
    pub(crate) fn shortstr(&mut self) -> Result<ShortStr<'a>, Error> {
        self.prefixed::<1>().map(ShortStr)
    }

    /// A long string: a four-octet length, then the octets (§4.2.5.3).
    pub(crate) fn longstr(&mut self) -> Result<LongStr<'a>, Error> {
        self.prefixed::<4>().map(LongStr)
    }

    /// A field table (§4.2.5.5), validated in the dialect and depth limit in force.
    pub(crate) fn table(&mut self) -> Result<FieldTable<'a>, Error> {
        let at = self.at();
        let body = self.prefixed::<4>()?;
        validate_table(body, at + 4, &self.cx)?;
        Ok(FieldTable::raw(body, self.cx.dialect))
    }
}
