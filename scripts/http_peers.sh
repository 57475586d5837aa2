# Shared by scripts/interop.sh and scripts/capture_http.sh (source it, do not run it):
# installing the HTTP peers, starting nginx and the example server on loopback, and
# stopping every process started here by pid.
#
# The sourcing script sets `set -euo pipefail`, SCRATCH (a scratch folder) and LOG_TAG
# (the prefix of its messages), and calls `trap stop_all EXIT`.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
STARTED_PIDS=()
STARTED_NAMES=()

say() { printf '%s: %s\n' "$LOG_TAG" "$*"; }
die() {
    printf '%s: FAIL: %s\n' "$LOG_TAG" "$*" >&2
    exit 1
}

# ensure_packages CMD:PACKAGE...: installs the Debian packages whose commands are missing.
ensure_packages() {
    local missing=() spec
    for spec in "$@"; do
        command -v "${spec%%:*}" >/dev/null 2>&1 || missing+=("${spec#*:}")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    say "installing ${missing[*]} with apt-get"
    [[ $(id -u) -eq 0 ]] || die "${missing[*]} missing and not root: cannot apt-get install them"
    command -v apt-get >/dev/null || die "${missing[*]} missing and there is no apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >"$SCRATCH/apt.log" 2>&1 ||
        die "apt-get update failed: $(tail -n 5 "$SCRATCH/apt.log")"
    apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$SCRATCH/apt.log" 2>&1 ||
        die "apt-get install ${missing[*]} failed: $(tail -n 5 "$SCRATCH/apt.log")"
    for spec in "$@"; do
        command -v "${spec%%:*}" >/dev/null 2>&1 ||
            die "${spec%%:*} still missing after installing ${spec#*:}"
    done
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# track PID NAME: remembers a process so that stop_all stops it.
track() {
    STARTED_PIDS+=("$1")
    STARTED_NAMES+=("$2")
}

# wait_listening PORT PID NAME LOG: waits until PORT accepts connections; fails if the
# process exits first or after 10 s.
wait_listening() {
    local port=$1 pid=$2 name=$3 log=$4 i
    for ((i = 0; i < 200; i++)); do
        kill -0 "$pid" 2>/dev/null ||
            die "$name exited during startup; its log ($log) ends with:
$(tail -n 20 "$log" 2>/dev/null)"
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    die "$name (pid $pid) is not listening on 127.0.0.1:$port after 10 s; log: $log"
}

# stop_all: stops every tracked process by pid, newest first. For `trap stop_all EXIT`.
stop_all() {
    local i pid
    for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
        pid=${STARTED_PIDS[i]}
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    STARTED_PIDS=()
    STARTED_NAMES=()
}

# make_docroot DIR: the files nginx serves (deterministic content).
make_docroot() {
    python3 "$REPO/scripts/make_docroot.py" "$1" || die "could not write the nginx docroot"
}

# start_nginx: sets NGINX_PORT, NGINX_PID and NGINX_ROOT. The config comes from
# $IOTWIRE_NGINX_CONF_TEMPLATE (default tests/interop/nginx.conf.in).
start_nginx() {
    local template=${IOTWIRE_NGINX_CONF_TEMPLATE:-$REPO/tests/interop/nginx.conf.in}
    local dir=$SCRATCH/nginx user_line=""
    [[ -r $template ]] || die "nginx config template $template not readable"
    mkdir -p "$dir/tmp" "$dir/www"
    chmod 755 "$SCRATCH" "$dir" "$dir/tmp"
    make_docroot "$dir/www"
    if [[ $(id -u) -eq 0 ]]; then
        # Without it the workers run as nobody and WebDAV uploads fail with 500.
        id www-data >/dev/null 2>&1 || die "user www-data does not exist"
        user_line="user www-data;"
        chown www-data: "$dir/www/dav"
    fi
    NGINX_PORT=$(free_port)
    NGINX_ROOT=$dir/www
    sed -e "s|@USER_LINE@|$user_line|" -e "s|@SCRATCH@|$dir|g" -e "s|@PORT@|$NGINX_PORT|g" \
        "$template" >"$dir/nginx.conf"
    nginx -t -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/check.log" 2>&1 ||
        die "nginx rejects its configuration ($dir/nginx.conf):
$(cat "$dir/check.log")"
    nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;' \
        >"$dir/stdout.log" 2>&1 &
    NGINX_PID=$!
    track "$NGINX_PID" nginx
    wait_listening "$NGINX_PORT" "$NGINX_PID" nginx "$dir/error.log"
    # Whatever listens there must be this nginx.
    curl -sS --max-time 10 -D "$dir/ready.hdr" -o /dev/null "http://127.0.0.1:$NGINX_PORT/" ||
        die "nginx does not answer on 127.0.0.1:$NGINX_PORT"
    grep -qi '^Server: nginx' "$dir/ready.hdr" && kill -0 "$NGINX_PID" 2>/dev/null ||
        die "what answers on 127.0.0.1:$NGINX_PORT is not the nginx started (pid $NGINX_PID)"
    say "nginx $(nginx -v 2>&1 | sed 's|.*/||') listening on 127.0.0.1:$NGINX_PORT (pid $NGINX_PID)"
}

# start_example_server: builds and starts examples/http_server; sets SERVER_PORT and
# SERVER_PID.
start_example_server() {
    local target_dir
    (cd "$REPO" && cargo build --example http_server) >"$SCRATCH/build-server.log" 2>&1 ||
        die "cargo build --example http_server failed: $(tail -n 30 "$SCRATCH/build-server.log")"
    target_dir=$(cd "$REPO" && cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
    SERVER_PORT=$(free_port)
    "$target_dir/debug/examples/http_server" "$SERVER_PORT" >"$SCRATCH/http_server.log" 2>&1 &
    SERVER_PID=$!
    track "$SERVER_PID" http_server
    wait_listening "$SERVER_PORT" "$SERVER_PID" "examples/http_server" "$SCRATCH/http_server.log"
    say "examples/http_server listening on 127.0.0.1:$SERVER_PORT (pid $SERVER_PID)"
}
