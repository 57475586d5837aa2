//! proptest strategies: owned heads that tests borrow to build API values.

use std::string::String;
use std::vec::Vec;

use proptest::prelude::*;

use super::{Header, Method, Reason, Request, Response, Status, Target, Version};

/// Bytes allowed in a token (RFC 9110 §5.6.2).
pub(crate) const TCHARS: &str =
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

pub(crate) fn token(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::sample::select(TCHARS.as_bytes().to_vec()),
        1..=max,
    )
    .prop_map(|v| String::from_utf8(v).unwrap_or_default())
}

/// A field value: field-vchar, SP, HTAB and obs-text, not starting or ending in
/// whitespace.
pub(crate) fn field_value() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        8 => 0x21u8..=0x7E,
        1 => Just(b' '),
        1 => Just(b'\t'),
        1 => 0x80u8..=0xFF,
    ];
    proptest::collection::vec(byte, 0..40).prop_map(|mut v| {
        while v.last().is_some_and(|b| *b == b' ' || *b == b'\t') {
            v.pop();
        }
        while v.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            v.remove(0);
        }
        v
    })
}

/// Field lines; framing fields (Content-Length, Transfer-Encoding) are left to the
/// tests that are about them, as random values would frame the body invalidly.
pub(crate) fn fields() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    proptest::collection::vec((token(24), field_value()), 0..12).prop_map(|mut v| {
        v.retain(|(n, _)| {
            !n.eq_ignore_ascii_case("content-length")
                && !n.eq_ignore_ascii_case("transfer-encoding")
        });
        v
    })
}

fn pchars() -> impl Strategy<Value = String> {
    let unit = prop_oneof![
        8 => proptest::sample::select(
            b"abcxyzABC019-._~!$&'()*+,;=:@/".to_vec()
        ).prop_map(|b| String::from(b as char)),
        1 => (0u8..=255).prop_map(|b| std::format!("%{b:02X}")),
    ];
    proptest::collection::vec(unit, 0..20).prop_map(|v| v.concat())
}

/// An owned request head.
#[derive(Debug, Clone)]
pub(crate) struct OwnedRequest {
    pub(crate) method: String,
    pub(crate) target: String,
    pub(crate) authority: bool,
    pub(crate) minor: u8,
    pub(crate) fields: Vec<(String, Vec<u8>)>,
}

impl OwnedRequest {
    pub(crate) fn headers(&self) -> Vec<Header<'_>> {
        self.fields
            .iter()
            .map(|(n, v)| Header::new(n, v).expect("strategy builds valid fields"))
            .collect()
    }

    pub(crate) fn build<'a>(&'a self, headers: &'a [Header<'a>]) -> Request<'a> {
        let target = match self.authority {
            true => Target::authority(&self.target),
            false => Target::new(&self.target),
        };
        Request::new(
            Method::new(&self.method).expect("token"),
            target.expect("strategy builds valid targets"),
            Version::new(self.minor).expect("digit"),
            headers,
        )
        .expect("consistent")
    }
}

pub(crate) fn request() -> impl Strategy<Value = OwnedRequest> {
    let origin = (token(10), pchars(), proptest::option::of(pchars()))
        .prop_filter("not CONNECT/OPTIONS-only", |(m, _, _)| m != "CONNECT")
        .prop_map(|(m, p, q)| {
            (
                m,
                std::format!(
                    "/{p}{}",
                    q.map(|q| std::format!("?{q}")).unwrap_or_default()
                ),
                false,
            )
        });
    let absolute = (token(10), pchars())
        .prop_filter("not CONNECT", |(m, _)| m != "CONNECT")
        .prop_map(|(m, p)| (m, std::format!("http://example.com/{p}"), false));
    let asterisk = Just((String::from("OPTIONS"), String::from("*"), false));
    let authority = (1u16..).prop_map(|port| {
        (
            String::from("CONNECT"),
            std::format!("example.com:{port}"),
            true,
        )
    });
    let line = prop_oneof![6 => origin, 2 => absolute, 1 => asterisk, 1 => authority];
    (line, 0u8..=9, fields()).prop_map(|((method, target, authority), minor, fields)| {
        OwnedRequest {
            method,
            target,
            authority,
            minor,
            fields,
        }
    })
}

/// An owned response head.
#[derive(Debug, Clone)]
pub(crate) struct OwnedResponse {
    pub(crate) minor: u8,
    pub(crate) status: u16,
    pub(crate) reason: Vec<u8>,
    pub(crate) fields: Vec<(String, Vec<u8>)>,
}

impl OwnedResponse {
    pub(crate) fn headers(&self) -> Vec<Header<'_>> {
        self.fields
            .iter()
            .map(|(n, v)| Header::new(n, v).expect("strategy builds valid fields"))
            .collect()
    }

    pub(crate) fn build<'a>(&'a self, headers: &'a [Header<'a>]) -> Response<'a> {
        Response::new(
            Version::new(self.minor).expect("digit"),
            Status::new(self.status).expect("100-599"),
            Reason::new(&self.reason).expect("valid reason"),
            headers,
        )
        .expect("valid framing")
    }
}

pub(crate) fn response() -> impl Strategy<Value = OwnedResponse> {
    let reason = proptest::collection::vec(
        prop_oneof![8 => 0x20u8..=0x7E, 1 => Just(b'\t'), 1 => 0x80u8..=0xFF],
        0..30,
    );
    (0u8..=9, 100u16..=599, reason, fields()).prop_map(|(minor, status, reason, fields)| {
        OwnedResponse {
            minor,
            status,
            reason,
            fields,
        }
    })
}
