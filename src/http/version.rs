//! HTTP-version (RFC 9112 §2.3).

use core::fmt;

use super::Error;
use crate::error::EncodeError;

/// An HTTP/1.x version: `HTTP/1.0`, `HTTP/1.1`, or a higher minor version, which RFC 9110
/// §2.5 says to process as HTTP/1.1. The minor digit is kept so the head re-encodes as it
/// came.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version {
    minor: u8,
}

impl Version {
    /// `HTTP/1.0`.
    pub const HTTP_10: Self = Self { minor: 0 };
    /// `HTTP/1.1`.
    pub const HTTP_11: Self = Self { minor: 1 };

    /// The length of `HTTP/1.1`.
    pub(crate) const LEN: usize = 8;

    /// `HTTP/1.minor`.
    ///
    /// # Errors
    ///
    /// [`EncodeError::OutOfRange`] when `minor` is not one digit.
    pub const fn new(minor: u8) -> Result<Self, EncodeError> {
        if minor > 9 {
            return Err(EncodeError::OutOfRange {
                field: "HTTP minor version",
                value: minor as u64,
            });
        }
        Ok(Self { minor })
    }

    /// The minor version digit.
    pub const fn minor(self) -> u8 {
        self.minor
    }

    /// `true` for HTTP/1.1 and later minor versions, which have persistent connections by
    /// default and Transfer-Encoding (RFC 9112 §6.1, §9.3).
    pub const fn is_http11_or_later(self) -> bool {
        self.minor >= 1
    }

    /// Parses `HTTP/DIGIT.DIGIT` at the front of `s`; `base` is `s`'s offset in the
    /// input, for errors.
    pub(crate) fn parse(s: &[u8], base: usize) -> Result<Self, Error> {
        const NAME: &[u8; 5] = b"HTTP/";
        let Some((got, _)) = s.split_first_chunk::<{ Self::LEN }>() else {
            // Too short: incomplete if what is there is a prefix of a valid version.
            for (i, &b) in s.iter().enumerate() {
                let ok = match i {
                    0..=4 => NAME.get(i) == Some(&b),
                    6 => b == b'.',
                    _ => b.is_ascii_digit(),
                };
                if !ok {
                    return Err(Error::InvalidVersion { at: base + i });
                }
            }
            return Err(Error::INCOMPLETE);
        };
        if let Some(i) = got.iter().zip(NAME).position(|(a, b)| a != b) {
            return Err(Error::InvalidVersion { at: base + i });
        }
        let [_, _, _, _, _, major, dot, minor] = *got;
        if !major.is_ascii_digit() {
            return Err(Error::InvalidVersion { at: base + 5 });
        }
        if dot != b'.' {
            return Err(Error::InvalidVersion { at: base + 6 });
        }
        if !minor.is_ascii_digit() {
            return Err(Error::InvalidVersion { at: base + 7 });
        }
        if major != b'1' {
            return Err(Error::UnsupportedVersion {
                major: major - b'0',
                at: base + 5,
            });
        }
        Ok(Self {
            minor: minor - b'0',
        })
    }

    pub(crate) const fn bytes(self) -> [u8; Self::LEN] {
        [b'H', b'T', b'T', b'P', b'/', b'1', b'.', b'0' + self.minor]
    }
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP/1.{}", self.minor)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}
