# Shared by scripts/interop.sh and scripts/capture_http.sh (source it, do not run it):
# installing the HTTP peers, starting nginx and the example server on loopback, and
# stopping every process started here by pid.
#
# The sourcing script sets `set -euo pipefail`, SCRATCH (a scratch folder) and LOG_TAG
# (the prefix of its messages), and calls `trap stop_all EXIT`.

# shellcheck source=scripts/peers.sh
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"

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
