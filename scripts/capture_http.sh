#!/usr/bin/env bash
# Captures real HTTP/1.1 traffic as test vectors in tests/vectors/http/.
#
# Re-run:  bash scripts/capture_http.sh     (as root on Debian 12; a few seconds)
#
# It installs nginx and curl with apt-get when missing, starts nginx (config
# tests/interop/nginx.conf.in, docroot written by scripts/make_docroot.py with fixed
# content and mtimes) and examples/http_server on loopback, and runs curl through
# scripts/record_proxy.py, a one-connection recording proxy, once per exchange. Each
# exchange is one TCP connection, so one file per direction:
#
#   tests/vectors/http/NN-name.request.hex    every byte curl sent, in order
#   tests/vectors/http/NN-name.response.hex   every byte the server sent, in order
#
# Hex files are lowercase hex, 32 bytes per line; ignore whitespace when reading. A
# connection with several requests (keep-alive) has them back to back, bodies included.
# tests/vectors/http/MANIFEST.tsv has one line per exchange, tab-separated, after a
# header line:
#
#   name  client  server  methods  statuses  description
#
# methods: the request methods in order, comma-separated (a response decoder needs
# them: a response to HEAD has no body); statuses: the status of each response as curl
# reported it, comma-separated, one per request; an interim 1xx response is joined to
# the final one with "+" ("100+201": the bytes hold a 100 Continue head, then the 201).
#
# The bytes vary between runs only in Date fields (and the example server's port-free
# Host: curl is pointed at the proxy with --connect-to, so Host is always "localhost").
# The script removes the vectors it wrote before (*.hex and MANIFEST.tsv) first.
# Fails loudly (exit 1) if a peer cannot be installed or started, or a capture fails.
set -euo pipefail

LOG_TAG=capture
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/iotwire-capture.XXXXXX")
# shellcheck source=scripts/http_peers.sh
source "$(dirname "${BASH_SOURCE[0]}")/http_peers.sh"

trap finish EXIT

OUT=$REPO/tests/vectors/http
ensure_packages nginx:nginx curl:curl
start_nginx
start_example_server
mkdir -p "$OUT"
rm -f "$OUT"/*.hex "$OUT/MANIFEST.tsv"
printf 'name\tclient\tserver\tmethods\tstatuses\tdescription\n' >"$OUT/MANIFEST.tsv"

# capture NAME SERVER METHODS STATUSES DESCRIPTION CURL_ARGS...: runs curl once through a fresh
# recording proxy in front of SERVER (nginx or http_server). In CURL_ARGS, URLs are
# http://localhost/...; curl is sent to the proxy with --connect-to, and its status codes
# are collected with -w (both repeated after every --next). Fails unless curl sent
# METHODS and got STATUSES (comma-separated, in order).
capture() {
    local name=$1 server=$2 methods=$3 want=$4 description=$5 upstream proxy_pid port i
    shift 5
    case $server in
    nginx) upstream=$NGINX_PORT ;;
    http_server) upstream=$SERVER_PORT ;;
    *) die "unknown server $server" ;;
    esac
    rm -f "$SCRATCH/proxy.port"
    python3 "$REPO/scripts/record_proxy.py" "$upstream" "$SCRATCH/proxy.port" "$OUT/$name" \
        2>"$SCRATCH/proxy-$name.log" &
    proxy_pid=$!
    track "$proxy_pid" record_proxy
    for ((i = 0; i < 200; i++)); do
        [[ -s $SCRATCH/proxy.port ]] && break
        kill -0 "$proxy_pid" 2>/dev/null || die "record_proxy exited: $(cat "$SCRATCH/proxy-$name.log")"
        sleep 0.05
    done
    port=$(cat "$SCRATCH/proxy.port" 2>/dev/null) || die "record_proxy did not start"
    # --next starts a new set of options: repeat the common ones after each.
    local common=(--verbose --silent --show-error --max-time 30 --connect-to "localhost:80:127.0.0.1:$port"
        -w '%{http_code},') args=() a
    args=("${common[@]}")
    for a in "$@"; do
        case $a in
        --next) args+=(--next "${common[@]}") ;;
        *) args+=("$a") ;;
        esac
    done
    curl "${args[@]}" >"$SCRATCH/curl-$name.out" 2>"$SCRATCH/curl-$name.err" ||
        die "curl failed for $name: $(cat "$SCRATCH/curl-$name.err")"
    wait "$proxy_pid" || die "record_proxy failed for $name: $(cat "$SCRATCH/proxy-$name.log")"
    [[ -s $OUT/$name.request.hex && -s $OUT/$name.response.hex ]] ||
        die "$name: nothing recorded"
    # Status lines as curl -v shows them, each 1xx joined to the final status with "+";
    # the final ones must agree with curl's -w '%{http_code}'.
    local statuses finals sent
    statuses=$(sed -n 's|^< HTTP/[0-9.]* \([0-9]\{3\}\).*|\1|p' "$SCRATCH/curl-$name.err" |
        awk '$1 < 200 { pre = pre $1 "+"; next } { out = out (out ? "," : "") pre $1; pre = "" }
             END { print out }')
    finals=$(grep -o '[0-9]\{3\},' "$SCRATCH/curl-$name.out" | tr -d '\n')
    sent=$(sed -n 's/^> \([A-Z]*\) .*/\1/p' "$SCRATCH/curl-$name.err" | paste -sd,)
    [[ $sent == "$methods" && $statuses == "$want" && $(sed 's/1[0-9][0-9]+//g' <<<"$statuses"), == "$finals" ]] ||
        die "$name: curl sent $sent and got $statuses ($finals); want $methods and $want"
    local label=examples/http_server
    [[ $server == nginx ]] && label="nginx $(nginx -v 2>&1 | sed 's|.*/||')"
    printf '%s\tcurl %s\t%s\t%s\t%s\t%s\n' "$name" "$(curl --version | head -n1 | cut -d' ' -f2)" \
        "$label" "$methods" "$statuses" "$description" >>"$OUT/MANIFEST.tsv"
    say "$name: $methods -> $statuses ($(hex_len "$OUT/$name.request.hex") bytes sent," \
        "$(hex_len "$OUT/$name.response.hex") received)"
}

hex_len() { echo $(($(tr -d '\n' <"$1" | wc -c) / 2)); }

U=http://localhost
O=(-o /dev/null)
head -c 20000 "$NGINX_ROOT/text.txt" >"$SCRATCH/upload.txt"
many=()
for i in $(seq -w 1 40); do many+=(-H "X-Field-$i: value $i"); done
etag=$(curl -sS -D - -o /dev/null "http://127.0.0.1:$NGINX_PORT/static.txt" |
    tr -d '\r' | sed -n 's/^ETag: //Ip')
lastmod=$(curl -sS -D - -o /dev/null "http://127.0.0.1:$NGINX_PORT/static.txt" |
    tr -d '\r' | sed -n 's/^Last-Modified: //Ip')
[[ -n $etag && -n $lastmod ]] || die "nginx gave no ETag or Last-Modified"

capture 01-get-static nginx GET 200 "GET of a static file: Content-Length body" \
    "${O[@]}" "$U/static.txt"
capture 02-head nginx HEAD 200 "HEAD: Content-Length 1048576 and no body" \
    --head "${O[@]}" "$U/large.bin"
capture 03-post-body nginx POST 200 "POST with a urlencoded Content-Length body" \
    "${O[@]}" --data-binary 'name=iotwire&value=42' "$U/post"
capture 04-chunked-upload nginx PUT 201 "WebDAV PUT of 20000 bytes, chunked (curl sends one chunk)" \
    "${O[@]}" -X PUT -H 'Transfer-Encoding: chunked' --data-binary @"$SCRATCH/upload.txt" \
    "$U/dav/upload.txt"
capture 05-streamed-upload nginx PUT 100+201 \
    "WebDAV PUT from a pipe (curl -T -): chunked, one chunk per piece read; Expect: 100-continue" \
    "${O[@]}" -T - "$U/dav/stream.txt" < <(
        for piece in 'first piece\n' 'second, longer piece of the body\n' 'last\n'; do
            printf "$piece"
            sleep 0.3
        done
    )
capture 06-many-headers nginx GET 200 "GET with 43 header fields" \
    "${O[@]}" "${many[@]}" "$U/static.txt"
capture 07-keep-alive nginx GET,GET,HEAD,GET 200,404,200,200 \
    "four requests on one connection: 200, 404 (with a body), HEAD, 200" \
    "${O[@]}" "${O[@]}" "$U/static.txt" "$U/missing" \
    --next --head "${O[@]}" "$U/index.html" \
    --next "${O[@]}" "$U/index.html"
capture 08-gzip-chunked nginx GET 200 "Accept-Encoding: gzip: gzip body in several chunks" \
    "${O[@]}" -H 'Accept-Encoding: gzip' "$U/text.txt"
capture 09-not-modified nginx GET,GET 304,304 \
    "If-None-Match then If-Modified-Since, both 304 (no body), one connection" \
    "${O[@]}" -H "If-None-Match: $etag" "$U/static.txt" \
    --next "${O[@]}" -H "If-Modified-Since: $lastmod" "$U/static.txt"
capture 10-expect-continue nginx PUT 100+201 \
    "Expect: 100-continue: the response bytes are a 100 then the 201" \
    "${O[@]}" -X PUT -H 'Expect: 100-continue' --data-binary @"$NGINX_ROOT/static.txt" \
    "$U/dav/expect.txt"
capture 11-put-get-delete nginx PUT,GET,DELETE 100+201,200,204 \
    "PUT (curl -T: Content-Length, Expect: 100-continue), GET it back, DELETE, one connection" \
    "${O[@]}" -T "$NGINX_ROOT/static.txt" "$U/dav/static-copy.txt" \
    --next "${O[@]}" "$U/dav/static-copy.txt" \
    --next "${O[@]}" -X DELETE "$U/dav/static-copy.txt"
capture 12-http10-until-close nginx GET 200 \
    "HTTP/1.0 request with gzip: response without length, body runs until close" \
    "${O[@]}" --http1.0 -H 'Accept-Encoding: gzip' "$U/static.txt"
capture 13-uri-too-long nginx GET 414 \
    "request line over nginx's 1 KiB limit: 414, connection closed" \
    "${O[@]}" "$U/$(printf 'x%.0s' $(seq 1 1500))"
capture 14-example-chunked-echo http_server POST 200 \
    "curl's chunked POST of 20000 bytes to examples/http_server /echo" \
    "${O[@]}" -H 'Transfer-Encoding: chunked' --data-binary @"$SCRATCH/upload.txt" "$U/echo"
capture 15-example-keep-alive http_server GET,HEAD,GET 200,200,404 \
    "examples/http_server: GET, HEAD, 404 on one connection" \
    "${O[@]}" "$U/" --next --head "${O[@]}" "$U/echo" --next "${O[@]}" "$U/nope"

stop_all
say "wrote $(($(wc -l <"$OUT/MANIFEST.tsv") - 1)) exchanges to ${OUT#"$REPO"/}"
