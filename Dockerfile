# PandaProxy: one image for the Home Assistant add-on and for plain Docker.
#
# Build stage: the Maven wrapper on a JDK 17 image makes target/pandaproxy.jar (tests run in
# CI, not here: they drive ffmpeg, GStreamer and Mosquitto).
# Run stage: Alpine with the JRE from Alpine's own packages. The Supervisor passes BUILD_FROM,
# its Alpine-based image for the device's architecture (build.yaml); a plain `docker build`
# uses the same Alpine release, so the add-on and the standalone image run the same JRE.
ARG BUILD_FROM=alpine:3.22

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
# dependencies in their own layer: rebuilt only when the pom changes
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src/main src/main
RUN ./mvnw -B -ntp -q -Dmaven.test.skip=true package

FROM ${BUILD_FROM}
LABEL org.opencontainers.image.title="PandaProxy" \
      org.opencontainers.image.description="Camera and MQTT proxy for BambuLab printers"

# netty-tcnative's BoringSSL is built for glibc; musl's dynamic linker resolves it as it is
# (MuslTlsLibraryTest), so no glibc compatibility package is needed. The start-up log names the
# TLS engine in use (OPENSSL or JDK).
RUN apk add --no-cache openjdk17-jre-headless

COPY --from=build /src/target/pandaproxy.jar /app/pandaproxy.jar
# Class-data sharing: the classes the proxy loads, dumped once into an archive next to the jar,
# which run.sh hands to the JVM (about 3 MB less resident than the JRE's default archive plus
# metaspace). A JRE that cannot dump one still runs the proxy, without it.
COPY src/main/docker/pandaproxy.classlist /app/pandaproxy.classlist
RUN java -Xshare:dump -XX:SharedClassListFile=/app/pandaproxy.classlist \
        -XX:SharedArchiveFile=/app/pandaproxy.jsa -cp /app/pandaproxy.jar > /dev/null 2>&1 \
    || { rm -f /app/pandaproxy.jsa; echo "no class-data sharing archive: the proxy runs without it"; }
COPY run.sh /run.sh
RUN chmod 0755 /run.sh

# Memory: serial GC, a small heap (at most 32 MB: decoding a 1080p keyframe for a snapshot takes
# about 10 MB; Serial GC grows the heap only when needed) and young generation, small thread stacks, C1 only with
# higher compile thresholds (less compiled code), a small string table, no perf-data file, two
# glibc malloc arenas (musl ignores MALLOC_ARENA_MAX). The chamber benchmark reads these flags from
# this file for its "docker" runs (ChamberBenchmark, BENCHMARKS.md). ExitOnOutOfMemoryError lets
# the container restart. Override with -e JAVA_OPTS=... if needed.
ENV JAVA_OPTS="-XX:+UseSerialGC -Xms4m -Xmx32m -Xmn2m -Xss256k -XX:MaxDirectMemorySize=24m -XX:ReservedCodeCacheSize=16m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:CompileThresholdScaling=10 -XX:StringTableSize=4096 -XX:MaxMetaspaceSize=32m -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError" \
    MALLOC_ARENA_MAX=2 \
    DATA_DIR=/data

WORKDIR /app
# 322: RTSP/RTSPS (X1, H2, P2S); 6000: chamber image over TLS (A1, P1); 8765: the web page, MJPEG
# and snapshots (HTTP); 8883: the printer's MQTT relayed (SERVICES=camera,mqtt). Binding ports
# below 1024 works: the container runs as root, and plain Docker also sets
# net.ipv4.ip_unprivileged_port_start=0 in containers.
EXPOSE 322 6000 8765 8883

# Healthy while the proxy serves (a camera port is open, or the MQTT relay is on): GET /healthz answers
# 200, else 503 with the printer connections' states. busybox wget (in the base image), not a JVM, once a minute.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD host="${BIND_ADDRESS:-127.0.0.1}"; case "$host" in 0.0.0.0|::) host=127.0.0.1 ;; esac; \
        wget -q -O /dev/null "http://$host:${HTTP_PORT:-8765}/healthz" || exit 1

# run.sh chooses add-on or standalone mode and execs the JVM, so signals reach it
ENTRYPOINT ["/run.sh"]
CMD []
