#!/bin/sh
# PandaProxy's container entrypoint (POSIX sh: Alpine's busybox).
#
# Add-on mode, when the Supervisor's options file exists or SUPERVISOR_TOKEN is set: the
# program itself reads the options file (and asks the Supervisor for the MQTT broker).
# Standalone mode otherwise: the configuration comes from environment variables
# (PRINTER_IP, ACCESS_CODE, ...) and any arguments, e.g. --demo.
#
# Ends by exec'ing the JVM, so that docker stop's SIGTERM reaches it. Prints only the names of
# settings, never their values: nothing secret ever reaches the log from here.
set -eu

OPTIONS_FILE="${PANDAPROXY_OPTIONS_FILE:-/data/options.json}"
JAR="${PANDAPROXY_JAR:-/app/pandaproxy.jar}"

say() {
    echo "pandaproxy: $*" >&2
}

# whether one of the arguments is the option $1 (alone or as --option=value)
has_option() {
    option=$1
    shift
    for arg in "$@"; do
        case "$arg" in
            "$option" | "$option"=*) return 0 ;;
        esac
    done
    return 1
}

if [ -f "$OPTIONS_FILE" ] || [ -n "${SUPERVISOR_TOKEN:-}" ]; then
    if [ ! -r "$OPTIONS_FILE" ]; then
        say "add-on mode, but the options file $OPTIONS_FILE is missing: start the add-on from Home Assistant"
        exit 2
    fi
    PANDAPROXY_ADDON=1
    PANDAPROXY_OPTIONS_FILE="$OPTIONS_FILE"
    export PANDAPROXY_ADDON PANDAPROXY_OPTIONS_FILE
    say "add-on mode"
else
    if ! has_option --demo "$@" && ! has_option --help "$@" && ! has_option -h "$@" \
        && ! has_option --version "$@" && ! has_option -V "$@"; then
        missing=""
        if [ -z "${PRINTER_IP:-}" ] && ! has_option --printer-ip "$@"; then
            missing="PRINTER_IP"
        fi
        if [ -z "${ACCESS_CODE:-}" ] && ! has_option --access-code "$@"; then
            missing="${missing:+$missing and }ACCESS_CODE"
        fi
        if [ -n "$missing" ]; then
            say "set $missing, e.g. docker run -e PRINTER_IP=192.168.1.50 -e ACCESS_CODE=12345678 ... (or run with --demo)"
            exit 2
        fi
    fi
    say "standalone mode"
fi

# the class-data-sharing archive the image dumps next to the jar (Dockerfile): a smaller JVM
share=""
if [ -r "${JAR%.jar}.jsa" ]; then
    share="-XX:SharedArchiveFile=${JAR%.jar}.jsa"
fi

# JAVA_OPTS is split into words on purpose; no globbing of its words
set -f
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} $share -jar "$JAR" "$@"
