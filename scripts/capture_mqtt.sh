#!/usr/bin/env bash
# Captures real MQTT traffic as test vectors in tests/vectors/mqtt/.
#
# Re-run:  bash scripts/capture_mqtt.sh     (as root on Debian 12; about 20 seconds)
#
# It installs mosquitto and mosquitto-clients with apt-get when missing, starts mosquitto
# (config tests/interop_mqtt/mosquitto.conf.in: an anonymous listener and a password
# listener) on loopback, and runs mosquitto's own clients, mosquitto_pub and
# mosquitto_sub, in MQTT 3.1.1, 5.0 and 3.1, each through scripts/record_proxy.py, a
# one-connection recording proxy. One session is one TCP connection, so one file per
# direction:
#
#   tests/vectors/mqtt/NN-VER-name.client.hex   every byte the client sent, in order
#   tests/vectors/mqtt/NN-VER-name.server.hex   every byte mosquitto sent, in order
#
# (VER is v311, v5 or v31.)
#
# Hex files are lowercase hex, 32 bytes per line; ignore whitespace when reading.
# tests/vectors/mqtt/MANIFEST.tsv has one line per session, tab-separated, after a
# header line:
#
#   name  version  client  client_packets  server_packets  description
#
# version: 3.1, 3.1.1 or 5.0, the version both directions are decoded in;
# client_packets / server_packets: the packet types in each stream, comma-separated ("-"
# for none), as scripts/mqtt_split.py frames them by their fixed headers alone. The
# script checks them against what the client itself logged (-d): the types it logged
# sending must be exactly client_packets, those it logged receiving a prefix of
# server_packets (a client may exit before reading the broker's last packet).
#
# Messages the sessions receive are published by unrecorded mosquitto_pub runs straight
# to the broker. Client identifiers and topics are fixed, so the bytes vary between runs
# only where a 5.0 Message Expiry Interval is counted down by the broker. The script
# removes the vectors it wrote before (*.hex and MANIFEST.tsv) first and leaves
# README.md alone. Fails loudly (exit 1) if a peer cannot be installed or started, or a
# capture fails.
set -euo pipefail

LOG_TAG=capture_mqtt
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/iotwire-capture-mqtt.XXXXXX")
# shellcheck source=scripts/mqtt_peers.sh
source "$(dirname "${BASH_SOURCE[0]}")/mqtt_peers.sh"

trap finish EXIT

OUT=$REPO/tests/vectors/mqtt
REC=$SCRATCH/rec
ensure_mosquitto
command -v stdbuf >/dev/null || die "stdbuf (coreutils) is missing"
start_mosquitto
mkdir -p "$OUT" "$REC"
rm -f "$OUT"/*.hex "$OUT/MANIFEST.tsv"
printf 'name\tversion\tclient\tclient_packets\tserver_packets\tdescription\n' >"$OUT/MANIFEST.tsv"
VERSION=$(mosquitto_version)
declare -A PROXY_PIDS
N=0

# tool_version 3.1.1 -> mqttv311 (what -V takes).
tool_version() {
    case $1 in
    3.1) echo mqttv31 ;;
    3.1.1) echo mqttv311 ;;
    5.0) echo mqttv5 ;;
    *) die "unknown version $1" ;;
    esac
}

# next_name VERSION NAME: sets NAME_OUT to "NN-VER-NAME" (VER: v311, v5, v31) with the next number.
next_name() {
    local tag=v${1//./}
    [[ $1 == 5.0 ]] && tag=v5
    N=$((N + 1))
    NAME_OUT=$(printf '%02d-%s-%s' "$N" "$tag" "$2")
}

# proxy NAME UPSTREAM_PORT: starts a recording proxy for session NAME in front of
# UPSTREAM_PORT; sets PROXY_PORT.
proxy() {
    local name=$1 upstream=$2 pid i
    python3 "$REPO/scripts/record_proxy.py" "$upstream" "$REC/$name.port" "$REC/$name" \
        2>"$REC/$name.proxy.log" &
    pid=$!
    track "$pid" "record_proxy $name"
    PROXY_PIDS[$name]=$pid
    for ((i = 0; i < 200; i++)); do
        [[ -s $REC/$name.port ]] && break
        kill -0 "$pid" 2>/dev/null || die "record_proxy for $name exited: $(cat "$REC/$name.proxy.log")"
        sleep 0.05
    done
    [[ -s $REC/$name.port ]] || die "record_proxy for $name did not start"
    PROXY_PORT=$(cat "$REC/$name.port")
}

# logged sending|received LOG: the packet types a mosquitto client logged (-d) sending or
# receiving, comma-separated. It logs a SUBSCRIBE or UNSUBSCRIBE once per topic filter:
# consecutive lines with the same Mid are one packet.
logged() {
    awk -v dir="$1" '$1 == "Client" && $3 == dir {
        key = ""
        if ($4 ~ /SUBSCRIBE/ && match($0, /Mid: [0-9]+/)) key = $4 substr($0, RSTART, RLENGTH)
        if (key == "" || key != prev) print $4
        prev = key
    }' "$2" | paste -sd, -
}

# record NAME VERSION CLIENT DESCRIPTION: waits for the proxy of NAME to write the two
# streams, checks that they split into whole packets and agree with what the client
# logged in $REC/NAME.log, and adds them to tests/vectors/mqtt and the manifest.
record() {
    local name=$1 version=$2 client=$3 description=$4 c s sent got
    wait "${PROXY_PIDS[$name]}" || die "record_proxy failed for $name: $(cat "$REC/$name.proxy.log")"
    c=$(python3 "$REPO/scripts/mqtt_split.py" "$version" "$REC/$name.request.hex") ||
        die "$name: the client's bytes do not split into packets"
    s=$(python3 "$REPO/scripts/mqtt_split.py" "$version" "$REC/$name.response.hex") ||
        die "$name: mosquitto's bytes do not split into packets"
    sent=$(logged sending "$REC/$name.log")
    got=$(logged received "$REC/$name.log")
    [[ $c == "${sent:--}" ]] ||
        die "$name: the client logged sending ${sent:--}, but its bytes hold $c:
$(cat "$REC/$name.log")"
    case "$s," in
    "$got,"*) ;;
    *) die "$name: the client logged receiving ${got:--}, but mosquitto's bytes hold $s" ;;
    esac
    mv "$REC/$name.request.hex" "$OUT/$name.client.hex"
    mv "$REC/$name.response.hex" "$OUT/$name.server.hex"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$version" "$client $VERSION" "$c" "$s" \
        "$description" >>"$OUT/MANIFEST.tsv"
    say "$name: client $c; mosquitto $s"
}

# pub VERSION NAME UPSTREAM_PORT WANT_RC DESCRIPTION ARGS...: one mosquitto_pub session
# through a recording proxy; it must exit with WANT_RC. Reads its stdin (for -l).
pub() {
    local version=$1 upstream=$3 want_rc=$4 description=$5 rc=0
    next_name "$version" "$2"
    local name=$NAME_OUT
    shift 5
    proxy "$name" "$upstream"
    stdbuf -oL mosquitto_pub -h 127.0.0.1 -p "$PROXY_PORT" -V "$(tool_version "$version")" -d \
        "$@" >"$REC/$name.log" 2>&1 || rc=$?
    [[ $rc == "$want_rc" ]] ||
        die "$name: mosquitto_pub exited with $rc, want $want_rc: $(cat "$REC/$name.log")"
    record "$name" "$version" mosquitto_pub "$description"
}

# sub_start VERSION NAME ARGS...: starts one mosquitto_sub session through a recording
# proxy in front of the anonymous listener and waits until its SUBACK came; sets SUB_NAME
# and SUB_PID.
sub_start() {
    local version=$1 i
    next_name "$version" "$2"
    SUB_NAME=$NAME_OUT
    shift 2
    proxy "$SUB_NAME" "$MQTT_PORT"
    stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$PROXY_PORT" -V "$(tool_version "$version")" -d \
        "$@" >"$REC/$SUB_NAME.log" 2>&1 &
    SUB_PID=$!
    track "$SUB_PID" "mosquitto_sub $SUB_NAME"
    for ((i = 0; i < 200; i++)); do
        grep -q 'received SUBACK' "$REC/$SUB_NAME.log" 2>/dev/null && return 0
        kill -0 "$SUB_PID" 2>/dev/null ||
            die "$SUB_NAME: mosquitto_sub exited before its SUBACK: $(cat "$REC/$SUB_NAME.log")"
        sleep 0.05
    done
    die "$SUB_NAME: no SUBACK after 10 s: $(cat "$REC/$SUB_NAME.log")"
}

# sub_finish VERSION NAME PID WANT_RC DESCRIPTION: waits for that mosquitto_sub to exit
# with WANT_RC ("kill": kills it first, no DISCONNECT), then records the session.
sub_finish() {
    local version=$1 name=$2 pid=$3 want_rc=$4 description=$5 rc=0
    if [[ $want_rc == kill ]]; then
        kill -KILL "$pid"
        wait "$pid" 2>/dev/null || true
    else
        wait "$pid" || rc=$?
        [[ $rc == "$want_rc" ]] ||
            die "$name: mosquitto_sub exited with $rc, want $want_rc: $(cat "$REC/$name.log")"
    fi
    record "$name" "$version" mosquitto_sub "$description"
}

# send VERSION ARGS...: an unrecorded mosquitto_pub straight to the broker.
send() {
    local version=$1
    shift
    mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -V "$(tool_version "$version")" -i capture-sender \
        "$@" >"$REC/send.log" 2>&1 || die "mosquitto_pub $* failed: $(cat "$REC/send.log")"
}

python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 80)' >"$SCRATCH/large.bin"

for v in 3.1.1 5.0; do
    T=iotwire/capture/v${v//./}
    V5=()
    [[ $v == 5.0 ]] && V5=(x)

    pub "$v" pub-qos0 "$MQTT_PORT" 0 "mosquitto_pub -q 0: CONNECT, PUBLISH, DISCONNECT" \
        -i capture-pub -q 0 -t "$T/pub" -m 'hello at QoS 0'
    pub "$v" pub-qos1 "$MQTT_PORT" 0 "mosquitto_pub -q 1: PUBLISH and PUBACK" \
        -i capture-pub -q 1 -t "$T/pub" -m 'hello at QoS 1'
    pub "$v" pub-qos2 "$MQTT_PORT" 0 "mosquitto_pub -q 2: PUBLISH, PUBREC, PUBREL, PUBCOMP" \
        -i capture-pub -q 2 -t "$T/pub" -m 'hello at QoS 2'
    pub "$v" pub-retained "$MQTT_PORT" 0 "mosquitto_pub -q 1 -r: a retained PUBLISH" \
        -i capture-pub -q 1 -r -t "$T/retained" -m 'retained value'
    send "$v" -t "$T/retained" -r -n
    pub "$v" pub-large "$MQTT_PORT" 0 \
        "mosquitto_pub -f: 20480-byte binary payload at QoS 1 (3-byte Remaining Length)" \
        -i capture-pub -q 1 -t "$T/large" -f "$SCRATCH/large.bin"
    pub "$v" pub-auth "$MQTT_AUTH_PORT" 0 "CONNECT with user name and password, accepted" \
        -i capture-auth -q 1 -t "$T/auth" -m 'authenticated' -u "$MQTT_USER" -P "$MQTT_PASSWORD"
    want=5
    [[ $v == 5.0 ]] && want=135
    pub "$v" pub-auth-refused "$MQTT_AUTH_PORT" "$want" \
        "CONNECT with a wrong password: refusing CONNACK ($want), connection closed" \
        -i capture-auth -q 1 -t "$T/auth" -m 'refused' -u "$MQTT_USER" -P 'wrong password'

    # Subscriber: a retained message on subscribing, then QoS 0, 1 and 2 (and, in 5.0,
    # with properties and a Subscription Identifier).
    send "$v" -t "$T/sub/kitchen/temp" -q 1 -r -m '21.5'
    extra=()
    [[ ${#V5[@]} -gt 0 ]] && extra=(-D subscribe subscription-identifier 3
        -D subscribe user-property on subscribe -D connect session-expiry-interval 0)
    sub_start "$v" sub -i capture-sub -q 2 -C 4 -t "$T/sub/+/temp" -t "$T/sub/alarm/#" \
        "${extra[@]}"
    props=()
    [[ ${#V5[@]} -gt 0 ]] && props=(-D publish user-property k v -D publish content-type text/plain
        -D publish payload-format-indicator 1 -D publish response-topic "$T/reply"
        -D publish correlation-data corr-1)
    send "$v" -t "$T/sub/hall/temp" -q 0 -m '19.0'
    send "$v" -t "$T/sub/alarm/fire" -q 1 -m 'fire' "${props[@]}"
    send "$v" -t "$T/sub/alarm/fire/zone/2" -q 2 -m 'zone 2' "${props[@]}"
    description="mosquitto_sub -q 2 on + and # filters: a retained PUBLISH, then QoS 0, 1 and 2 with PUBACK, PUBREC/PUBREL/PUBCOMP"
    [[ ${#V5[@]} -gt 0 ]] && description+="; Subscription Identifier and User Property on SUBSCRIBE, message properties"
    sub_finish "$v" "$SUB_NAME" "$SUB_PID" 0 "$description"
    send "$v" -t "$T/sub/kitchen/temp" -r -n

    # UNSUBSCRIBE (-U) in a persistent session.
    extra=()
    [[ ${#V5[@]} -gt 0 ]] && extra=(-x 60 -D unsubscribe user-property on unsubscribe)
    sub_start "$v" unsubscribe -i capture-unsub -c -E -t "$T/unsub/kept" -U "$T/unsub/#" "${extra[@]}"
    sub_finish "$v" "$SUB_NAME" "$SUB_PID" 0 \
        "mosquitto_sub -c -E -U: SUBSCRIBE and UNSUBSCRIBE in a persistent session, SUBACK, UNSUBACK"

    # Keep alive 5 s: one PINGREQ before -W 7 ends it (exit code 27, timed out).
    sub_start "$v" keepalive -i capture-keepalive -k 5 -W 7 -t "$T/quiet"
    sub_finish "$v" "$SUB_NAME" "$SUB_PID" 27 "mosquitto_sub -k 5: PINGREQ and PINGRESP"

    # Will: a watcher, then a client with a will killed (no DISCONNECT).
    sub_start "$v" will-watcher -i capture-watcher -q 2 -C 1 -t "$T/will/#"
    watcher=$SUB_NAME watcher_pid=$SUB_PID
    extra=()
    [[ ${#V5[@]} -gt 0 ]] && extra=(-D will content-type text/plain -D will user-property why killed
        -D will message-expiry-interval 600 -D will payload-format-indicator 1
        -D will correlation-data will-corr -D will response-topic "$T/will/reply"
        -D connect session-expiry-interval 0)
    sub_start "$v" will-killed -i capture-will -t "$T/quiet" --will-topic "$T/will/gone" \
        --will-payload 'capture-will went away' --will-qos 2 --will-retain "${extra[@]}"
    sub_finish "$v" "$SUB_NAME" "$SUB_PID" kill \
        "mosquitto_sub with a retained QoS 2 will$([[ ${#V5[@]} -gt 0 ]] && echo ' and will properties'), killed: no DISCONNECT"
    sub_finish "$v" "$watcher" "$watcher_pid" 0 \
        "mosquitto_sub -q 2 receiving the will of the killed client (QoS 2 flow)"
    send "$v" -t "$T/will/gone" -r -n
done

# 5.0 only.
v=5.0
T=iotwire/capture/v50
pub "$v" pub-properties "$MQTT_PORT" 0 \
    "mosquitto_pub -q 2 with every -D publish property, CONNECT properties and DISCONNECT properties" \
    -i capture-props -q 2 -t "$T/props" -m '{"temp": 21.5}' \
    -D publish user-property k v -D publish user-property k2 'second value' \
    -D publish content-type application/json -D publish message-expiry-interval 3600 \
    -D publish payload-format-indicator 1 -D publish correlation-data corr-0042 \
    -D publish response-topic "$T/reply" \
    -D connect session-expiry-interval 30 -D connect receive-maximum 7 \
    -D connect maximum-packet-size 65536 -D connect topic-alias-maximum 4 \
    -D connect request-problem-information 1 -D connect request-response-information 1 \
    -D connect user-property from capture \
    -D disconnect session-expiry-interval 0 -D disconnect user-property bye now
pub "$v" pub-topic-alias "$MQTT_PORT" 0 \
    "mosquitto_pub -l -D publish topic-alias 1: the first PUBLISH sets the alias, the next ones have an empty topic; PUBACK 0x10 (no subscribers)" \
    -i capture-alias -q 1 -t "$T/a/long/topic/name/for/the/alias" -l -D publish topic-alias 1 \
    < <(printf 'first\nsecond\nthird\n')
send "$v" -t "$T/rap" -q 1 -r -m 'stored'
sub_start "$v" sub-options -i capture-options -q 1 -C 2 -t "$T/rap" --retain-as-published \
    -D subscribe subscription-identifier 268435455
send "$v" -t "$T/rap" -q 1 -r -m 'live and retained'
sub_finish "$v" "$SUB_NAME" "$SUB_PID" 0 \
    "mosquitto_sub --retain-as-published, Subscription Identifier 268435455 (4 bytes): stored and live retained PUBLISH, both RETAIN 1"
send "$v" -t "$T/rap" -r -n

# 3.1 (MQIsdp).
pub 3.1 pub-qos1 "$MQTT_PORT" 0 "mosquitto_pub -V mqttv31 -q 1: CONNECT with protocol name MQIsdp" \
    -i capture-v31 -q 1 -t iotwire/capture/v31/pub -m 'hello from 3.1'

# In session order (a session is recorded when it ends).
{
    head -n 1 "$OUT/MANIFEST.tsv"
    tail -n +2 "$OUT/MANIFEST.tsv" | sort
} >"$SCRATCH/manifest" && mv "$SCRATCH/manifest" "$OUT/MANIFEST.tsv"

stop_all
say "wrote $(($(wc -l <"$OUT/MANIFEST.tsv") - 1)) sessions to ${OUT#"$REPO"/}"
