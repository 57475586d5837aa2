#!/usr/bin/env python3
"""Generates src/amqp/methods.rs from RabbitMQ's machine-readable AMQP 0-9-1 spec.

    python3 scripts/amqp/gen_methods.py          # write src/amqp/methods.rs, then rustfmt it
    python3 scripts/amqp/gen_methods.py --check  # exit 1 if the file is not what it would write

Input: scripts/amqp/amqp-rabbitmq-0.9.1.json, vendored unmodified from
rabbitmq/rabbitmq-codegen (it carries its own permission notice). It lists every class
and method of AMQP 0-9-1 with RabbitMQ's extensions (connection.blocked/unblocked,
connection.update-secret(-ok), exchange.bind/unbind, basic.nack, confirm.*), but no
prose; the one-line labels below come from the AMQP 0-9-1 XML (RabbitMQ's
amqp0-9-1.extended.xml), the access class's from AMQP 0-8, and confirm.select's from
RabbitMQ's documentation. Python 3 standard library only.
"""

import json
import os
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = "scripts/amqp/amqp-rabbitmq-0.9.1.json"
OUT = "src/amqp/methods.rs"

# ---------------------------------------------------------------------------------
# Prose the JSON lacks.

CLASS_DOCS = {
    "connection": "work with socket connections",
    "channel": "work with channels",
    "access": "work with access tickets (AMQP 0-8)",
    "exchange": "work with exchanges",
    "queue": "work with queues",
    "basic": "work with basic content",
    "tx": "work with transactions",
    "confirm": "work with publisher confirms (RabbitMQ extension)",
}

METHOD_DOCS = {
    "connection.start": "start connection negotiation",
    "connection.start-ok": "select security mechanism and locale",
    "connection.secure": "security mechanism challenge",
    "connection.secure-ok": "security mechanism response",
    "connection.tune": "propose connection tuning parameters",
    "connection.tune-ok": "negotiate connection tuning parameters",
    "connection.open": "open connection to virtual host",
    "connection.open-ok": "signal that connection is ready",
    "connection.close": "request a connection close",
    "connection.close-ok": "confirm a connection close",
    "connection.blocked": "indicate that connection is blocked",
    "connection.unblocked": "indicate that connection is unblocked",
    "connection.update-secret": "update secret",
    "connection.update-secret-ok": "update secret response",
    "channel.open": "open a channel for use",
    "channel.open-ok": "signal that the channel is ready",
    "channel.flow": "enable/disable flow from peer",
    "channel.flow-ok": "confirm a flow method",
    "channel.close": "request a channel close",
    "channel.close-ok": "confirm a channel close",
    "access.request": "request an access ticket",
    "access.request-ok": "grant access to server resources",
    "exchange.declare": "verify exchange exists, create if needed",
    "exchange.declare-ok": "confirm exchange declaration",
    "exchange.delete": "delete an exchange",
    "exchange.delete-ok": "confirm deletion of an exchange",
    "exchange.bind": "bind exchange to an exchange",
    "exchange.bind-ok": "confirm bind successful",
    "exchange.unbind": "unbind an exchange from an exchange",
    "exchange.unbind-ok": "confirm unbind successful",
    "queue.declare": "declare queue, create if needed",
    "queue.declare-ok": "confirms a queue definition",
    "queue.bind": "bind queue to an exchange",
    "queue.bind-ok": "confirm bind successful",
    "queue.purge": "purge a queue",
    "queue.purge-ok": "confirms a queue purge",
    "queue.delete": "delete a queue",
    "queue.delete-ok": "confirm deletion of a queue",
    "queue.unbind": "unbind a queue from an exchange",
    "queue.unbind-ok": "confirm unbind successful",
    "basic.qos": "specify quality of service",
    "basic.qos-ok": "confirm the requested qos",
    "basic.consume": "start a queue consumer",
    "basic.consume-ok": "confirm a new consumer",
    "basic.cancel": "end a queue consumer",
    "basic.cancel-ok": "confirm a cancelled consumer",
    "basic.publish": "publish a message",
    "basic.return": "return a failed message",
    "basic.deliver": "notify the client of a consumer message",
    "basic.get": "direct access to a queue",
    "basic.get-ok": "provide client with a message",
    "basic.get-empty": "indicate no messages available",
    "basic.ack": "acknowledge one or more messages",
    "basic.reject": "reject an incoming message",
    "basic.recover-async": "redeliver unacknowledged messages (deprecated)",
    "basic.recover": "redeliver unacknowledged messages",
    "basic.recover-ok": "confirm recovery",
    "basic.nack": "reject one or more incoming messages",
    "tx.select": "select standard transaction mode",
    "tx.select-ok": "confirm transaction mode",
    "tx.commit": "commit the current transaction",
    "tx.commit-ok": "confirm a successful commit",
    "tx.rollback": "abandon the current transaction",
    "tx.rollback-ok": "confirm successful rollback",
    "confirm.select": "put the channel in confirm mode (publisher confirms)",
    "confirm.select-ok": "confirm that the channel is in confirm mode",
}

# Arguments by the JSON's names. None marks an argument the 0-9-1 XML reserves
# (named there `reserved-N`; RESERVED gives that name).
FIELD_DOCS = {
    "connection.start": {
        "version-major": "protocol major version",
        "version-minor": "protocol minor version",
        "server-properties": "server properties",
        "mechanisms": "available security mechanisms, separated by spaces",
        "locales": "available message locales, separated by spaces",
    },
    "connection.start-ok": {
        "client-properties": "client properties",
        "mechanism": "selected security mechanism",
        "response": "security response data",
        "locale": "selected message locale",
    },
    "connection.secure": {"challenge": "security challenge data"},
    "connection.secure-ok": {"response": "security response data"},
    "connection.tune": {
        "channel-max": "proposed maximum channels (0: no limit)",
        "frame-max": "proposed maximum frame size in octets (0: no limit)",
        "heartbeat": "desired heartbeat delay in seconds (0: none)",
    },
    "connection.tune-ok": {
        "channel-max": "negotiated maximum channels (0: no limit)",
        "frame-max": "negotiated maximum frame size in octets (0: no limit)",
        "heartbeat": "desired heartbeat delay in seconds (0: none)",
    },
    "connection.open": {
        "virtual-host": "virtual host name",
        "capabilities": None,
        "insist": None,
    },
    "connection.open-ok": {"known-hosts": None},
    "connection.close": {
        "reply-code": "reply code (see [`reply`])",
        "reply-text": "localised reply text",
        "class-id": "failing method class (0 if none)",
        "method-id": "failing method ID (0 if none)",
    },
    "connection.blocked": {"reason": "block reason"},
    "connection.update-secret": {"new-secret": "new secret", "reason": "reason"},
    "channel.open": {"out-of-band": None},
    "channel.open-ok": {"channel-id": None},
    "channel.flow": {"active": "start/stop content frames"},
    "channel.flow-ok": {"active": "current flow setting"},
    "channel.close": {
        "reply-code": "reply code (see [`reply`])",
        "reply-text": "localised reply text",
        "class-id": "failing method class (0 if none)",
        "method-id": "failing method ID (0 if none)",
    },
    "access.request": {
        "realm": "name of requested realm",
        "exclusive": "request exclusive access",
        "passive": "request passive access",
        "active": "request active access",
        "write": "request write access",
        "read": "request read access",
    },
    "access.request-ok": {"ticket": "access ticket"},
    "exchange.declare": {
        "ticket": None,
        "exchange": "exchange name",
        "type": "exchange type",
        "passive": "do not create exchange",
        "durable": "request a durable exchange",
        "auto-delete": "auto-delete when unused",
        "internal": "create internal exchange",
        "nowait": "do not send reply method",
        "arguments": "arguments for declaration",
    },
    "exchange.delete": {
        "ticket": None,
        "exchange": "exchange name",
        "if-unused": "delete only if unused",
        "nowait": "do not send reply method",
    },
    "exchange.bind": {
        "ticket": None,
        "destination": "name of the destination exchange to bind to",
        "source": "name of the source exchange to bind to",
        "routing-key": "message routing key",
        "nowait": "do not send reply method",
        "arguments": "arguments for binding",
    },
    "exchange.unbind": {
        "ticket": None,
        "destination": "name of the destination exchange to unbind from",
        "source": "name of the source exchange to unbind from",
        "routing-key": "routing key of binding",
        "nowait": "do not send reply method",
        "arguments": "arguments of binding",
    },
    "queue.declare": {
        "ticket": None,
        "queue": "queue name (empty: the server names it)",
        "passive": "do not create queue",
        "durable": "request a durable queue",
        "exclusive": "request an exclusive queue",
        "auto-delete": "auto-delete queue when unused",
        "nowait": "do not send reply method",
        "arguments": "arguments for declaration",
    },
    "queue.declare-ok": {
        "queue": "queue name",
        "message-count": "number of messages in queue",
        "consumer-count": "number of consumers",
    },
    "queue.bind": {
        "ticket": None,
        "queue": "queue name",
        "exchange": "name of the exchange to bind to",
        "routing-key": "message routing key",
        "nowait": "do not send reply method",
        "arguments": "arguments for binding",
    },
    "queue.purge": {
        "ticket": None,
        "queue": "queue name",
        "nowait": "do not send reply method",
    },
    "queue.purge-ok": {"message-count": "number of messages purged"},
    "queue.delete": {
        "ticket": None,
        "queue": "queue name",
        "if-unused": "delete only if unused",
        "if-empty": "delete only if empty",
        "nowait": "do not send reply method",
    },
    "queue.delete-ok": {"message-count": "number of messages deleted"},
    "queue.unbind": {
        "ticket": None,
        "queue": "queue name",
        "exchange": "exchange name",
        "routing-key": "routing key of binding",
        "arguments": "arguments of binding",
    },
    "basic.qos": {
        "prefetch-size": "prefetch window in octets",
        "prefetch-count": "prefetch window in messages",
        "global": "apply to entire connection (RabbitMQ: to the channel, not per consumer)",
    },
    "basic.consume": {
        "ticket": None,
        "queue": "queue name",
        "consumer-tag": "consumer tag (empty: the server makes one)",
        "no-local": "do not deliver own messages",
        "no-ack": "no acknowledgement needed",
        "exclusive": "request exclusive access",
        "nowait": "do not send reply method",
        "arguments": "arguments for declaration",
    },
    "basic.consume-ok": {"consumer-tag": "consumer tag"},
    "basic.cancel": {
        "consumer-tag": "consumer tag",
        "nowait": "do not send reply method",
    },
    "basic.cancel-ok": {"consumer-tag": "consumer tag"},
    "basic.publish": {
        "ticket": None,
        "exchange": "exchange name (empty: the default exchange)",
        "routing-key": "message routing key",
        "mandatory": "indicate mandatory routing",
        "immediate": "request immediate delivery",
    },
    "basic.return": {
        "reply-code": "reply code (see [`reply`])",
        "reply-text": "localised reply text",
        "exchange": "exchange name",
        "routing-key": "message routing key",
    },
    "basic.deliver": {
        "consumer-tag": "consumer tag",
        "delivery-tag": "server-assigned delivery tag",
        "redelivered": "message is being redelivered",
        "exchange": "exchange name",
        "routing-key": "message routing key",
    },
    "basic.get": {
        "ticket": None,
        "queue": "queue name",
        "no-ack": "no acknowledgement needed",
    },
    "basic.get-ok": {
        "delivery-tag": "server-assigned delivery tag",
        "redelivered": "message is being redelivered",
        "exchange": "exchange name",
        "routing-key": "message routing key",
        "message-count": "number of messages in queue",
    },
    "basic.get-empty": {"cluster-id": None},
    "basic.ack": {
        "delivery-tag": "delivery tag (0 with multiple: all so far)",
        "multiple": "acknowledge multiple messages",
    },
    "basic.reject": {
        "delivery-tag": "server-assigned delivery tag",
        "requeue": "requeue the message",
    },
    "basic.recover-async": {"requeue": "requeue the messages"},
    "basic.recover": {"requeue": "requeue the messages"},
    "basic.nack": {
        "delivery-tag": "delivery tag (0 with multiple: all so far)",
        "multiple": "reject multiple messages",
        "requeue": "requeue the messages",
    },
    "confirm.select": {"nowait": "do not send reply method"},
}

# Arguments the 0-9-1 XML reserves, by their name there. RabbitMQ's JSON keeps the
# AMQP 0-8 names, which the fields take.
RESERVED = {
    ("connection.open", "capabilities"): "reserved-1",
    ("connection.open", "insist"): "reserved-2",
    ("connection.open-ok", "known-hosts"): "reserved-1",
    ("channel.open", "out-of-band"): "reserved-1",
    ("channel.open-ok", "channel-id"): "reserved-1",
    ("basic.get-empty", "cluster-id"): "reserved-1",
}
for _m, _args in FIELD_DOCS.items():
    if _args.get("ticket", "") is None:
        RESERVED[(_m, "ticket")] = "reserved-1"

# Reply codes: the XML's text, shortened.
REPLY_DOCS = {
    "REPLY-SUCCESS": "the method completed successfully (sent in connection.close and channel.close)",
    "CONTENT-TOO-LARGE": "the client sent content larger than the server accepts now; it may retry later",
    "NO-ROUTE": "a mandatory message could not be routed to any queue (RabbitMQ, in basic.return)",
    "NO-CONSUMERS": "an immediate message could not be delivered to a consumer at once",
    "ACCESS-REFUSED": "the client has no access to the entity, by security settings",
    "NOT-FOUND": "the entity the client named does not exist",
    "RESOURCE-LOCKED": "another client is working with the entity",
    "PRECONDITION-FAILED": "a precondition of the method failed",
    "CONNECTION-FORCED": "an operator closed the connection; the client may retry later",
    "INVALID-PATH": "the client named an unknown virtual host",
    "FRAME-ERROR": "the peer sent a malformed frame",
    "SYNTAX-ERROR": "the peer sent a frame with illegal field values",
    "COMMAND-INVALID": "the client sent an invalid sequence of frames",
    "CHANNEL-ERROR": "the client used a channel that was not correctly opened",
    "UNEXPECTED-FRAME": "the peer sent a frame that was not expected, usually in content",
    "RESOURCE-ERROR": "the server lacked the resources to complete the method",
    "NOT-ALLOWED": "the server forbids what the client tried, by security settings or other criteria",
    "NOT-IMPLEMENTED": "the client used functionality the server does not implement",
    "INTERNAL-ERROR": "the server could not complete the method because of an internal error",
}

# ---------------------------------------------------------------------------------
# Types.

RUST_KEYWORDS = {
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
    "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
}
RENAMES = {"type": "kind"}

# AMQP type -> (Rust type, fixed width in octets or None, borrows)
TYPES = {
    "octet": ("u8", 1, False),
    "short": ("u16", 2, False),
    "long": ("u32", 4, False),
    "longlong": ("u64", 8, False),
    "timestamp": ("u64", 8, False),
    "bit": ("bool", None, False),
    "shortstr": ("ShortStr<'a>", None, True),
    "longstr": ("LongStr<'a>", None, True),
    "table": ("FieldTable<'a>", None, True),
}
READ = {
    "octet": "input.u8()?",
    "short": "input.u16()?",
    "long": "input.u32()?",
    "longlong": "input.u64()?",
    "timestamp": "input.u64()?",
    "shortstr": "input.shortstr()?",
    "longstr": "input.longstr()?",
    "table": "input.table()?",
}
# AMQP type -> variant of `Argument`.
ARG_VARIANT = {
    "octet": "Octet", "short": "Short", "long": "Long", "longlong": "LongLong",
    "timestamp": "Timestamp", "bit": "Bit", "shortstr": "ShortStr", "longstr": "LongStr",
    "table": "Table",
}
# Types whose values may fail to encode (length over 32 bits, a table value the dialect
# cannot write): checked by `check`.
CHECKED = {"longstr", "table"}


def pascal(s):
    return "".join(p[:1].upper() + p[1:] for p in s.split("-"))


def snake(s):
    name = s.replace("-", "_")
    if name in RENAMES:
        return RENAMES[name]
    if name in RUST_KEYWORDS:
        sys.exit(f"argument {s!r} is a Rust keyword without a rename")
    return name


def const_name(s):
    return s.replace("-", "_").upper()


def sentence(s):
    return s[:1].upper() + s[1:]


class Arg:
    def __init__(self, method, a, domains):
        self.json_name = a["name"]
        self.field = snake(a["name"])
        self.domain = a.get("domain")
        t = a.get("type") or domains[a["domain"]]
        if t not in TYPES:
            sys.exit(f"{method}: argument {a['name']!r} has unknown type {t!r}")
        self.type = t
        self.rust, self.width, self.borrows = TYPES[t]
        self.reserved = RESERVED.get((method, a["name"]))
        docs = FIELD_DOCS.get(method, {})
        if a["name"] not in docs:
            sys.exit(f"{method}: no doc for argument {a['name']!r} (add it to FIELD_DOCS)")
        self.label = docs[a["name"]]
        if (self.label is None) != (self.reserved is not None):
            sys.exit(f"{method}: {a['name']!r} must have a doc or be in RESERVED, not both")
        self.bit_group = None  # (group index, bit index) for bits


class Method:
    def __init__(self, cls, m, domains):
        self.cls = cls
        self.class_name = cls["name"]
        self.class_id = cls["id"]
        self.name = m["name"]
        self.id = m["id"]
        self.full = f"{self.class_name}.{self.name}"
        self.ident = pascal(self.class_name) + pascal(self.name)
        self.synchronous = bool(m.get("synchronous", False))
        self.content = bool(m.get("content", False))
        if self.full not in METHOD_DOCS:
            sys.exit(f"no doc for method {self.full} (add it to METHOD_DOCS)")
        self.label = METHOD_DOCS[self.full]
        self.args = [Arg(self.full, a, domains) for a in m["arguments"]]
        known = set(FIELD_DOCS.get(self.full, {}))
        extra = known - {a.json_name for a in self.args}
        if extra:
            sys.exit(f"{self.full}: FIELD_DOCS names arguments it lacks: {sorted(extra)}")
        # Consecutive bits share octets, least significant first, 8 to an octet
        # (AMQP 0-9-1 §4.2.5.2).
        self.groups = []  # list of lists of args
        prev_bit = False
        for a in self.args:
            if a.type == "bit":
                if not prev_bit or len(self.groups[-1]) == 8:
                    self.groups.append([])
                a.bit_group = (len(self.groups) - 1, len(self.groups[-1]))
                self.groups[-1].append(a)
            prev_bit = a.type == "bit"
        self.borrows = any(a.borrows for a in self.args)
        self.lt = "<'a>" if self.borrows else ""
        self.checked = [a for a in self.args if a.type in CHECKED]

    def fixed_len(self):
        n = len(self.groups)
        for a in self.args:
            if a.width:
                n += a.width
        return n

    def var_lens(self):
        return [f"self.{a.field}.encoded_len()" for a in self.args if a.width is None and a.type != "bit"]


# ---------------------------------------------------------------------------------
# Output.

def doc(o, text, indent=""):
    """Appends `text` as `///` lines wrapped to the house width (rustfmt leaves comments)."""
    prefix = indent + "/// "
    for line in textwrap.wrap(text, width=92 - len(prefix), break_on_hyphens=False,
                              break_long_words=False):
        o.append(prefix + line)


def rs_str(s):
    return json.dumps(s)


def gen_struct(m, o):
    doc(o, f"`{m.full}` ({m.class_id}, {m.id}): {m.label}.")
    notes = []
    if m.content:
        notes.append(
            "Carries content: a content header frame and then body frames follow it on the "
            "channel (AMQP 0-9-1 §4.2.6)."
        )
    if m.synchronous:
        notes.append("A synchronous request: the peer answers it with a reply method.")
    ext = {
        "connection.blocked", "connection.unblocked", "connection.update-secret",
        "connection.update-secret-ok", "exchange.bind", "exchange.bind-ok", "exchange.unbind",
        "exchange.unbind-ok", "basic.nack", "confirm.select", "confirm.select-ok",
    }
    if m.full in ext:
        notes.append("A RabbitMQ extension to AMQP 0-9-1.")
    if m.class_name == "access":
        notes.append("From AMQP 0-8; 0-9-1 dropped the access class, RabbitMQ's spec keeps it.")
    if m.groups:
        notes.append(
            "Its bit arguments share octets, least significant bit first (§4.2.5.2); an octet "
            "with other bits set does not decode ([`Error::ReservedBits`])."
        )
    if any(a.reserved for a in m.args):
        notes.append(
            "Reserved arguments are fields too, kept as read, so that a decoded method "
            "re-encodes to the same octets; send them zero or empty."
        )
    if notes:
        o.append("///")
        doc(o, " ".join(notes))
    derive = "Debug, Clone, Copy, PartialEq, Eq, Default"
    if not m.args:
        o.append(f"#[derive({derive})]")
        o.append(f"pub struct {m.ident};")
    else:
        o.append(f"#[derive({derive})]")
        o.append(f"pub struct {m.ident}{m.lt} {{")
        for a in m.args:
            if a.reserved:
                zero = {"bit": "clear", "shortstr": "empty", "longstr": "empty"}.get(a.type, "0")
                text = (
                    f"Reserved: `{a.reserved}` in the 0-9-1 XML, `{a.json_name}` in RabbitMQ's "
                    f"spec, a {a.type}; {zero} when sent."
                )
            else:
                text = f"{sentence(a.label)}. `{a.json_name}`: "
                if a.bit_group:
                    text += f"bit {a.bit_group[1]} of its octet."
                elif a.domain and a.domain != a.type:
                    text += f"{a.type} (`{a.domain}`)."
                else:
                    text += f"{a.type}."
            doc(o, text, "    ")
            o.append(f"    pub {a.field}: {a.rust},")
        o.append("}")
    o.append("")

    o.append(f"impl{m.lt} {m.ident}{m.lt} {{")
    o.append("    /// The class id.")
    o.append(f"    pub const CLASS_ID: u16 = {m.class_id};")
    o.append("    /// The method id.")
    o.append(f"    pub const METHOD_ID: u16 = {m.id};")
    o.append("    /// The name, `class.method`.")
    o.append(f"    pub const NAME: &'static str = {rs_str(m.full)};")
    if m.args:
        o.append("")
        o.append("    /// The arguments in wire order, named as the spec names them.")
        lt = "'a" if m.borrows else "'static"
        o.append(f"    pub fn arguments(&self) -> Arguments<{lt}> {{")
        items = ", ".join(f"({rs_str(a.json_name)}, Argument::{ARG_VARIANT[a.type]}(self.{a.field}))"
                          for a in m.args)
        o.append(f"        Arguments::new(&[{items}])")
        o.append("    }")
        o.append("")
        # decode
        lt_in = "'a" if m.borrows else "'_"
        # Inlined into Method::decode (and that into the frame decoder), so that the
        # arguments are written where the frame is returned instead of copied there
        # through each caller: basic.deliver frames decode in half the time.
        o.append("    #[inline(always)]")
        o.append(f"    fn decode_args(input: &mut In<{lt_in}>) -> Result<Self, Error> {{")
        emitted_groups = set()
        for a in m.args:
            if a.type == "bit":
                g, b = a.bit_group
                if g not in emitted_groups:
                    emitted_groups.add(g)
                    n = len(m.groups[g])
                    o.append(f"        let at = input.at();")
                    o.append(f"        let bits{g} = input.u8()?;")
                    if n < 8:
                        mask = (1 << n) - 1
                        o.append(f"        if bits{g} & !{mask:#04x} != 0 {{")
                        o.append(f"            return Err(Error::ReservedBits {{ at }});")
                        o.append("        }")
                o.append(f"        let {a.field} = bits{g} & {1 << b:#04x} != 0;")
            else:
                o.append(f"        let {a.field} = {READ[a.type]};")
        fields = ", ".join(a.field for a in m.args)
        o.append(f"        Ok(Self {{ {fields} }})")
        o.append("    }")
        o.append("")
        # len
        parts = ([str(m.fixed_len())] if m.fixed_len() else []) + m.var_lens()
        o.append("    fn args_len(&self) -> usize {")
        o.append(f"        {' + '.join(parts)}")
        o.append("    }")
        o.append("")
        # write
        o.append("    fn write_args<S: Sink + ?Sized>(&self, out: &mut S) {")
        emitted_groups = set()
        for a in m.args:
            if a.type == "bit":
                g, _ = a.bit_group
                if g in emitted_groups:
                    continue
                emitted_groups.add(g)
                terms = []
                for x in m.groups[g]:
                    _, b = x.bit_group
                    t = f"u8::from(self.{x.field})"
                    terms.append(t if b == 0 else f"u8::from(self.{x.field}) << {b}")
                o.append(f"        out.put_u8({' | '.join(terms)});")
            elif a.type == "octet":
                o.append(f"        out.put_u8(self.{a.field});")
            elif a.width:
                o.append(f"        out.put(&self.{a.field}.to_be_bytes());")
            else:
                o.append(f"        self.{a.field}.write_to(out);")
        o.append("    }")
        if m.checked:
            o.append("")
            o.append("    fn check(&self) -> Result<(), EncodeError> {")
            for a in m.checked:
                o.append(f"        self.{a.field}.check()?;")
            o.append("        Ok(())")
            o.append("    }")
    o.append("}")
    o.append("")
    lt = m.lt
    o.append(f"impl<'a> From<{m.ident}{lt}> for Method<'a> {{")
    o.append(f"    fn from(m: {m.ident}{lt}) -> Self {{")
    o.append(f"        Self::{m.ident}(m)")
    o.append("    }")
    o.append("}")
    o.append("")


def gen_arguments(most, o):
    o.append(ARGUMENTS.format(most=most))


ARGUMENTS = """\
/// One argument of a method, as the spec types it (§4.2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Argument<'a> {{
    /// An `octet`.
    Octet(u8),
    /// A `short`.
    Short(u16),
    /// A `long`.
    Long(u32),
    /// A `longlong`.
    LongLong(u64),
    /// A `timestamp` (seconds since the epoch).
    Timestamp(u64),
    /// A `bit`.
    Bit(bool),
    /// A `shortstr`.
    ShortStr(ShortStr<'a>),
    /// A `longstr`.
    LongStr(LongStr<'a>),
    /// A field `table`.
    Table(FieldTable<'a>),
}}

/// The most arguments a method has ({most}).
const MOST_ARGUMENTS: usize = {most};

/// The arguments of a method in wire order, with their names: [`Method::arguments`].
#[derive(Debug, Clone)]
pub struct Arguments<'a> {{
    items: [(&'static str, Argument<'a>); MOST_ARGUMENTS],
    len: u8,
    next: u8,
}}

impl<'a> Arguments<'a> {{
    fn new(items: &[(&'static str, Argument<'a>)]) -> Self {{
        let mut all = [("", Argument::Bit(false)); MOST_ARGUMENTS];
        all[..items.len()].copy_from_slice(items);
        Self {{
            items: all,
            len: items.len() as u8,
            next: 0,
        }}
    }}
}}

impl<'a> Iterator for Arguments<'a> {{
    type Item = (&'static str, Argument<'a>);

    fn next(&mut self) -> Option<Self::Item> {{
        let item = self.items[..usize::from(self.len)].get(usize::from(self.next))?;
        self.next += 1;
        Some(*item)
    }}

    fn size_hint(&self) -> (usize, Option<usize>) {{
        let n = usize::from(self.len - self.next);
        (n, Some(n))
    }}
}}

impl ExactSizeIterator for Arguments<'_> {{}}

"""


def gen_reply(spec, o):
    # The frame constants (FRAME-METHOD, FRAME-END, ...) are frame.rs's; FRAME-ERROR is
    # a reply code.
    codes = [c for c in spec["constants"]
             if c["name"] == "REPLY-SUCCESS" or c.get("class") in ("soft-error", "hard-error")]
    o.append("/// Reply codes, for connection.close, channel.close and basic.return (the spec's")
    o.append("/// constants). A hard error closes the connection, a soft error only the channel.")
    o.append("pub mod reply {")
    for c in codes:
        kind = {"soft-error": " Soft error.", "hard-error": " Hard error."}.get(c.get("class"), "")
        if c["name"] not in REPLY_DOCS:
            sys.exit(f"no doc for constant {c['name']} (add it to REPLY_DOCS)")
        doc(o, f"{c['value']}: {REPLY_DOCS[c['name']]}.{kind}", "    ")
        o.append(f"    pub const {const_name(c['name'])}: u16 = {c['value']};")
    o.append("")
    o.append("    /// The name of a reply code the spec defines (`\"NOT_FOUND\"` for 404).")
    o.append("    pub const fn name(code: u16) -> Option<&'static str> {")
    o.append("        Some(match code {")
    for c in codes:
        n = const_name(c["name"])
        o.append(f"            {n} => {rs_str(n)},")
    o.append("            _ => return None,")
    o.append("        })")
    o.append("    }")
    o.append("")
    o.append("    /// Whether a reply code is a hard error, one that closes the connection.")
    o.append("    pub const fn is_hard_error(code: u16) -> bool {")
    hard = [const_name(c["name"]) for c in codes if c.get("class") == "hard-error"]
    o.append(f"        matches!(code, {' | '.join(hard)})")
    o.append("    }")
    o.append("")
    o.append("    /// Whether a reply code is a soft error, one that closes only the channel.")
    o.append("    pub const fn is_soft_error(code: u16) -> bool {")
    soft = [const_name(c["name"]) for c in codes if c.get("class") == "soft-error"]
    o.append(f"        matches!(code, {' | '.join(soft)})")
    o.append("    }")
    o.append("}")
    o.append("")


HEADER = """\
// @generated by scripts/amqp/gen_methods.py from scripts/amqp/amqp-rabbitmq-0.9.1.json
// (rabbitmq/rabbitmq-codegen: AMQP {major}-{minor}-{rev} with RabbitMQ's extensions).
// Do not edit by hand: change the generator and run `python3 scripts/amqp/gen_methods.py`.

//! The methods of AMQP 0-9-1 with RabbitMQ's extensions ({count} in {nclasses} classes),
//! generated from RabbitMQ's machine-readable spec.
//!
//! Each method is a struct named after its class and method (`basic.deliver` is
//! [`BasicDeliver`]) with one public field per argument, named in snake case after it
//! (`type` is `kind`); [`Method`] has one variant per method and decodes, measures and
//! encodes a method frame's payload: class id, method id, then the arguments
//! (§4.2.4).
//!
//! - Consecutive `bit` arguments share octets, least significant bit first, up to eight
//!   to an octet (§4.2.5.2). An octet with a bit set beyond the method's arguments is
//!   [`Error::ReservedBits`]: it would not re-encode to the same octets.
//! - Arguments the 0-9-1 XML reserves (`reserved-1`, ...) keep the names RabbitMQ's spec
//!   gives them (the AMQP 0-8 `ticket`, `capabilities`, `insist`, `known-hosts`,
//!   `out-of-band`, `channel-id`, `cluster-id`) and are fields like the others, holding
//!   what was read: decode then encode gives back the input, octet for octet. Send them
//!   zero or empty (`..Default::default()`).
//! - `Default` is all zeros and empties, not the spec's default values.
//! - Nothing may follow the last argument ([`Error::TrailingBytes`]); a class and method
//!   pair the spec does not list is [`Error::UnknownMethod`].
//!
//! ```
//! use iotwire::amqp::{{decode_method, BasicPublish, Context, Method, ShortStr}};
//!
//! let m = Method::from(BasicPublish {{
//!     exchange: ShortStr::new("amq.direct")?,
//!     routing_key: ShortStr::new("sensor.42")?,
//!     mandatory: true,
//!     ..Default::default()
//! }});
//! let mut buf = [0u8; 64];
//! let n = m.encode(&mut buf)?;
//! assert_eq!(&buf[..4], [0, 60, 0, 40]); // class 60, method 40
//! assert_eq!(buf[n - 1], 0b01); // mandatory is bit 0, immediate bit 1
//! assert_eq!(decode_method(&buf[..n], &Context::default()), Ok(m));
//! assert!(m.has_content());
//! # Ok::<(), iotwire::EncodeError>(())
//! ```

use super::codec::{{In, LongStr, ShortStr}};
use super::table::FieldTable;
use super::{{Context, Error}};
use crate::error::EncodeError;
use crate::packet::Sink;

/// Decodes one method from a method frame's payload: class id, method id, then the
/// arguments, with nothing after them (AMQP 0-9-1 §4.2.4). Field tables are read in
/// `cx`'s dialect and nesting limit. Offsets in errors count from the start of
/// `payload`.
///
/// # Errors
///
/// [`Error::UnknownMethod`] for a class and method pair the spec does not list,
/// [`Error::Truncated`] when an argument runs past the end, [`Error::TrailingBytes`]
/// after the last one, [`Error::ReservedBits`], and the field-table errors.
pub fn decode_method<'a>(payload: &'a [u8], cx: &Context) -> Result<Method<'a>, Error> {{
    Method::decode(&mut In::new(payload, 0, 0, *cx))
}}

"""


def generate(spec):
    domains = dict(spec["domains"])
    methods = []
    for cls in spec["classes"]:
        for m in cls["methods"]:
            methods.append(Method(cls, m, domains))
    for k in METHOD_DOCS:
        if k not in {m.full for m in methods}:
            sys.exit(f"METHOD_DOCS names {k}, which the JSON lacks")
    seen = set()
    for m in methods:
        key = (m.class_id, m.id)
        if key in seen:
            sys.exit(f"duplicate ids {key}")
        seen.add(key)

    o = [HEADER.format(
        major=spec["major-version"], minor=spec["minor-version"], rev=spec["revision"],
        count=len(methods), nclasses=len(spec["classes"]),
    )]
    gen_reply(spec, o)
    gen_arguments(max(len(m.args) for m in methods), o)

    # Method enum.
    o.append("/// Any method of AMQP 0-9-1 with RabbitMQ's extensions: what a method frame carries.")
    o.append("///")
    o.append("/// Non-exhaustive: RabbitMQ may extend the protocol again.")
    o.append("#[derive(Debug, Clone, Copy, PartialEq, Eq)]")
    o.append("#[non_exhaustive]")
    o.append("pub enum Method<'a> {")
    for m in methods:
        doc(o, f"`{m.full}` ({m.class_id}, {m.id}): {m.label}.", "    ")
        o.append(f"    {m.ident}({m.ident}{m.lt}),")
    o.append("}")
    o.append("")
    o.append("impl<'a> Method<'a> {")
    o.append(f"    /// How many methods there are ({len(methods)}).")
    o.append(f"    pub const COUNT: usize = {len(methods)};")
    o.append("")
    o.append("    /// Reads class id, method id and the arguments, then checks that nothing follows.")
    # Inlined into its two callers (decode_method and the frame decoder): see
    # decode_args.
    o.append("    #[inline(always)]")
    o.append("    pub(crate) fn decode(input: &mut In<'a>) -> Result<Self, Error> {")
    o.append("        let class_id = input.u16()?;")
    o.append("        let method_id = input.u16()?;")
    o.append("        let m = match (class_id, method_id) {")
    for m in methods:
        if m.args:
            o.append(f"            ({m.class_id}, {m.id}) => Self::{m.ident}({m.ident}::decode_args(input)?),")
        else:
            o.append(f"            ({m.class_id}, {m.id}) => Self::{m.ident}({m.ident}),")
    o.append("            _ => return Err(Error::UnknownMethod { class_id, method_id }),")
    o.append("        };")
    o.append("        input.end()?;")
    o.append("        Ok(m)")
    o.append("    }")
    o.append("")

    def simple_match(fn_doc, sig, expr_of):
        o.append(f"    /// {fn_doc}")
        o.append(f"    {sig} {{")
        o.append("        match self {")
        for m in methods:
            o.append(f"            Self::{m.ident}(_) => {expr_of(m)},")
        o.append("        }")
        o.append("    }")
        o.append("")

    simple_match("The class id.", "pub const fn class_id(&self) -> u16",
                 lambda m: f"{m.ident}::CLASS_ID")
    simple_match("The method id.", "pub const fn method_id(&self) -> u16",
                 lambda m: f"{m.ident}::METHOD_ID")
    simple_match("The name, `class.method` (`\"basic.deliver\"`).",
                 "pub const fn name(&self) -> &'static str", lambda m: f"{m.ident}::NAME")

    def bool_match(text, sig, pred):
        yes = [m for m in methods if pred(m)]
        doc(o, text, "    ")
        o.append(f"    {sig} {{")
        pats = " | ".join(f"Self::{m.ident}(_)" for m in yes)
        o.append(f"        matches!(self, {pats})")
        o.append("    }")
        o.append("")

    o.append("    /// The arguments in wire order, each with the name the spec gives it")
    o.append("    /// (`\"delivery-tag\"`): for printing or logging any method without a match")
    o.append("    /// on its type.")
    o.append("    ///")
    o.append("    /// ```")
    o.append("    /// use iotwire::amqp::{Argument, BasicAck, Method};")
    o.append("    ///")
    o.append("    /// let m = Method::from(BasicAck { delivery_tag: 7, multiple: true });")
    o.append("    /// let args: Vec<_> = m.arguments().collect();")
    o.append("    /// assert_eq!(args, [(\"delivery-tag\", Argument::LongLong(7)), (\"multiple\", Argument::Bit(true))]);")
    o.append("    /// ```")
    o.append("    pub fn arguments(&self) -> Arguments<'a> {")
    o.append("        match self {")
    for m in methods:
        if m.args:
            o.append(f"            Self::{m.ident}(m) => m.arguments(),")
    o.append("            _ => Arguments::new(&[]),")
    o.append("        }")
    o.append("    }")
    o.append("")

    bool_match(
        "Whether content (a content header, then body frames) follows the method: "
        "basic.publish, basic.return, basic.deliver and basic.get-ok (§4.2.6).",
        "pub const fn has_content(&self) -> bool", lambda m: m.content)
    bool_match(
        "Whether the method is a synchronous request, one the peer answers with a reply "
        "method (when its `nowait` bit, if it has one, is clear).",
        "pub const fn is_synchronous(&self) -> bool", lambda m: m.synchronous)

    o.append("    /// The octets [`Method::write_to`] writes: the class and method ids and the")
    o.append("    /// arguments.")
    o.append("    pub fn encoded_len(&self) -> usize {")
    o.append("        4 + match self {")
    for m in methods:
        if m.args:
            o.append(f"            Self::{m.ident}(m) => m.args_len(),")
    o.append("            _ => 0,")
    o.append("        }")
    o.append("    }")
    o.append("")
    o.append("    /// Checks that the method can be encoded: its long strings and field tables")
    o.append("    /// within 32-bit lengths, its tables' values writable in their dialects.")
    o.append("    ///")
    o.append("    /// # Errors")
    o.append("    ///")
    o.append("    /// The [`EncodeError`] of the first argument that cannot be encoded.")
    o.append("    pub fn check(&self) -> Result<(), EncodeError> {")
    o.append("        match self {")
    for m in methods:
        if m.checked:
            o.append(f"            Self::{m.ident}(m) => m.check(),")
    o.append("            _ => Ok(()),")
    o.append("        }")
    o.append("    }")
    o.append("")
    o.append("    /// Writes the class and method ids and the arguments, exactly")
    o.append("    /// [`Method::encoded_len`] octets, without [`Method::check`].")
    o.append("    pub fn write_to<S: Sink + ?Sized>(&self, out: &mut S) {")
    o.append("        out.put(&self.class_id().to_be_bytes());")
    o.append("        out.put(&self.method_id().to_be_bytes());")
    o.append("        match self {")
    for m in methods:
        if m.args:
            o.append(f"            Self::{m.ident}(m) => m.write_args(out),")
    o.append("            _ => {}")
    o.append("        }")
    o.append("    }")
    o.append("")
    o.append("    /// Writes the method into the front of `out` and returns the octets written,")
    o.append("    /// always [`Method::encoded_len`].")
    o.append("    ///")
    o.append("    /// # Errors")
    o.append("    ///")
    o.append("    /// What [`Method::check`] finds, or [`EncodeError::BufferTooSmall`] when `out`")
    o.append("    /// is shorter than the encoding; nothing is written then.")
    o.append("    pub fn encode(&self, out: &mut [u8]) -> Result<usize, EncodeError> {")
    o.append("        self.check()?;")
    o.append("        crate::wire::write_exact(out, self.encoded_len(), |w| self.write_to(w))")
    o.append("    }")
    o.append("}")
    o.append("")

    cur = None
    for m in methods:
        if m.class_name != cur:
            cur = m.class_name
            o.append(f"// ---- {cur} ({m.class_id}): {CLASS_DOCS[cur]} ----")
            o.append("")
        gen_struct(m, o)

    return "\n".join(o).rstrip() + "\n", methods


def rustfmt(path):
    subprocess.run(["rustfmt", "--edition", "2024", path], check=True, cwd=ROOT)


def main():
    check = "--check" in sys.argv[1:]
    with open(os.path.join(ROOT, SPEC), encoding="utf-8") as f:
        spec = json.load(f)
    text, methods = generate(spec)
    out = os.path.join(ROOT, OUT)
    if check:
        with tempfile.NamedTemporaryFile("w", suffix=".rs", delete=False, dir=ROOT) as t:
            t.write(text)
        try:
            rustfmt(t.name)
            with open(t.name, encoding="utf-8") as f:
                want = f.read()
        finally:
            os.unlink(t.name)
        with open(out, encoding="utf-8") as f:
            have = f.read()
        if have != want:
            sys.exit(f"{OUT} is stale: run python3 {os.path.relpath(__file__, ROOT)}")
        print(f"{OUT} is up to date ({len(methods)} methods)")
        return
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    rustfmt(out)
    by_class = {}
    for m in methods:
        by_class[m.class_name] = by_class.get(m.class_name, 0) + 1
    print(f"wrote {OUT}: {len(methods)} methods ({', '.join(f'{k} {v}' for k, v in by_class.items())})")


if __name__ == "__main__":
    main()
