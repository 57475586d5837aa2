//! Decoding and encoding allocate nothing: a counting global allocator proves 0 heap
//! allocations per decode and per encode (DESIGN: no heap on any decode or encode path).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: delegates to the system allocator; only counts calls on the current thread.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Heap allocations made on this thread while running `f`.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = std::hint::black_box(f());
    (out, ALLOCATIONS.with(Cell::get) - before)
}

#[cfg(feature = "http")]
mod http {
    use super::allocations;
    use iotwire::Packet;
    use iotwire::http::{
        Chunk, ChunkedDecoder, Header, Method, Reason, Request, RequestDecoder, Response, Status,
        Target, Version,
    };

    const REQUEST: &[u8] =
        b"POST /upload?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/7.88.1\r\n\
Accept: */*\r\nTransfer-Encoding: chunked\r\nX-Note: caf\xe9\r\n\r\n";
    const RESPONSE: &[u8] =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n";
    const BODY: &[u8] = b"5;a=b\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n";

    #[test]
    fn decode_allocates_nothing() {
        let ((), n) = allocations(|| {
            let (req, _) = Request::decode(REQUEST).unwrap();
            assert_eq!(req.headers().iter().count(), 5);
            assert_eq!(req.headers().get("x-note"), Some(&b"caf\xe9"[..]));
            assert!(req.body_framing().is_ok());
            let (resp, _) = Response::decode(RESPONSE).unwrap();
            assert!(resp.body_framing(&Method::GET).is_ok());
            let mut pos = 0;
            loop {
                let (c, k) = Chunk::decode(&BODY[pos..]).unwrap();
                pos += k;
                if c.is_last() {
                    assert_eq!(c.trailers().len(), 1);
                    break;
                }
            }
            let mut dec = ChunkedDecoder::default();
            let mut rest = BODY;
            while !rest.is_empty() {
                let (_, k) = dec.decode(rest).unwrap();
                rest = &rest[k..];
            }
            let mut pieces = RequestDecoder::default();
            for end in (0..REQUEST.len()).step_by(16) {
                assert!(pieces.decode(&REQUEST[..end]).is_err());
            }
            assert!(pieces.decode(REQUEST).is_ok());
            let mut store = [Header::EMPTY; 8];
            assert_eq!(req.headers().fill(&mut store), Ok(5));
        });
        assert_eq!(n, 0, "decode allocated {n} times");
    }

    #[test]
    fn encode_allocates_nothing() {
        let mut out = [0u8; 512];
        let ((), n) = allocations(|| {
            let headers = [
                Header::new("Host", b"example.com").unwrap(),
                Header::new("Accept", b"*/*").unwrap(),
            ];
            let req = Request::new(
                Method::GET,
                Target::new("/a?b=c").unwrap(),
                Version::HTTP_11,
                &headers,
            )
            .unwrap();
            let len = req.encode(&mut out).unwrap();
            assert_eq!(len, req.encoded_len());
            let resp = Response::new(
                Version::HTTP_11,
                Status::OK,
                Reason::new(b"OK").unwrap(),
                &headers,
            )
            .unwrap();
            assert_eq!(resp.encode(&mut out).unwrap(), resp.encoded_len());
            let chunk = Chunk::new(b"hello").unwrap();
            assert_eq!(chunk.encode(&mut out).unwrap(), 10);
            assert_eq!(chunk.encode_head(&mut out).unwrap(), 3);
            let (decoded, _) = Request::decode(REQUEST).unwrap();
            assert_eq!(decoded.encode(&mut out).unwrap(), REQUEST.len());
        });
        assert_eq!(n, 0, "encode allocated {n} times");
    }
}

#[test]
fn the_counter_sees_allocations() {
    let (v, n) = allocations(|| vec![1u8; 10]);
    assert_eq!((v.len(), n), (10, 1));
}

#[cfg(feature = "mqtt")]
mod mqtt {
    use super::allocations;
    use core::num::NonZeroU16;
    use iotwire::Packet;
    use iotwire::mqtt::{Context, ControlPacket, Properties, Property, Publish, QoS, Str, Version};

    /// MQTT 5.0 PUBLISH QoS 1 with five properties, then a SUBSCRIBE with two filters.
    const PUBLISH_V5: &[u8] = b"\x32\x47\x00\x1fsensors/building-1/floor-3/temp\x00\x2a\x1c\
\x01\x01\x02\x00\x00\x0e\x10\x03\x00\x04json\x26\x00\x01a\x00\x011\x26\x00\x01b\x00\x012{\"t\":1}";
    const SUBSCRIBE_V5: &[u8] = b"\x82\x0f\x00\x07\x00\x00\x03a/#\x01\x00\x03b/+\x2e";

    #[test]
    fn decode_allocates_nothing() {
        let cx = Context::new(Version::V5);
        let ((), n) = allocations(|| {
            let (p, used) = ControlPacket::decode_with(PUBLISH_V5, &cx).unwrap();
            assert_eq!(used, PUBLISH_V5.len());
            let ControlPacket::Publish(p) = p else {
                panic!("not a PUBLISH")
            };
            assert_eq!(p.properties.iter().count(), 5);
            assert_eq!(p.properties.user_properties().count(), 2);
            let (s, _) = ControlPacket::decode_with(SUBSCRIBE_V5, &cx).unwrap();
            let ControlPacket::Subscribe(s) = s else {
                panic!("not a SUBSCRIBE")
            };
            assert_eq!(s.filters.iter().count(), 2);
        });
        assert_eq!(n, 0, "decode allocated {n} times");
    }

    #[test]
    fn encode_allocates_nothing() {
        let mut out = [0u8; 256];
        let ((), n) = allocations(|| {
            let props = [
                Property::PayloadFormatIndicator(1),
                Property::MessageExpiryInterval(3600),
            ];
            let p = ControlPacket::Publish(Publish {
                version: Version::V5,
                dup: false,
                qos: QoS::AtLeastOnce,
                retain: false,
                topic: Str::new("sensors/temp").unwrap(),
                packet_id: NonZeroU16::new(42),
                properties: Properties::new(&props),
                payload: b"21.5",
            });
            assert_eq!(p.encode(&mut out).unwrap(), p.encoded_len());
            let (d, _) =
                ControlPacket::decode_with(PUBLISH_V5, &Context::new(Version::V5)).unwrap();
            assert_eq!(d.encode(&mut out).unwrap(), PUBLISH_V5.len());
        });
        assert_eq!(n, 0, "encode allocated {n} times");
    }
}

#[cfg(feature = "coap")]
mod coap {
    use super::allocations;
    use iotwire::Packet;
    use iotwire::coap::{
        Code, Context, Header, Message, Opt, OptionNumber, Options, Transport, Type,
    };

    /// CON GET /sensors/temp?u=c with Uri-Host, Accept and Block2, token 4 bytes.
    const GET: &[u8] =
        b"\x44\x01\x7d\x34\xca\xfe\x00\x01\x3agw.example\x87sensors\x04temp\x43u=c\x21\x32\x61\x06";

    #[test]
    fn decode_allocates_nothing() {
        let ((), n) = allocations(|| {
            let (m, used) = Message::decode(GET).unwrap();
            assert_eq!(used, GET.len());
            assert_eq!(m.options.iter().count(), 6);
            assert_eq!(m.uri_path().count(), 2);
            assert!(m.block2().is_some());
            let tcp = [0x01, 0x43, 0x7f];
            let (t, _) = Message::decode_with(&tcp, &Context::new(Transport::Tcp)).unwrap();
            assert_eq!(t.code, Code::VALID);
        });
        assert_eq!(n, 0, "decode allocated {n} times");
    }

    #[test]
    fn encode_allocates_nothing() {
        let mut out = [0u8; 128];
        let ((), n) = allocations(|| {
            let opts = [
                Opt::uint(OptionNumber::ACCEPT, 50),
                Opt::str(OptionNumber::URI_PATH, "b"),
                Opt::str(OptionNumber::URI_PATH, "a"),
            ];
            let m = Message {
                header: Header::Udp {
                    kind: Type::Confirmable,
                    message_id: 1,
                },
                code: Code::GET,
                token: &[1, 2],
                options: Options::new(&opts),
                payload: b"x",
            };
            assert_eq!(m.encode(&mut out).unwrap(), m.encoded_len());
            let (d, _) = Message::decode(GET).unwrap();
            assert_eq!(d.encode(&mut out).unwrap(), GET.len());
        });
        assert_eq!(n, 0, "encode allocated {n} times");
    }
}
