//! Named reason codes (MQTT 5.0 §2.4, Table 2-6) and the return codes of a 3.1.1
//! CONNACK (§3.2.2.3). Packets carry the byte; these name it.
//!
//! ```
//! use iotwire::mqtt::reason;
//! assert_eq!(reason::name(reason::NOT_AUTHORIZED), Some("Not authorized"));
//! ```

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $value:literal, $text:literal;)*) => {
        $($(#[$doc])* #[doc = concat!("`", stringify!($value), "` ", $text, ".")] pub const $name: u8 = $value;)*

        /// The specification's name of a 5.0 reason code (for 0x00, "Success"; the
        /// same byte is also "Normal disconnection" and "Granted QoS 0").
        pub const fn name(code: u8) -> Option<&'static str> {
            #[allow(unreachable_patterns)]
            Some(match code {
                $($value => $text,)*
                _ => return None,
            })
        }
    };
}

codes! {
    SUCCESS = 0x00, "Success";
    /// In DISCONNECT.
    NORMAL_DISCONNECTION = 0x00, "Normal disconnection";
    /// In SUBACK.
    GRANTED_QOS_0 = 0x00, "Granted QoS 0";
    GRANTED_QOS_1 = 0x01, "Granted QoS 1";
    GRANTED_QOS_2 = 0x02, "Granted QoS 2";
    DISCONNECT_WITH_WILL_MESSAGE = 0x04, "Disconnect with Will Message";
    NO_MATCHING_SUBSCRIBERS = 0x10, "No matching subscribers";
    NO_SUBSCRIPTION_EXISTED = 0x11, "No subscription existed";
    CONTINUE_AUTHENTICATION = 0x18, "Continue authentication";
    RE_AUTHENTICATE = 0x19, "Re-authenticate";
    UNSPECIFIED_ERROR = 0x80, "Unspecified error";
    MALFORMED_PACKET = 0x81, "Malformed Packet";
    PROTOCOL_ERROR = 0x82, "Protocol Error";
    IMPLEMENTATION_SPECIFIC_ERROR = 0x83, "Implementation specific error";
    UNSUPPORTED_PROTOCOL_VERSION = 0x84, "Unsupported Protocol Version";
    CLIENT_IDENTIFIER_NOT_VALID = 0x85, "Client Identifier not valid";
    BAD_USER_NAME_OR_PASSWORD = 0x86, "Bad User Name or Password";
    NOT_AUTHORIZED = 0x87, "Not authorized";
    SERVER_UNAVAILABLE = 0x88, "Server unavailable";
    SERVER_BUSY = 0x89, "Server busy";
    BANNED = 0x8A, "Banned";
    SERVER_SHUTTING_DOWN = 0x8B, "Server shutting down";
    BAD_AUTHENTICATION_METHOD = 0x8C, "Bad authentication method";
    KEEP_ALIVE_TIMEOUT = 0x8D, "Keep Alive timeout";
    SESSION_TAKEN_OVER = 0x8E, "Session taken over";
    TOPIC_FILTER_INVALID = 0x8F, "Topic Filter invalid";
    TOPIC_NAME_INVALID = 0x90, "Topic Name invalid";
    PACKET_IDENTIFIER_IN_USE = 0x91, "Packet Identifier in use";
    PACKET_IDENTIFIER_NOT_FOUND = 0x92, "Packet Identifier not found";
    RECEIVE_MAXIMUM_EXCEEDED = 0x93, "Receive Maximum exceeded";
    TOPIC_ALIAS_INVALID = 0x94, "Topic Alias invalid";
    PACKET_TOO_LARGE = 0x95, "Packet too large";
    MESSAGE_RATE_TOO_HIGH = 0x96, "Message rate too high";
    QUOTA_EXCEEDED = 0x97, "Quota exceeded";
    ADMINISTRATIVE_ACTION = 0x98, "Administrative action";
    PAYLOAD_FORMAT_INVALID = 0x99, "Payload format invalid";
    RETAIN_NOT_SUPPORTED = 0x9A, "Retain not supported";
    QOS_NOT_SUPPORTED = 0x9B, "QoS not supported";
    USE_ANOTHER_SERVER = 0x9C, "Use another server";
    SERVER_MOVED = 0x9D, "Server moved";
    SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = 0x9E, "Shared Subscriptions not supported";
    CONNECTION_RATE_EXCEEDED = 0x9F, "Connection rate exceeded";
    MAXIMUM_CONNECT_TIME = 0xA0, "Maximum connect time";
    SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED = 0xA1, "Subscription Identifiers not supported";
    WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED = 0xA2, "Wildcard Subscriptions not supported";
}

/// The Connect Return Codes of a 3.1.1 (and 3.1) CONNACK (3.1.1 §3.2.2.3).
pub mod v3 {
    /// `0` Connection Accepted.
    pub const ACCEPTED: u8 = 0;
    /// `1` Connection Refused, unacceptable protocol version.
    pub const UNACCEPTABLE_PROTOCOL_VERSION: u8 = 1;
    /// `2` Connection Refused, identifier rejected.
    pub const IDENTIFIER_REJECTED: u8 = 2;
    /// `3` Connection Refused, Server unavailable.
    pub const SERVER_UNAVAILABLE: u8 = 3;
    /// `4` Connection Refused, bad user name or password.
    pub const BAD_USER_NAME_OR_PASSWORD: u8 = 4;
    /// `5` Connection Refused, not authorized.
    pub const NOT_AUTHORIZED: u8 = 5;
}
