//! `arbitrary::Arbitrary` for the MQTT value types (feature `arbitrary`), for structured
//! fuzzing. Every value generated is valid on its own: input that would not make one is
//! mapped onto one.

use arbitrary::{Arbitrary, Result, Unstructured};

use super::{Property, QoS, Str, SubscriptionOptions, VarInt, Version};

impl<'a> Arbitrary<'a> for Str<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let s: &'a str = u.arbitrary()?;
        Ok(Str::new(s).unwrap_or_default())
    }
}

impl<'a> Arbitrary<'a> for QoS {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(*u.choose(&[QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce])?)
    }
}

impl<'a> Arbitrary<'a> for Version {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(*u.choose(&[Version::V3_1, Version::V3_1_1, Version::V5])?)
    }
}

impl<'a> Arbitrary<'a> for VarInt {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(VarInt::new(u.int_in_range(0..=VarInt::MAX.get())?).unwrap_or_default())
    }
}

impl<'a> Arbitrary<'a> for SubscriptionOptions {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(SubscriptionOptions {
            qos: u.arbitrary()?,
            no_local: u.arbitrary()?,
            retain_as_published: u.arbitrary()?,
            retain_handling: u.int_in_range(0..=2)?,
        })
    }
}

impl<'a> Arbitrary<'a> for Property<'a> {
    /// Any of the 27 properties with a value in its range; whether it is allowed in a
    /// given packet is for the packet's check to say.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        use Property::*;
        let flag = |u: &mut Unstructured<'a>| u.int_in_range(0..=1u8);
        let nonzero = |u: &mut Unstructured<'a>| u.int_in_range(1..=u16::MAX);
        Ok(match u.int_in_range(0..=26u8)? {
            0 => PayloadFormatIndicator(flag(u)?),
            1 => MessageExpiryInterval(u.arbitrary()?),
            2 => ContentType(u.arbitrary()?),
            3 => {
                let t: Str<'a> = u.arbitrary()?;
                let ok = !t.as_str().is_empty() && !t.as_str().contains(['+', '#']);
                ResponseTopic(if ok {
                    t
                } else {
                    Str::new("reply/to").unwrap_or_default()
                })
            }
            4 => {
                let n = u.int_in_range(0..=16)?;
                CorrelationData(u.bytes(n)?)
            }
            5 => SubscriptionIdentifier(
                VarInt::new(u.int_in_range(1..=VarInt::MAX.get())?).unwrap_or_default(),
            ),
            6 => SessionExpiryInterval(u.arbitrary()?),
            7 => AssignedClientIdentifier(u.arbitrary()?),
            8 => ServerKeepAlive(u.arbitrary()?),
            9 => AuthenticationMethod(u.arbitrary()?),
            10 => {
                let n = u.int_in_range(0..=16)?;
                AuthenticationData(u.bytes(n)?)
            }
            11 => RequestProblemInformation(flag(u)?),
            12 => WillDelayInterval(u.arbitrary()?),
            13 => RequestResponseInformation(flag(u)?),
            14 => ResponseInformation(u.arbitrary()?),
            15 => ServerReference(u.arbitrary()?),
            16 => ReasonString(u.arbitrary()?),
            17 => ReceiveMaximum(nonzero(u)?),
            18 => TopicAliasMaximum(u.arbitrary()?),
            19 => TopicAlias(nonzero(u)?),
            20 => MaximumQos(flag(u)?),
            21 => RetainAvailable(flag(u)?),
            22 => UserProperty(u.arbitrary()?, u.arbitrary()?),
            23 => MaximumPacketSize(u.int_in_range(1..=u32::MAX)?),
            24 => WildcardSubscriptionAvailable(flag(u)?),
            25 => SubscriptionIdentifierAvailable(flag(u)?),
            _ => SharedSubscriptionAvailable(flag(u)?),
        })
    }
}
