# Shared by scripts/interop_coap.sh and scripts/capture_coap.sh (source it, do not run
# it): installing libcoap's programs, starting coap-server-notls (and iotwire's
# examples/coap_server) on loopback, waiting until they answer over UDP and TCP.
#
# The sourcing script sets `set -euo pipefail`, SCRATCH (a scratch folder) and LOG_TAG
# (the prefix of its messages), and calls `trap finish EXIT`.

# shellcheck source=scripts/peers.sh
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"

ensure_libcoap() {
    ensure_packages coap-server-notls:libcoap3-bin coap-client-notls:libcoap3-bin
}

# libcoap_version: "4.3.1".
libcoap_version() {
    # Without arguments it prints its usage (and exits non-zero).
    { coap-client-notls 2>&1 || true; } | sed -n 's/^coap-client-notls v\([^ ]*\) .*/\1/p' | head -n 1
}

# free_coap_port: a 127.0.0.1 port free for both UDP and TCP (CoAP uses one number for
# both).
free_coap_port() {
    python3 - <<'EOF'
import socket
for _ in range(100):
    t = socket.socket()
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        u.close()
        t.close()
    print(port)
    break
else:
    raise SystemExit("no port free for both UDP and TCP")
EOF
}

# coap_ping PORT: one CoAP ping (RFC 7252 §4.3: an Empty CON, answered by a Reset with
# its Message ID) to 127.0.0.1:PORT over UDP, waiting 0.2 s. UDP has no accept to
# probe: this is how to tell a CoAP server is up.
coap_ping() {
    python3 - "$1" <<'EOF'
import os, socket, sys
mid = os.getpid() & 0xFFFF
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
s.connect(("127.0.0.1", int(sys.argv[1])))
try:
    s.send(bytes([0x40, 0x00, mid >> 8, mid & 0xFF]))
    reply = s.recv(64)
except OSError:
    sys.exit(1)
sys.exit(0 if reply == bytes([0x70, 0x00, mid >> 8, mid & 0xFF]) else 1)
EOF
}

# wait_coap_ready PORT PID NAME LOG: waits until PORT answers a CoAP ping over UDP and
# accepts TCP connections; fails if the process exits first or after 10 s.
wait_coap_ready() {
    local port=$1 pid=$2 name=$3 log=$4 i
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null ||
            die "$name exited during startup; its log ($log) ends with:
$(tail -n 20 "$log" 2>/dev/null)"
        coap_ping "$port" && break
    done
    ((i < 50)) || die "$name (pid $pid) does not answer a CoAP ping on udp 127.0.0.1:$port after 10 s; log: $log"
    wait_listening "$port" "$pid" "$name" "$log"
}

# start_coap_server: starts libcoap's coap-server-notls in $SCRATCH/libcoap (which
# allows 20 resources created by PUT, -d 20) on a free port, UDP and TCP, logging every
# message (-v 7) to $SCRATCH/libcoap/server.log, and waits until it answers. Sets
# COAP_PORT and COAP_SERVER_PID.
start_coap_server() {
    local dir=$SCRATCH/libcoap
    mkdir -p "$dir"
    COAP_PORT=$(free_coap_port)
    (
        cd "$dir"
        exec coap-server-notls -A 127.0.0.1 -p "$COAP_PORT" -d 20 -v 7
    ) >"$dir/server.log" 2>&1 &
    COAP_SERVER_PID=$!
    track "$COAP_SERVER_PID" coap-server-notls
    wait_coap_ready "$COAP_PORT" "$COAP_SERVER_PID" coap-server-notls "$dir/server.log"
    say "coap-server-notls $(libcoap_version) on udp and tcp 127.0.0.1:$COAP_PORT (pid $COAP_SERVER_PID)"
}

# libcoap_complaints LOG: the lines where coap-server-notls warned or failed, but for
# the ALRT it logs for every Reset it receives (the interop client sends one on purpose).
libcoap_complaints() {
    grep -aE ' (EMRG|ALRT|CRIT|ERR|WARN) ' "$1" | grep -v ' ALRT got RST for mid=' || true
}

# start_example_server: starts iotwire's examples/coap_server (built already) on a free
# port, UDP and TCP, logging to $SCRATCH/example/server.log, and waits until it
# answers. Sets EXAMPLE_PORT and EXAMPLE_PID.
start_example_server() {
    local dir=$SCRATCH/example bin=$REPO/target/debug/examples/coap_server
    [[ -x $bin ]] || die "$bin is not built (cargo build --example coap_server)"
    mkdir -p "$dir"
    EXAMPLE_PORT=$(free_coap_port)
    "$bin" "$EXAMPLE_PORT" >"$dir/server.log" 2>&1 &
    EXAMPLE_PID=$!
    track "$EXAMPLE_PID" examples/coap_server
    wait_coap_ready "$EXAMPLE_PORT" "$EXAMPLE_PID" examples/coap_server "$dir/server.log"
    say "examples/coap_server on udp and tcp 127.0.0.1:$EXAMPLE_PORT (pid $EXAMPLE_PID)"
}
