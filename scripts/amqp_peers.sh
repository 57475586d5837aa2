# Shared by scripts/interop_amqp.sh and scripts/capture_amqp.sh (source it, do not run
# it): installing RabbitMQ and pika, starting a private RabbitMQ node on loopback (its
# own epmd on a free port, its own mnesia, logs and config in $SCRATCH), waiting until
# it answers the AMQP protocol header, and stopping both by pid.
#
# The sourcing script sets `set -euo pipefail`, SCRATCH (a scratch folder) and LOG_TAG
# (the prefix of its messages), and calls `trap finish EXIT`.

# shellcheck source=scripts/peers.sh
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"

# Debian's /usr/sbin/rabbitmq-server switches user and logs to /var/log: the scripts of
# the release are run directly instead.
RABBITMQ_BIN=/usr/lib/rabbitmq/bin

ensure_rabbitmq() {
    # /usr/sbin/rabbitmq-server (Debian's wrapper) tells whether the package is there.
    ensure_packages rabbitmq-server:rabbitmq-server epmd:erlang-base
    [[ -x $RABBITMQ_BIN/rabbitmq-server ]] || die "$RABBITMQ_BIN/rabbitmq-server missing after installing rabbitmq-server"
    command -v epmd >/dev/null 2>&1 || die "epmd missing after installing rabbitmq-server"
}

# rabbitmq_version: "3.10.8".
rabbitmq_version() {
    local d
    for d in /usr/lib/rabbitmq/lib/rabbitmq_server-*; do
        [[ -d $d ]] && printf '%s\n' "${d##*-}"
    done | sort -V | tail -n 1
}

# ensure_pika: sets PYTHON to a python3 that imports pika, installing pika with pip
# (into a venv in $SCRATCH when the system's pip refuses).
ensure_pika() {
    PYTHON=python3
    "$PYTHON" -c 'import pika' 2>/dev/null && return 0
    say "installing pika with pip"
    if ! python3 -m pip install --quiet pika >"$SCRATCH/pip.log" 2>&1; then
        say "system pip refused ($(tail -n 1 "$SCRATCH/pip.log")); using a venv in $SCRATCH/venv"
        python3 -m venv "$SCRATCH/venv" >>"$SCRATCH/pip.log" 2>&1 || die "python3 -m venv failed: $(tail -n 5 "$SCRATCH/pip.log")"
        PYTHON=$SCRATCH/venv/bin/python3
        "$PYTHON" -m pip install --quiet pika >>"$SCRATCH/pip.log" 2>&1 ||
            die "pip install pika failed: $(tail -n 5 "$SCRATCH/pip.log")"
    fi
    "$PYTHON" -c 'import pika' 2>/dev/null || die "pika still not importable after pip install"
}

# pika_version: "1.3.2".
pika_version() {
    "$PYTHON" -c 'import pika; print(pika.__version__)'
}

# amqp_answers PORT: sends the AMQP 0-9-1 protocol header to 127.0.0.1:PORT and succeeds
# when the answer starts with a connection.start method frame on channel 0 (type 1,
# channel 0, class 10, method 10): the broker is up and speaks 0-9-1. Prints the
# probe's local port (RabbitMQ logs the probe as a client that closed unexpectedly).
amqp_answers() {
    python3 - "$1" <<'EOF'
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
    local_port = s.getsockname()[1]
    s.sendall(b"AMQP\x00\x00\x09\x01")
    got = b""
    while len(got) < 11:
        chunk = s.recv(11 - len(got))
        if not chunk:
            break
        got += chunk
    s.close()
except OSError:
    sys.exit(1)
if got[:3] == b"\x01\x00\x00" and got[7:11] == b"\x00\x0a\x00\x0a":
    print(local_port)
    sys.exit(0)
sys.exit(1)
EOF
}

# start_rabbitmq [CONFIG_LINES...]: starts a private epmd on a free 127.0.0.1 port and a
# RabbitMQ node (named iotwire-PID@localhost) on free ports, everything in
# $SCRATCH/rabbitmq, no plugins; extra lines go into rabbitmq.conf. Waits until the
# node answers the protocol header. Sets AMQP_PORT, RABBITMQ_PID, EPMD_PID,
# RABBITMQ_LOG (the node's log file) and RABBITMQ_PROBE_PORT (the client port of the
# readiness probe's connection, which closes without a handshake), and exports the node's environment (rabbitmqctl
# reaches it with HOME=$SCRATCH/rabbitmq/home).
start_rabbitmq() {
    local dir=$SCRATCH/rabbitmq line i
    mkdir -p "$dir/home" "$dir/mnesia" "$dir/log"
    AMQP_PORT=$(free_port)
    local epmd_port dist_port
    epmd_port=$(free_port)
    dist_port=$(free_port)
    while [[ $epmd_port == "$AMQP_PORT" ]]; do epmd_port=$(free_port); done
    while [[ $dist_port == "$AMQP_PORT" || $dist_port == "$epmd_port" ]]; do dist_port=$(free_port); done
    {
        echo "listeners.tcp.default = 127.0.0.1:$AMQP_PORT"
        echo "loopback_users.guest = true"
        echo "log.console = false"
        echo "log.file.level = info"
        for line in "$@"; do echo "$line"; done
    } >"$dir/rabbitmq.conf"
    echo '[].' >"$dir/enabled_plugins"

    export ERL_EPMD_PORT=$epmd_port ERL_EPMD_ADDRESS=127.0.0.1
    export RABBITMQ_NODENAME=iotwire-$$@localhost
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$AMQP_PORT
    export RABBITMQ_DIST_PORT=$dist_port
    export RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf
    export RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
    export RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOG_BASE=$dir/log
    export RABBITMQ_PID_FILE=$dir/rabbitmq.pid
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"

    # Our own epmd, in the foreground (no -daemon) so that its pid is ours to stop:
    # the node registers with it instead of starting a daemon that would outlive it.
    epmd -port "$epmd_port" -address 127.0.0.1 >"$dir/epmd.log" 2>&1 &
    EPMD_PID=$!
    track "$EPMD_PID" epmd
    wait_listening "$epmd_port" "$EPMD_PID" epmd "$dir/epmd.log"

    # HOME only for the node (its Erlang cookie goes there), not for cargo and rustup.
    HOME=$dir/home "$RABBITMQ_BIN/rabbitmq-server" >"$dir/stdout.log" 2>&1 &
    RABBITMQ_PID=$!
    track "$RABBITMQ_PID" rabbitmq-server
    RABBITMQ_LOG=$dir/log/$RABBITMQ_NODENAME.log
    for ((i = 0; i < 300; i++)); do
        kill -0 "$RABBITMQ_PID" 2>/dev/null ||
            die "rabbitmq-server exited during startup; its output ($dir/stdout.log) ends with:
$(tail -n 20 "$dir/stdout.log" 2>/dev/null)
log: $(tail -n 20 "$RABBITMQ_LOG" 2>/dev/null)"
        probe_port=$(amqp_answers "$AMQP_PORT") && break
        sleep 0.1
    done
    ((i < 300)) || die "RabbitMQ (pid $RABBITMQ_PID) does not answer the AMQP header on 127.0.0.1:$AMQP_PORT after 30 s; log: $RABBITMQ_LOG"
    # Whatever answers there must be the node started here (its log is written a
    # moment after the listener opens).
    for ((i = 0; i < 50; i++)); do
        grep -q "started TCP listener on 127.0.0.1:$AMQP_PORT" "$RABBITMQ_LOG" 2>/dev/null && break
        sleep 0.1
    done
    ((i < 50)) ||
        die "what answers on 127.0.0.1:$AMQP_PORT is not the RabbitMQ started (pid $RABBITMQ_PID); log: $RABBITMQ_LOG"
    RABBITMQ_PROBE_PORT=$probe_port
    say "RabbitMQ $(rabbitmq_version) on 127.0.0.1:$AMQP_PORT (node $RABBITMQ_NODENAME, pid $RABBITMQ_PID;" \
        "epmd on 127.0.0.1:$epmd_port, pid $EPMD_PID)"
}

# rabbitmq_log_but_probe: the node's log without the lines of the readiness probe's
# connection.
rabbitmq_log_but_probe() {
    local conn
    # The Erlang process of the probe's connection names its lines.
    conn=$(grep -ao "accepting AMQP connection <[0-9.]*> (127.0.0.1:${RABBITMQ_PROBE_PORT:-none} " "$RABBITMQ_LOG" |
        grep -o '<[0-9.]*>' | head -n 1 || true)
    if [[ -n $conn ]]; then
        grep -avF "$conn" "$RABBITMQ_LOG" || true
    else
        cat "$RABBITMQ_LOG"
    fi
}
