//! iotwire against mqttbytes 0.6 on the same bytes, as MQTT 3.1.1: where both decode a
//! PUBLISH, SUBSCRIBE, CONNECT or an acknowledgement, they agree on its fields. (Both
//! refusing, or only one accepting, is allowed: mqttbytes checks less, and refuses a
//! binary password that is not UTF-8.)
#![no_main]

use iotwire::Packet;
use iotwire::mqtt::{Context, ControlPacket, Version};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((ours, n)) = ControlPacket::decode_with(data, &Context::new(Version::V3_1_1)) else { return };
    let mut buf = bytes::BytesMut::from(data);
    let Ok(theirs) = mqttbytes::v4::read(&mut buf, 1 << 28) else { return };
    assert_eq!(data.len() - buf.len(), n, "packet lengths differ");
    use mqttbytes::v4::Packet as P;
    match (ours, theirs) {
        (ControlPacket::Publish(a), P::Publish(b)) => {
            assert_eq!((a.dup, a.qos as u8, a.retain), (b.dup, b.qos as u8, b.retain));
            assert_eq!(a.topic.as_str(), b.topic);
            assert_eq!(a.packet_id.map_or(0, |p| p.get()), b.pkid);
            assert_eq!(a.payload, &b.payload[..]);
        }
        (ControlPacket::Subscribe(a), P::Subscribe(b)) => {
            assert_eq!(a.packet_id.get(), b.pkid);
            let ours: Vec<(String, u8)> = a.filters.iter().map(|(f, o)| (f.as_str().into(), o.qos as u8)).collect();
            let theirs: Vec<(String, u8)> = b.filters.into_iter().map(|f| (f.path, f.qos as u8)).collect();
            assert_eq!(ours, theirs);
        }
        (ControlPacket::Connect(a), P::Connect(b)) => {
            assert_eq!((a.client_id.as_str(), a.keep_alive, a.clean_start), (b.client_id.as_str(), b.keep_alive, b.clean_session));
        }
        (ControlPacket::PubAck(a), P::PubAck(b)) => assert_eq!(a.packet_id.get(), b.pkid),
        (ControlPacket::PubRec(a), P::PubRec(b)) => assert_eq!(a.packet_id.get(), b.pkid),
        (ControlPacket::PubRel(a), P::PubRel(b)) => assert_eq!(a.packet_id.get(), b.pkid),
        (ControlPacket::PubComp(a), P::PubComp(b)) => assert_eq!(a.packet_id.get(), b.pkid),
        (a, b) => assert_eq!(a.packet_type() as u8, mqttbytes_type(&b), "packet types differ"),
    }
});

fn mqttbytes_type(p: &mqttbytes::v4::Packet) -> u8 {
    use mqttbytes::v4::Packet as P;
    match p {
        P::Connect(_) => 1,
        P::ConnAck(_) => 2,
        P::Publish(_) => 3,
        P::PubAck(_) => 4,
        P::PubRec(_) => 5,
        P::PubRel(_) => 6,
        P::PubComp(_) => 7,
        P::Subscribe(_) => 8,
        P::SubAck(_) => 9,
        P::Unsubscribe(_) => 10,
        P::UnsubAck(_) => 11,
        P::PingReq => 12,
        P::PingResp => 13,
        P::Disconnect => 14,
    }
}
