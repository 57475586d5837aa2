//! Resumable decoding of heads that arrive in pieces.

use super::header::{FieldSink, Fill, Section, Validate};
use super::request::RequestLine;
use super::response::StatusLine;
use super::{Config, Error, Header, Headers, Request, Response};

/// Where a partial head stands: its validated start line and the field lines validated
/// so far. Calling again with a longer buffer resumes after the last complete line
/// instead of rescanning from byte 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Progress<L> {
    line: Option<(L, usize)>,
    section: Section,
}

/// Validates a start line; returns it with the offset just past it.
type ParseLine<L> = fn(&[u8], &Config) -> Result<(L, usize), Error>;

impl<L> Default for Progress<L> {
    fn default() -> Self {
        Self {
            line: None,
            section: Section::default(),
        }
    }
}

impl<L: Copy> Progress<L> {
    fn run<'a, S: FieldSink<'a>>(
        &mut self,
        buf: &'a [u8],
        cfg: &Config,
        parse_line: ParseLine<L>,
        sink: &mut S,
    ) -> Result<(L, Section, usize), Error> {
        let r = self.step(buf, cfg, parse_line, sink);
        match r {
            Err(Error::Incomplete(_)) if buf.len() > cfg.max_head_len => {
                *self = Self::default();
                Err(Error::HeadTooLarge {
                    max: cfg.max_head_len,
                })
            }
            Err(Error::Incomplete(_)) => r,
            _ => {
                // Done or failed: the next call starts a new head.
                self.line = None;
                r
            }
        }
    }

    fn step<'a, S: FieldSink<'a>>(
        &mut self,
        buf: &'a [u8],
        cfg: &Config,
        parse_line: ParseLine<L>,
        sink: &mut S,
    ) -> Result<(L, Section, usize), Error> {
        let (line, _) = match self.line {
            Some(l) => l,
            None => {
                let l = parse_line(buf, cfg)?;
                self.line = Some(l);
                self.section = Section::at(l.1);
                l
            }
        };
        let end = self.section.parse(buf, cfg, sink)?;
        if end > cfg.max_head_len {
            return Err(Error::HeadTooLarge {
                max: cfg.max_head_len,
            });
        }
        Ok((line, self.section, end))
    }
}

/// A one-shot decode that copies the fields into `storage` as it validates them.
pub(crate) fn decode_into<'h, 'a: 'h, L: Copy>(
    buf: &'a [u8],
    cfg: &Config,
    parse_line: ParseLine<L>,
    storage: &'h mut [Header<'a>],
) -> Result<(L, Headers<'h>, usize), Error> {
    let mut fill = Fill { out: storage, n: 0 };
    let (line, section, end) = Progress::default().run(buf, cfg, parse_line, &mut fill)?;
    let n = fill.n;
    let fields: &'h [Header<'a>] = fill.out;
    Ok((
        line,
        Headers::new(fields.get(..n).unwrap_or_default()).at_offset(section.start),
        end,
    ))
}

/// Decodes a request head that may arrive in pieces.
///
/// Give [`RequestDecoder::decode`] the whole buffer received so far each time (the same
/// bytes as before, with more appended). On `Incomplete` the decoder remembers the end of
/// the last complete line and resumes there, so feeding a head in pieces costs little
/// more than feeding it whole. After a head is decoded, or an error other than
/// `Incomplete`, the decoder is ready for the next head.
///
/// ```
/// use iotwire::http::RequestDecoder;
///
/// let head = b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
/// let mut dec = RequestDecoder::default();
/// for end in [10, 20, 30] {
///     assert!(dec.decode(&head[..end]).unwrap_err().to_string().starts_with("incomplete"));
/// }
/// let (req, n) = dec.decode(head).unwrap();
/// assert_eq!((req.target().as_str(), n), ("/", head.len()));
/// ```
#[derive(Debug, Clone, Default)]
pub struct RequestDecoder {
    cfg: Config,
    progress: Progress<RequestLine>,
}

impl RequestDecoder {
    /// A decoder with the given limits and leniencies.
    pub fn new(cfg: Config) -> Self {
        Self {
            cfg,
            progress: Progress::default(),
        }
    }

    /// Decodes the head at the front of `buf`, resuming where the previous
    /// `Incomplete` call stopped. Returns the head and the offset where its body starts.
    ///
    /// # Errors
    ///
    /// `Incomplete` when the head's end is not in `buf` yet; any other error when the
    /// bytes are not a valid head under the decoder's [`Config`].
    pub fn decode<'a>(&mut self, buf: &'a [u8]) -> Result<(Request<'a>, usize), Error> {
        let (line, section, end) =
            self.progress
                .run(buf, &self.cfg, RequestLine::parse, &mut Validate)?;
        Ok((
            Request::from_parts(line.parts(buf), section.headers(buf, &self.cfg)),
            end,
        ))
    }

    /// Forgets a partial head: the next call starts at byte 0 of a new one.
    pub fn reset(&mut self) {
        self.progress = Progress::default();
    }
}

/// Decodes a response head that may arrive in pieces; see [`RequestDecoder`].
#[derive(Debug, Clone, Default)]
pub struct ResponseDecoder {
    cfg: Config,
    progress: Progress<StatusLine>,
}

impl ResponseDecoder {
    /// A decoder with the given limits and leniencies.
    pub fn new(cfg: Config) -> Self {
        Self {
            cfg,
            progress: Progress::default(),
        }
    }

    /// Decodes the head at the front of `buf`, resuming where the previous
    /// `Incomplete` call stopped. Returns the head and the offset where its body starts.
    ///
    /// # Errors
    ///
    /// As [`RequestDecoder::decode`].
    pub fn decode<'a>(&mut self, buf: &'a [u8]) -> Result<(Response<'a>, usize), Error> {
        let (line, section, end) =
            self.progress
                .run(buf, &self.cfg, StatusLine::parse, &mut Validate)?;
        Ok((
            Response::from_parts(line.parts(buf), section.headers(buf, &self.cfg)),
            end,
        ))
    }

    /// Forgets a partial head: the next call starts at byte 0 of a new one.
    pub fn reset(&mut self) {
        self.progress = Progress::default();
    }
}
