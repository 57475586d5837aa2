//! HTTP/1.1 message heads (RFC 9112, RFC 9110): request and response heads, header
//! fields, body framing and the chunked transfer coding.
//!
//! Decoding is strict by default, as RFC 9112 asks of a recipient that must not be
//! confused about where a message ends: CRLF line endings only, one SP between the parts
//! of the start line, no whitespace before a field's colon, no obs-fold, only `HTTP/1.x`.
//! Each of RFC 9112's "MAY accept" leniencies is a named option of [`Config`], off by
//! default. Limits on head size, line length and field count have safe defaults.
//!
//! Header fields are not copied anywhere: a decoded head keeps the validated field
//! section as one borrowed region and [`Headers::iter`] walks it lazily; walking cannot
//! fail because decoding validated every line. [`Headers::fill`] copies the borrowed
//! fields into caller storage for indexed access, as `httparse` does.
//!
//! # Example
//!
//! ```
//! use iotwire::Packet;
//! use iotwire::http::{BodyFraming, Request};
//!
//! let bytes = b"POST /upload HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello";
//! let (req, body_at) = Request::decode(bytes).unwrap();
//! assert_eq!(req.method().as_str(), "POST");
//! assert_eq!(req.target().as_str(), "/upload");
//! assert_eq!(req.headers().get("content-length"), Some(&b"5"[..]));
//! assert_eq!(req.body_framing(), Ok(BodyFraming::Length(5)));
//! assert_eq!(&bytes[body_at..], b"hello");
//!
//! // The head re-encodes to the same bytes.
//! let mut out = [0u8; 128];
//! let n = req.encode(&mut out).unwrap();
//! assert_eq!(&out[..n], &bytes[..body_at]);
//! ```
//!
//! # Round trip
//!
//! Every head built with the API encodes to bytes that decode to an equal head. A decoded
//! head re-encodes byte for byte when its input used the canonical form: one SP after
//! each field's colon and no trailing whitespace (what curl, browsers and nginx send).
//! The places with no canonical form are whitespace around field values (trimmed on
//! decode), empty lines before a request line (skipped), and whatever a leniency let in
//! (re-encoded in the strict form).

mod chars;
mod chunked;
mod config;
mod error;
mod framing;
#[cfg(feature = "arbitrary")]
mod fuzzing;
mod head;
mod header;
mod request;
mod response;
mod scan;
mod version;

#[cfg(test)]
mod properties;
#[cfg(test)]
mod strategy;

pub use chunked::{Chunk, ChunkedDecoder, Extensions, Piece};
pub use config::Config;
pub use error::Error;
pub use framing::BodyFraming;
pub use head::{RequestDecoder, ResponseDecoder};
pub use header::{Header, Headers, Iter};
pub use request::{Method, Request, Target, TargetForm};
pub use response::{Reason, Response, Status};
pub use version::Version;
