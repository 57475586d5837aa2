//! The chunked transfer coding (RFC 9112 §7.1), both ways.

use core::fmt;

use super::chars::{ows_prefix, tchar, ws};
use super::header::{ByteStr, Section, Validate};
use super::{Config, Error, Header, Headers};
use crate::error::{EncodeError, Needed};
use crate::packet::{Packet, Sink};

/// The chunk extensions of a chunk-size line (RFC 9112 §7.1.1): `;name` or
/// `;name=value`, values being tokens or quoted-strings. Kept as the validated bytes
/// (a quoted-string may hold obs-text, which need not be UTF-8), walked by
/// [`Extensions::iter`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Extensions<'a>(&'a [u8]);

impl<'a> Extensions<'a> {
    /// No extensions.
    pub const NONE: Extensions<'static> = Extensions(b"");

    /// Extensions to encode, as they appear after the chunk size: `;name=value;flag`.
    ///
    /// # Errors
    ///
    /// [`EncodeError::InvalidByte`] when `s` is not `*( BWS ";" BWS name [ BWS "=" BWS
    /// value ] )`.
    pub fn new(s: &'a [u8]) -> Result<Self, EncodeError> {
        match extensions_end(s, 0, true) {
            Ok(_) => Ok(Self(s)),
            Err(e) => Err(EncodeError::InvalidByte {
                field: "chunk extensions",
                at: crate::DecodeError::offset(&e).unwrap_or(s.len()),
            }),
        }
    }

    /// The bytes as on the wire.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.0
    }

    /// `true` when there are none.
    pub const fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each extension's name and raw value (a token, or a quoted-string with its quotes
    /// and escapes).
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, Option<&'a [u8]>)> + use<'a> {
        let mut rest = self.0;
        let skip_ws = |s: &'a [u8]| s.get(ows_prefix(s)..).unwrap_or_default();
        core::iter::from_fn(move || {
            // Just past the next ';': the bytes are valid, so it starts the next one.
            let semi = rest.iter().position(|&b| b == b';')?;
            let after = skip_ws(rest.get(semi + 1..).unwrap_or_default());
            let name_len = after.iter().position(|&b| !tchar(b)).unwrap_or(after.len());
            let (name, tail) = after.split_at(name_len);
            let name = super::chars::ascii_str(name);
            let Some(v) = skip_ws(tail).strip_prefix(b"=") else {
                rest = tail;
                return Some((name, None));
            };
            let v = skip_ws(v);
            let v_len = match v.strip_prefix(b"\"") {
                Some(q) => quoted_len(q).map_or(v.len(), |n| n + 1),
                None => v.iter().position(|&b| !tchar(b)).unwrap_or(v.len()),
            };
            let (value, tail) = v.split_at(v_len);
            rest = tail;
            Some((name, Some(value)))
        })
    }
}

impl fmt::Debug for Extensions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&ByteStr(self.0), f)
    }
}

/// Length of a quoted-string's content and closing quote, given what follows the opening
/// quote (RFC 9110 §5.6.4), or the offset of the byte that breaks it (`Err(None)` when
/// the input ends first).
pub(crate) fn quoted_len(s: &[u8]) -> Result<usize, Option<usize>> {
    let mut i = 0;
    loop {
        match s.get(i) {
            None => return Err(None),
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => match s.get(i + 1) {
                None => return Err(None),
                Some(&b) if b == b'\t' || (b >= 0x20 && b != 0x7F) => i += 2,
                Some(_) => return Err(Some(i + 1)),
            },
            // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
            Some(&b) if b == b'\t' || (b >= 0x20 && b != 0x7F) => i += 1,
            Some(_) => return Err(Some(i)),
        }
    }
}

/// Validates `*( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )` from `pos` and returns
/// the offset where it ends: the CR of the line, or (`whole`) the end of `s`. Offsets
/// in errors are into `s`.
fn extensions_end(s: &[u8], pos: usize, whole: bool) -> Result<usize, Error> {
    let bad = |at| Error::InvalidChunkExtension { at };
    // The input ends at `at`: fine there when `whole` and the grammar may end (`ok`),
    // else malformed when `whole`, else incomplete.
    let eof = |ok: bool, at: usize| match (whole, ok) {
        (true, true) => Ok(at),
        (true, false) => Err(bad(at)),
        (false, _) => Err(Error::INCOMPLETE),
    };
    let skip_ws = |mut p: usize| {
        while s.get(p).is_some_and(|&b| ws(b)) {
            p += 1;
        }
        p
    };
    let mut p = pos;
    loop {
        // Here the grammar may end: at the CR (or the end of a whole string).
        let q = skip_ws(p);
        match s.get(q) {
            None => return eof(q == p, q),
            Some(b'\r') if q == p && !whole => return Ok(p),
            Some(b'\n') if q == p && !whole => return Err(Error::InvalidLineEnding { at: p }),
            Some(b';') => {}
            // Whitespace after the size with no extension (RFC 9112 §7.1.1: BWS only
            // before ';'), or any other byte after the hex digits.
            Some(_) if p == pos && !whole => return Err(Error::InvalidChunkSize { at: p }),
            Some(_) => return Err(bad(q)),
        }
        let n0 = skip_ws(q + 1);
        let rest = s.get(n0..).unwrap_or_default();
        let n = rest.iter().position(|&b| !tchar(b)).unwrap_or(rest.len());
        if n == 0 {
            return match rest.first() {
                None => eof(false, n0),
                Some(_) => Err(bad(n0)),
            };
        }
        p = n0 + n;
        let e = skip_ws(p);
        match s.get(e) {
            Some(b'=') => {}
            None => return eof(e == p, e),
            _ => continue, // BWS then ';' or CR: the loop decides
        }
        let v = skip_ws(e + 1);
        match s.get(v) {
            None => return eof(false, v),
            Some(b'"') => match quoted_len(s.get(v + 1..).unwrap_or_default()) {
                Ok(len) => p = v + 1 + len,
                Err(None) => return eof(false, s.len()),
                Err(Some(at)) => return Err(bad(v + 1 + at)),
            },
            Some(&b) if tchar(b) => {
                let rest = s.get(v..).unwrap_or_default();
                p = v + rest.iter().position(|&b| !tchar(b)).unwrap_or(rest.len());
            }
            Some(_) => return Err(bad(v)),
        }
    }
}

/// A validated chunk-size line: `chunk-size [ chunk-ext ] CRLF` (RFC 9112 §7.1).
struct SizeLine {
    size: u64,
    /// Where the extensions are, from just after the digits to the CR.
    ext: (usize, usize),
    /// Offset just past the LF.
    end: usize,
}

impl SizeLine {
    fn parse(buf: &[u8], cfg: &Config) -> Result<Self, Error> {
        match Self::parse_unlimited(buf) {
            Err(Error::Incomplete(_)) if buf.len() > cfg.max_line_len => Err(Error::LineTooLong {
                max: cfg.max_line_len,
                at: 0,
            }),
            Ok(l) if l.end > cfg.max_line_len => Err(Error::LineTooLong {
                max: cfg.max_line_len,
                at: 0,
            }),
            r => r,
        }
    }

    fn parse_unlimited(buf: &[u8]) -> Result<Self, Error> {
        let mut size: u64 = 0;
        let mut digits = 0;
        for &b in buf {
            let Some(d) = (b as char).to_digit(16) else {
                break;
            };
            // RFC 9112 §7.1: a recipient MUST anticipate large sizes and prevent overflow.
            if size > u64::MAX >> 4 {
                return Err(Error::ChunkSizeOverflow { at: digits });
            }
            size = size << 4 | u64::from(d);
            digits += 1;
        }
        if digits == 0 {
            return match buf.first() {
                None => Err(Error::INCOMPLETE),
                Some(_) => Err(Error::InvalidChunkSize { at: 0 }),
            };
        }
        let cr = extensions_end(buf, digits, false)?;
        match buf.get(cr + 1) {
            None => Err(Error::INCOMPLETE),
            Some(b'\n') => Ok(Self {
                size,
                ext: (digits, cr),
                end: cr + 2,
            }),
            Some(_) => Err(Error::InvalidLineEnding { at: cr }),
        }
    }

    fn extensions<'a>(&self, buf: &'a [u8]) -> Extensions<'a> {
        Extensions(buf.get(self.ext.0..self.ext.1).unwrap_or_default())
    }
}

/// Number of lowercase hex digits of `n` (at least one).
const fn hex_len(n: u64) -> usize {
    if n == 0 {
        1
    } else {
        (64 - n.leading_zeros() as usize).div_ceil(4)
    }
}

fn write_hex<S: Sink + ?Sized>(n: u64, out: &mut S) {
    let mut digits = [0u8; 16];
    let len = hex_len(n);
    for (i, d) in digits.iter_mut().take(len).enumerate() {
        let nibble = (n >> (4 * (len - 1 - i))) & 0xF;
        *d = b"0123456789abcdef"[nibble as usize];
    }
    out.put(digits.get(..len).unwrap_or_default());
}

/// One chunk of a chunked body, whole: a data chunk (size line, data, CRLF) or the last
/// chunk (`0` line, trailer fields, empty line).
///
/// Decoding a data chunk needs all its data in the buffer and says exactly how many
/// bytes are missing when it is not; for chunks too big to buffer, use
/// [`ChunkedDecoder`], which hands out data as it arrives. The size is re-encoded in
/// lowercase hex without leading zeros, its one canonical form.
///
/// ```
/// use iotwire::Packet;
/// use iotwire::http::Chunk;
///
/// let body = b"5\r\nhello\r\n0\r\n\r\n";
/// let (c, n) = Chunk::decode(body).unwrap();
/// assert_eq!((c.data(), n), (&b"hello"[..], 10));
/// let (last, m) = Chunk::decode(&body[n..]).unwrap();
/// assert!(last.is_last() && n + m == body.len());
///
/// let mut out = [0u8; 16];
/// let k = Chunk::new(b"hello").unwrap().encode(&mut out).unwrap();
/// assert_eq!(&out[..k], b"5\r\nhello\r\n");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Chunk<'a> {
    data: &'a [u8],
    extensions: Extensions<'a>,
    trailers: Headers<'a>,
}

impl<'a> Chunk<'a> {
    /// A data chunk.
    ///
    /// # Errors
    ///
    /// [`EncodeError::Empty`] for empty data: a chunk of size 0 is the last chunk, so an
    /// empty data chunk would end the body; use [`Chunk::last`] for that.
    pub fn new(data: &'a [u8]) -> Result<Self, EncodeError> {
        if data.is_empty() {
            return Err(EncodeError::Empty {
                field: "chunk data",
            });
        }
        Ok(Self {
            data,
            extensions: Extensions::NONE,
            trailers: Headers::EMPTY,
        })
    }

    /// The last chunk, with trailer fields (RFC 9112 §7.1.2).
    ///
    /// # Errors
    ///
    /// [`EncodeError::Empty`] when a field is the [`Header::EMPTY`] placeholder.
    pub fn last(trailers: &'a [Header<'a>]) -> Result<Self, EncodeError> {
        Ok(Self {
            data: b"",
            extensions: Extensions::NONE,
            trailers: Headers::checked(trailers)?,
        })
    }

    /// The same chunk with chunk extensions.
    #[must_use]
    pub const fn with_extensions(mut self, extensions: Extensions<'a>) -> Self {
        self.extensions = extensions;
        self
    }

    /// `true` for the last chunk (size 0).
    pub const fn is_last(&self) -> bool {
        self.data.is_empty()
    }

    /// The chunk data (empty for the last chunk).
    pub const fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The chunk extensions.
    pub const fn extensions(&self) -> Extensions<'a> {
        self.extensions
    }

    /// The trailer fields (only the last chunk has any).
    pub const fn trailers(&self) -> &Headers<'a> {
        &self.trailers
    }

    /// Bytes of the size line alone, for a vectored write: size line, then the data,
    /// then [`Chunk::DATA_END`].
    pub const fn head_len(&self) -> usize {
        hex_len(self.data.len() as u64) + self.extensions.0.len() + 2
    }

    /// The CRLF that follows chunk data.
    pub const DATA_END: &'static [u8; 2] = b"\r\n";

    /// Writes the size line alone into `out` (see [`Chunk::head_len`]).
    ///
    /// # Errors
    ///
    /// [`EncodeError::BufferTooSmall`] when `out` is too short; nothing is written then.
    pub fn encode_head(&self, out: &mut [u8]) -> Result<usize, EncodeError> {
        crate::wire::write_exact(out, self.head_len(), |w| self.write_head(w))
    }

    fn write_head<S: Sink + ?Sized>(&self, out: &mut S) {
        write_hex(self.data.len() as u64, out);
        out.put(self.extensions.0);
        out.put(b"\r\n");
    }
}

impl<'a> Packet<'a> for Chunk<'a> {
    type Error = Error;
    type Context = Config;

    fn decode_with(buf: &'a [u8], cx: &Config) -> Result<(Self, usize), Error> {
        // RFC 9112 §7.1: every line of the chunked coding ends in CRLF; the bare-LF
        // leniency (§2.2) is for the start line and header fields only.
        let cx = &cx.allow_bare_lf(false);
        let line = SizeLine::parse(buf, cx)?;
        let extensions = line.extensions(buf);
        if line.size == 0 {
            let mut section = Section::at(line.end);
            let end = section.parse(buf, cx, &mut Validate)?;
            let trailers = section.headers(buf, cx);
            return Ok((
                Self {
                    data: b"",
                    extensions,
                    trailers,
                },
                end,
            ));
        }
        let size = usize::try_from(line.size).unwrap_or(usize::MAX);
        let data_end = line.end.saturating_add(size);
        match (buf.get(data_end), buf.get(data_end.saturating_add(1))) {
            (Some(b'\r'), Some(b'\n')) => {}
            (Some(b'\r'), None) => return Err(Error::Incomplete(Needed::new(1))),
            (Some(b'\r'), Some(_)) => return Err(Error::MissingChunkDataEnd { at: data_end + 1 }),
            (Some(_), _) => return Err(Error::MissingChunkDataEnd { at: data_end }),
            (None, _) => {
                let missing = data_end.saturating_add(2).saturating_sub(buf.len());
                return Err(Error::Incomplete(Needed::new(missing)));
            }
        }
        Ok((
            Self {
                data: buf.get(line.end..data_end).unwrap_or_default(),
                extensions,
                trailers: Headers::EMPTY,
            },
            data_end + 2,
        ))
    }

    fn encoded_len(&self) -> usize {
        match self.is_last() {
            true => 1 + self.extensions.0.len() + 2 + self.trailers.encoded_len() + 2,
            false => self.head_len() + self.data.len() + 2,
        }
    }

    fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {
        self.write_head(out);
        if self.is_last() {
            self.trailers.write_to(out);
        } else {
            out.put(self.data);
        }
        out.put(b"\r\n");
    }
}

impl fmt::Debug for Chunk<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = match self.is_last() {
            true => f.debug_struct("LastChunk"),
            false => f.debug_struct("Chunk"),
        };
        if !self.is_last() {
            d.field("size", &self.data.len())
                .field("data", &ByteStr(self.data));
        }
        if !self.extensions.is_empty() {
            d.field("extensions", &self.extensions);
        }
        if self.is_last() {
            d.field("trailers", &self.trailers);
        }
        d.finish()
    }
}

/// One step of a chunked body, from [`ChunkedDecoder::decode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// A chunk-size line: `size` bytes of data follow, handed out as [`Piece::Data`].
    Size {
        /// The chunk size.
        size: u64,
        /// Its chunk extensions.
        extensions: Extensions<'a>,
    },
    /// Chunk data, as much of the current chunk as the buffer held.
    Data(&'a [u8]),
    /// The last chunk and the trailer section: the body is over.
    End {
        /// The last chunk's extensions.
        extensions: Extensions<'a>,
        /// The trailer fields.
        trailers: Headers<'a>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At a chunk-size line.
    Size,
    /// Inside chunk data, with this many bytes to go.
    Data(u64),
    /// After chunk data, at its CRLF.
    DataEnd,
}

/// Decodes a chunked body in pieces, never needing a whole chunk in memory.
///
/// Each call takes the bytes not yet consumed (the caller drops the `consumed` count
/// returned by the previous call) and returns one [`Piece`]: a size line, some data, or
/// the end. Offsets in errors count from the start of the buffer of that call. After
/// [`Piece::End`] the decoder is ready for the next body.
///
/// ```
/// use iotwire::http::{ChunkedDecoder, Piece};
///
/// let mut dec = ChunkedDecoder::default();
/// let mut body = &b"b\r\nhello world\r\n0\r\n\r\n"[..];
/// let mut data = Vec::new();
/// loop {
///     let (piece, n) = dec.decode(body).unwrap();
///     body = &body[n..];
///     match piece {
///         Piece::Data(d) => data.extend_from_slice(d),
///         Piece::End { .. } => break,
///         Piece::Size { .. } => {}
///     }
/// }
/// assert_eq!(data, b"hello world");
/// ```
#[derive(Debug, Clone)]
pub struct ChunkedDecoder {
    cfg: Config,
    state: State,
}

impl Default for ChunkedDecoder {
    fn default() -> Self {
        Self::new(Config::new())
    }
}

impl ChunkedDecoder {
    /// A decoder with the given limits (line length, trailer fields) and leniencies.
    pub const fn new(cfg: Config) -> Self {
        Self {
            cfg,
            state: State::Size,
        }
    }

    /// Data bytes still to come in the current chunk.
    pub const fn remaining(&self) -> u64 {
        match self.state {
            State::Data(n) => n,
            _ => 0,
        }
    }

    /// The next piece of the body at the front of `buf`, and the bytes it took.
    ///
    /// # Errors
    ///
    /// `Incomplete` when `buf` does not hold a whole size line (or the last chunk and
    /// its trailers), or is empty inside chunk data; any other error when the body is
    /// malformed.
    pub fn decode<'a>(&mut self, buf: &'a [u8]) -> Result<(Piece<'a>, usize), Error> {
        match self.state {
            State::Data(remaining) => {
                if buf.is_empty() {
                    let n = usize::try_from(remaining).unwrap_or(usize::MAX);
                    return Err(Error::Incomplete(Needed::new(n)));
                }
                let n = usize::try_from(remaining)
                    .unwrap_or(usize::MAX)
                    .min(buf.len());
                let left = remaining - n as u64;
                self.state = if left == 0 {
                    State::DataEnd
                } else {
                    State::Data(left)
                };
                Ok((Piece::Data(buf.get(..n).unwrap_or_default()), n))
            }
            State::DataEnd => {
                match buf {
                    [b'\r', b'\n', ..] => {}
                    [] | [b'\r'] => return Err(Error::Incomplete(Needed::new(2 - buf.len()))),
                    [b'\r', ..] => return Err(Error::MissingChunkDataEnd { at: 1 }),
                    _ => return Err(Error::MissingChunkDataEnd { at: 0 }),
                }
                let rest = buf.get(2..).unwrap_or_default();
                let (piece, n) = self.size(rest).map_err(|e| e.shift(2))?;
                Ok((piece, n + 2))
            }
            State::Size => self.size(buf),
        }
    }

    fn size<'a>(&mut self, buf: &'a [u8]) -> Result<(Piece<'a>, usize), Error> {
        let line = SizeLine::parse(buf, &self.cfg)?;
        let extensions = line.extensions(buf);
        if line.size > 0 {
            self.state = State::Data(line.size);
            return Ok((
                Piece::Size {
                    size: line.size,
                    extensions,
                },
                line.end,
            ));
        }
        let (last, n) = Chunk::decode_with(buf, &self.cfg)?;
        self.state = State::Size;
        Ok((
            Piece::End {
                extensions,
                trailers: last.trailers,
            },
            n,
        ))
    }
}
