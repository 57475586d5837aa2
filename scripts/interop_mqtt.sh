#!/usr/bin/env bash
# MQTT interoperability of iotwire with a real mosquitto, on loopback: the iotwire client
# (tests/interop_mqtt/main.rs, a harness = false test built only on iotwire::mqtt and
# std::net) runs whole MQTT 3.1.1 and 5.0 sessions (and a 3.1 CONNECT) against
# mosquitto, and with mosquitto_pub and mosquitto_sub as the other end.
#
# Usage: bash scripts/interop_mqtt.sh    (as root on Debian 12: installs mosquitto and
#                                         mosquitto-clients)
#
# Installs mosquitto and mosquitto-clients with apt-get when missing and fails (exit 1,
# "FAIL: ...") if a peer cannot be installed or started: it never skips. mosquitto runs
# with tests/interop_mqtt/mosquitto.conf.in: an anonymous listener and a password
# listener on free 127.0.0.1 ports, a password file written with mosquitto_passwd. Every
# process it starts is stopped by pid on exit. Scratch files go to a mktemp folder,
# removed on success and kept (and named) on failure.
set -euo pipefail

LOG_TAG=interop_mqtt
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/iotwire-interop-mqtt.XXXXXX")
# shellcheck source=scripts/mqtt_peers.sh
source "$(dirname "${BASH_SOURCE[0]}")/mqtt_peers.sh"

trap finish EXIT

ensure_mosquitto

cd "$REPO"
grep -q '^name = "interop_mqtt"' Cargo.toml ||
    die "Cargo.toml has no [[test]] named interop_mqtt (path tests/interop_mqtt/main.rs, harness = false)"
grep -q '^name = "mqtt_pubsub"' Cargo.toml ||
    die "Cargo.toml has no [[example]] named mqtt_pubsub"
say "building the interop client and examples/mqtt_pubsub"
cargo test --test interop_mqtt --no-run >"$SCRATCH/build.log" 2>&1 ||
    die "cargo test --test interop_mqtt --no-run failed: $(tail -n 30 "$SCRATCH/build.log")"
cargo build --example mqtt_pubsub >>"$SCRATCH/build.log" 2>&1 ||
    die "cargo build --example mqtt_pubsub failed: $(tail -n 30 "$SCRATCH/build.log")"

start_mosquitto
LOG=$SCRATCH/mosquitto/mosquitto.log

say "running the iotwire client against mosquitto: cargo test --test interop_mqtt"
IOTWIRE_MQTT_ADDR=127.0.0.1:$MQTT_PORT IOTWIRE_MQTT_AUTH_ADDR=127.0.0.1:$MQTT_AUTH_PORT \
    IOTWIRE_MQTT_USER=$MQTT_USER IOTWIRE_MQTT_PASSWORD=$MQTT_PASSWORD \
    cargo test --quiet --test interop_mqtt 2>"$SCRATCH/client.err" | tee "$SCRATCH/client.out" ||
    die "the iotwire client failed against mosquitto: $(tail -n 20 "$SCRATCH/client.err")
(mosquitto log: $LOG)"
summary=$(grep '^interop_mqtt: .* checks passed' "$SCRATCH/client.out") ||
    die "the interop client did not run"
grep -q '^FAIL' "$SCRATCH/client.out" && die "a check failed"

# examples/mqtt_pubsub, in both versions: its message comes back to it, and mosquitto
# logged receiving it.
for flag in --v311 --v5; do
    topic=iotwire/example/${flag#--}
    message="hello from examples/mqtt_pubsub $flag"
    cargo run --quiet --example mqtt_pubsub -- "127.0.0.1:$MQTT_PORT" "$flag" --topic "$topic" \
        --message "$message" >"$SCRATCH/example$flag.out" 2>&1 ||
        die "examples/mqtt_pubsub $flag failed: $(cat "$SCRATCH/example$flag.out")"
    grep -Fxq "received on $topic: \"$message\" (QoS 1, properties $([[ $flag == --v5 ]] &&
        echo '[ContentType("text/plain"), UserProperty("sent-by", "examples/mqtt_pubsub")]' ||
        echo '[]'))" "$SCRATCH/example$flag.out" && grep -Fxq disconnected "$SCRATCH/example$flag.out" ||
        die "examples/mqtt_pubsub $flag: $(cat "$SCRATCH/example$flag.out")"
    grep -q "Received PUBLISH from iotwire-example-[0-9]* (d0, q1, r0, m2, '$topic', ... (${#message} bytes))" "$LOG" ||
        die "mosquitto did not log the PUBLISH of examples/mqtt_pubsub $flag"
    say "ok   examples/mqtt_pubsub $flag: SUBSCRIBE, PUBLISH QoS 1, PUBACK, own message back, DISCONNECT"
done

# Everything iotwire sent, mosquitto took: it never dropped a client for a malformed
# packet or a protocol error.
kill -0 "$MOSQUITTO_PID" 2>/dev/null || die "mosquitto (pid $MOSQUITTO_PID) died during the run"
if grep -iE 'malformed|protocol error|bad packet|out of memory' "$LOG" >"$SCRATCH/complaints"; then
    die "mosquitto complained about what it received:
$(head -n 20 "$SCRATCH/complaints")"
fi
clients=$(grep -c 'New client connected' "$LOG" || true)

stop_all
say "client: ${summary#interop_mqtt: }"
say "mosquitto $(mosquitto_version) accepted $clients client connections without a complaint"
say "PASS"
