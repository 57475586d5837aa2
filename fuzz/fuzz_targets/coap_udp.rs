//! Raw bytes into the CoAP decoder as a UDP datagram and as a WebSocket message: no
//! panic; whatever decodes re-encodes (its check passes) to exactly the input, since
//! decoded options are kept as they came; walking the options and every typed view
//! terminates without panicking.
#![no_main]

use iotwire::Packet;
use iotwire::coap::{Context, Message, Transport};
use libfuzzer_sys::fuzz_target;

fn views(m: &Message<'_>, len: usize) {
    // Every option takes at least its header byte.
    assert!(m.options.iter().count() <= len);
    let _ = (m.ignored_options().count(), m.unknown_critical());
    let _ = (
        m.uri_host(),
        m.uri_port(),
        m.uri_path().count(),
        m.uri_query().count(),
    );
    let _ = (
        m.location_path().count(),
        m.location_query().count(),
        m.proxy_uri(),
        m.proxy_scheme(),
    );
    let _ = (
        m.content_format(),
        m.accept(),
        m.max_age(),
        m.etags().count(),
        m.if_match().count(),
    );
    let _ = (
        m.if_none_match(),
        m.observe(),
        m.block1(),
        m.block2(),
        m.q_block1(),
        m.q_block2().count(),
    );
    let _ = (
        m.size1(),
        m.size2(),
        m.no_response(),
        m.echo(),
        m.request_tags().count(),
        m.hop_limit(),
    );
    let _ = (
        m.oscore(),
        m.max_message_size(),
        m.block_wise_transfer(),
        m.custody(),
    );
    let _ = (
        m.alternative_addresses().count(),
        m.hold_off(),
        m.bad_csm_option(),
    );
}

fuzz_target!(|data: &[u8]| {
    for transport in [Transport::Udp, Transport::WebSocket] {
        let Ok((m, n)) = Message::decode_with(data, &Context::new(transport)) else {
            continue;
        };
        assert_eq!(n, data.len(), "a datagram is one message");
        assert_eq!(m.header.transport(), transport);
        assert_eq!(m.encoded_len(), data.len());
        let again = m
            .to_vec()
            .expect("a decoded message passes its encode check");
        assert_eq!(again, data, "re-encoding differs from the input");
        views(&m, data.len());
    }
});
