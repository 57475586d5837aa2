//! `arbitrary::Arbitrary` for the AMQP value types (feature `arbitrary`), for structured
//! fuzzing. Every value generated is valid on its own; whether the parts suit one
//! another (a value type the table's dialect can write, a channel the frame's type and
//! class may use) is for the encode check to say.
//!
//! Field tables and arrays borrow their entries, and the input is the only storage an
//! `Arbitrary` impl has: a generated table is a slice of the input that validates *the
//! same way in both dialects* (so that it means the same inside any outer table and
//! decodes back equal whatever the dialect), or the empty table; an array is the first
//! array value of such a table. A fuzz target that wants richer structure builds `Vec`s
//! of entries and nests tables over them.

use arbitrary::{Arbitrary, Result, Unstructured};

use super::methods::*;
use super::table::validate_table;
use super::{
    BasicProperties, ContentHeader, Context, Dialect, FieldArray, FieldTable, FieldValue, Frame,
    LongStr, Payload, ShortStr,
};

impl<'a> Arbitrary<'a> for Dialect {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(*u.choose(&[Dialect::RabbitMq, Dialect::Spec])?)
    }
}

impl<'a> Arbitrary<'a> for Context {
    /// A dialect, with a nesting limit a quarter of the time and a frame-max a quarter
    /// of the time.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut cx = Context::new().dialect(u.arbitrary()?);
        if u.ratio(1u8, 4)? {
            cx = cx.max_depth(u.arbitrary()?);
        }
        if u.ratio(1u8, 4)? {
            cx = cx.frame_max(u.int_in_range(0..=1 << 17)?);
        }
        Ok(cx)
    }
}

impl<'a> Arbitrary<'a> for ShortStr<'a> {
    /// Any octets (not only UTF-8: errata §16), at most 255.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let n = usize::from(u.arbitrary::<u8>()?).min(u.len());
        Ok(ShortStr::from_bytes(u.bytes(n)?).unwrap_or_default())
    }
}

impl<'a> Arbitrary<'a> for LongStr<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(LongStr::new(u.arbitrary()?))
    }
}

impl<'a> Arbitrary<'a> for FieldTable<'a> {
    /// A slice of the input that is a table body valid in both dialects with the same
    /// entries in each, or the empty table.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let body: &'a [u8] = u.arbitrary()?;
        let valid = |d| validate_table(body, 0, &Context::new().dialect(d)).is_ok();
        if !(valid(Dialect::RabbitMq) && valid(Dialect::Spec)) {
            return Ok(FieldTable::EMPTY);
        }
        let (r, s) = (
            FieldTable::raw(body, Dialect::RabbitMq),
            FieldTable::raw(body, Dialect::Spec),
        );
        Ok(if r == s { r } else { FieldTable::EMPTY })
    }
}

impl<'a> Arbitrary<'a> for FieldArray<'a> {
    /// The first array value of an arbitrary table, or the empty array.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let t: FieldTable<'a> = u.arbitrary()?;
        Ok(t.iter()
            .find_map(|(_, v)| match v {
                FieldValue::Array(a) => Some(a),
                _ => None,
            })
            .unwrap_or_default())
    }
}

impl<'a> Arbitrary<'a> for FieldValue<'a> {
    /// Any of the 19 kinds, floats with any bits (NaNs included: values compare by
    /// bits); `U64` and `ShortStr` only the spec's dialect can write, `Bytes` only
    /// RabbitMQ's.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        use FieldValue::*;
        Ok(match u.int_in_range(0..=18u8)? {
            0 => Bool(u.arbitrary()?),
            1 => I8(u.arbitrary()?),
            2 => U8(u.arbitrary()?),
            3 => I16(u.arbitrary()?),
            4 => U16(u.arbitrary()?),
            5 => I32(u.arbitrary()?),
            6 => U32(u.arbitrary()?),
            7 => I64(u.arbitrary()?),
            8 => U64(u.arbitrary()?),
            9 => F32(f32::from_bits(u.arbitrary()?)),
            10 => F64(f64::from_bits(u.arbitrary()?)),
            11 => Decimal {
                scale: u.arbitrary()?,
                value: u.arbitrary()?,
            },
            12 => ShortStr(u.arbitrary()?),
            13 => LongStr(u.arbitrary()?),
            14 => Bytes(u.arbitrary()?),
            15 => Array(u.arbitrary()?),
            16 => Timestamp(u.arbitrary()?),
            17 => Table(u.arbitrary()?),
            _ => Void,
        })
    }
}

impl<'a> Arbitrary<'a> for BasicProperties<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(BasicProperties {
            content_type: u.arbitrary()?,
            content_encoding: u.arbitrary()?,
            headers: u.arbitrary()?,
            delivery_mode: u.arbitrary()?,
            priority: u.arbitrary()?,
            correlation_id: u.arbitrary()?,
            reply_to: u.arbitrary()?,
            expiration: u.arbitrary()?,
            message_id: u.arbitrary()?,
            timestamp: u.arbitrary()?,
            kind: u.arbitrary()?,
            user_id: u.arbitrary()?,
            app_id: u.arbitrary()?,
            cluster_id: u.arbitrary()?,
        })
    }
}

impl<'a> Arbitrary<'a> for ContentHeader<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(ContentHeader {
            body_size: u.arbitrary()?,
            properties: u.arbitrary()?,
        })
    }
}

impl<'a> Arbitrary<'a> for Payload<'a> {
    /// A method two times in five, otherwise a content header, a body or a heartbeat.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0..=9u8)? {
            0..=3 => Payload::Method(u.arbitrary()?),
            4..=6 => Payload::Header(u.arbitrary()?),
            7 | 8 => Payload::Body(u.arbitrary()?),
            _ => Payload::Heartbeat,
        })
    }
}

impl<'a> Arbitrary<'a> for Frame<'a> {
    /// A payload on a channel its type and class may use (0 for heartbeats and the
    /// connection class, 1 to 65535 otherwise), fifteen times in sixteen; any channel
    /// otherwise.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let payload: Payload<'a> = u.arbitrary()?;
        let zero = match payload {
            Payload::Heartbeat => true,
            Payload::Method(m) => m.class_id() == ConnectionStart::CLASS_ID,
            _ => false,
        };
        let channel = match (u.ratio(15u8, 16)?, zero) {
            (true, true) => 0,
            (true, false) => u.int_in_range(1..=u16::MAX)?,
            (false, _) => u.arbitrary()?,
        };
        Ok(Frame { channel, payload })
    }
}

/// `Arbitrary` for method structs, field by field (generated from the field lists in
/// methods.rs; the compiler checks that each list is complete).
macro_rules! arbitrary_method {
    ($($name:ident $(<$lt:lifetime>)? { $($field:ident),* })*) => {$(
        impl<'a> Arbitrary<'a> for $name $(<$lt>)? {
            #[allow(unused_variables)]
            fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
                Ok($name { $($field: u.arbitrary()?),* })
            }
        }
    )*};
}

arbitrary_method! {
    ConnectionStart<'a> { version_major, version_minor, server_properties, mechanisms, locales }
    ConnectionStartOk<'a> { client_properties, mechanism, response, locale }
    ConnectionSecure<'a> { challenge }
    ConnectionSecureOk<'a> { response }
    ConnectionTune { channel_max, frame_max, heartbeat }
    ConnectionTuneOk { channel_max, frame_max, heartbeat }
    ConnectionOpen<'a> { virtual_host, capabilities, insist }
    ConnectionOpenOk<'a> { known_hosts }
    ConnectionClose<'a> { reply_code, reply_text, class_id, method_id }
    ConnectionCloseOk {  }
    ConnectionBlocked<'a> { reason }
    ConnectionUnblocked {  }
    ConnectionUpdateSecret<'a> { new_secret, reason }
    ConnectionUpdateSecretOk {  }
    ChannelOpen<'a> { out_of_band }
    ChannelOpenOk<'a> { channel_id }
    ChannelFlow { active }
    ChannelFlowOk { active }
    ChannelClose<'a> { reply_code, reply_text, class_id, method_id }
    ChannelCloseOk {  }
    AccessRequest<'a> { realm, exclusive, passive, active, write, read }
    AccessRequestOk { ticket }
    ExchangeDeclare<'a> { ticket, exchange, kind, passive, durable, auto_delete, internal, nowait, arguments }
    ExchangeDeclareOk {  }
    ExchangeDelete<'a> { ticket, exchange, if_unused, nowait }
    ExchangeDeleteOk {  }
    ExchangeBind<'a> { ticket, destination, source, routing_key, nowait, arguments }
    ExchangeBindOk {  }
    ExchangeUnbind<'a> { ticket, destination, source, routing_key, nowait, arguments }
    ExchangeUnbindOk {  }
    QueueDeclare<'a> { ticket, queue, passive, durable, exclusive, auto_delete, nowait, arguments }
    QueueDeclareOk<'a> { queue, message_count, consumer_count }
    QueueBind<'a> { ticket, queue, exchange, routing_key, nowait, arguments }
    QueueBindOk {  }
    QueuePurge<'a> { ticket, queue, nowait }
    QueuePurgeOk { message_count }
    QueueDelete<'a> { ticket, queue, if_unused, if_empty, nowait }
    QueueDeleteOk { message_count }
    QueueUnbind<'a> { ticket, queue, exchange, routing_key, arguments }
    QueueUnbindOk {  }
    BasicQos { prefetch_size, prefetch_count, global }
    BasicQosOk {  }
    BasicConsume<'a> { ticket, queue, consumer_tag, no_local, no_ack, exclusive, nowait, arguments }
    BasicConsumeOk<'a> { consumer_tag }
    BasicCancel<'a> { consumer_tag, nowait }
    BasicCancelOk<'a> { consumer_tag }
    BasicPublish<'a> { ticket, exchange, routing_key, mandatory, immediate }
    BasicReturn<'a> { reply_code, reply_text, exchange, routing_key }
    BasicDeliver<'a> { consumer_tag, delivery_tag, redelivered, exchange, routing_key }
    BasicGet<'a> { ticket, queue, no_ack }
    BasicGetOk<'a> { delivery_tag, redelivered, exchange, routing_key, message_count }
    BasicGetEmpty<'a> { cluster_id }
    BasicAck { delivery_tag, multiple }
    BasicReject { delivery_tag, requeue }
    BasicRecoverAsync { requeue }
    BasicRecover { requeue }
    BasicRecoverOk {  }
    BasicNack { delivery_tag, multiple, requeue }
    TxSelect {  }
    TxSelectOk {  }
    TxCommit {  }
    TxCommitOk {  }
    TxRollback {  }
    TxRollbackOk {  }
    ConfirmSelect { nowait }
    ConfirmSelectOk {  }
}

impl<'a> Arbitrary<'a> for Method<'a> {
    /// Any of the 66 methods, equally likely, with arbitrary arguments.
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(match u.int_in_range(0..=65u8)? {
            0 => Method::ConnectionStart(u.arbitrary()?),
            1 => Method::ConnectionStartOk(u.arbitrary()?),
            2 => Method::ConnectionSecure(u.arbitrary()?),
            3 => Method::ConnectionSecureOk(u.arbitrary()?),
            4 => Method::ConnectionTune(u.arbitrary()?),
            5 => Method::ConnectionTuneOk(u.arbitrary()?),
            6 => Method::ConnectionOpen(u.arbitrary()?),
            7 => Method::ConnectionOpenOk(u.arbitrary()?),
            8 => Method::ConnectionClose(u.arbitrary()?),
            9 => Method::ConnectionCloseOk(u.arbitrary()?),
            10 => Method::ConnectionBlocked(u.arbitrary()?),
            11 => Method::ConnectionUnblocked(u.arbitrary()?),
            12 => Method::ConnectionUpdateSecret(u.arbitrary()?),
            13 => Method::ConnectionUpdateSecretOk(u.arbitrary()?),
            14 => Method::ChannelOpen(u.arbitrary()?),
            15 => Method::ChannelOpenOk(u.arbitrary()?),
            16 => Method::ChannelFlow(u.arbitrary()?),
            17 => Method::ChannelFlowOk(u.arbitrary()?),
            18 => Method::ChannelClose(u.arbitrary()?),
            19 => Method::ChannelCloseOk(u.arbitrary()?),
            20 => Method::AccessRequest(u.arbitrary()?),
            21 => Method::AccessRequestOk(u.arbitrary()?),
            22 => Method::ExchangeDeclare(u.arbitrary()?),
            23 => Method::ExchangeDeclareOk(u.arbitrary()?),
            24 => Method::ExchangeDelete(u.arbitrary()?),
            25 => Method::ExchangeDeleteOk(u.arbitrary()?),
            26 => Method::ExchangeBind(u.arbitrary()?),
            27 => Method::ExchangeBindOk(u.arbitrary()?),
            28 => Method::ExchangeUnbind(u.arbitrary()?),
            29 => Method::ExchangeUnbindOk(u.arbitrary()?),
            30 => Method::QueueDeclare(u.arbitrary()?),
            31 => Method::QueueDeclareOk(u.arbitrary()?),
            32 => Method::QueueBind(u.arbitrary()?),
            33 => Method::QueueBindOk(u.arbitrary()?),
            34 => Method::QueuePurge(u.arbitrary()?),
            35 => Method::QueuePurgeOk(u.arbitrary()?),
            36 => Method::QueueDelete(u.arbitrary()?),
            37 => Method::QueueDeleteOk(u.arbitrary()?),
            38 => Method::QueueUnbind(u.arbitrary()?),
            39 => Method::QueueUnbindOk(u.arbitrary()?),
            40 => Method::BasicQos(u.arbitrary()?),
            41 => Method::BasicQosOk(u.arbitrary()?),
            42 => Method::BasicConsume(u.arbitrary()?),
            43 => Method::BasicConsumeOk(u.arbitrary()?),
            44 => Method::BasicCancel(u.arbitrary()?),
            45 => Method::BasicCancelOk(u.arbitrary()?),
            46 => Method::BasicPublish(u.arbitrary()?),
            47 => Method::BasicReturn(u.arbitrary()?),
            48 => Method::BasicDeliver(u.arbitrary()?),
            49 => Method::BasicGet(u.arbitrary()?),
            50 => Method::BasicGetOk(u.arbitrary()?),
            51 => Method::BasicGetEmpty(u.arbitrary()?),
            52 => Method::BasicAck(u.arbitrary()?),
            53 => Method::BasicReject(u.arbitrary()?),
            54 => Method::BasicRecoverAsync(u.arbitrary()?),
            55 => Method::BasicRecover(u.arbitrary()?),
            56 => Method::BasicRecoverOk(u.arbitrary()?),
            57 => Method::BasicNack(u.arbitrary()?),
            58 => Method::TxSelect(u.arbitrary()?),
            59 => Method::TxSelectOk(u.arbitrary()?),
            60 => Method::TxCommit(u.arbitrary()?),
            61 => Method::TxCommitOk(u.arbitrary()?),
            62 => Method::TxRollback(u.arbitrary()?),
            63 => Method::TxRollbackOk(u.arbitrary()?),
            64 => Method::ConfirmSelect(u.arbitrary()?),
            _ => Method::ConfirmSelectOk(u.arbitrary()?),
        })
    }
}
