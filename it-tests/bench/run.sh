#!/usr/bin/env bash
# Shepherd vs HAProxy (mode tcp, nbthread 1; plain and with splice-auto) over the same two nginx
# backends, all on 127.0.0.1, measured in interleaved rounds: keep-alive req/s and latency, new
# connections/s, 1 MiB and 100 MiB throughput, memory per idle connection, edge start-up with demo
# workers, and an end-to-end table with demo workers. Prints medians and ratios Shepherd/HAProxy.
# Not a test: Maven never runs it. See README.md next to this file for the knobs and the figures.
#
# Exit status: 0 all good; 1 a socket error or an error status through Shepherd (warm-ups and the
# idle connections included), or something the script started died or did not come up.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
PATH=$PATH:/usr/sbin:/sbin

JAR=${SHEPHERD_JAR:-$ROOT/proxy/target/shepherd.jar}
DURATION=${BENCH_DURATION:-10}              # seconds per measured wrk run
ROUNDS=${BENCH_ROUNDS:-3}                   # interleaved rounds; the tables show medians
WARMUP=${BENCH_WARMUP:-5}                   # seconds of keep-alive warm-up per target (2 s for the others)
THREADS=${BENCH_THREADS:-1}                 # wrk -t
KA_CONNS=${BENCH_CONNECTIONS:-32}           # wrk -c, small keep-alive responses
CLOSE_CONNS=${BENCH_CLOSE_CONNECTIONS:-16}  # wrk -c, a new connection per request
MIB_CONNS=${BENCH_MIB_CONNECTIONS:-8}       # wrk -c, 1 MiB responses
BIG_CONNS=${BENCH_BIG_CONNECTIONS:-2}       # wrk -c, 100 MiB responses
read -r -a SCENARIOS <<<"${BENCH_SCENARIOS:-ka close 1m 100m}"  # which wrk scenarios, in this order
IDLE_CONNS=${BENCH_IDLE_CONNS:-5000}        # idle connections held through each proxy (0: skip)
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-3}       # edge start-ups timed (0: skip)
STARTUP_TIMEOUT=${BENCH_STARTUP_TIMEOUT:-60}  # seconds until the first 200, each
E2E=${BENCH_E2E:-1}                         # 0: skip the end-to-end table with demo workers
IO_URING=${BENCH_IO_URING:-1}               # 0: skip the tuned Shepherd on io_uring (run where it loads)
KEEP_TMP=${BENCH_KEEP_TMP:-0}               # 1: keep the temp dir (configs, logs, wrk outputs)
# Shepherd's JVM: a fixed heap, so the figures do not depend on the machine's RAM; big enough for
# IDLE_CONNS pairs (about 2.9 KB of live heap each) with room for the young generation; pre-touched,
# so its pages are resident from the start and the idle test's VmRSS delta is native memory only
# (the live heap per connection is measured apart, after a GC).
read -r -a SHEPHERD_JVM <<<"${SHEPHERD_JVM_OPTS:--Xms64m -Xmx64m -XX:+AlwaysPreTouch -XX:+UseSerialGC}"
# Shepherd as a user runs it: the README's first command's JVM options (its class data sharing
# archive, made by mvn package, and Serial GC) and the default event-loop-threads (auto). Measured
# beside the tuned one in the main table, and for the edge start-up.
ARCHIVE=${JAR%.jar}.jsa
DEFAULT_JVM=(-XX:+UseSerialGC)
[[ -f $ARCHIVE ]] && DEFAULT_JVM=(-XX:SharedArchiveFile="$ARCHIVE" -XX:+UseSerialGC)
read -r -a WORKER_JVM <<<"${WORKER_JVM_OPTS:--Xmx256m}"  # demo workers, both sides of the e2e table
DEMO=dev.shepherd.worker.demo.DemoWorker

log() { printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "$*"; exit 1; }
# shellcheck source=processes.sh
source "$HERE/processes.sh"
# shellcheck source=servers.sh
source "$HERE/servers.sh"
# shellcheck source=measure.sh
source "$HERE/measure.sh"
for sc in "${SCENARIOS[@]}"; do
    case $sc in ka | close | 1m | 100m) ;; *) die "BENCH_SCENARIOS: no scenario '$sc' (there are: ka close 1m 100m)" ;; esac
done

# --- what it needs ------------------------------------------------------------------------------
install_missing() {
    local pkgs=() tool
    for tool in haproxy nginx wrk python3; do
        command -v "$tool" >/dev/null || pkgs+=("$tool")
    done
    command -v ps >/dev/null || pkgs+=(procps)
    command -v jcmd >/dev/null || pkgs+=(openjdk-17-jdk-headless)
    [[ -f $JAR ]] || command -v mvn >/dev/null || pkgs+=(maven)
    ((${#pkgs[@]})) || return 0
    ((EUID == 0)) || die "missing: ${pkgs[*]}; install them (apt-get install -y ${pkgs[*]}) or run as root"
    log "installing ${pkgs[*]}"
    # Installing nginx or haproxy starts their system services (nginx on 0.0.0.0:80) unless
    # policy-rc.d says no: say no for the time of the install, if nothing says so already.
    local policy=/usr/sbin/policy-rc.d ours=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && ours=1
    fi
    local rc=0
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"; } >&2 || rc=$?
    ((ours)) && rm -f "$policy"
    ((rc == 0)) || die "apt-get failed"
}
install_missing
if [[ ! -f $JAR ]]; then
    log "building $JAR"
    mvn -B -q package -DskipTests >&2
elif [[ -n $(find proxy/src worker-runtime/src -newer "$JAR" -type f -print -quit 2>/dev/null) ]]; then
    log "warning: sources are newer than $JAR; rebuild with: mvn -B -q package -DskipTests"
fi

# Holding IDLE_CONNS pairs takes two descriptors each in the proxy (one in the client). HAProxy
# and the JVM raise their own soft limit up to the hard one.
FDS=$((2 * IDLE_CONNS + 4096))
if (($(ulimit -Hn) < FDS)); then
    ulimit -n "$FDS" 2>/dev/null || die "need $FDS open files, hard limit $(ulimit -Hn): raise it or lower BENCH_IDLE_CONNS"
fi
(($(ulimit -Sn) >= FDS)) || ulimit -Sn "$FDS"

BUSY=$(busy_percent)
((BUSY <= 15)) || log "warning: the machine is ${BUSY}% busy before the benchmark starts; figures will be noisy"

# --- the run's temp dir and processes ----------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/shepherd-bench.XXXXXX")
PIDS=()
NAMES=()
LOG_SHOWN=0
SHOW_LOG=shepherd  # whose log tail a failure shows

# Every process the script starts carries this in its environment, and so do their descendants
# (nginx's worker, Shepherd's workers): the last sweep at exit finds them by it, never by name.
export SHEPHERD_BENCH_RUN="$$-$RANDOM$RANDOM"

cleanup() {
    local rc=$? i live=()
    for i in "${!PIDS[@]}"; do
        [[ -n ${PIDS[$i]} ]] && live+=("${PIDS[$i]}")
    done
    ((${#live[@]} == 0)) || stop_pids "${live[@]}"
    marked
    ((${#MARKED[@]} == 0)) || { log "stopping leftovers: ${MARKED[*]}"; term_pids 5 "${MARKED[@]}"; }
    if ((rc == 1)) && [[ $LOG_SHOWN == 0 && -s $TMP/$SHOW_LOG.log ]]; then
        log "last 40 lines of $TMP/$SHOW_LOG.log:"
        tail -n 40 "$TMP/$SHOW_LOG.log" >&2
    fi
    if ((rc != 0)) || [[ $KEEP_TMP == 1 ]]; then
        log "logs and wrk outputs kept in $TMP"
    elif [[ -s $TMP/report.txt ]]; then
        find "$TMP" -mindepth 1 -maxdepth 1 ! -name rows.txt ! -name facts.txt ! -name report.txt -exec rm -rf {} +
        log "report and figures kept in $TMP (print again: $HERE/report.py $TMP/rows.txt $TMP/facts.txt)"
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Free loopback ports below the ephemeral range, so that the many short-lived client connections
# never collide with them: 13 single ones, then one block of 6 per Shepherd edge with managed
# workers (listen, admin, workers from first-port on, with spares).
EDGES=$((STARTUP_RUNS + 1))
read -r -a PORTS < <(python3 "$HERE/benchtool.py" ports 13 "$EDGES" 6)
read -r PORT_NGINX_A PORT_NGINX_B PORT_HAPROXY PORT_SPLICE PORT_SHEPHERD PORT_ADMIN \
    PORT_WORKER_A PORT_WORKER_B PORT_HAPROXY_E2E PORT_DEFAULTS PORT_ADMIN_DEFAULTS PORT_URING PORT_ADMIN_URING <<<"${PORTS[*]:0:13}"
EDGE_BLOCKS=("${PORTS[@]:13}")

FACTS=$TMP/facts.txt
ROWS=$TMP/rows.txt
: >"$ROWS"
fact() { printf '%s=%s\n' "$1" "$2" >>"$FACTS"; }

# nginx's files
mkdir -p "$TMP/www"
head -c $((1 << 20)) /dev/zero >"$TMP/www/1m"
head -c $((100 << 20)) /dev/zero >"$TMP/www/100m"
chmod 711 "$TMP"  # nginx's worker runs as nobody when started by root: it may pass, not list
chmod -R a+rX "$TMP/www"

# sidecar_props LISTEN ADMIN [OPTION...]: a Shepherd over the two nginx backends, one option a line
sidecar_props() {
    printf '%s\n' -Dshepherd.listen.host=127.0.0.1 -Dshepherd.listen.port="$1" -Dshepherd.admin.port="$2" "${@:3}" \
        -Dshepherd.backends.0=127.0.0.1:"$PORT_NGINX_A" -Dshepherd.backends.1=127.0.0.1:"$PORT_NGINX_B"
}
mapfile -t SIDECAR_PROPS < <(sidecar_props "$PORT_SHEPHERD" "$PORT_ADMIN" -Dshepherd.event-loop-threads=1)
mapfile -t DEFAULTS_PROPS < <(sidecar_props "$PORT_DEFAULTS" "$PORT_ADMIN_DEFAULTS")
mapfile -t URING_PROPS < <(sidecar_props "$PORT_URING" "$PORT_ADMIN_URING" -Dshepherd.event-loop-threads=1 -Dshepherd.transport=io_uring)

# Where each target of each table listens, and which process serves it.
declare -A PORT_OF=(
    [main/direct]=$PORT_NGINX_A [main/haproxy]=$PORT_HAPROXY [main/splice]=$PORT_SPLICE
    [main/shepherd]=$PORT_SHEPHERD [main/defaults]=$PORT_DEFAULTS [main/uring]=$PORT_URING [e2e/direct]=$PORT_WORKER_A [e2e/haproxy]=$PORT_HAPROXY_E2E
)
declare -A PROC_OF=(
    [main/direct]=nginx-a [main/haproxy]=haproxy [main/splice]=haproxy-splice [main/shepherd]=shepherd [main/defaults]=shepherd-defaults
    [main/uring]=shepherd-uring
    [e2e/direct]=worker-a [e2e/haproxy]=haproxy-e2e [e2e/shepherd]=shepherd-e2e
)
declare -A CONNS_OF=([ka]=$KA_CONNS [close]=$CLOSE_CONNS [1m]=$MIB_CONNS [100m]=$BIG_CONNS)
declare -A PATH_OF=([ka]=/ [close]=/ [1m]=/1m [100m]=/100m)
RUN_N=0

# --- the run ------------------------------------------------------------------------------------
log "temp dir $TMP; CPU busy before start: ${BUSY}%"
fact date "$(date '+%Y-%m-%d %H:%M %Z')"
fact machine "$(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r)"
fact haproxy "$(haproxy -v | head -n1)"
fact nginx "$(nginx -v 2>&1)"
fact wrk "$( (wrk -v 2>&1 || true) | head -n1)"
fact java "$(java -version 2>&1 | sed -n 2p)"
git_rev() { git -C "$ROOT" log -1 --format=%h "$@" 2>/dev/null || echo '?'; }
fact shepherd "$(java -jar "$JAR" --version 2>&1 | head -n1), git $(git_rev) (proxy code as of $(git_rev -- proxy worker-runtime pom.xml))$(
    git -C "$ROOT" diff --quiet HEAD -- proxy worker-runtime 2>/dev/null || echo ', with uncommitted changes')"
fact shepherd_jvm "${SHEPHERD_JVM[*]}"
fact defaults_jvm "${DEFAULT_JVM[*]}"
fact worker_jvm "${WORKER_JVM[*]}"
fact busy "${BUSY}% of the CPU busy in the second before the start"
fact load "$(cut -d' ' -f1-3 /proc/loadavg) (load average at start)"
fact rounds "$ROUNDS"
fact duration "$DURATION"
fact clk_tck "$(getconf CLK_TCK)"
fact idle.conns "$IDLE_CONNS"
for sc in "${!CONNS_OF[@]}"; do fact "conns.$sc" "${CONNS_OF[$sc]}"; done

nginx_conf nginx-a "$PORT_NGINX_A"
nginx_conf nginx-b "$PORT_NGINX_B"
haproxy_conf haproxy "$PORT_HAPROXY" 0 "$PORT_NGINX_A" "$PORT_NGINX_B"
haproxy_conf haproxy-splice "$PORT_SPLICE" 1 "$PORT_NGINX_A" "$PORT_NGINX_B"
check_shepherd shepherd "$ROOT/conf/sidecar.conf" \
    "backends +\[127.0.0.1:$PORT_NGINX_A, 127.0.0.1:$PORT_NGINX_B\]" "${SIDECAR_PROPS[@]}"
for b in nginx-a nginx-b; do
    start "$b" nginx -e stderr -p "$TMP/$b" -c "$TMP/$b/nginx.conf"
done
start haproxy haproxy -db -f "$TMP/haproxy.cfg"
start haproxy-splice haproxy -db -f "$TMP/haproxy-splice.cfg"
start shepherd java "${SHEPHERD_JVM[@]}" "${SIDECAR_PROPS[@]}" -jar "$JAR" -c "$ROOT/conf/sidecar.conf"
start shepherd-defaults java "${DEFAULT_JVM[@]}" "${DEFAULTS_PROPS[@]}" -jar "$JAR" -c "$ROOT/conf/sidecar.conf"
EDGES_UP=(shepherd:"$PORT_SHEPHERD" shepherd-defaults:"$PORT_DEFAULTS")
# The tuned Shepherd on io_uring, where it loads (`shepherd check` says whether it does).
if ((IO_URING)); then
    if java "${SHEPHERD_JVM[@]}" "${URING_PROPS[@]}" -jar "$JAR" check -c "$ROOT/conf/sidecar.conf" >"$TMP/shepherd-uring-check.txt" 2>&1; then
        start shepherd-uring java "${SHEPHERD_JVM[@]}" "${URING_PROPS[@]}" -jar "$JAR" -c "$ROOT/conf/sidecar.conf"
        EDGES_UP+=(shepherd-uring:"$PORT_URING")
        fact uring ok
        fact uring_settings "${SHEPHERD_JVM[*]}, event-loop-threads 1, transport io_uring"
    elif grep -q '^error: transport: ' "$TMP/shepherd-uring-check.txt"; then
        fact uring "n/a ($(sed -n 's/^error: transport: \(.*\) (transport = auto.*$/\1/p' "$TMP/shepherd-uring-check.txt"))"
    else
        cat "$TMP/shepherd-uring-check.txt" >&2
        die "shepherd check failed for the io_uring edge"
    fi
else
    fact uring "skipped (BENCH_IO_URING=0)"
fi
wait_port nginx-a "$PORT_NGINX_A"
wait_port nginx-b "$PORT_NGINX_B"
wait_port haproxy "$PORT_HAPROXY"
wait_port haproxy-splice "$PORT_SPLICE"
# Shepherd admits a backend once `rise` health checks pass: wait for its first 200, not just its port.
for edge in "${EDGES_UP[@]}"; do
    wait_port "${edge%%:*}" "${edge#*:}"
    python3 "$HERE/benchtool.py" first200 "${edge#*:}" "$(pid_of "${edge%%:*}")" "$(python3 -c 'import time; print(time.time_ns())')" 30 \
        >/dev/null || die "${edge%%:*} answered no 200 within 30 s of listening"
done

MAIN_TARGETS=(direct haproxy splice shepherd defaults)
if [[ " ${EDGES_UP[*]} " == *" shepherd-uring:"* ]]; then MAIN_TARGETS+=(uring); fi
wants() { [[ " ${SCENARIOS[*]} " == *" $1 "* ]]; }
for t in "${MAIN_TARGETS[@]}"; do run_wrk main ka "$t" 0 "$WARMUP"; done
for sc in close 1m; do
    wants "$sc" || continue
    for t in "${MAIN_TARGETS[@]:1}"; do run_wrk main "$sc" "$t" 0 2; done
done
for ((r = 1; r <= ROUNDS; r++)); do
    for sc in "${SCENARIOS[@]}"; do
        for t in "${MAIN_TARGETS[@]}"; do run_wrk main "$sc" "$t" "$r" "$DURATION"; done
    done
done

if ((IDLE_CONNS > 0)); then
    idle_test haproxy
    idle_test shepherd
fi
for p in nginx-a nginx-b haproxy haproxy-splice shepherd shepherd-defaults shepherd-uring; do stop "$p"; done

# Edge start-up as the README runs it: from exec of the JVM to the first 200 through it, with its
# two demo workers; then a rolling restart of each worker: its replacement's spawn to UP.
EDGE_NA=""
STARTUP_MS=()
RESTART_MS=()
RESTART_NA=""
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for ((i = 0; i < STARTUP_RUNS; i++)); do
    SHOW_LOG=edge-startup-$i
    start_edge "edge-startup-$i" "${EDGE_BLOCKS[$i]}" readme "${DEFAULT_JVM[@]}" || break
    log "edge start-up $i: ${EDGE_MS} ms to the first 200"
    STARTUP_MS+=("$EDGE_MS")
    sleep 1  # past the start-up's own work, as a restart of a running edge is
    restart_workers "edge-startup-$i" "${EDGE_BLOCKS[$i]}"
    log "edge start-up $i: worker restarts so far, spawn to UP: ${RESTART_MS[*]:-none} ms"
    stop "edge-startup-$i"
done
if ((${#STARTUP_MS[@]})); then
    fact startup "$(median "${STARTUP_MS[@]}")"
    fact startup.runs "${STARTUP_MS[*]}"
    if ((${#RESTART_MS[@]})); then
        fact restart "$(median "${RESTART_MS[@]}")"
        fact restart.runs "${RESTART_MS[*]}${RESTART_NA:+ (and: $RESTART_NA)}"
    else
        fact restart "n/a ($RESTART_NA)"
    fi
elif ((STARTUP_RUNS > 0)); then
    fact startup "n/a (see below)"
    fact startup.runs "n/a ($EDGE_NA)"
fi

# --- end to end: demo workers behind HAProxy (started here) and behind Shepherd (managed) --------
if ((E2E)); then
    for id in a b; do
        port_var=PORT_WORKER_${id^^}
        start "worker-$id" env SHEPHERD_WORKER_ID="$id" SHEPHERD_WORKER_PORT="${!port_var}" \
            java "${WORKER_JVM[@]}" -cp "$JAR" "$DEMO"
    done
    haproxy_conf haproxy-e2e "$PORT_HAPROXY_E2E" 0 "$PORT_WORKER_A" "$PORT_WORKER_B"
    start haproxy-e2e haproxy -db -f "$TMP/haproxy-e2e.cfg"
    wait_port worker-a "$PORT_WORKER_A"
    wait_port worker-b "$PORT_WORKER_B"
    wait_port haproxy-e2e "$PORT_HAPROXY_E2E"
    E2E_TARGETS=(direct haproxy)
    base=${EDGE_BLOCKS[$STARTUP_RUNS]}
    if [[ -n $EDGE_NA ]]; then
        fact e2e.shepherd "n/a (as for the start-up: $EDGE_NA)"
    else
        SHOW_LOG=shepherd-e2e
        if start_edge shepherd-e2e "$base" tuned "${SHEPHERD_JVM[@]}"; then
            PORT_OF[e2e/shepherd]=$base
            E2E_TARGETS+=(shepherd)
            fact e2e.shepherd ok
        else
            fact e2e.shepherd "n/a ($EDGE_NA)"
        fi
    fi
    for t in "${E2E_TARGETS[@]}"; do run_wrk e2e ka "$t" 0 "$WARMUP"; done
    if wants close; then
        for t in "${E2E_TARGETS[@]:1}"; do run_wrk e2e close "$t" 0 2; done
    fi
    for ((r = 1; r <= ROUNDS; r++)); do
        for sc in ka close; do
            wants "$sc" || continue
            for t in "${E2E_TARGETS[@]}"; do run_wrk e2e "$sc" "$t" "$r" "$DURATION"; done
        done
    done
else
    fact e2e skipped
fi

echo
python3 "$HERE/report.py" "$ROWS" "$FACTS" | tee "$TMP/report.txt"
echo "OK: no errors through Shepherd; total time $((SECONDS / 60)) min $((SECONDS % 60)) s"
