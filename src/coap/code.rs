//! Message types and codes (RFC 7252 §3, §12.1; RFC 8132; RFC 8323 §11.1).

use core::fmt;

/// The message type of CoAP over UDP (RFC 7252 §4.2, §4.3). Reliable transports
/// (RFC 8323) have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// CON (0): acknowledged by the recipient.
    Confirmable = 0,
    /// NON (1).
    NonConfirmable = 1,
    /// ACK (2).
    Acknowledgement = 2,
    /// RST (3).
    Reset = 3,
}

impl Type {
    /// The type of the two bits `t` (only the low two bits are read).
    pub const fn from_bits(t: u8) -> Self {
        match t & 3 {
            0 => Self::Confirmable,
            1 => Self::NonConfirmable,
            2 => Self::Acknowledgement,
            _ => Self::Reset,
        }
    }
}

/// A code, `class.detail` (RFC 7252 §3, §12.1): class in the top three bits, detail in
/// the low five. Every value is kept, registered or not.
///
/// ```
/// use iotwire::coap::Code;
/// assert_eq!(Code::CONTENT, Code::new(2, 5));
/// assert_eq!(Code::CONTENT.to_string(), "2.05");
/// assert!(Code::GET.is_request() && Code::NOT_FOUND.is_response());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Code(pub u8);

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $class:literal, $detail:literal;)*) => {
        impl Code {
            $($(#[$doc])* pub const $name: Self = Self::new($class, $detail);)*

            /// The name of the code's constant (`NOT_FOUND` for 4.04), if it has one.
            pub const fn name(self) -> Option<&'static str> {
                Some(match self {
                    $(Self::$name => stringify!($name),)*
                    _ => return None,
                })
            }
        }
    };
}

codes! {
    /// 0.00 Empty message.
    EMPTY = 0, 0;
    /// 0.01 GET.
    GET = 0, 1;
    /// 0.02 POST.
    POST = 0, 2;
    /// 0.03 PUT.
    PUT = 0, 3;
    /// 0.04 DELETE.
    DELETE = 0, 4;
    /// 0.05 FETCH (RFC 8132).
    FETCH = 0, 5;
    /// 0.06 PATCH (RFC 8132).
    PATCH = 0, 6;
    /// 0.07 iPATCH (RFC 8132).
    IPATCH = 0, 7;
    /// 2.01 Created.
    CREATED = 2, 1;
    /// 2.02 Deleted.
    DELETED = 2, 2;
    /// 2.03 Valid.
    VALID = 2, 3;
    /// 2.04 Changed.
    CHANGED = 2, 4;
    /// 2.05 Content.
    CONTENT = 2, 5;
    /// 2.31 Continue (RFC 7959).
    CONTINUE = 2, 31;
    /// 4.00 Bad Request.
    BAD_REQUEST = 4, 0;
    /// 4.01 Unauthorized.
    UNAUTHORIZED = 4, 1;
    /// 4.02 Bad Option.
    BAD_OPTION = 4, 2;
    /// 4.03 Forbidden.
    FORBIDDEN = 4, 3;
    /// 4.04 Not Found.
    NOT_FOUND = 4, 4;
    /// 4.05 Method Not Allowed.
    METHOD_NOT_ALLOWED = 4, 5;
    /// 4.06 Not Acceptable.
    NOT_ACCEPTABLE = 4, 6;
    /// 4.08 Request Entity Incomplete (RFC 7959).
    REQUEST_ENTITY_INCOMPLETE = 4, 8;
    /// 4.09 Conflict (RFC 8132).
    CONFLICT = 4, 9;
    /// 4.12 Precondition Failed.
    PRECONDITION_FAILED = 4, 12;
    /// 4.13 Request Entity Too Large.
    REQUEST_ENTITY_TOO_LARGE = 4, 13;
    /// 4.15 Unsupported Content-Format.
    UNSUPPORTED_CONTENT_FORMAT = 4, 15;
    /// 4.22 Unprocessable Entity (RFC 8132).
    UNPROCESSABLE_ENTITY = 4, 22;
    /// 4.29 Too Many Requests (RFC 8516).
    TOO_MANY_REQUESTS = 4, 29;
    /// 5.00 Internal Server Error.
    INTERNAL_SERVER_ERROR = 5, 0;
    /// 5.01 Not Implemented.
    NOT_IMPLEMENTED = 5, 1;
    /// 5.02 Bad Gateway.
    BAD_GATEWAY = 5, 2;
    /// 5.03 Service Unavailable.
    SERVICE_UNAVAILABLE = 5, 3;
    /// 5.04 Gateway Timeout.
    GATEWAY_TIMEOUT = 5, 4;
    /// 5.05 Proxying Not Supported.
    PROXYING_NOT_SUPPORTED = 5, 5;
    /// 5.08 Hop Limit Reached (RFC 8768).
    HOP_LIMIT_REACHED = 5, 8;
    /// 7.01 CSM, Capabilities and Settings Message (RFC 8323 §5.3).
    CSM = 7, 1;
    /// 7.02 Ping (RFC 8323 §5.4).
    PING = 7, 2;
    /// 7.03 Pong (RFC 8323 §5.4).
    PONG = 7, 3;
    /// 7.04 Release (RFC 8323 §5.5).
    RELEASE = 7, 4;
    /// 7.05 Abort (RFC 8323 §5.6).
    ABORT = 7, 5;
}

impl Code {
    /// `class.detail`; `class` is read modulo 8 and `detail` modulo 32.
    pub const fn new(class: u8, detail: u8) -> Self {
        Self((class & 7) << 5 | (detail & 31))
    }

    /// The class, 0 to 7.
    pub const fn class(self) -> u8 {
        self.0 >> 5
    }

    /// The detail, 0 to 31.
    pub const fn detail(self) -> u8 {
        self.0 & 31
    }

    /// A request: class 0, not Empty.
    pub const fn is_request(self) -> bool {
        self.class() == 0 && self.0 != 0
    }

    /// A response: class 2, 4 or 5.
    pub const fn is_response(self) -> bool {
        matches!(self.class(), 2 | 4 | 5)
    }

    /// A signaling code (class 7, RFC 8323 §5): reliable transports only.
    pub const fn is_signaling(self) -> bool {
        self.class() == 7
    }
}

impl fmt::Display for Code {
    /// `c.dd`, as the RFCs write codes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.class(), self.detail())
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{self} {name}"),
            None => write!(f, "{self}"),
        }
    }
}
