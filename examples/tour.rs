//! A tour of iotwire: builds a unit of each protocol the crate has, encodes it, prints
//! its bytes, decodes them back and prints what came out.
//!
//! ```text
//! cargo run --example tour
//! ```

use iotwire::Packet;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    #[cfg(feature = "http")]
    http()?;
    #[cfg(feature = "mqtt")]
    mqtt()?;
    #[cfg(feature = "coap")]
    coap()?;
    #[cfg(feature = "amqp")]
    amqp()?;
    Ok(())
}

/// Prints bytes as a hex dump with the printable ASCII beside it.
fn dump(bytes: &[u8]) {
    for (i, row) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = row.iter().map(|b| format!("{b:02x}")).collect();
        let text: String = row
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        println!("  {:04x}  {:<48} {text}", i * 16, hex.join(" "));
    }
}

fn show<'a, P: Packet<'a> + std::fmt::Debug>(
    title: &str,
    value: &P,
    out: &'a mut [u8],
) -> Result<&'a [u8], iotwire::EncodeError> {
    let n = value.encode(out)?;
    println!("{title}: {} bytes (encoded_len {})", n, value.encoded_len());
    let bytes = &out[..n];
    dump(bytes);
    Ok(bytes)
}

#[cfg(feature = "http")]
fn http() -> Result<(), Box<dyn std::error::Error>> {
    use iotwire::http::{
        BodyFraming, Chunk, Header, Method, Reason, Request, Response, Status, Target, Version,
    };

    println!("== HTTP/1.1 (RFC 9112) ==\n");

    // A request head, built from validated parts: no way to inject a CR or LF.
    let headers = [
        Header::new("Host", b"sensors.example")?,
        Header::new("Content-Type", b"application/json")?,
        Header::new("Transfer-Encoding", b"chunked")?,
    ];
    let req = Request::new(
        Method::POST,
        Target::new("/v1/readings?site=7")?,
        Version::HTTP_11,
        &headers,
    )?;
    let mut buf = [0u8; 256];
    let bytes = show("request head", &req, &mut buf)?;
    let (decoded, consumed) = Request::decode(bytes)?;
    println!("decoded ({consumed} bytes): {decoded:?}");
    println!("body framing: {:?}", decoded.body_framing()?);
    assert_eq!(decoded, req);

    // The body, chunked: each chunk's head can be written alone for a vectored write.
    let chunk = Chunk::new(br#"{"t":21.5}"#)?;
    let mut cbuf = [0u8; 64];
    let cbytes = show("\nchunk", &chunk, &mut cbuf)?;
    let (c, _) = Chunk::decode(cbytes)?;
    println!("decoded: {c:?}");

    // A response, decoded as it arrives in pieces: the decoder resumes where it stopped.
    let wire = b"HTTP/1.1 201 Created\r\nLocation: /v1/readings/42\r\nContent-Length: 0\r\n\r\n";
    let mut dec = iotwire::http::ResponseDecoder::default();
    let mut pieces = 0;
    let (resp, n) = loop {
        pieces += 1;
        match dec.decode(&wire[..(pieces * 16).min(wire.len())]) {
            Err(e) if iotwire::DecodeError::is_incomplete(&e) => continue,
            other => break other?,
        }
    };
    println!("\nresponse fed in {pieces} pieces of 16 bytes ({n} bytes): {resp:?}");
    println!(
        "status {} {:?}, body framing for POST: {:?}",
        resp.status(),
        std::str::from_utf8(resp.reason().as_bytes())?,
        resp.body_framing(&Method::POST)?
    );
    assert_eq!(resp.body_framing(&Method::POST)?, BodyFraming::Length(0));

    // Encoding a response.
    let fields = [
        Header::new("Location", b"/v1/readings/43")?,
        Header::new("Content-Length", b"0")?,
    ];
    let ok = Response::new(
        Version::HTTP_11,
        Status::CREATED,
        Reason::new(b"Created")?,
        &fields,
    )?;
    // A sender MUST NOT send Content-Length in a 204 (RFC 9110 §8.6): not encodable.
    let no_content = Response::new(
        Version::HTTP_11,
        Status::NO_CONTENT,
        Reason::EMPTY,
        &fields[1..],
    );
    println!("\n204 with Content-Length: {}", no_content.unwrap_err());
    let mut rbuf = [0u8; 128];
    show("\nresponse head", &ok, &mut rbuf)?;

    // Strict by default: a field name with a space before its colon is rejected, with
    // the offset of the byte at fault.
    let smuggle = b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n";
    println!(
        "\nstrict decoding of {:?}:\n  {}",
        String::from_utf8_lossy(smuggle),
        Request::decode(smuggle).unwrap_err()
    );
    Ok(())
}

#[cfg(feature = "mqtt")]
fn mqtt() -> Result<(), Box<dyn std::error::Error>> {
    use core::num::NonZeroU16;
    use iotwire::mqtt::{Context, ControlPacket, Properties, Property, Publish, QoS, Str, Version};

    println!("\n== MQTT 5.0 ==\n");
    let props = [
        Property::PayloadFormatIndicator(1),
        Property::MessageExpiryInterval(3600),
        Property::ContentType(Str::new("application/json")?),
        Property::UserProperty(Str::new("site")?, Str::new("7")?),
    ];
    let publish = ControlPacket::Publish(Publish {
        version: Version::V5,
        dup: false,
        qos: QoS::AtLeastOnce,
        retain: false,
        topic: Str::new("sensors/building-1/floor-3/temp")?,
        packet_id: NonZeroU16::new(42),
        properties: Properties::new(&props),
        payload: br#"{"t":21.5}"#,
    });
    let mut buf = [0u8; 128];
    let bytes = show("PUBLISH QoS 1", &publish, &mut buf)?;
    let (decoded, n) = ControlPacket::decode_with(bytes, &Context::new(Version::V5))?;
    println!("decoded ({n} bytes): {decoded:?}");
    assert_eq!(decoded, publish);

    // The version is never guessed: the same bytes in a 3.1.1 context are malformed.
    match ControlPacket::decode_with(bytes, &Context::new(Version::V3_1_1)) {
        Ok(p) => println!("as MQTT 3.1.1: {p:?}"),
        Err(e) => println!("as MQTT 3.1.1: {e}"),
    }
    // A wildcard in a PUBLISH topic cannot be encoded.
    let bad = ControlPacket::Publish(Publish {
        topic: Str::new("sensors/+/temp")?,
        ..match publish {
            ControlPacket::Publish(p) => p,
            _ => unreachable!(),
        }
    });
    println!(
        "encoding a PUBLISH to sensors/+/temp: {}",
        bad.encode(&mut buf).unwrap_err()
    );
    Ok(())
}

#[cfg(feature = "coap")]
fn coap() -> Result<(), Box<dyn std::error::Error>> {
    use iotwire::coap::{
        Block, Code, ContentFormat, Context, Header, Message, Opt, OptionNumber, Options,
        Transport, Type,
    };

    println!("\n== CoAP (RFC 7252 over UDP, RFC 8323 over TCP) ==\n");
    // Options in any order: they are written in number order, uints in their shortest
    // form.
    let opts = [
        Opt::uint(
            OptionNumber::BLOCK2,
            Block {
                num: 0,
                more: false,
                szx: 6,
            }
            .to_uint(),
        ),
        Opt::uint(OptionNumber::ACCEPT, u32::from(ContentFormat::JSON.0)),
        Opt::str(OptionNumber::URI_PATH, "sensors"),
        Opt::str(OptionNumber::URI_PATH, "temp"),
        Opt::str(OptionNumber::URI_HOST, "gw.example"),
        Opt::uint(OptionNumber::OBSERVE, 0),
    ];
    let get = Message {
        header: Header::Udp {
            kind: Type::Confirmable,
            message_id: 0x7d34,
        },
        code: Code::GET,
        token: &[0xCA, 0xFE, 0x00, 0x01],
        options: Options::new(&opts),
        payload: &[],
    };
    let mut buf = [0u8; 128];
    let bytes = show("CON GET, Observe, Block2 (UDP)", &get, &mut buf)?;
    let (decoded, _) = Message::decode(bytes)?;
    println!("decoded: {decoded:?}");
    println!(
        "path {:?}, observe {:?}, block2 {:?}",
        decoded.uri_path().collect::<Vec<_>>(),
        decoded.observe(),
        decoded.block2()
    );
    assert_eq!(decoded, get);

    // The same request over TCP: no type or Message ID, the length in the header.
    let tcp = Message {
        header: Header::Tcp,
        ..get
    };
    let mut tbuf = [0u8; 128];
    let tbytes = show("\nthe same over TCP (RFC 8323)", &tcp, &mut tbuf)?;
    let cx = Context::new(Transport::Tcp);
    match Message::decode_with(&tbytes[..5], &cx) {
        Err(e) => println!("its first 5 bytes: {e}"),
        Ok(_) => unreachable!("a prefix"),
    }
    // A critical option the registry does not know is reported, not dropped.
    let (m, _) = Message::decode(&[0x40, 0x01, 0x00, 0x01, 0xE0, 0xFC, 0xDC])?;
    println!(
        "\nunknown critical option in {:?}: {:?}",
        m.code,
        m.unknown_critical()
    );
    Ok(())
}

#[cfg(feature = "amqp")]
fn amqp() -> Result<(), Box<dyn std::error::Error>> {
    use iotwire::amqp::{
        BasicProperties, BasicPublish, ContentHeader, Context, FieldTable, FieldValue, Frame,
        LongStr, Method, Payload, ShortStr,
    };

    println!("\n== AMQP 0-9-1 ==\n");
    // basic.publish, then its content header (with a headers table), then the body.
    let publish = Frame {
        channel: 1,
        payload: Payload::Method(Method::BasicPublish(BasicPublish {
            exchange: ShortStr::new("sensors")?,
            routing_key: ShortStr::new("building-1.floor-3.temp")?,
            mandatory: true,
            ..Default::default()
        })),
    };
    let headers = [
        (
            ShortStr::new("site")?,
            FieldValue::LongStr(LongStr::text("building-1")),
        ),
        (ShortStr::new("retries")?, FieldValue::I32(0)),
    ];
    let body = br#"{"t":21.5}"#;
    let header = Frame {
        channel: 1,
        payload: Payload::Header(ContentHeader {
            body_size: body.len() as u64,
            properties: BasicProperties {
                content_type: Some(ShortStr::new("application/json")?),
                delivery_mode: Some(2),
                headers: Some(FieldTable::new(&headers)),
                ..Default::default()
            },
        }),
    };
    let mut buf = [0u8; 256];
    let n = publish.encode(&mut buf)?;
    let m = header.encode(&mut buf[n..])?;
    let mut end = n + m;
    for f in Frame::bodies(1, body, 4096) {
        end += f.encode(&mut buf[end..])?;
    }
    println!("basic.publish + content header + body: {end} bytes");
    dump(&buf[..end]);
    // A stream decoder: frame by frame, each borrowing from the buffer.
    let cx = Context::new().frame_max(4096);
    let mut at = 0;
    while at < end {
        let (frame, used) = Frame::decode_with(&buf[at..end], &cx)?;
        println!("frame ({used} bytes): {frame:?}");
        at += used;
    }
    // A table nested 2,000 levels deep is an error, not a stack overflow.
    let mut deep = Vec::new();
    for _ in 0..2000 {
        let inner = std::mem::take(&mut deep);
        deep = [
            &[1, b'n', b'F'][..],
            &(inner.len() as u32).to_be_bytes(),
            &inner,
        ]
        .concat();
    }
    let table = [&(deep.len() as u32).to_be_bytes()[..], &deep].concat();
    match FieldTable::decode_with(&table, &cx) {
        Ok(_) => unreachable!("too deep"),
        Err(e) => println!("a {}-byte table nested 2,000 deep: {e}", table.len()),
    }
    Ok(())
}
