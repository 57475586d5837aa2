//! The one trait over every protocol's units.

use crate::error::{DecodeError, EncodeError};

/// Where encoded bytes go.
///
/// [`Packet::encode`] checks the room first (the value knows its exact length), so a
/// sink is only ever asked to take bytes it has room for. Implemented for the crate's
/// slice writer and, with the `bytes` feature, for any `bytes::BufMut`; implement it to
/// encode straight into another kind of buffer.
pub trait Sink {
    /// Append `bytes`.
    fn put(&mut self, bytes: &[u8]);

    /// Append one byte.
    fn put_u8(&mut self, byte: u8) {
        self.put(&[byte]);
    }
}

/// One protocol unit: an HTTP head, an MQTT packet, a CoAP message, an AMQP frame.
///
/// Decoded values borrow from the input (`'a`); nothing is copied. Every value the API
/// can build encodes to bytes that decode back to an equal value.
///
/// # Example: a generic framing step
///
/// ```
/// use iotwire::{DecodeError, Packet};
///
/// /// Decodes the next unit from `buf`, or says how much more to read.
/// fn next<'a, P: Packet<'a>>(buf: &'a [u8]) -> Result<Option<(P, usize)>, P::Error> {
///     match P::decode(buf) {
///         Ok(v) => Ok(Some(v)),
///         Err(e) if e.is_incomplete() => Ok(None),
///         Err(e) => Err(e),
///     }
/// }
/// # #[cfg(feature = "http")]
/// # assert!(next::<iotwire::http::Request>(b"GET / HTTP/1.1\r\n").unwrap().is_none());
/// ```
pub trait Packet<'a>: Sized {
    /// The protocol's own error enum.
    type Error: DecodeError;

    /// What decoding needs beyond the bytes: version, transport, limits, leniencies.
    type Context: Default;

    /// Decodes one unit from the front of `buf` and returns it with the number of bytes
    /// it took.
    ///
    /// # Errors
    ///
    /// The protocol's error: incomplete ([`DecodeError::needed`] is `Some`) when `buf`
    /// holds only the start of a unit on a stream transport, malformed otherwise.
    fn decode_with(buf: &'a [u8], cx: &Self::Context) -> Result<(Self, usize), Self::Error>;

    /// [`Packet::decode_with`] with the default context.
    ///
    /// # Errors
    ///
    /// As [`Packet::decode_with`].
    fn decode(buf: &'a [u8]) -> Result<(Self, usize), Self::Error> {
        Self::decode_with(buf, &Self::Context::default())
    }

    /// The exact number of bytes [`Packet::encode`] writes.
    fn encoded_len(&self) -> usize;

    /// Checks that the value can be encoded validly: the rules that tie fields together
    /// and that a value built field by field may break (an MQTT packet identifier
    /// missing at QoS > 0, a property in a packet that does not allow it). Values of
    /// types validated when built need no check. [`Packet::encode`] calls it first.
    ///
    /// # Errors
    ///
    /// The [`EncodeError`] that says which rule the value breaks.
    fn check(&self) -> Result<(), EncodeError> {
        Ok(())
    }

    /// Writes the encoding, exactly [`Packet::encoded_len`] bytes, into `out`, which the
    /// caller guarantees has room for them, without [`Packet::check`]. Prefer
    /// [`Packet::encode`].
    fn write_to<S: Sink + ?Sized>(&self, out: &mut S);

    /// Writes the encoding into the front of `out` and returns the number of bytes
    /// written, always [`Packet::encoded_len`].
    ///
    /// # Errors
    ///
    /// What [`Packet::check`] finds, or [`EncodeError::BufferTooSmall`] when `out` is
    /// shorter than the encoding; nothing is written then.
    fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        self.check()?;
        crate::wire::write_exact(out, self.encoded_len(), |w| self.write_to(w))
    }

    /// Appends the encoding to any [`bytes::BufMut`] and returns the number of bytes
    /// written.
    ///
    /// # Errors
    ///
    /// What [`Packet::check`] finds, or [`EncodeError::BufferTooSmall`] when the buffer
    /// cannot grow to take the encoding; nothing is written then.
    #[cfg(feature = "bytes")]
    #[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
    fn encode_buf<B: bytes::BufMut + ?Sized>(&self, out: &mut B) -> Result<usize, EncodeError> {
        self.check()?;
        let needed = self.encoded_len();
        if out.remaining_mut() < needed {
            return Err(EncodeError::BufferTooSmall {
                needed,
                available: out.remaining_mut(),
            });
        }
        self.write_to(&mut crate::wire::BufMutSink(out));
        Ok(needed)
    }

    /// The encoding in a new vector.
    ///
    /// # Errors
    ///
    /// What [`Packet::check`] finds.
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    fn to_vec(&self) -> Result<alloc::vec::Vec<u8>, EncodeError> {
        self.check()?;
        let mut v = alloc::vec::Vec::with_capacity(self.encoded_len());
        self.write_to(&mut v);
        Ok(v)
    }
}

#[cfg(feature = "alloc")]
impl Sink for alloc::vec::Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// For the property tests of every protocol: encodes `p` into a buffer pre-filled with
/// 0xA5 and a little longer than needed, checking that exactly `encoded_len` bytes are
/// written and nothing past them, and that a buffer one byte short is refused.
#[cfg(test)]
pub(crate) fn encode_checked<'a, P: Packet<'a> + core::fmt::Debug>(p: &P) -> std::vec::Vec<u8> {
    let len = p.encoded_len();
    let mut buf = std::vec![0xA5u8; len + 8];
    let n = p
        .encode(&mut buf)
        .unwrap_or_else(|e| panic!("{e}: {p:?} does not encode"));
    assert_eq!(n, len, "encode wrote other than encoded_len");
    assert!(
        buf[n..].iter().all(|&b| b == 0xA5),
        "encode wrote past encoded_len"
    );
    assert!(len == 0 || p.encode(&mut buf[..len - 1]).is_err());
    buf.truncate(n);
    buf
}
