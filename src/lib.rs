//! Zero-copy, `no_std` codecs for the protocols that connect devices and services.
//!
//! Every protocol unit implements one trait, [`Packet`]: decode borrows from the input
//! buffer, encode writes into a caller's buffer and knows its exact length in advance.
//! Today the crate has HTTP/1.1 message heads ([`http`]) and MQTT 3.1.1 / 5.0 control
//! packets ([`mqtt`]); CoAP and AMQP 0.9.1 follow the same shape.
//!
//! # The contract
//!
//! - **Decode never panics** and never reads out of bounds, whatever the bytes: it returns
//!   a value or the protocol's typed error, which carries the offset of the offending
//!   byte. Work is bounded by configurable limits with safe defaults.
//! - **Incomplete is not malformed.** On a stream transport a buffer that holds only the
//!   start of a unit gives an error for which [`DecodeError::needed`] is `Some`, telling
//!   how many more bytes are needed when the format says. Read more and call again.
//!   Bytes that already prove the input malformed give a malformed error at once.
//! - **Encode never panics** and writes exactly [`Packet::encoded_len`] bytes, or returns
//!   [`EncodeError::BufferTooSmall`] having written nothing. Values are validated when
//!   they are built, so the crate cannot emit a unit its own strict decoder rejects.
//! - **No heap.** No decode or encode path allocates; the `alloc` and `std` features add
//!   conveniences only.
//!
//! # Example
//!
//! ```
//! # #[cfg(feature = "http")] {
//! use iotwire::Packet;
//! use iotwire::http::{Header, Method, Request, Target, Version};
//!
//! let headers = [Header::new("Host", b"example.com")?];
//! let req = Request::new(Method::GET, Target::new("/status")?, Version::HTTP_11, &headers)?;
//! let mut buf = [0u8; 64];
//! let n = req.encode(&mut buf)?;
//! assert_eq!(&buf[..n], b"GET /status HTTP/1.1\r\nHost: example.com\r\n\r\n");
//!
//! let (decoded, consumed) = Request::decode(&buf[..n]).unwrap();
//! assert_eq!(consumed, n);
//! assert_eq!(decoded, req);
//! assert_eq!(decoded.headers().get("host"), Some(&b"example.com"[..]));
//! # }
//! # Ok::<(), iotwire::EncodeError>(())
//! ```
//!
//! # Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `std` | yes | implies `alloc`; nothing else yet |
//! | `alloc` | via `std` | [`Packet::to_vec`] |
//! | `http` | yes | the [`http`] module |
//! | `mqtt` | yes | the [`mqtt`] module |
//! | `bytes` | no | [`Packet::encode_buf`] into any `bytes::BufMut` (needs `alloc`) |
//! | `arbitrary` | no | `arbitrary::Arbitrary` for the value types, for structured fuzzing |
#![no_std]
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

#[macro_use]
mod error;
mod packet;
mod wire;

#[cfg(feature = "amqp")]
pub mod amqp;
#[cfg(feature = "coap")]
pub mod coap;
#[cfg(feature = "http")]
pub mod http;
#[cfg(feature = "mqtt")]
pub mod mqtt;

pub use error::{DecodeError, EncodeError, Needed};
pub use packet::{Packet, Sink};
