//! With the `bytes` feature, units encode into any `bytes::BufMut`, exactly as into a
//! slice, and refuse (writing nothing) when the buffer cannot take them.
#![cfg(all(feature = "bytes", feature = "http"))]

use iotwire::http::{Chunk, Header, Method, Request, Target, Version};
use iotwire::{EncodeError, Packet};

#[test]
fn encode_buf_writes_what_encode_writes() {
    let headers = [Header::new("Host", b"example.com").unwrap()];
    let req = Request::new(
        Method::GET,
        Target::new("/").unwrap(),
        Version::HTTP_11,
        &headers,
    )
    .unwrap();
    let mut slice = vec![0u8; req.encoded_len()];
    req.encode(&mut slice).unwrap();

    let mut buf = bytes::BytesMut::new();
    assert_eq!(req.encode_buf(&mut buf), Ok(req.encoded_len()));
    let chunk = Chunk::new(b"hello").unwrap();
    assert_eq!(chunk.encode_buf(&mut buf), Ok(10));
    assert_eq!(&buf[..slice.len()], &slice[..]);
    assert_eq!(&buf[slice.len()..], b"5\r\nhello\r\n");
}

#[test]
fn encode_buf_refuses_a_full_buffer_and_writes_nothing() {
    let chunk = Chunk::new(b"hello").unwrap();
    let mut storage = [0xA5u8; 4];
    let mut dst = &mut storage[..];
    assert_eq!(
        chunk.encode_buf(&mut dst),
        Err(EncodeError::BufferTooSmall {
            needed: 10,
            available: 4
        })
    );
    assert_eq!(storage, [0xA5; 4]);
}
