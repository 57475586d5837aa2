#!/usr/bin/env bash
# CoAP interoperability of iotwire with libcoap, on loopback, over UDP and TCP:
#
# - the iotwire client (tests/interop_coap/main.rs, a harness = false test built only
#   on iotwire::coap and std::net) against libcoap's coap-server-notls, and libcoap's
#   coap-client-notls against iotwire's examples/coap_server (the same test binary
#   runs coap-client-notls and checks what it prints);
# - examples/coap_client against both servers.
#
# Usage: bash scripts/interop_coap.sh    (as root on Debian 12: installs libcoap3-bin)
#
# Installs libcoap3-bin with apt-get when missing and fails (exit 1, "FAIL: ...") if a
# peer cannot be installed or started: it never skips. Both servers listen on free
# 127.0.0.1 ports (UDP and TCP on one number each) and are waited for with a CoAP ping
# over UDP and a TCP connect; every process it starts is stopped by pid on exit.
# Scratch files go to a mktemp folder, removed on success and kept (and named) on
# failure.
set -euo pipefail

LOG_TAG=interop_coap
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/iotwire-interop-coap.XXXXXX")
# shellcheck source=scripts/coap_peers.sh
source "$(dirname "${BASH_SOURCE[0]}")/coap_peers.sh"

trap finish EXIT

ensure_libcoap

cd "$REPO"
grep -q '^name = "interop_coap"' Cargo.toml ||
    die "Cargo.toml has no [[test]] named interop_coap (path tests/interop_coap/main.rs, harness = false)"
for example in coap_server coap_client; do
    grep -q "^name = \"$example\"" Cargo.toml || die "Cargo.toml has no [[example]] named $example"
done
say "building the interop client, examples/coap_server and examples/coap_client"
cargo test --test interop_coap --no-run >"$SCRATCH/build.log" 2>&1 ||
    die "cargo test --test interop_coap --no-run failed: $(tail -n 30 "$SCRATCH/build.log")"
cargo build --example coap_server --example coap_client >>"$SCRATCH/build.log" 2>&1 ||
    die "cargo build --example coap_server --example coap_client failed: $(tail -n 30 "$SCRATCH/build.log")"

start_coap_server
start_example_server
LIBCOAP_LOG=$SCRATCH/libcoap/server.log
EXAMPLE_LOG=$SCRATCH/example/server.log

say "running the iotwire client against coap-server-notls, and coap-client-notls against" \
    "examples/coap_server: cargo test --test interop_coap"
IOTWIRE_COAP_ADDR=127.0.0.1:$COAP_PORT IOTWIRE_COAP_EXAMPLE_ADDR=127.0.0.1:$EXAMPLE_PORT \
    cargo test --quiet --test interop_coap 2>"$SCRATCH/client.err" | tee "$SCRATCH/client.out" ||
    die "interop_coap failed: $(grep '^FAIL' "$SCRATCH/client.out" || tail -n 20 "$SCRATCH/client.err")
(coap-server-notls log: $LIBCOAP_LOG; examples/coap_server log: $EXAMPLE_LOG)"
summary=$(grep '^interop_coap: .* checks passed' "$SCRATCH/client.out") ||
    die "the interop client did not run"
grep -q '^FAIL' "$SCRATCH/client.out" && die "a check failed"

# examples/coap_client against both servers. Each run's output: the code, one line per
# option, an empty line, the payload.
CLIENT=$REPO/target/debug/examples/coap_client
python3 -c 'import sys; sys.stdout.write("".join("%04d:iotwire-block1;" % i for i in range(200)))' \
    >"$SCRATCH/upload.txt"
example_client() {
    local what=$1 out
    shift
    out=$SCRATCH/example-client-$((++EXAMPLE_RUNS)).out
    "$CLIENT" "$@" >"$out" 2>&1 || die "examples/coap_client $*: $(cat "$out")"
    EXAMPLE_OUT=$out
    LAST_WHAT=$what
}
expect_line() {
    grep -Fxq -- "$1" "$EXAMPLE_OUT" ||
        die "examples/coap_client ($LAST_WHAT): no line \"${1:0:80}\" in its output:
$(head -c 2000 "$EXAMPLE_OUT")"
}
EXAMPLE_RUNS=0
LIBCOAP=127.0.0.1:$COAP_PORT
EXAMPLE=127.0.0.1:$EXAMPLE_PORT
for transport in udp tcp; do
    flag=()
    [[ $transport == tcp ]] && flag=(--tcp)
    resource=/iotwire-example-$$-$transport

    example_client "PUT 4 kB to libcoap" "${flag[@]}" "$LIBCOAP" PUT "$resource" "@$SCRATCH/upload.txt"
    expect_line "2.01 CREATED"
    example_client "GET it back" "${flag[@]}" "$LIBCOAP" GET "$resource"
    expect_line "2.05 CONTENT"
    expect_line "$(cat "$SCRATCH/upload.txt")"
    say "ok   [$transport] examples/coap_client -> coap-server-notls: PUT 4000 bytes (Block1), GET them back"

    example_client "observe /time on libcoap" "${flag[@]}" --observe 3 "$LIBCOAP" GET /time
    expect_line "notification 3:"
    expect_line "deregistered: 2.05 CONTENT"
    say "ok   [$transport] examples/coap_client -> coap-server-notls: --observe 3 /time, deregistered"

    example_client "GET /large from the example" "${flag[@]}" "$EXAMPLE" GET /large
    expect_line "Block2: 3/_/1024"
    expect_line "line 63 of /large, from iotwire's coap_server                  "
    example_client "PUT /store to the example" "${flag[@]}" "$EXAMPLE" PUT /store "@$SCRATCH/upload.txt"
    expect_line "Block1: 3/_/1024"
    example_client "GET /store from the example" "${flag[@]}" "$EXAMPLE" GET /store
    expect_line "$(cat "$SCRATCH/upload.txt")"
    example_client "observe /obs on the example" "${flag[@]}" --observe 4 "$EXAMPLE" GET /obs
    expect_line "notification 4:"
    expect_line "deregistered: 2.05 CONTENT"
    say "ok   [$transport] examples/coap_client -> examples/coap_server: GET /large (Block2)," \
        "PUT and GET /store (Block1, Block2), --observe 4 /obs"
done
example_client "NON GET /hello from the example" --non "$EXAMPLE" GET /hello
expect_line "Hello from iotwire's coap_server"
say "ok   [udp] examples/coap_client --non -> examples/coap_server: GET /hello"

# A request with a malformed critical option over TCP (a 3-byte Uri-Port) gets 4.02 Bad
# Option with its token, and the connection goes on: a Ping after it is answered
# (RFC 7252 §5.4.1, RFC 8323 §5.4). No CoAP client sends such a thing; raw bytes do.
probe=$(python3 - "$EXAMPLE_PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(bytes([0x00, 0xE1]))                                # CSM
s.sendall(bytes([0x41, 0x01, 0x2A, 0x73, 0x00, 0x00, 0x50]))  # GET, token 2a, Uri-Port of 3
s.sendall(bytes([0x01, 0xE2, 0x07]))                          # Ping, token 07
data, deadline = b"", time.time() + 5
while b"\x01\xe3\x07" not in data and time.time() < deadline:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
print(data.hex())
PY
) || die "the bad-option probe of examples/coap_server failed"
[[ $probe == *"822aff"* && $probe == *01e307 ]] ||
    die "examples/coap_server over TCP: expected 4.02 (token 2a) and then a Pong (token 07), got $probe"
say "ok   [tcp] a raw request with a malformed critical option -> examples/coap_server: 4.02" \
    "Bad Option with its token, and a Ping after it answered"

# Both servers are still up, and neither complained about what it received.
kill -0 "$COAP_SERVER_PID" 2>/dev/null || die "coap-server-notls (pid $COAP_SERVER_PID) died during the run"
kill -0 "$EXAMPLE_PID" 2>/dev/null || die "examples/coap_server (pid $EXAMPLE_PID) died during the run"
complaints=$(libcoap_complaints "$LIBCOAP_LOG")
[[ -z $complaints ]] || die "coap-server-notls complained about what it received:
$(head -n 20 <<<"$complaints")"
if grep -E ': rejected: |connection ended: (malformed|the first message)' "$EXAMPLE_LOG" >"$SCRATCH/rejected"; then
    die "examples/coap_server rejected messages:
$(head -n 20 "$SCRATCH/rejected")"
fi
libcoap_messages=$(grep -ac ' : received ' "$LIBCOAP_LOG" || true)
example_requests=$(grep -c ' -> ' "$EXAMPLE_LOG" || true)

stop_all
say "client: ${summary#interop_coap: }"
say "coap-server-notls $(libcoap_version) logged $libcoap_messages receptions without a complaint;" \
    "examples/coap_server answered $example_requests requests without rejecting one"
say "PASS"
