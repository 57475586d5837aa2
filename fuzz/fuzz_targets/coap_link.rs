//! Raw bytes into the CoRE Link Format parser (RFC 6690): no panic; for every payload it
//! accepts, walking the links and their parameters terminates and covers the payload
//! exactly: each target and parameter name and value is the next span of the payload,
//! between the delimiters the grammar puts around it, and nothing is left over.
#![no_main]

use iotwire::coap::link;
use libfuzzer_sys::fuzz_target;

/// Offset of `part` in `whole`, which must contain it.
fn offset(whole: &str, part: &str) -> usize {
    let at = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
    assert!(at + part.len() <= whole.len(), "a span outside the payload");
    at
}

/// Checks that the byte at `*pos` is `want` and steps over it.
fn expect(s: &str, pos: &mut usize, want: u8) {
    assert_eq!(s.as_bytes().get(*pos), Some(&want), "at {pos} in {s:?}");
    *pos += 1;
}

fuzz_target!(|data: &[u8]| {
    let Ok(links) = link::parse(data) else { return };
    let s = links.as_str();
    assert_eq!(s.as_bytes(), data);
    let mut pos = 0;
    for (i, l) in links.iter().enumerate() {
        assert!(i < s.len(), "more links than bytes");
        if i > 0 {
            expect(s, &mut pos, b',');
        }
        expect(s, &mut pos, b'<');
        assert_eq!(offset(s, l.target), pos);
        pos += l.target.len();
        expect(s, &mut pos, b'>');
        for (j, a) in l.attrs().enumerate() {
            assert!(j < s.len(), "more parameters than bytes");
            expect(s, &mut pos, b';');
            assert!(!a.name.is_empty());
            assert_eq!(offset(s, a.name), pos);
            pos += a.name.len();
            if let Some(v) = a.value {
                expect(s, &mut pos, b'=');
                let quoted = s.as_bytes().get(pos) == Some(&b'"');
                if quoted {
                    pos += 1;
                }
                assert_eq!(offset(s, v), pos);
                pos += v.len();
                if quoted {
                    expect(s, &mut pos, b'"');
                }
            }
            assert_eq!(l.attr(a.name).map(|_| ()), Some(()));
        }
    }
    assert_eq!(pos, s.len(), "the links do not cover the payload");
});
