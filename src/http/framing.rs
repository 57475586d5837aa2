//! Message body length (RFC 9112 §6.3).

use super::chars::{list_elements, space_prefix, tchar};
use super::{Config, Error, Headers, Method, Status, Version};
use crate::error::EncodeError;

/// How the body that follows a head is delimited (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyFraming {
    /// No body: the next message starts right after the head (a request without
    /// Content-Length or Transfer-Encoding; a response to HEAD; 1xx, 204, 304).
    None,
    /// Exactly this many bytes (Content-Length).
    Length(u64),
    /// The chunked transfer coding; decode it with [`super::ChunkedDecoder`].
    Chunked,
    /// Everything until the server closes the connection (a response without a length).
    UntilClose,
    /// A 2xx response to CONNECT, or 101 Switching Protocols: from the end of the head
    /// on, the connection is a tunnel or speaks another protocol; no HTTP/1.1 follows.
    Tunnel,
}

/// Checks that a head to encode frames its body the way RFC 9112 lets a sender:
/// valid Content-Length and Transfer-Encoding values, never both (§6.2), no
/// Transfer-Encoding in HTTP/1.0 (§6.1); in a request, chunked last (§6.3); in a
/// response with `status` 1xx or 204, neither field (§6.1, RFC 9110 §8.6).
pub(crate) fn check_encodable(
    headers: &Headers<'_>,
    version: Version,
    status: Option<Status>,
) -> Result<(), EncodeError> {
    let err = |e: Error| {
        EncodeError::Inconsistent(match e {
            Error::TransferEncodingWithContentLength { .. } => {
                "Transfer-Encoding with Content-Length"
            }
            Error::InvalidContentLength { .. } => "Content-Length is not 1*DIGIT",
            Error::ConflictingContentLength { .. } => "more than one Content-Length",
            Error::ChunkedNotFinal { .. } => {
                "chunked is not the final transfer coding of a request"
            }
            Error::ChunkedTwice { .. } => "chunked applied more than once",
            Error::TransferEncodingInHttp10 { .. } => "Transfer-Encoding in an HTTP/1.0 message",
            _ => "invalid Transfer-Encoding",
        })
    };
    let Some(status) = status else {
        return request_framing(headers, version, &Config::new())
            .map(|_| ())
            .map_err(err);
    };
    let f = Fields::scan(headers, &Config::new()).map_err(err)?;
    if f.te.is_some() && f.cl.is_some() {
        return Err(err(Error::TransferEncodingWithContentLength { at: 0 }));
    }
    if f.te.is_some() && !version.is_http11_or_later() {
        return Err(err(Error::TransferEncodingInHttp10 { at: 0 }));
    }
    if (status.is_informational() || status.code() == 204) && (f.te.is_some() || f.cl.is_some()) {
        return Err(EncodeError::Inconsistent(
            "Content-Length or Transfer-Encoding in a 1xx or 204 response",
        ));
    }
    Ok(())
}

/// RFC 9112 §6.3 for a request.
pub(crate) fn request_framing(
    headers: &Headers<'_>,
    version: Version,
    cfg: &Config,
) -> Result<BodyFraming, Error> {
    let f = Fields::scan(headers, cfg)?;
    if let Some(te) = f.te {
        // §6.1: Transfer-Encoding in HTTP/1.0 means the framing is faulty.
        if !version.is_http11_or_later() {
            return Err(Error::TransferEncodingInHttp10 { at: te.at });
        }
        // §6.3 rule 3: both fields ought to be handled as an error (and §6.1 lets a
        // server reject); the leniency lets Transfer-Encoding win.
        if let Some(cl) = f.cl
            && !cfg.transfer_encoding_overrides
        {
            return Err(Error::TransferEncodingWithContentLength {
                at: cl.at.max(te.at),
            });
        }
        // §6.3 rule 4: in a request, chunked must be the final coding.
        return match te.chunked_last {
            true => Ok(BodyFraming::Chunked),
            false => Err(Error::ChunkedNotFinal { at: te.at }),
        };
    }
    Ok(match f.cl {
        Some(cl) => BodyFraming::Length(cl.len), // rule 6
        None => BodyFraming::None,               // rule 7
    })
}

/// RFC 9112 §6.3 for a response to a request with `method`.
pub(crate) fn response(
    headers: &Headers<'_>,
    version: Version,
    status: Status,
    method: &Method<'_>,
    cfg: &Config,
) -> Result<BodyFraming, Error> {
    // 101: the connection speaks the protocol named by Upgrade after the empty line
    // (RFC 9110 §15.2.2), so nothing after it is an HTTP/1.1 body or message.
    if status == Status::SWITCHING_PROTOCOLS {
        return Ok(BodyFraming::Tunnel);
    }
    // Rule 1: HEAD, 1xx, 204 and 304 end at the empty line whatever the fields say.
    if *method == Method::HEAD || status.is_informational() || matches!(status.code(), 204 | 304) {
        return Ok(BodyFraming::None);
    }
    // Rule 2: a 2xx to CONNECT switches to a tunnel; its fields are ignored.
    if *method == Method::CONNECT && status.is_success() {
        return Ok(BodyFraming::Tunnel);
    }
    let f = Fields::scan(headers, cfg)?;
    if let Some(te) = f.te {
        if !version.is_http11_or_later() {
            return Err(Error::TransferEncodingInHttp10 { at: te.at });
        }
        // Rule 3: Transfer-Encoding overrides Content-Length. Rule 4: if chunked is
        // not final, the body runs until the server closes the connection.
        return Ok(match te.chunked_last {
            true => BodyFraming::Chunked,
            false => BodyFraming::UntilClose,
        });
    }
    Ok(match f.cl {
        Some(cl) => BodyFraming::Length(cl.len),
        None => BodyFraming::UntilClose, // rule 8
    })
}

/// Transfer-Encoding so far: every field line's list of codings, in order (RFC 9112
/// §6.1).
struct Te {
    /// Offset of the latest value.
    at: usize,
    chunked_seen: bool,
    chunked_last: bool,
}

impl Te {
    fn add(te: Option<Self>, v: &[u8], at: usize) -> Result<Self, Error> {
        let mut te = te.unwrap_or(Te {
            at,
            chunked_seen: false,
            chunked_last: false,
        });
        te.at = at;
        let mut any = false;
        for (off, element) in list_elements(v) {
            let e_at = at + off;
            if element.is_empty() {
                continue; // RFC 9110 §5.6.1: empty list elements are ignored
            }
            // transfer-coding = token *( OWS ";" OWS transfer-parameter )
            let name_len = element
                .iter()
                .position(|&b| !tchar(b))
                .unwrap_or(element.len());
            let (name, params) = element.split_at(name_len);
            let chunked = name.eq_ignore_ascii_case(b"chunked");
            // RFC 9112 §7.1: chunked defines no parameters; their presence SHOULD be
            // treated as an error.
            if name.is_empty() || !valid_params(params) || (chunked && !params.is_empty()) {
                return Err(Error::InvalidTransferEncoding {
                    at: e_at + name_len,
                });
            }
            if chunked && te.chunked_seen {
                // §6.1: a sender MUST NOT apply chunked more than once.
                return Err(Error::ChunkedTwice { at: e_at });
            }
            te.chunked_seen |= chunked;
            te.chunked_last = chunked;
            any = true;
        }
        if !any {
            return Err(Error::InvalidTransferEncoding { at });
        }
        Ok(te)
    }
}

struct Cl {
    at: usize,
    len: u64,
}

/// What the framing fields say, validated.
struct Fields {
    te: Option<Te>,
    cl: Option<Cl>,
}

impl Fields {
    fn scan(headers: &Headers<'_>, cfg: &Config) -> Result<Self, Error> {
        let mut te = None;
        let mut cl: Option<Cl> = None;
        for (at, h) in headers.iter_at() {
            if h.is("transfer-encoding") {
                te = Some(Te::add(te, h.value(), at)?);
            } else if h.is("content-length") {
                let len = content_length(h.value(), at, cfg)?;
                match cl {
                    Some(prev) if prev.len != len => {
                        return Err(Error::ConflictingContentLength { at });
                    }
                    // RFC 9110 §8.6: repeated lines with one value MAY be collapsed.
                    Some(_) if !cfg.content_length_list => {
                        return Err(Error::ConflictingContentLength { at });
                    }
                    _ => cl = Some(Cl { at, len }),
                }
            }
        }
        Ok(Self { te, cl })
    }
}

/// `*( OWS ";" OWS token BWS "=" BWS ( token / quoted-string ) )` (RFC 9112 §7, RFC
/// 9110 §5.6.6): the parameters of a transfer coding.
fn valid_params(mut p: &[u8]) -> bool {
    loop {
        p = p.get(space_prefix(p)..).unwrap_or_default();
        let Some(rest) = p.strip_prefix(b";") else {
            return p.is_empty();
        };
        let rest = rest.get(space_prefix(rest)..).unwrap_or_default();
        let n = rest.iter().position(|&b| !tchar(b)).unwrap_or(rest.len());
        // transfer-parameter = token BWS "=" BWS ( token / quoted-string )
        let rest = rest.get(n..).unwrap_or_default();
        let rest = rest.get(space_prefix(rest)..).unwrap_or_default();
        let Some(rest) = rest.strip_prefix(b"=").filter(|_| n > 0) else {
            return false;
        };
        let rest = rest.get(space_prefix(rest)..).unwrap_or_default();
        let v = match rest.strip_prefix(b"\"") {
            Some(q) => match super::chunked::quoted_len(q) {
                Ok(len) => len + 1,
                Err(_) => return false,
            },
            None => rest.iter().position(|&b| !tchar(b)).unwrap_or(rest.len()),
        };
        if v == 0 {
            return false;
        }
        p = rest.get(v..).unwrap_or_default();
    }
}

/// The value of one Content-Length field: `1*DIGIT` (RFC 9110 §8.6), or with the
/// leniency a comma-separated list of one repeated value.
fn content_length(v: &[u8], at: usize, cfg: &Config) -> Result<u64, Error> {
    if !cfg.content_length_list {
        return parse_decimal(v).map_err(|i| Error::InvalidContentLength { at: at + i });
    }
    let mut value = None;
    for (off, element) in list_elements(v) {
        let e_at = at + off;
        let n = parse_decimal(element).map_err(|i| Error::InvalidContentLength { at: e_at + i })?;
        match value {
            Some(prev) if prev != n => return Err(Error::ConflictingContentLength { at: e_at }),
            _ => value = Some(n),
        }
    }
    value.ok_or(Error::InvalidContentLength { at })
}

/// `1*DIGIT` as a u64, or the offset of the first bad byte (or of the digit that
/// overflows).
fn parse_decimal(s: &[u8]) -> Result<u64, usize> {
    if s.is_empty() {
        return Err(0);
    }
    let mut n: u64 = 0;
    for (i, &b) in s.iter().enumerate() {
        if !b.is_ascii_digit() {
            return Err(i);
        }
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(b - b'0')))
            .ok_or(i)?;
    }
    Ok(n)
}
