#!/usr/bin/env bash
# AMQP 0-9-1 interoperability of iotwire with a real RabbitMQ and with pika, on loopback:
#
# - the iotwire client (tests/interop_amqp/main.rs, a harness = false test built only on
#   iotwire::amqp and std::net) runs whole sessions against RabbitMQ: handshake at a
#   frame-max of 4096, two channels, exchanges and queues with argument tables,
#   publishes with all 14 properties and headers of every field type, bodies over
#   frame-max, consumers, basic.get, qos, confirms, tx, reject / nack, heartbeats,
#   closes from either side, logins with PLAIN and AMQPLAIN (and refused ones),
#   connection.blocked / unblocked under a memory alarm that the client raises and lifts
#   itself with rabbitmqctl (set_vm_memory_high_watermark 0, then 0.4; the script gives
#   it the node's rabbitmqctl, name and HOME; this check runs last); and with pika
#   (tests/interop_amqp/pika_peer.py) publishing to it and consuming from it through
#   the broker;
# - examples/amqp_publish against the same broker.
#
# Usage: bash scripts/interop_amqp.sh    (as root on Debian 12: installs rabbitmq-server
#                                         with apt-get and pika with pip)
#
# Installs rabbitmq-server and pika when missing and fails (exit 1, "FAIL: ...") if a peer
# cannot be installed or started: it never skips. RabbitMQ runs from its release scripts
# as a private node (its own epmd on a free port, mnesia, logs and config in a mktemp
# folder, no plugins) on a free 127.0.0.1 port; both are stopped by pid on exit. Scratch
# files are removed on success and kept (and named) on failure.
set -euo pipefail

LOG_TAG=interop_amqp
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/iotwire-interop-amqp.XXXXXX")
# shellcheck source=scripts/amqp_peers.sh
source "$(dirname "${BASH_SOURCE[0]}")/amqp_peers.sh"

trap finish EXIT

ensure_rabbitmq
ensure_pika

# The hand-written spec vectors of all 66 methods (tests/amqp_spec_vectors.rs), checked
# with pika's codec as well as iotwire's; it names what pika cannot round trip.
say "checking tests/amqp_spec_vectors.rs with pika $(pika_version): scripts/amqp/check_spec_vectors.py"
"$PYTHON" "$REPO/scripts/amqp/check_spec_vectors.py" >"$SCRATCH/spec_vectors.out" 2>&1 ||
    die "scripts/amqp/check_spec_vectors.py failed: $(grep -E '^(MISMATCH|FAIL)' "$SCRATCH/spec_vectors.out" || tail -n 20 "$SCRATCH/spec_vectors.out")"
say "ok   $(tail -n 1 "$SCRATCH/spec_vectors.out")"

cd "$REPO"
grep -q '^name = "interop_amqp"' Cargo.toml ||
    die "Cargo.toml has no [[test]] named interop_amqp (path tests/interop_amqp/main.rs, harness = false)"
grep -q '^name = "amqp_publish"' Cargo.toml || die "Cargo.toml has no [[example]] named amqp_publish"
say "building the interop client and examples/amqp_publish"
cargo test --test interop_amqp --no-run >"$SCRATCH/build.log" 2>&1 ||
    die "cargo test --test interop_amqp --no-run failed: $(tail -n 30 "$SCRATCH/build.log")"
cargo build --example amqp_publish >>"$SCRATCH/build.log" 2>&1 ||
    die "cargo build --example amqp_publish failed: $(tail -n 30 "$SCRATCH/build.log")"

# The server proposes frame-max 131072 and a heartbeat of 60 s; the client takes 4096
# and 0 or 1 s.
start_rabbitmq "frame_max = 131072" "heartbeat = 60"

say "running the iotwire client against RabbitMQ and pika (pika $(pika_version)):" \
    "cargo test --test interop_amqp"
IOTWIRE_AMQP_ADDR=127.0.0.1:$AMQP_PORT IOTWIRE_AMQP_USER=guest IOTWIRE_AMQP_PASSWORD=guest \
    IOTWIRE_PYTHON=$PYTHON IOTWIRE_RABBITMQCTL=$RABBITMQ_BIN/rabbitmqctl \
    IOTWIRE_RABBITMQ_NODE=$RABBITMQ_NODENAME IOTWIRE_RABBITMQ_HOME=$SCRATCH/rabbitmq/home \
    cargo test --quiet --test interop_amqp 2>"$SCRATCH/client.err" | tee "$SCRATCH/client.out" ||
    die "interop_amqp failed: $(grep '^FAIL' "$SCRATCH/client.out" || tail -n 20 "$SCRATCH/client.err")
(RabbitMQ log: $RABBITMQ_LOG)"
summary=$(grep '^interop_amqp: .* checks passed' "$SCRATCH/client.out") ||
    die "the interop client did not run"
grep -q '^FAIL' "$SCRATCH/client.out" && die "a check failed"

# examples/amqp_publish: its message comes back to it.
message="hello from examples/amqp_publish $$"
"$REPO/target/debug/examples/amqp_publish" "127.0.0.1:$AMQP_PORT" --queue iotwire.example \
    --message "$message" >"$SCRATCH/example.out" 2>&1 ||
    die "examples/amqp_publish failed: $(cat "$SCRATCH/example.out")"
grep -Fq "received on \"iotwire.example\" (delivery tag 1): \"$message\"" "$SCRATCH/example.out" &&
    grep -Fxq closed "$SCRATCH/example.out" ||
    die "examples/amqp_publish: $(cat "$SCRATCH/example.out")"
say "ok   examples/amqp_publish: handshake, queue.declare, publish with properties, consume," \
    "ack, channel and connection closed"

# Everything iotwire sent, RabbitMQ took: no frame error, no syntax error, no unexpected
# frame, no connection dropped without a close. The errors the checks provoke on purpose
# (a refused PLAIN login and a refused AMQPLAIN one, a redeclare with other arguments, a
# passive declare of a missing queue, a method on an unopened channel, a client that
# sends no heartbeats) are expected, each once; so are the memory alarm's warnings (set,
# then cleared), which check_blocked provokes.
kill -0 "$RABBITMQ_PID" 2>/dev/null || die "RabbitMQ (pid $RABBITMQ_PID) died during the run"
expected='(AMQ)?PLAIN login refused|inequivalent arg .x-max-length.|no queue .iotwire.no-such-queue.|expected .channel.open.|missed heartbeats from client'
for pattern in ' PLAIN login refused' ' AMQPLAIN login refused' "inequivalent arg 'x-max-length'" \
    "no queue 'iotwire.no-such-queue'" "expected 'channel.open'" 'missed heartbeats from client' \
    'memory resource limit alarm set' 'memory resource limit alarm cleared'; do
    # RabbitMQ writes its log a moment late: the last check's lines may take a second.
    for ((i = 0; i < 50; i++)); do
        grep -aqF "$pattern" "$RABBITMQ_LOG" && break
        sleep 0.1
    done
    ((i < 50)) || die "RabbitMQ did not log \"$pattern\" (the checks provoke it)"
done
if rabbitmq_log_but_probe |
    grep -aiE 'frame_error|syntax_error|unexpected_frame|command_invalid|malformed|unexpectedly closed|internal_error|crash' |
    grep -avE "$expected" >"$SCRATCH/complaints"; then
    die "RabbitMQ complained about what it received:
$(head -n 20 "$SCRATCH/complaints")"
fi
connections=$(grep -ac 'accepting AMQP connection' "$RABBITMQ_LOG" || true)
closed=$(grep -ac 'closing AMQP connection' "$RABBITMQ_LOG" || true)

stop_all
say "client: ${summary#interop_amqp: }"
say "RabbitMQ $(rabbitmq_version) accepted $connections connections (iotwire's, pika's, the" \
    "example's; $closed closings logged) without a frame, syntax or protocol complaint"
say "PASS"
