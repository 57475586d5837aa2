//! Uses every protocol compiled in, so that its code is linked, without std or alloc.
#![no_std]

use core::panic::PanicInfo;

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {}
}

/// Decodes a request head and re-encodes it into `out`; returns the bytes written or 0.
#[cfg(feature = "http")]
#[unsafe(no_mangle)]
pub extern "C" fn iotwire_http_roundtrip(input: *const u8, len: usize, out: *mut u8, cap: usize) -> usize {
    use iotwire::Packet;
    if input.is_null() || out.is_null() {
        return 0;
    }
    // SAFETY: the C caller passes valid buffers of the given lengths.
    let (input, out) = unsafe { (core::slice::from_raw_parts(input, len), core::slice::from_raw_parts_mut(out, cap)) };
    match iotwire::http::Request::decode(input) {
        Ok((req, _)) => req.encode(out).unwrap_or(0),
        Err(_) => 0,
    }
}

/// Decodes an MQTT 5.0 packet and re-encodes it into `out`; returns the bytes written or 0.
#[cfg(feature = "mqtt")]
#[unsafe(no_mangle)]
pub extern "C" fn iotwire_mqtt_roundtrip(input: *const u8, len: usize, out: *mut u8, cap: usize) -> usize {
    use iotwire::Packet;
    use iotwire::mqtt::{Context, ControlPacket, Version};
    if input.is_null() || out.is_null() {
        return 0;
    }
    // SAFETY: the C caller passes valid buffers of the given lengths.
    let (input, out) = unsafe { (core::slice::from_raw_parts(input, len), core::slice::from_raw_parts_mut(out, cap)) };
    match ControlPacket::decode_with(input, &Context::new(Version::V5)) {
        Ok((p, _)) => p.encode(out).unwrap_or(0),
        Err(_) => 0,
    }
}

/// Decodes a CoAP datagram and re-encodes it into `out`; returns the bytes written or 0.
#[cfg(feature = "coap")]
#[unsafe(no_mangle)]
pub extern "C" fn iotwire_coap_roundtrip(input: *const u8, len: usize, out: *mut u8, cap: usize) -> usize {
    use iotwire::Packet;
    use iotwire::coap::Message;
    if input.is_null() || out.is_null() {
        return 0;
    }
    // SAFETY: the C caller passes valid buffers of the given lengths.
    let (input, out) = unsafe { (core::slice::from_raw_parts(input, len), core::slice::from_raw_parts_mut(out, cap)) };
    match Message::decode(input) {
        // The typed views are linked too.
        Ok((m, _)) if m.uri_path().count() + usize::from(m.block2().is_some()) < 256 => {
            m.encode(out).unwrap_or(0)
        }
        Ok(_) => 0,
        Err(_) => 0,
    }
}

/// Decodes an AMQP frame and re-encodes it into `out`; returns the bytes written or 0.
#[cfg(feature = "amqp")]
#[unsafe(no_mangle)]
pub extern "C" fn iotwire_amqp_roundtrip(input: *const u8, len: usize, out: *mut u8, cap: usize) -> usize {
    use iotwire::Packet;
    use iotwire::amqp::{Frame, Payload};
    if input.is_null() || out.is_null() {
        return 0;
    }
    // SAFETY: the C caller passes valid buffers of the given lengths.
    let (input, out) = unsafe { (core::slice::from_raw_parts(input, len), core::slice::from_raw_parts_mut(out, cap)) };
    match Frame::decode(input) {
        // Walk a header's headers table too, so that its code is linked.
        Ok((f, _)) => match f.payload {
            Payload::Header(h) if h.properties.headers.is_some_and(|t| t.iter().count() > 1000) => 0,
            _ => f.encode(out).unwrap_or(0),
        },
        Err(_) => 0,
    }
}
