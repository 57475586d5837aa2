#!/usr/bin/env bash
# HTTP/1.1 interoperability of iotwire with real peers, on loopback:
#   - curl as the client of examples/http_server (iotwire decoding requests, encoding
#     responses), asserting on what the server reports it decoded;
#   - nginx as the server of tests/interop/main.rs (iotwire encoding requests, decoding
#     responses and chunked bodies).
#
# Usage: bash scripts/interop.sh        (as root on Debian 12: installs nginx and curl)
#
# Installs nginx and curl with apt-get when missing and fails (exit 1, "FAIL: ...") if a
# peer cannot be installed or started: it never skips. Every process it starts is stopped
# by pid on exit. Scratch files go to a mktemp folder, removed on success and kept (and
# named) on failure. IOTWIRE_NGINX_CONF_TEMPLATE overrides tests/interop/nginx.conf.in.
set -euo pipefail

LOG_TAG=interop
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/iotwire-interop.XXXXXX")
# shellcheck source=scripts/http_peers.sh
source "$(dirname "${BASH_SOURCE[0]}")/http_peers.sh"

trap finish EXIT

SUMMARY=()
pass() {
    say "ok   $1"
    SUMMARY+=("$1")
}

# expect_line FILE LINE: FILE has LINE as a whole line.
expect_line() {
    grep -Fxq -- "$2" "$1" || die "expected the line '$2' in $1:
$(head -c 3000 "$1")"
}

fnv1a64() {
    python3 - "$1" <<'EOF'
import sys
h = 0xCBF29CE484222325
for b in open(sys.argv[1], "rb").read():
    h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
print("%016x" % h)
EOF
}

ensure_packages nginx:nginx curl:curl

cd "$REPO"
say "building examples/http_server and the interop client"
cargo build --example http_server >"$SCRATCH/build.log" 2>&1 ||
    die "cargo build --example http_server failed: $(tail -n 30 "$SCRATCH/build.log")"
cargo test --test interop --no-run >>"$SCRATCH/build.log" 2>&1 ||
    die "cargo test --test interop --no-run failed: $(tail -n 30 "$SCRATCH/build.log")"

start_nginx
start_example_server

########################################################################################
# curl -> examples/http_server
########################################################################################
S=http://127.0.0.1:$SERVER_PORT
D=$SCRATCH/curl
mkdir -p "$D"
CURL=(curl --silent --show-error --max-time 30)

# GET
code=$("${CURL[@]}" -o "$D/get.out" -w '%{http_code}' "$S/")
[[ $code == 200 ]] || die "GET / gave $code"
expect_line "$D/get.out" "hello from iotwire"
"${CURL[@]}" -o "$D/echo.out" "$S/echo?a=1&b=%20"
expect_line "$D/echo.out" "method: GET"
expect_line "$D/echo.out" "target: /echo?a=1&b=%20"
expect_line "$D/echo.out" "version: HTTP/1.1"
expect_line "$D/echo.out" "header: Host: 127.0.0.1:$SERVER_PORT"
expect_line "$D/echo.out" "header: Accept: */*"
expect_line "$D/echo.out" "framing: None"
pass "curl -> http_server: GET / and GET /echo decoded (method, target, version, fields)"

# HEAD: same Content-Length as GET, no body.
size=$("${CURL[@]}" --head -o "$D/head.hdr" -w '%{size_download}' "$S/echo")
grep -q '^HTTP/1.1 200 OK' "$D/head.hdr" || die "HEAD /echo: $(cat "$D/head.hdr")"
grep -qi '^Content-Length: [1-9]' "$D/head.hdr" || die "HEAD /echo: no Content-Length"
[[ $size == 0 ]] || die "HEAD /echo got a $size-byte body"
pass "curl -> http_server: HEAD answered with the head only"

# POST with a Content-Length body.
printf 'hello, iotwire' >"$D/small.txt"
"${CURL[@]}" -o "$D/post.out" --data-binary @"$D/small.txt" "$S/echo"
expect_line "$D/post.out" "method: POST"
expect_line "$D/post.out" "header: Content-Length: 14"
expect_line "$D/post.out" "header: Content-Type: application/x-www-form-urlencoded"
expect_line "$D/post.out" "framing: length 14"
expect_line "$D/post.out" "body-length: 14"
expect_line "$D/post.out" "body-fnv1a64: $(fnv1a64 "$D/small.txt")"
pass "curl -> http_server: POST with Content-Length body (14 bytes, checksum matches)"

# A 2 MiB POST after Expect: 100-continue.
cat "$NGINX_ROOT/large.bin" "$NGINX_ROOT/large.bin" >"$D/big.bin"
"${CURL[@]}" -v -o "$D/big.out" -H 'Expect: 100-continue' --data-binary @"$D/big.bin" \
    "$S/echo" 2>"$D/big.err"
grep -q '^< HTTP/1.1 100 Continue' "$D/big.err" || die "no 100 Continue: $(cat "$D/big.err")"
expect_line "$D/big.out" "framing: length $(stat -c %s "$D/big.bin")"
expect_line "$D/big.out" "body-fnv1a64: $(fnv1a64 "$D/big.bin")"
pass "curl -> http_server: 100-continue then a $(stat -c %s "$D/big.bin")-byte POST body"

# Chunked upload.
head -c 300000 "$NGINX_ROOT/large.bin" >"$D/upload.bin"
"${CURL[@]}" -o "$D/chunked.out" -H 'Transfer-Encoding: chunked' \
    --data-binary @"$D/upload.bin" "$S/echo"
expect_line "$D/chunked.out" "header: Transfer-Encoding: chunked"
expect_line "$D/chunked.out" "framing: chunked"
expect_line "$D/chunked.out" "body-length: 300000"
expect_line "$D/chunked.out" "body-fnv1a64: $(fnv1a64 "$D/upload.bin")"
pass "curl -> http_server: chunked upload (300000 bytes, checksum matches)"

# Many header fields.
args=()
for i in $(seq -w 1 40); do args+=(-H "X-Interop-$i: value $i; with, punctuation=\"$i\""); done
"${CURL[@]}" -o "$D/many.out" "${args[@]}" "$S/echo"
expect_line "$D/many.out" "header-count: 43"
for i in $(seq -w 1 40); do
    expect_line "$D/many.out" "header: X-Interop-$i: value $i; with, punctuation=\"$i\""
done
pass "curl -> http_server: 43 header fields, every one decoded"

# Keep-alive: three requests on one connection.
"${CURL[@]}" -v -w '%{http_code} %{num_connects}\n' -o /dev/null -o /dev/null -o /dev/null \
    "$S/" "$S/echo" "$S/nope" >"$D/keepalive.out" 2>"$D/keepalive.err"
reused=$(grep -c 'Re-using existing connection' "$D/keepalive.err" || true)
[[ $reused -eq 2 ]] || die "curl re-used the connection $reused times, want 2:
$(cat "$D/keepalive.err")"
[[ $(tr '\n' ' ' <"$D/keepalive.out") == "200 1 200 0 404 0 " ]] ||
    die "keep-alive statuses/connects: $(cat "$D/keepalive.out")"
pass "curl -> http_server: keep-alive, 3 requests on 1 connection (200 200 404)"

# Raw bytes curl will not send: pipelining and malformed heads.
raw() { python3 "$REPO/scripts/raw_http.py" "$SERVER_PORT" >"$D/$1.out" || die "raw $1 failed"; }
printf '%s' $'GET / HTTP/1.1\r\nHost: a\r\n\r\n' \
    $'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello' \
    $'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n' \
    $'3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nX-Trailer: t1\r\n\r\n' \
    $'GET /echo HTTP/1.1\r\nHost: a\r\n\r\n' | raw pipelined
[[ $(grep -c $'^HTTP/1.1 200 OK\r$' "$D/pipelined.out") -eq 4 ]] ||
    die "pipelined: want 4 responses: $(cat "$D/pipelined.out")"
tr -d '\r' <"$D/pipelined.out" >"$D/pipelined.txt"
expect_line "$D/pipelined.txt" "body-length: 5"
expect_line "$D/pipelined.txt" "framing: chunked"
expect_line "$D/pipelined.txt" "trailer: X-Trailer: t1"
pass "raw -> http_server: 4 pipelined requests (Content-Length, chunked with extension and trailer) in one write"

bad_request() {
    local name=$1 want=$2
    raw "$name"
    grep -q $'^HTTP/1.1 400 Bad Request\r$' "$D/$name.out" ||
        die "$name: want 400, got: $(cat "$D/$name.out")"
    grep -q "$want" "$D/$name.out" || die "$name: want '$want' in: $(cat "$D/$name.out")"
}
printf 'GET / HTTP/1.1\nHost: a\n\n' | bad_request bare-lf 'invalid line ending at offset 14'
printf 'GET / HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n b\r\n\r\n' |
    bad_request obs-fold 'obsolete line folding'
printf 'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' |
    bad_request te-and-cl 'Transfer-Encoding together with Content-Length'
printf 'GET / HTTP/1.1\r\nHost : a\r\n\r\n' | bad_request space-before-colon 'whitespace before the colon'
pass "raw -> http_server: 400 with the decoder's error for bare LF, obs-fold, TE+CL, space before colon"

# Not asserted, reported: bytes RFC 3986 does not allow in a request-target, which curl
# sends as they are. nginx takes them; the strict decoder answers 400.
NOTES=()
for q in 'a|b' 'a^b' '"x"' '`x`' '<x>' '{x}'; do
    ours=$("${CURL[@]}" --globoff -o /dev/null -w '%{http_code}' "$S/echo?q=$q")
    theirs=$("${CURL[@]}" --globoff -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/static.txt?q=$q")
    NOTES+=("target with ?q=$q (sent raw by curl): http_server $ours, nginx $theirs")
done

code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$S/nope")
[[ $code == 404 ]] || die "GET /nope gave $code"
pass "curl -> http_server: 404 for an unknown route"

########################################################################################
# iotwire client (tests/interop/main.rs) -> nginx
########################################################################################
N=http://127.0.0.1:$NGINX_PORT
"${CURL[@]}" -o "$D/nginx.out" "$N/static.txt" || die "curl cannot GET from nginx"
cmp -s "$D/nginx.out" "$NGINX_ROOT/static.txt" || die "nginx served a different static.txt"

say "running the iotwire client against nginx: cargo test --test interop"
IOTWIRE_NGINX_ADDR=127.0.0.1:$NGINX_PORT IOTWIRE_NGINX_ROOT=$NGINX_ROOT \
    cargo test --quiet --test interop 2>"$D/client.err" | tee "$D/client.out" ||
    die "the iotwire client failed against nginx: $(tail -n 20 "$D/client.err")
(nginx log: $SCRATCH/nginx/error.log)"
grep -q '^interop: .* checks passed' "$D/client.out" || die "the interop client did not run"
pass "iotwire client -> nginx: $(grep '^interop: ' "$D/client.out" | sed 's/^interop: //')"

stop_all
say "summary:"
for line in "${SUMMARY[@]}"; do
    printf '  %s\n' "$line"
done
say "notes (not asserted):"
for line in "${NOTES[@]}"; do
    printf '  %s\n' "$line"
done
say "PASS"
