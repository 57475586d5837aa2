//! proptest strategies: owned MQTT packets of both versions that tests borrow to build
//! API values.

use std::string::String;
use std::vec::Vec;

use proptest::prelude::*;

use std::vec;

use super::{
    Ack, Auth, ConnAck, Connect, ControlPacket, Disconnect, Filters, Holder, Properties, Property,
    Publish, QoS, Str, SubAck, Subscribe, SubscriptionOptions, Unsubscribe, VarInt, Version, Will,
};

/// An owned property value.
#[derive(Debug, Clone)]
pub(crate) enum OwnedProperty {
    Number(u8, u32),
    Text(u8, String),
    Bytes(u8, Vec<u8>),
    User(String, String),
}

impl OwnedProperty {
    fn borrow(&self) -> Property<'_> {
        fn s(t: &str) -> Str<'_> {
            Str::new(t).expect("strategy strings are valid")
        }
        match self {
            Self::Number(id, n) => {
                let (b, w) = (*n as u8, *n as u16);
                match id {
                    0x01 => Property::PayloadFormatIndicator(b),
                    0x02 => Property::MessageExpiryInterval(*n),
                    0x0B => Property::SubscriptionIdentifier(VarInt::new(*n).expect("in range")),
                    0x11 => Property::SessionExpiryInterval(*n),
                    0x13 => Property::ServerKeepAlive(w),
                    0x17 => Property::RequestProblemInformation(b),
                    0x18 => Property::WillDelayInterval(*n),
                    0x19 => Property::RequestResponseInformation(b),
                    0x21 => Property::ReceiveMaximum(w),
                    0x22 => Property::TopicAliasMaximum(w),
                    0x23 => Property::TopicAlias(w),
                    0x24 => Property::MaximumQos(b),
                    0x25 => Property::RetainAvailable(b),
                    0x27 => Property::MaximumPacketSize(*n),
                    0x28 => Property::WildcardSubscriptionAvailable(b),
                    0x29 => Property::SubscriptionIdentifierAvailable(b),
                    _ => Property::SharedSubscriptionAvailable(b),
                }
            }
            Self::Text(id, t) => match id {
                0x03 => Property::ContentType(s(t)),
                0x08 => Property::ResponseTopic(s(t)),
                0x12 => Property::AssignedClientIdentifier(s(t)),
                0x15 => Property::AuthenticationMethod(s(t)),
                0x1A => Property::ResponseInformation(s(t)),
                0x1C => Property::ServerReference(s(t)),
                _ => Property::ReasonString(s(t)),
            },
            Self::Bytes(id, b) => match id {
                0x09 => Property::CorrelationData(b),
                _ => Property::AuthenticationData(b),
            },
            Self::User(k, v) => Property::UserProperty(s(k), s(v)),
        }
    }
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9/ é€𝄞_-]{0,12}"
}

fn topic_name() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,6}(/[a-z0-9é]{0,6}){0,3}"
}

fn topic_filter() -> impl Strategy<Value = String> {
    prop_oneof![
        topic_name(),
        Just(String::from("#")),
        Just(String::from("a/+/c")),
        Just(String::from("+/#")),
        topic_name().prop_map(|t| std::format!("{t}/#")),
    ]
}

/// Properties allowed in `holder`: each singleton at most once (a random subset),
/// then User Properties, and in PUBLISH repeated Subscription Identifiers.
pub(crate) fn properties(holder: Holder) -> BoxedStrategy<Vec<OwnedProperty>> {
    let n = singles_of(holder).len();
    let chosen = proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 0..=n.min(4));
    let users = proptest::collection::vec(
        (text(), text()).prop_map(|(k, v)| OwnedProperty::User(k, v)),
        0..3,
    );
    let subids = match holder {
        Holder::Publish => proptest::collection::vec(1u32..=VarInt::MAX.get(), 0..3).boxed(),
        _ => Just(Vec::new()).boxed(),
    };
    (chosen, users, subids)
        .prop_flat_map(move |(idx, users, subids)| {
            let picked: Vec<BoxedStrategy<OwnedProperty>> =
                idx.iter().map(|&i| single(holder, i)).collect();
            (picked, Just(users), Just(subids)).prop_map(|(mut v, users, subids)| {
                // Authentication Data needs an Authentication Method (MQTT 5.0 §3.1.2.11.10).
                let data = v.iter().any(|p| matches!(p, OwnedProperty::Bytes(0x16, _)));
                let method = v.iter().any(|p| matches!(p, OwnedProperty::Text(0x15, _)));
                if data && !method {
                    v.push(OwnedProperty::Text(0x15, String::from("SCRAM-SHA-1")));
                }
                v.extend(users);
                v.extend(subids.into_iter().map(|n| OwnedProperty::Number(0x0B, n)));
                v
            })
        })
        .boxed()
}

/// The `i`th singleton property strategy of `holder` (as listed in [`properties`]).
fn single(holder: Holder, i: usize) -> BoxedStrategy<OwnedProperty> {
    // Rebuilding the list is cheap and keeps the strategy `Clone`-free.
    let all = singles_of(holder);
    all.into_iter()
        .nth(i)
        .unwrap_or_else(|| Just(OwnedProperty::Number(0x01, 0)).boxed())
}

fn singles_of(holder: Holder) -> Vec<BoxedStrategy<OwnedProperty>> {
    use OwnedProperty::*;
    let flag = |id: u8| (0u32..=1).prop_map(move |n| Number(id, n)).boxed();
    let nonzero16 = |id: u8| (1u32..=65_535).prop_map(move |n| Number(id, n)).boxed();
    let any16 = |id: u8| (0u32..=65_535).prop_map(move |n| Number(id, n)).boxed();
    let any32 = |id: u8| any::<u32>().prop_map(move |n| Number(id, n)).boxed();
    let txt = |id: u8| text().prop_map(move |t| Text(id, t)).boxed();
    let bin = |id: u8| {
        proptest::collection::vec(any::<u8>(), 0..8)
            .prop_map(move |b| Bytes(id, b))
            .boxed()
    };
    let mut v: Vec<BoxedStrategy<OwnedProperty>> = Vec::new();
    if matches!(holder, Holder::Publish | Holder::Will) {
        v.push(flag(0x01));
        v.push(any32(0x02));
        v.push(txt(0x03));
        v.push(topic_name().prop_map(|t| Text(0x08, t)).boxed());
        v.push(bin(0x09));
    }
    match holder {
        Holder::Connect => {
            v.extend([any32(0x11), txt(0x15), bin(0x16), flag(0x17), flag(0x19)]);
            v.extend([nonzero16(0x21), any16(0x22)]);
            v.push((1u32..).prop_map(|n| Number(0x27, n)).boxed());
        }
        Holder::ConnAck => {
            v.extend([
                any32(0x11),
                txt(0x12),
                any16(0x13),
                txt(0x15),
                bin(0x16),
                txt(0x1A),
                txt(0x1C),
            ]);
            v.extend([
                txt(0x1F),
                nonzero16(0x21),
                any16(0x22),
                flag(0x24),
                flag(0x25),
            ]);
            v.push((1u32..).prop_map(|n| Number(0x27, n)).boxed());
            v.extend([flag(0x28), flag(0x29), flag(0x2A)]);
        }
        Holder::Will => v.push(any32(0x18)),
        Holder::Publish => v.push(nonzero16(0x23)),
        Holder::Subscribe => v.push(
            (1u32..=VarInt::MAX.get())
                .prop_map(|n| Number(0x0B, n))
                .boxed(),
        ),
        Holder::Disconnect => v.extend([any32(0x11), txt(0x1C), txt(0x1F)]),
        Holder::Auth => v.extend([txt(0x15), bin(0x16), txt(0x1F)]),
        Holder::PubAck
        | Holder::PubRec
        | Holder::PubRel
        | Holder::PubComp
        | Holder::SubAck
        | Holder::UnsubAck => v.push(txt(0x1F)),
        _ => {}
    }
    v
}

/// An owned packet: what [`ControlPacket`] borrows, with its properties owned.
#[derive(Debug, Clone)]
pub(crate) struct OwnedPacket {
    pub(crate) version: Version,
    kind: Kind,
    props: Vec<OwnedProperty>,
    will_props: Vec<OwnedProperty>,
}

#[derive(Debug, Clone)]
enum Kind {
    Connect {
        clean: bool,
        keep_alive: u16,
        client_id: String,
        will: Option<(QoS, bool, String, Vec<u8>)>,
        username: Option<String>,
        password: Option<Vec<u8>>,
    },
    ConnAck(bool, u8),
    Publish {
        dup: bool,
        qos: QoS,
        retain: bool,
        topic: String,
        id: u16,
        payload: Vec<u8>,
    },
    Ack(Holder, u16, u8),
    Subscribe(u16, Vec<(String, SubscriptionOptions)>),
    SubAck(Holder, u16, Vec<u8>),
    Unsubscribe(u16, Vec<String>),
    PingReq,
    PingResp,
    Disconnect(u8),
    Auth(u8),
}

impl OwnedPacket {
    /// Builds the borrowed packet and hands it to `f`.
    pub(crate) fn with<R>(&self, f: impl FnOnce(ControlPacket<'_>) -> R) -> R {
        let props: Vec<Property<'_>> = self.props.iter().map(OwnedProperty::borrow).collect();
        let will_props: Vec<Property<'_>> =
            self.will_props.iter().map(OwnedProperty::borrow).collect();
        fn s(t: &str) -> Str<'_> {
            Str::new(t).expect("strategy strings are valid")
        }
        let version = self.version;
        let properties = Properties::new(&props);
        let filters_owned: Vec<(Str<'_>, SubscriptionOptions)> = match &self.kind {
            Kind::Subscribe(_, l) => l.iter().map(|(f, o)| (s(f), *o)).collect(),
            Kind::Unsubscribe(_, l) => l
                .iter()
                .map(|f| (s(f), SubscriptionOptions::default()))
                .collect(),
            _ => Vec::new(),
        };
        let pid = |id: u16| super::PacketId::new(id.max(1)).expect("non-zero");
        let packet = match &self.kind {
            Kind::Connect {
                clean,
                keep_alive,
                client_id,
                will,
                username,
                password,
            } => ControlPacket::Connect(Connect {
                version,
                clean_start: *clean,
                keep_alive: *keep_alive,
                properties,
                client_id: s(client_id),
                will: will.as_ref().map(|(qos, retain, topic, payload)| Will {
                    qos: *qos,
                    retain: *retain,
                    properties: Properties::new(&will_props),
                    topic: s(topic),
                    payload,
                }),
                username: username.as_deref().map(s),
                password: password.as_deref(),
            }),
            Kind::ConnAck(sp, code) => ControlPacket::ConnAck(ConnAck {
                version,
                session_present: *sp,
                code: *code,
                properties,
            }),
            Kind::Publish {
                dup,
                qos,
                retain,
                topic,
                id,
                payload,
            } => ControlPacket::Publish(Publish {
                version,
                dup: *dup,
                qos: *qos,
                retain: *retain,
                topic: s(topic),
                packet_id: (*qos != QoS::AtMostOnce).then(|| pid(*id)),
                properties,
                payload,
            }),
            Kind::Ack(h, id, reason) => {
                let a = Ack {
                    version,
                    packet_id: pid(*id),
                    reason: *reason,
                    properties,
                };
                match h {
                    Holder::PubAck => ControlPacket::PubAck(a),
                    Holder::PubRec => ControlPacket::PubRec(a),
                    Holder::PubRel => ControlPacket::PubRel(a),
                    _ => ControlPacket::PubComp(a),
                }
            }
            Kind::Subscribe(id, _) => ControlPacket::Subscribe(Subscribe {
                version,
                packet_id: pid(*id),
                properties,
                filters: Filters::List(&filters_owned),
            }),
            Kind::SubAck(h, id, codes) => {
                let a = SubAck {
                    version,
                    packet_id: pid(*id),
                    properties,
                    codes,
                };
                match h {
                    Holder::SubAck => ControlPacket::SubAck(a),
                    _ => ControlPacket::UnsubAck(a),
                }
            }
            Kind::Unsubscribe(id, _) => ControlPacket::Unsubscribe(Unsubscribe {
                version,
                packet_id: pid(*id),
                properties,
                filters: Filters::List(&filters_owned),
            }),
            Kind::PingReq => ControlPacket::PingReq,
            Kind::PingResp => ControlPacket::PingResp,
            Kind::Disconnect(r) => ControlPacket::Disconnect(Disconnect {
                version,
                reason: *r,
                properties,
            }),
            Kind::Auth(r) => ControlPacket::Auth(Auth {
                reason: *r,
                properties,
            }),
        };
        f(packet)
    }
}

fn v5_props(version: Version, holder: Holder) -> BoxedStrategy<Vec<OwnedProperty>> {
    match version.is_v5() {
        true => properties(holder),
        false => Just(Vec::new()).boxed(),
    }
}

fn qos() -> impl Strategy<Value = QoS> {
    prop_oneof![
        Just(QoS::AtMostOnce),
        Just(QoS::AtLeastOnce),
        Just(QoS::ExactlyOnce)
    ]
}

fn pick(codes: &'static [u8]) -> BoxedStrategy<u8> {
    proptest::sample::select(codes).boxed()
}

/// Any packet of `version` (AUTH in 5.0 only), with properties allowed where it has them.
pub(crate) fn packet(version: Version) -> BoxedStrategy<OwnedPacket> {
    let v5 = version.is_v5();
    let mk = move |kind: BoxedStrategy<Kind>, holder: Holder| {
        (kind, v5_props(version, holder)).prop_map(move |(kind, props)| OwnedPacket {
            version,
            kind,
            props,
            will_props: Vec::new(),
        })
    };
    let connect = (
        any::<bool>(),
        any::<u16>(),
        text(),
        proptest::option::of((
            qos(),
            any::<bool>(),
            topic_name(),
            proptest::collection::vec(any::<u8>(), 0..16),
        )),
        proptest::option::of(text()),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..8)),
        v5_props(version, Holder::Connect),
        v5_props(version, Holder::Will),
    )
        .prop_map(
            move |(clean, keep_alive, client_id, will, username, password, props, will_props)| {
                // Before 5.0 a password needs a user name ([MQTT-3.1.2-22]).
                let username = match (&password, username, v5) {
                    (Some(_), None, false) => Some(String::from("user")),
                    (_, u, _) => u,
                };
                OwnedPacket {
                    version,
                    kind: Kind::Connect {
                        clean,
                        keep_alive,
                        client_id,
                        will,
                        username,
                        password,
                    },
                    props,
                    will_props,
                }
            },
        );
    let connack_codes: &'static [u8] = if v5 {
        &[0x00, 0x80, 0x87, 0x9F]
    } else {
        &[0, 1, 5]
    };
    let connack = (any::<bool>(), pick(connack_codes))
        .prop_map(|(sp, code)| Kind::ConnAck(sp && code == 0, code))
        .boxed();
    let publish = (
        any::<bool>(),
        qos(),
        any::<bool>(),
        topic_name(),
        any::<u16>(),
        proptest::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(dup, qos, retain, topic, id, payload)| Kind::Publish {
            dup: dup && qos != QoS::AtMostOnce,
            qos,
            retain,
            topic,
            id,
            payload,
        })
        .boxed();
    let ack_reason = |h: Holder| -> BoxedStrategy<u8> {
        match (v5, h) {
            (false, _) => Just(0).boxed(),
            (true, Holder::PubRel | Holder::PubComp) => pick(&[0x00, 0x92]),
            _ => pick(&[0x00, 0x10, 0x80, 0x97]),
        }
    };
    let ack = |h: Holder| {
        (any::<u16>(), ack_reason(h))
            .prop_map(move |(id, r)| Kind::Ack(h, id, r))
            .boxed()
    };
    let options = (qos(), any::<bool>(), any::<bool>(), 0u8..=2).prop_map(
        move |(qos, nl, rap, rh)| match v5 {
            true => SubscriptionOptions {
                qos,
                no_local: nl,
                retain_as_published: rap,
                retain_handling: rh,
            },
            false => SubscriptionOptions {
                qos,
                ..SubscriptionOptions::default()
            },
        },
    );
    let subscribe = (
        any::<u16>(),
        proptest::collection::vec((topic_filter(), options), 1..4),
    )
        .prop_map(|(id, l)| Kind::Subscribe(id, l))
        .boxed();
    let suback_codes: &'static [u8] = if v5 {
        &[0x00, 0x01, 0x02, 0x80, 0x97, 0xA2]
    } else {
        &[0, 1, 2, 0x80]
    };
    let suback = (
        any::<u16>(),
        proptest::collection::vec(pick(suback_codes), 1..4),
    )
        .prop_map(|(id, c)| Kind::SubAck(Holder::SubAck, id, c))
        .boxed();
    let unsuback = match v5 {
        true => (
            any::<u16>(),
            proptest::collection::vec(pick(&[0x00, 0x11, 0x80]), 1..4),
        )
            .prop_map(|(id, c)| Kind::SubAck(Holder::UnsubAck, id, c))
            .boxed(),
        false => any::<u16>()
            .prop_map(|id| Kind::SubAck(Holder::UnsubAck, id, Vec::new()))
            .boxed(),
    };
    let unsubscribe = (
        any::<u16>(),
        proptest::collection::vec(topic_filter(), 1..4),
    )
        .prop_map(|(id, l)| Kind::Unsubscribe(id, l))
        .boxed();
    let disconnect = match v5 {
        true => pick(&[0x00, 0x04, 0x80, 0x8E, 0xA2])
            .prop_map(Kind::Disconnect)
            .boxed(),
        false => Just(Kind::Disconnect(0)).boxed(),
    };
    let mut all = vec![
        connect.boxed(),
        mk(connack, Holder::ConnAck).boxed(),
        mk(publish, Holder::Publish).boxed(),
        mk(ack(Holder::PubAck), Holder::PubAck).boxed(),
        mk(ack(Holder::PubRec), Holder::PubRec).boxed(),
        mk(ack(Holder::PubRel), Holder::PubRel).boxed(),
        mk(ack(Holder::PubComp), Holder::PubComp).boxed(),
        mk(subscribe, Holder::Subscribe).boxed(),
        mk(suback, Holder::SubAck).boxed(),
        mk(unsubscribe, Holder::Unsubscribe).boxed(),
        mk(unsuback, Holder::UnsubAck).boxed(),
        mk(Just(Kind::PingReq).boxed(), Holder::PubAck)
            .prop_map(|mut p| {
                p.props.clear();
                p
            })
            .boxed(),
        mk(Just(Kind::PingResp).boxed(), Holder::PubAck)
            .prop_map(|mut p| {
                p.props.clear();
                p
            })
            .boxed(),
        mk(disconnect, Holder::Disconnect).boxed(),
    ];
    if v5 {
        all.push(
            mk(
                pick(&[0x00, 0x18, 0x19]).prop_map(Kind::Auth).boxed(),
                Holder::Auth,
            )
            .boxed(),
        );
    }
    proptest::strategy::Union::new(all).boxed()
}
