//! Publish a message to an AMQP 0-9-1 broker (RabbitMQ) and consume it back, with
//! nothing but `iotwire::amqp` and `std::net::TcpStream`.
//!
//! ```text
//! cargo run --example amqp_publish -- [HOST:PORT] [--user U] [--password P]
//!                                     [--queue Q] [--message TEXT]
//! ```
//!
//! Defaults: 127.0.0.1:5672, guest / guest, queue `iotwire.example`, a short text. The
//! session: protocol header; connection.start, start-ok (PLAIN), tune, tune-ok, open;
//! channel.open; queue.declare; basic.publish with properties and headers (content
//! header, then the body in frames that fit frame-max); basic.consume; basic.deliver
//! with its header and body; basic.ack; channel.close; connection.close.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{SystemTime, UNIX_EPOCH};

use iotwire::amqp::{
    BasicAck, BasicConsume, BasicProperties, BasicPublish, ChannelClose, ChannelOpen,
    ConnectionClose, ConnectionOpen, ConnectionStartOk, ConnectionTuneOk, ContentHeader, Context,
    FieldTable, FieldValue, Frame, LongStr, Method, PROTOCOL_HEADER, Payload, QueueDeclare,
    ShortStr, reply,
};
use iotwire::{DecodeError, Packet};

type Error = Box<dyn std::error::Error>;

/// A connection: the socket, what has been read but not decoded yet, and the
/// negotiated frame-max.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    cx: Context,
    frame_max: u32,
}

impl Conn {
    fn send(&mut self, frame: &Frame<'_>) -> Result<(), Error> {
        self.stream.write_all(&frame.to_vec()?)?;
        Ok(())
    }

    fn send_method<'m>(&mut self, channel: u16, m: impl Into<Method<'m>>) -> Result<(), Error> {
        self.send(&Frame {
            channel,
            payload: Payload::Method(m.into()),
        })
    }

    /// Reads until one whole frame is buffered (skipping heartbeats) and returns its
    /// bytes; decode them with `Frame::decode_with(&bytes, &conn.cx)`.
    fn next_frame(&mut self) -> Result<Vec<u8>, Error> {
        loop {
            match Frame::decode_with(&self.buf, &self.cx) {
                Ok((frame, used)) => {
                    let heartbeat = frame.payload == Payload::Heartbeat;
                    let bytes: Vec<u8> = self.buf.drain(..used).collect();
                    if !heartbeat {
                        return Ok(bytes);
                    }
                }
                // Only the start of a frame so far: read more.
                Err(e) if e.is_incomplete() => {
                    let mut chunk = [0u8; 8192];
                    let n = self.stream.read(&mut chunk)?;
                    if n == 0 {
                        return Err("the broker closed the connection".into());
                    }
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                Err(e) => return Err(format!("undecodable frame from the broker: {e}").into()),
            }
        }
    }

    /// The next frame, which must be the method named `name` (`"connection.tune"`).
    fn expect(&mut self, name: &str) -> Result<Vec<u8>, Error> {
        let bytes = self.next_frame()?;
        match Frame::decode_with(&bytes, &self.cx)?.0.payload {
            Payload::Method(m) if m.name() == name => Ok(bytes),
            other => Err(format!("expected {name}, got {other:?}").into()),
        }
    }

    fn method<'b>(&self, bytes: &'b [u8]) -> Result<Method<'b>, Error> {
        match Frame::decode_with(bytes, &self.cx)?.0.payload {
            Payload::Method(m) => Ok(m),
            other => Err(format!("expected a method, got {other:?}").into()),
        }
    }
}

fn main() -> Result<(), Error> {
    let mut addr = "127.0.0.1:5672".to_owned();
    let (mut user, mut password) = ("guest".to_owned(), "guest".to_owned());
    let mut queue = "iotwire.example".to_owned();
    let mut message = "hello from iotwire's amqp_publish example".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--user" => user = value()?,
            "--password" => password = value()?,
            "--queue" => queue = value()?,
            "--message" => message = value()?,
            "-h" | "--help" => {
                println!(
                    "usage: amqp_publish [HOST:PORT] [--user U] [--password P] [--queue Q] [--message TEXT]"
                );
                return Ok(());
            }
            _ if !arg.starts_with('-') => addr = arg,
            _ => return Err(format!("unknown option {arg}").into()),
        }
    }

    let stream = TcpStream::connect(&addr)?;
    let mut c = Conn {
        stream,
        buf: Vec::new(),
        // Until tune, frames are at most the spec's minimum frame-max.
        cx: Context::new().frame_max(4096),
        frame_max: 4096,
    };

    // Handshake: the protocol header, then start / start-ok with PLAIN credentials.
    c.stream.write_all(&PROTOCOL_HEADER)?;
    let start = c.expect("connection.start")?;
    if let Method::ConnectionStart(s) = c.method(&start)? {
        let product = s.server_properties.get("product");
        let version = s.server_properties.get("version");
        println!("connected to {addr}: {product:?} {version:?}");
    }
    let capabilities = [(
        ShortStr::new("authentication_failure_close")?,
        FieldValue::Bool(true),
    )];
    let client_properties = [
        (
            ShortStr::new("product")?,
            FieldValue::LongStr(LongStr::text("iotwire amqp_publish")),
        ),
        (
            ShortStr::new("capabilities")?,
            FieldValue::Table(FieldTable::new(&capabilities)),
        ),
    ];
    let response = format!("\0{user}\0{password}");
    c.send_method(
        0,
        ConnectionStartOk {
            client_properties: FieldTable::new(&client_properties),
            mechanism: ShortStr::new("PLAIN")?,
            response: LongStr::text(&response),
            locale: ShortStr::new("en_US")?,
        },
    )?;

    // Tune: take the server's limits (frame-max 0 would mean none: stay at 128 KiB),
    // and no heartbeats for this short session.
    let tune = c.expect("connection.tune")?;
    let Method::ConnectionTune(tune) = c.method(&tune)? else {
        unreachable!()
    };
    let frame_max = if tune.frame_max == 0 {
        131_072
    } else {
        tune.frame_max
    };
    c.send_method(
        0,
        ConnectionTuneOk {
            channel_max: tune.channel_max,
            frame_max,
            heartbeat: 0,
        },
    )?;
    c.frame_max = frame_max;
    c.cx = Context::new().frame_max(frame_max);
    c.send_method(
        0,
        ConnectionOpen {
            virtual_host: ShortStr::new("/")?,
            ..Default::default()
        },
    )?;
    c.expect("connection.open-ok")?;

    // One channel, one queue.
    c.send_method(1, ChannelOpen::default())?;
    c.expect("channel.open-ok")?;
    c.send_method(
        1,
        QueueDeclare {
            queue: ShortStr::new(&queue)?,
            auto_delete: true,
            ..Default::default()
        },
    )?;
    c.expect("queue.declare-ok")?;

    // Publish: the method, the content header with the properties, then the body cut
    // into frames that fit frame-max.
    let headers = [
        (
            ShortStr::new("sent-by")?,
            FieldValue::LongStr(LongStr::text("examples/amqp_publish")),
        ),
        (ShortStr::new("attempt")?, FieldValue::I32(1)),
    ];
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let properties = BasicProperties {
        content_type: Some(ShortStr::new("text/plain")?),
        headers: Some(FieldTable::new(&headers)),
        delivery_mode: Some(2),
        message_id: Some(ShortStr::new("example-1")?),
        timestamp: Some(now),
        ..Default::default()
    };
    c.send_method(
        1,
        BasicPublish {
            exchange: ShortStr::EMPTY,
            routing_key: ShortStr::new(&queue)?,
            ..Default::default()
        },
    )?;
    c.send(&Frame {
        channel: 1,
        payload: Payload::Header(ContentHeader {
            body_size: message.len() as u64,
            properties,
        }),
    })?;
    for frame in Frame::bodies(1, message.as_bytes(), c.frame_max) {
        c.send(&frame)?;
    }
    println!("published {} bytes to {queue}", message.len());

    // Consume it back: basic.deliver, then its content header, then body frames.
    c.send_method(
        1,
        BasicConsume {
            queue: ShortStr::new(&queue)?,
            consumer_tag: ShortStr::new("amqp_publish")?,
            ..Default::default()
        },
    )?;
    c.expect("basic.consume-ok")?;
    let deliver = c.expect("basic.deliver")?;
    let Method::BasicDeliver(d) = c.method(&deliver)? else {
        unreachable!()
    };
    let header = c.next_frame()?;
    let Payload::Header(h) = Frame::decode_with(&header, &c.cx)?.0.payload else {
        return Err("expected a content header".into());
    };
    let mut body = Vec::new();
    while (body.len() as u64) < h.body_size {
        let frame = c.next_frame()?;
        let Payload::Body(part) = Frame::decode_with(&frame, &c.cx)?.0.payload else {
            return Err("expected a body frame".into());
        };
        body.extend_from_slice(part);
    }
    println!(
        "received on {:?} (delivery tag {}): {:?}",
        d.routing_key,
        d.delivery_tag,
        String::from_utf8_lossy(&body)
    );
    println!("properties: {:?}", h.properties);
    c.send_method(
        1,
        BasicAck {
            delivery_tag: d.delivery_tag,
            multiple: false,
        },
    )?;

    // Close the channel, then the connection, each waiting for its close-ok.
    c.send_method(
        1,
        ChannelClose {
            reply_code: reply::REPLY_SUCCESS,
            reply_text: ShortStr::new("done")?,
            ..Default::default()
        },
    )?;
    c.expect("channel.close-ok")?;
    c.send_method(
        0,
        ConnectionClose {
            reply_code: reply::REPLY_SUCCESS,
            reply_text: ShortStr::new("bye")?,
            ..Default::default()
        },
    )?;
    c.expect("connection.close-ok")?;
    println!("closed");
    Ok(())
}
