# Shared by the peer scripts (scripts/http_peers.sh, scripts/mqtt_peers.sh; source it,
# do not run it): messages, installing Debian packages, free ports, and stopping every
# process started by pid.
#
# The sourcing script sets `set -euo pipefail`, SCRATCH (a scratch folder) and LOG_TAG
# (the prefix of its messages), and calls `trap finish EXIT` (or stop_all from its own
# EXIT trap).

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
    # Deduplicate (mosquitto_pub and mosquitto_sub come in one package).
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
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

# finish: the EXIT trap: stops every tracked process, removes SCRATCH on success and
# keeps (and names) it on failure.
finish() {
    local rc=$?
    stop_all
    if [[ $rc -eq 0 ]]; then
        rm -rf "$SCRATCH"
    else
        echo "$LOG_TAG: FAILED (exit $rc); logs kept in $SCRATCH" >&2
    fi
}
