//! Raw bytes into the MQTT decoder in each version: no panic; whatever decodes
//! re-encodes (its check passes) to bytes that decode to an equal packet; a prefix is
//! incomplete, or fails as the whole does, or is a whole packet followed by more.
#![no_main]

use iotwire::mqtt::{Context, ControlPacket, Version};
use iotwire::{DecodeError, Packet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, bytes)) = data.split_first() else { return };
    for version in [Version::V3_1_1, Version::V5, Version::V3_1] {
        let cx = Context::new(version);
        let whole = ControlPacket::decode_with(bytes, &cx);
        if let Ok((p, n)) = &whole {
            assert!(*n <= bytes.len());
            let again = p.to_vec().expect("a decoded packet passes its encode check");
            assert_eq!(again.len(), p.encoded_len());
            assert_eq!(ControlPacket::decode_with(&again, &cx), Ok((*p, again.len())));
        }
        let cut = usize::from(cut).min(bytes.len());
        match ControlPacket::decode_with(&bytes[..cut], &cx) {
            Err(e) if e.is_incomplete() => {}
            other => assert_eq!(other, whole),
        }
    }
});
