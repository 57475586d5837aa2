//! Structured MQTT packets built from arbitrary valid parts, in every version: what
//! `encode` accepts (its check passes) is written as exactly `encoded_len` bytes that
//! decode to an equal packet. When the arbitrary properties do not suit the packet, the
//! same packet without them is tried.
#![no_main]

use core::num::NonZeroU16;

use arbitrary::Unstructured;
use iotwire::Packet;
use iotwire::mqtt::{
    Ack, Auth, ConnAck, Connect, Context, ControlPacket, Disconnect, Filters, Properties, Property, Publish, QoS,
    Str, SubAck, Subscribe, SubscriptionOptions, Unsubscribe, Version, Will,
};
use libfuzzer_sys::fuzz_target;

fn check(p: &ControlPacket<'_>, version: Version) -> bool {
    // AUTH exists in 5.0 only, whatever version the input picked.
    let version = if matches!(p, ControlPacket::Auth(_)) { Version::V5 } else { version };
    let mut buf = vec![0xA5u8; p.encoded_len() + 8];
    let Ok(n) = p.encode(&mut buf) else { return false };
    assert_eq!(n, p.encoded_len());
    assert!(buf[n..].iter().all(|&b| b == 0xA5));
    assert_eq!(ControlPacket::decode_with(&buf[..n], &Context::new(version)), Ok((*p, n)));
    true
}

fn build<'a>(
    u: &mut Unstructured<'a>,
    kind: u8,
    version: Version,
    props: Properties<'a>,
    will_props: Properties<'a>,
    filters: &'a [(Str<'a>, SubscriptionOptions)],
    codes: &'a [u8],
) -> arbitrary::Result<ControlPacket<'a>> {
    let pid = NonZeroU16::new(u.int_in_range(1..=u16::MAX)?).unwrap_or(NonZeroU16::MIN);
    let ack = |u: &mut Unstructured<'a>| -> arbitrary::Result<Ack<'a>> {
        Ok(Ack { version, packet_id: pid, reason: u.arbitrary()?, properties: props })
    };
    Ok(match kind % 15 {
        0 => ControlPacket::Connect(Connect {
            version,
            clean_start: u.arbitrary()?,
            keep_alive: u.arbitrary()?,
            properties: props,
            client_id: u.arbitrary()?,
            will: match u.arbitrary::<bool>()? {
                true => Some(Will {
                    qos: u.arbitrary()?,
                    retain: u.arbitrary()?,
                    properties: will_props,
                    topic: u.arbitrary()?,
                    payload: u.arbitrary()?,
                }),
                false => None,
            },
            username: u.arbitrary()?,
            password: u.arbitrary()?,
        }),
        1 => ControlPacket::ConnAck(ConnAck {
            version,
            session_present: u.arbitrary()?,
            code: u.arbitrary()?,
            properties: props,
        }),
        2 => {
            let qos: QoS = u.arbitrary()?;
            ControlPacket::Publish(Publish {
                version,
                dup: u.arbitrary::<bool>()? && qos != QoS::AtMostOnce,
                qos,
                retain: u.arbitrary()?,
                topic: u.arbitrary()?,
                packet_id: (qos != QoS::AtMostOnce).then_some(pid),
                properties: props,
                payload: u.arbitrary()?,
            })
        }
        3 => ControlPacket::PubAck(ack(u)?),
        4 => ControlPacket::PubRec(ack(u)?),
        5 => ControlPacket::PubRel(ack(u)?),
        6 => ControlPacket::PubComp(ack(u)?),
        7 => ControlPacket::Subscribe(Subscribe { version, packet_id: pid, properties: props, filters: Filters::List(filters) }),
        8 => ControlPacket::SubAck(SubAck { version, packet_id: pid, properties: props, codes }),
        9 => ControlPacket::Unsubscribe(Unsubscribe { version, packet_id: pid, properties: props, filters: Filters::List(filters) }),
        10 => ControlPacket::UnsubAck(SubAck { version, packet_id: pid, properties: props, codes }),
        11 => ControlPacket::PingReq,
        12 => ControlPacket::PingResp,
        13 => ControlPacket::Disconnect(Disconnect { version, reason: u.arbitrary()?, properties: props }),
        _ => ControlPacket::Auth(Auth { reason: u.arbitrary()?, properties: props }),
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(version) = u.arbitrary::<Version>() else { return };
    let Ok(kind) = u.arbitrary::<u8>() else { return };
    let props: Vec<Property<'_>> = u.arbitrary().unwrap_or_default();
    let will_props: Vec<Property<'_>> = u.arbitrary().unwrap_or_default();
    let filters: Vec<(Str<'_>, SubscriptionOptions)> = u.arbitrary().unwrap_or_default();
    let codes: Vec<u8> = u.arbitrary().unwrap_or_default();
    let mut tail = u;
    let Ok(p) = build(&mut tail, kind, version, Properties::new(&props), Properties::new(&will_props), &filters, &codes)
    else {
        return;
    };
    if !check(&p, version) {
        let mut u = Unstructured::new(data);
        let _ = (u.arbitrary::<Version>(), u.arbitrary::<u8>());
        if let Ok(bare) = build(&mut u, kind, version, Properties::EMPTY, Properties::EMPTY, &filters, &codes) {
            check(&bare, version);
        }
    }
});
