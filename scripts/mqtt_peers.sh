# Shared by scripts/interop_mqtt.sh and scripts/capture_mqtt.sh (source it, do not run
# it): installing mosquitto and its clients, starting the broker on loopback with an
# anonymous listener and a password listener, and stopping every process started here
# by pid.
#
# The sourcing script sets `set -euo pipefail`, SCRATCH (a scratch folder) and LOG_TAG
# (the prefix of its messages), and calls stop_all from its EXIT trap.

# shellcheck source=scripts/peers.sh
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"

# The one account of the password listener. The password file is written from these
# with mosquitto_passwd at every start; the interop client gets them from the
# environment (IOTWIRE_MQTT_USER, IOTWIRE_MQTT_PASSWORD).
MQTT_USER=iotwire
MQTT_PASSWORD='interop-S3cret:with spaces'

ensure_mosquitto() {
    ensure_packages mosquitto:mosquitto mosquitto_passwd:mosquitto \
        mosquitto_pub:mosquitto-clients mosquitto_sub:mosquitto-clients
}

# mosquitto_version: "2.0.11".
mosquitto_version() {
    # `mosquitto -h` exits with status 3.
    { mosquitto -h 2>/dev/null || true; } | sed -n 's/^mosquitto version \([^ ]*\).*/\1/p' | head -n 1
}

# start_mosquitto: writes the config (tests/interop_mqtt/mosquitto.conf.in) and the
# password file into $SCRATCH/mosquitto, starts the broker in the background and waits
# until both listeners answer a real MQTT exchange. Sets MQTT_PORT (anonymous),
# MQTT_AUTH_PORT (user name and password) and MOSQUITTO_PID.
start_mosquitto() {
    local template=$REPO/tests/interop_mqtt/mosquitto.conf.in dir=$SCRATCH/mosquitto
    [[ -r $template ]] || die "mosquitto config template $template not readable"
    mkdir -p "$dir"
    # mosquitto drops to user mosquitto when started as root: it must reach the folder
    # and read the password file.
    chmod 755 "$SCRATCH" "$dir"
    rm -f "$dir/passwd"
    mosquitto_passwd -c -b "$dir/passwd" "$MQTT_USER" "$MQTT_PASSWORD" >"$dir/passwd.log" 2>&1 ||
        die "mosquitto_passwd failed: $(cat "$dir/passwd.log")"
    chmod 600 "$dir/passwd"
    if [[ $(id -u) -eq 0 ]]; then
        id mosquitto >/dev/null 2>&1 || die "user mosquitto does not exist"
        chown mosquitto: "$dir/passwd"
    fi
    MQTT_PORT=$(free_port)
    MQTT_AUTH_PORT=$(free_port)
    while [[ $MQTT_AUTH_PORT == "$MQTT_PORT" ]]; do MQTT_AUTH_PORT=$(free_port); done
    sed -e "s|@PORT@|$MQTT_PORT|g" -e "s|@AUTH_PORT@|$MQTT_AUTH_PORT|g" \
        -e "s|@PASSWORD_FILE@|$dir/passwd|g" "$template" >"$dir/mosquitto.conf"
    mosquitto -c "$dir/mosquitto.conf" >"$dir/stdout.log" 2>"$dir/mosquitto.log" &
    MOSQUITTO_PID=$!
    track "$MOSQUITTO_PID" mosquitto
    wait_mqtt_ready "$MQTT_PORT" && wait_mqtt_ready "$MQTT_AUTH_PORT" -u "$MQTT_USER" -P "$MQTT_PASSWORD"
    # Whatever answers there must be the broker started here.
    grep -q "Opening ipv4 listen socket on port $MQTT_AUTH_PORT" "$dir/mosquitto.log" &&
        kill -0 "$MOSQUITTO_PID" 2>/dev/null ||
        die "what answers on 127.0.0.1:$MQTT_PORT is not the mosquitto started (pid $MOSQUITTO_PID)"
    say "mosquitto $(mosquitto_version) on 127.0.0.1:$MQTT_PORT (anonymous) and" \
        "127.0.0.1:$MQTT_AUTH_PORT (password) (pid $MOSQUITTO_PID)"
}

# wait_mqtt_ready PORT [ARGS...]: retries a QoS 1 mosquitto_pub until the broker
# acknowledges it; fails if mosquitto exits first or after 10 s.
wait_mqtt_ready() {
    local port=$1 i
    shift
    for ((i = 0; i < 100; i++)); do
        kill -0 "$MOSQUITTO_PID" 2>/dev/null ||
            die "mosquitto exited during startup; its log ($SCRATCH/mosquitto/mosquitto.log) ends with:
$(tail -n 20 "$SCRATCH/mosquitto/mosquitto.log" 2>/dev/null)"
        if mosquitto_pub -h 127.0.0.1 -p "$port" "$@" -q 1 -t iotwire/ready -n \
            -i "iotwire-ready-$$" >"$SCRATCH/mosquitto/ready.log" 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    die "mosquitto (pid $MOSQUITTO_PID) does not accept a PUBLISH on 127.0.0.1:$port after 10 s:
$(cat "$SCRATCH/mosquitto/ready.log"); log: $SCRATCH/mosquitto/mosquitto.log"
}
