#!/usr/bin/env bash
# Captures real CoAP traffic as test vectors in tests/vectors/coap/captured/.
#
# Re-run:  bash scripts/capture_coap.sh     (as root on Debian 12; about 30 seconds)
#
# It installs libcoap3-bin and tshark with apt-get when missing, starts libcoap's
# coap-server-notls on loopback (UDP and TCP on one port, -d 20 so PUT creates
# resources), records the loopback interface with dumpcap (-B 64: the default 2 MiB
# buffer drops bursts), and runs libcoap's own client, coap-client-notls, once per
# session over UDP (coap://) and TCP (coap+tcp://): GET, a query, PUT, POST, DELETE,
# 4.04, an unknown critical option (4.02), NON, Observe, Block2 and Block1 transfers, a
# separate response, and pings (an Empty CON and its RST over UDP; the CSM exchange and
# Ping/Pong over TCP). Each session's client uses its own local port (-p), which picks
# its packets out of the capture; tshark dissects them and scripts/coap_split.py turns
# them into one file per session:
#
#   tests/vectors/coap/captured/NN-udp-name.tsv, NN-tcp-name.tsv
#
# one message per line, in capture order, with its direction (c: client to server, s:
# server to client), its bytes in hex, and what tshark read in it (type, code, Message
# ID, token); over TCP each direction's stream is split into frames by their RFC 8323
# headers alone and checked against tshark's dissection, and the bytes each way against
# what coap-server-notls logged sending and receiving for that client. tests/vectors/coap/captured/
# MANIFEST.tsv has one line per session, tab-separated, after a header line:
#
#   name  transport  client_messages  server_messages  command  description
#
# Between runs the server port (in Uri-Port), tokens, Message IDs, times and ETags
# change. The script removes the vectors it wrote before (*.tsv) first and leaves
# README.md alone. Fails loudly (exit 1) if a tool cannot be installed or started, or
# a capture does not split; it is run by hand, not by CI (tests/coap_vectors.rs reads
# the files it wrote and needs no peer).
set -euo pipefail

LOG_TAG=capture_coap
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/iotwire-capture-coap.XXXXXX")
# shellcheck source=scripts/coap_peers.sh
source "$(dirname "${BASH_SOURCE[0]}")/coap_peers.sh"

trap finish EXIT

OUT=$REPO/tests/vectors/coap/captured
ensure_libcoap
ensure_packages dumpcap:wireshark-common tshark:tshark
start_coap_server
SERVER=127.0.0.1:$COAP_PORT
mkdir -p "$OUT" "$SCRATCH/sessions"
# dumpcap drops its privileges to the invoking user: it must be able to write here.
chmod 755 "$SCRATCH"

PCAP=$SCRATCH/coap.pcapng
dumpcap -q -i lo -B 64 -f "udp port $COAP_PORT or tcp port $COAP_PORT" -w "$PCAP" \
    2>"$SCRATCH/dumpcap.log" &
DUMPCAP_PID=$!
track "$DUMPCAP_PID" dumpcap
# dumpcap is capturing once a CoAP ping to the server shows in the file.
for ((i = 0; i < 100; i++)); do
    kill -0 "$DUMPCAP_PID" 2>/dev/null || die "dumpcap exited: $(cat "$SCRATCH/dumpcap.log")"
    coap_ping "$COAP_PORT" || die "coap-server-notls stopped answering pings"
    if [[ -s $PCAP ]] && tshark -r "$PCAP" -Y "udp.port == $COAP_PORT" 2>/dev/null | grep -q .; then
        break
    fi
    sleep 0.1
done
((i < 100)) || die "dumpcap captured nothing on lo after 10 s: $(cat "$SCRATCH/dumpcap.log")"
say "dumpcap $(dumpcap -v 2>/dev/null | sed -n 's/^Dumpcap (Wireshark) \([^ ]*\).*/\1/p') on lo (pid $DUMPCAP_PID)"

# What the Block1 sessions upload: 3000 bytes of text.
python3 -c 'import sys; sys.stdout.write("".join("%04d:captured-block1;" % i for i in range(150))[:3000])' \
    >"$SCRATCH/upload.txt"

declare -a SESSIONS=()
N=0
# session TRANSPORT NAME DESCRIPTION ARGS... PATH: one coap-client-notls run on its own
# local port; ARGS are its options, PATH the last argument (with a query, if any).
session() {
    local transport=$1 name=$2 description=$3 port scheme log
    shift 3
    local args=("${@:1:$#-1}") path=${*: -1}
    N=$((N + 1))
    name=$(printf '%02d-%s-%s' "$N" "$transport" "$name")
    port=$(free_coap_port)
    scheme=coap
    [[ $transport == tcp ]] && scheme=coap+tcp
    log=$SCRATCH/sessions/$name.log
    # From the scratch folder, where upload.txt is.
    (cd "$SCRATCH" && exec coap-client-notls -B 10 -p "$port" "${args[@]}" "$scheme://$SERVER$path") \
        >"$log" 2>&1 ||
        die "$name: coap-client-notls ${args[*]} $scheme://$SERVER$path failed: $(cat "$log")"
    local command=coap-client-notls
    ((${#args[@]} == 0)) || command+=" $(printf '%q ' "${args[@]}")"
    command="${command% } $scheme://127.0.0.1:PORT$path"
    SESSIONS+=("$name|$transport|$port|$command|$description")
    say "$name: $command"
}

for t in udp tcp; do
    session "$t" get-core "GET /.well-known/core: link format (Content-Format 40)" /.well-known/core
    session "$t" get "GET /time: text with Max-Age" /time
    session "$t" get-query "GET /time?ticks: Uri-Query" '/time?ticks'
    session "$t" put-create "PUT with Content-Format 0 creates a resource: 2.01" \
        -m put -t 0 -e "created over $t" "/capture-$t/store"
    session "$t" put-change "PUT again: 2.04" -m put -e "changed over $t" "/capture-$t/store"
    session "$t" post "POST: 2.04" -m post -e " and posted" "/capture-$t/store"
    session "$t" delete "DELETE: 2.02" -m delete "/capture-$t/store"
    session "$t" not-found "GET after DELETE: 4.04 with a diagnostic payload" "/capture-$t/store"
    session "$t" bad-option "an unknown critical option (65001): 4.02 Bad Option" \
        -O 65001,x /time
    [[ $t == udp ]] && session "$t" non "-N: a NON request and its NON response" -N /time
    session "$t" observe "Observe /time for 3 s: registration, notifications, deregistration" \
        -s 3 /time
    session "$t" block2 "-b 64: /example_data (1500 bytes) in 64-byte Block2 blocks, ETag, Size2" \
        -b 64 /example_data
    session "$t" block2-server "/example_data without -b: blocks if the server chooses" /example_data
    session "$t" block1 "-b 256 -f: 3000 bytes in 256-byte Block1 blocks, 2.31 Continue" \
        -m put -b 256 -f upload.txt "/capture-$t/large"
    session "$t" separate "/async?1: a response after 1 s (over UDP: Empty ACK, then a CON)" \
        '/async?1'
    if [[ $t == udp ]]; then
        session "$t" ping "-K 1 while /async?2 delays: CoAP ping (Empty CON) and RST" -K 1 '/async?2'
    else
        session "$t" ping "-K 1 while /async?2 delays: CSM exchange, Ping and Pong" -K 1 '/async?2'
    fi
done

# Stop capturing once the last packets are in (SIGINT: dumpcap finishes the file), then
# dissect.
sleep 1
kill -INT "$DUMPCAP_PID"
wait "$DUMPCAP_PID" || true
tshark -r "$PCAP" -d "udp.port==$COAP_PORT,coap" -d "tcp.port==$COAP_PORT,coap" -T json \
    >"$SCRATCH/capture.json" 2>"$SCRATCH/tshark.log" ||
    die "tshark failed: $(tail -n 5 "$SCRATCH/tshark.log")"
TSHARK=$(tshark -v 2>/dev/null | sed -n 's/^TShark (Wireshark) \([^ ]*\).*/\1/p')
LIBCOAP=$(libcoap_version)

rm -f "$OUT"/*.tsv
printf 'name\ttransport\tclient_messages\tserver_messages\tcommand\tdescription\n' >"$OUT/MANIFEST.tsv"
total=0
for s in "${SESSIONS[@]}"; do
    IFS='|' read -r name transport port command description <<<"$s"
    counts=$(python3 "$REPO/scripts/coap_split.py" "$SCRATCH/capture.json" "$transport" \
        "$COAP_PORT" "$port" "$SCRATCH/libcoap/server.log" "$OUT/$name.tsv") ||
        die "$name: the capture does not split"
    read -r c s_count <<<"$counts"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$transport" "$c" "$s_count" "$command" \
        "$description" >>"$OUT/MANIFEST.tsv"
    total=$((total + c + s_count))
    say "$name: $c from the client, $s_count from the server"
done

stop_all
say "wrote ${#SESSIONS[@]} sessions, $total messages (libcoap $LIBCOAP client and server, dissected" \
    "by tshark $TSHARK) to ${OUT#"$REPO"/}"
