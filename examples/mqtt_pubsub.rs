//! A small MQTT client built on iotwire's codec and `std::net` alone: it connects to a
//! broker, subscribes to a topic, publishes a message to it at QoS 1 and waits until the
//! broker has acknowledged it and delivered it back.
//!
//! ```text
//! cargo run --example mqtt_pubsub -- [HOST:PORT] [--v311 | --v5] [--topic T] [--message M]
//! mosquitto_sub -t 'iotwire/example/#' -v      # in another terminal, to watch
//! ```
//!
//! The broker defaults to 127.0.0.1:1883, the version to MQTT 5.0 (which also sends a
//! Content Type and a User Property with the message).
//!
//! Packets are read with a framing loop: decode what has arrived; while the decoder
//! says it holds only the start of a packet (`Incomplete`, with how many bytes are
//! missing once the Remaining Length is in), read more.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::num::NonZeroU16;
use std::time::Duration;

use iotwire::mqtt::{
    Ack, Connect, Context, ControlPacket, Disconnect, Filters, Properties, Property, Publish, QoS,
    Str, Subscribe, SubscriptionOptions, Version,
};
use iotwire::{DecodeError, Packet};

fn main() -> io::Result<()> {
    let mut addr = "127.0.0.1:1883".to_string();
    let mut version = Version::V5;
    let mut topic = "iotwire/example/pubsub".to_string();
    let mut message = "hello from iotwire".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--v311" => version = Version::V3_1_1,
            "--v5" => version = Version::V5,
            "--topic" => {
                topic = args
                    .next()
                    .ok_or_else(|| invalid("--topic needs a value"))?
            }
            "--message" => {
                message = args
                    .next()
                    .ok_or_else(|| invalid("--message needs a value"))?
            }
            a if !a.starts_with('-') => addr = a.to_string(),
            _ => {
                return Err(invalid(
                    "usage: mqtt_pubsub [HOST:PORT] [--v311 | --v5] [--topic T] [--message M]",
                ));
            }
        }
    }
    let cx = Context::new(version);
    let mut stream = TcpStream::connect(&addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut buf = Vec::new();

    // CONNECT, CONNACK.
    let client_id = format!("iotwire-example-{}", std::process::id());
    send(
        &mut stream,
        &ControlPacket::Connect(Connect {
            version,
            clean_start: true,
            keep_alive: 30,
            properties: Properties::EMPTY,
            client_id: mqtt_str(&client_id)?,
            will: None,
            username: None,
            password: None,
        }),
    )?;
    let n = next_packet(&mut stream, &mut buf, &cx)?;
    match ControlPacket::decode_with(&buf[..n], &cx)
        .map_err(invalid)?
        .0
    {
        ControlPacket::ConnAck(a) if a.code == 0 => {
            println!(
                "connected to {addr} as {client_id} ({version:?}); CONNACK {:?}",
                a.properties
            )
        }
        ControlPacket::ConnAck(a) => return Err(invalid(format!("refused: code {:#04x}", a.code))),
        other => return Err(invalid(format!("want CONNACK, got {other:?}"))),
    }
    buf.drain(..n);

    // SUBSCRIBE, SUBACK.
    let sub_id = NonZeroU16::MIN;
    let options = SubscriptionOptions {
        qos: QoS::AtLeastOnce,
        ..SubscriptionOptions::default()
    };
    let filters = [(mqtt_str(&topic)?, options)];
    send(
        &mut stream,
        &ControlPacket::Subscribe(Subscribe {
            version,
            packet_id: sub_id,
            properties: Properties::EMPTY,
            filters: Filters::List(&filters),
        }),
    )?;
    let n = next_packet(&mut stream, &mut buf, &cx)?;
    match ControlPacket::decode_with(&buf[..n], &cx)
        .map_err(invalid)?
        .0
    {
        ControlPacket::SubAck(a) if a.packet_id == sub_id => {
            println!("subscribed to {topic}: granted {:?}", a.codes)
        }
        other => return Err(invalid(format!("want SUBACK, got {other:?}"))),
    }
    buf.drain(..n);

    // PUBLISH at QoS 1; then wait for its PUBACK and for the message to come back.
    let pub_id = NonZeroU16::new(2).ok_or_else(|| invalid("packet id"))?;
    let props = [
        Property::ContentType(mqtt_str("text/plain")?),
        Property::UserProperty(mqtt_str("sent-by")?, mqtt_str("examples/mqtt_pubsub")?),
    ];
    send(
        &mut stream,
        &ControlPacket::Publish(Publish {
            version,
            dup: false,
            qos: QoS::AtLeastOnce,
            retain: false,
            topic: mqtt_str(&topic)?,
            packet_id: Some(pub_id),
            properties: Properties::new(if version.is_v5() { &props } else { &[] }),
            payload: message.as_bytes(),
        }),
    )?;
    let (mut acked, mut echoed) = (false, false);
    while !(acked && echoed) {
        let n = next_packet(&mut stream, &mut buf, &cx)?;
        let (packet, _) = ControlPacket::decode_with(&buf[..n], &cx).map_err(invalid)?;
        match packet {
            ControlPacket::PubAck(a) if a.packet_id == pub_id => {
                println!(
                    "published {} bytes; PUBACK reason {:#04x}",
                    message.len(),
                    a.reason
                );
                acked = true;
            }
            ControlPacket::Publish(p) => {
                println!(
                    "received on {}: {:?} (QoS {}, properties {:?})",
                    p.topic.as_str(),
                    String::from_utf8_lossy(p.payload),
                    p.qos as u8,
                    p.properties
                );
                echoed |= p.topic == topic.as_str() && p.payload == message.as_bytes();
                if let (QoS::AtLeastOnce, Some(id)) = (p.qos, p.packet_id) {
                    let ack = Ack {
                        version,
                        packet_id: id,
                        reason: 0,
                        properties: Properties::EMPTY,
                    };
                    send(&mut stream, &ControlPacket::PubAck(ack))?;
                }
            }
            other => return Err(invalid(format!("unexpected {other:?}"))),
        }
        buf.drain(..n);
    }

    send(
        &mut stream,
        &ControlPacket::Disconnect(Disconnect {
            version,
            reason: 0,
            properties: Properties::EMPTY,
        }),
    )?;
    println!("disconnected");
    Ok(())
}

/// Encodes a packet into a buffer of its exact length and writes it.
fn send(stream: &mut TcpStream, packet: &ControlPacket<'_>) -> io::Result<()> {
    let mut out = vec![0u8; packet.encoded_len()];
    let n = packet.encode(&mut out).map_err(invalid)?;
    stream.write_all(&out[..n])
}

/// The framing loop: reads until `buf` starts with a whole packet and returns its length.
fn next_packet(stream: &mut TcpStream, buf: &mut Vec<u8>, cx: &Context) -> io::Result<usize> {
    loop {
        match ControlPacket::decode_with(buf, cx) {
            Ok((_, n)) => return Ok(n),
            Err(e) => {
                let need = e.needed().ok_or_else(|| invalid(e))?.size().unwrap_or(1);
                let start = buf.len();
                buf.resize(start + need.max(4096), 0);
                let got = stream.read(&mut buf[start..])?;
                buf.truncate(start + got);
                if got == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
            }
        }
    }
}

fn mqtt_str(s: &str) -> io::Result<Str<'_>> {
    Str::new(s).map_err(invalid)
}

fn invalid(e: impl ToString) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}
