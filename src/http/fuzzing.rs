//! `arbitrary::Arbitrary` for the value types (feature `arbitrary`), for structured
//! fuzzing. Every value generated is valid: input bytes that would not make one are
//! mapped onto one, so a fuzzer never wastes runs on construction errors.

use arbitrary::{Arbitrary, Result, Unstructured};

use super::{Extensions, Header, Method, Reason, Status, Target, Version};

const METHODS: [Method<'static>; 9] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::DELETE,
    Method::CONNECT,
    Method::OPTIONS,
    Method::TRACE,
    Method::PATCH,
];

impl<'a> Arbitrary<'a> for Method<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let s: &'a str = u.arbitrary()?;
        match Method::new(s) {
            Ok(m) => Ok(m),
            Err(_) => u.choose(&METHODS).copied(),
        }
    }
}

impl<'a> Arbitrary<'a> for Target<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let s: &'a str = u.arbitrary()?;
        if let Ok(t) = Target::new(s).or_else(|_| Target::authority(s)) {
            return Ok(t);
        }
        Ok(*u.choose(&[
            Target::ASTERISK,
            Target::new("/").unwrap_or(Target::ASTERISK),
            Target::new("/a/b?c=d%20e").unwrap_or(Target::ASTERISK),
            Target::new("http://example.com:8080/x").unwrap_or(Target::ASTERISK),
            Target::authority("example.com:443").unwrap_or(Target::ASTERISK),
        ])?)
    }
}

impl<'a> Arbitrary<'a> for Version {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Version::new(u.int_in_range(0..=9)?).unwrap_or(Version::HTTP_11))
    }
}

impl<'a> Arbitrary<'a> for Status {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Status::new(u.int_in_range(100..=599)?).unwrap_or(Status::OK))
    }
}

impl<'a> Arbitrary<'a> for Reason<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let b: &'a [u8] = u.arbitrary()?;
        Ok(Reason::new(b).unwrap_or(Reason::EMPTY))
    }
}

impl<'a> Arbitrary<'a> for Header<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let name: &'a str = u.arbitrary()?;
        let value: &'a [u8] = u.arbitrary()?;
        let name = match Header::new(name, b"") {
            Ok(_) => name,
            Err(_) => *u.choose(&[
                "Host",
                "Content-Length",
                "Transfer-Encoding",
                "X-Custom",
                "Cookie",
            ])?,
        };
        Ok(Header::new(name, value).unwrap_or(Header::new(name, b"x").unwrap_or(Header::EMPTY)))
    }
}

impl<'a> Arbitrary<'a> for Extensions<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let s: &'a [u8] = u.arbitrary()?;
        Ok(Extensions::new(s).unwrap_or(Extensions::NONE))
    }
}
