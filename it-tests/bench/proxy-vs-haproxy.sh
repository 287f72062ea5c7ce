#!/usr/bin/env bash
# Requests/s and p99 through Shepherd vs HAProxy (mode tcp, nbthread 1), both in front of the same
# two DemoWorker backends, in one run, all on 127.0.0.1. Not a test: Maven never runs it.
#
# Needs: haproxy, wrk, java 17, python3, and proxy/target/shepherd.jar
#        (mvn -B -q -o package -DskipTests). See README.md next to this file.
#
# Exit status: 0 all good; 1 some Shepherd run (warm-ups included) had a socket error or a response
# with status > 399, or something the script started died or did not come up.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAR=${SHEPHERD_JAR:-$ROOT/proxy/target/shepherd.jar}
DURATION=${BENCH_DURATION:-10}              # seconds per measured run
WARMUP=${BENCH_WARMUP:-5}                   # seconds of warm-up per target (keep-alive)
CLOSE_WARMUP=${BENCH_CLOSE_WARMUP:-3}       # seconds of warm-up per proxy (Connection: close)
ROUNDS=${BENCH_ROUNDS:-2}                   # HAProxy, Shepherd rounds with keep-alive
CONNS=${BENCH_CONNECTIONS:-32}              # wrk -c for keep-alive runs
CLOSE_CONNS=${BENCH_CLOSE_CONNECTIONS:-16}  # wrk -c for Connection: close runs
KEEP_TMP=${BENCH_KEEP_TMP:-0}               # 1: keep the temp dir (logs, wrk outputs) on success too

for tool in haproxy wrk java python3; do
    command -v "$tool" >/dev/null || { echo "bench: '$tool' not found on PATH" >&2; exit 1; }
done
[[ -f $JAR ]] || { echo "bench: $JAR missing; run: mvn -B -q -o package -DskipTests" >&2; exit 1; }

# Other work on the machine skews every figure: say so up front (CPU busy over one second).
busy_percent() {
    local a b sample='/^cpu / { print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8 }'
    read -r -a a < <(awk "$sample" /proc/stat)
    sleep 1
    read -r -a b < <(awk "$sample" /proc/stat)
    awk -v busy=$((b[0] - a[0])) -v total=$((b[1] - a[1])) 'BEGIN { printf "%.0f", total ? 100 * busy / total : 0 }'
}
IDLE_CHECK=$(busy_percent)
if ((IDLE_CHECK > 15)); then
    echo "bench: warning: the machine is ${IDLE_CHECK}% busy before the benchmark starts; figures will be noisy" >&2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/shepherd-bench.XXXXXX")
PIDS=()
NAMES=()
FAILED=0
LOG_SHOWN=0

log() { printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

cleanup() {
    local rc=$?
    local i
    for i in "${!PIDS[@]}"; do
        kill -TERM "${PIDS[$i]}" 2>/dev/null || true
    done
    local deadline=$((SECONDS + 10))
    for i in "${!PIDS[@]}"; do
        while kill -0 "${PIDS[$i]}" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
        if kill -0 "${PIDS[$i]}" 2>/dev/null; then
            log "${NAMES[$i]} (pid ${PIDS[$i]}) ignored SIGTERM, sending SIGKILL"
            kill -KILL "${PIDS[$i]}" 2>/dev/null || true
        fi
        wait "${PIDS[$i]}" 2>/dev/null || true
    done
    if ((rc != 0)) && [[ $LOG_SHOWN == 0 && -s $TMP/shepherd.log ]]; then
        log "last 40 lines of the Shepherd log ($TMP/shepherd.log):"
        tail -n 40 "$TMP/shepherd.log" >&2
    fi
    if ((rc != 0)) || [[ $KEEP_TMP == 1 ]]; then
        log "logs and wrk outputs kept in $TMP"
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Five free loopback ports below the ephemeral range, so that the many short-lived client
# connections of the Connection: close runs never collide with them. Checked free by binding them.
cat >"$TMP/ports.py" <<'EOF'
import random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
socks, tried = [], set()
while len(socks) < 5:
    port = random.randrange(10000, max(low, 10001))
    if port in tried:
        continue
    tried.add(port)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        socks.append(s)
    except OSError:
        s.close()
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
read -r PORT_A PORT_B PORT_H PORT_S PORT_ADMIN < <(python3 "$TMP/ports.py")

start() {  # start NAME LOGFILE CMD... : runs CMD in the background, remembers its pid
    local name=$1 logfile=$2
    shift 2
    "$@" >"$logfile" 2>&1 &
    PIDS+=("$!")
    NAMES+=("$name")
    log "started $name (pid $!): $*"
}

pid_of() {
    local i
    for i in "${!NAMES[@]}"; do
        [[ ${NAMES[$i]} == "$1" ]] && { echo "${PIDS[$i]}"; return; }
    done
    return 1
}

died() {  # died NAME WHEN : reports how a process the script started ended, and fails
    local name=$1 pid status=0
    pid=$(pid_of "$name")
    wait "$pid" 2>/dev/null || status=$?
    if ((status > 128)); then
        log "$name (pid $pid) was killed by signal $((status - 128)) ($(kill -l $((status - 128)))) $2"
    else
        log "$name (pid $pid) exited with status $status $2"
    fi
    log "last lines of its log ($TMP/$name.log):"
    tail -n 30 "$TMP/$name.log" >&2
    [[ $name == shepherd ]] && LOG_SHOWN=1
    exit 1
}

wait_port() {  # wait_port NAME PORT LOGFILE : until 127.0.0.1:PORT accepts, or 30 s
    local name=$1 port=$2 logfile=$3 pid
    pid=$(pid_of "$name")
    local deadline=$((SECONDS + 30))
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null; then
            died "$name" "before listening on $port"
        fi
        if ((SECONDS >= deadline)); then
            log "$name not listening on $port after 30 s; its log:"
            tail -n 30 "$logfile" >&2
            exit 1
        fi
        sleep 0.1
    done
}

# --- backends -----------------------------------------------------------------------------------
# The DemoWorker sets TCP_NODELAY itself and answers "Connection: close" when asked for it.
for id in a b; do
    port_var=PORT_${id^^}
    start "backend-$id" "$TMP/backend-$id.log" env SHEPHERD_WORKER_ID="$id" SHEPHERD_WORKER_PORT="${!port_var}" \
        java -Xmx256m -cp "$JAR" dev.shepherd.worker.demo.DemoWorker
done

# --- HAProxy ------------------------------------------------------------------------------------
cat >"$TMP/haproxy.cfg" <<EOF
global
    nbthread 1
    maxconn 4096

defaults
    mode tcp
    timeout connect 1s
    timeout client 1h
    timeout server 1h
    retries 2
    option redispatch

frontend bench
    bind 127.0.0.1:$PORT_H
    default_backend demo

backend demo
    balance roundrobin
    server a 127.0.0.1:$PORT_A
    server b 127.0.0.1:$PORT_B
EOF
haproxy -c -q -f "$TMP/haproxy.cfg"
start haproxy "$TMP/haproxy.log" haproxy -db -f "$TMP/haproxy.cfg"

# --- Shepherd -----------------------------------------------------------------------------------
SHEPHERD_PROPS=(
    -Dshepherd.listen.host=127.0.0.1
    -Dshepherd.listen.port="$PORT_S"
    -Dshepherd.admin.port="$PORT_ADMIN"
    -Dshepherd.event-loop-threads=1
    -Dshepherd.backends.0=127.0.0.1:"$PORT_A"
    -Dshepherd.backends.1=127.0.0.1:"$PORT_B"
)
# Fail early, and make sure the -D overrides really replace the file's backends.
java "${SHEPHERD_PROPS[@]}" -jar "$JAR" check -c "$ROOT/conf/sidecar.conf" >"$TMP/shepherd-check.txt" 2>&1 || {
    cat "$TMP/shepherd-check.txt" >&2
    exit 1
}
grep -q "backends *\[127.0.0.1:$PORT_A, 127.0.0.1:$PORT_B\]" "$TMP/shepherd-check.txt" || {
    log "the -Dshepherd.backends.N overrides did not take effect:"
    cat "$TMP/shepherd-check.txt" >&2
    exit 1
}
# -Xms32m: the heap grows with use, so RSS shows what Shepherd needs rather than an initial heap
# sized from the machine's RAM.
start shepherd "$TMP/shepherd.log" java -Xms32m -Xmx256m "${SHEPHERD_PROPS[@]}" -jar "$JAR" -c "$ROOT/conf/sidecar.conf"

wait_port backend-a "$PORT_A" "$TMP/backend-a.log"
wait_port backend-b "$PORT_B" "$TMP/backend-b.log"
wait_port haproxy "$PORT_H" "$TMP/haproxy.log"
wait_port shepherd "$PORT_S" "$TMP/shepherd.log"
log "ports: backend-a $PORT_A, backend-b $PORT_B, haproxy $PORT_H, shepherd $PORT_S; temp dir $TMP"

# --- wrk runs -----------------------------------------------------------------------------------
# wrk's done() hook prints one machine-readable line; the human-readable output is kept as well.
# errors.status counts HTTP responses with status > 399 (what wrk prints as "Non-2xx or 3xx").
cat >"$TMP/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d timeout=%d status=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
EOF

declare -A PORT_OF=([direct]=$PORT_A [haproxy]=$PORT_H [shepherd]=$PORT_S)
declare -A PROC_OF=([direct]=backend-a [haproxy]=haproxy [shepherd]=shepherd)
# One row per run: phase target conns requests rps p50 p99 connect read write timeout status bad
# other-cpu% file
ROWS=()
RUN_N=0

# CPU jiffies: machine busy, machine total, and used by us (the processes the script started plus
# its reaped children, which include every finished wrk). The difference between the first and the
# machine's busy time is what other processes took during a run.
cpu_sample() {
    local busy_total ours=0 pid
    busy_total=$(awk '/^cpu / { print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8 }' /proc/stat)
    for pid in "${PIDS[@]}"; do
        [[ -r /proc/$pid/stat ]] || continue
        ours=$((ours + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')))
    done
    ours=$((ours + $(sed 's/.*) //' "/proc/$$/stat" | awk '{ print $14 + $15 }')))
    echo "$busy_total $ours"
}

# "bad" = every error: socket errors (connect, read, write, timeout) plus responses with status > 399.
run_wrk() {  # run_wrk PHASE TARGET CONNS SECONDS [extra wrk args...]
    local phase=$1 target=$2 conns=$3 secs=$4
    shift 4
    local port=${PORT_OF[$target]} out line proc_pid
    RUN_N=$((RUN_N + 1))
    out="$TMP/wrk-$(printf %02d $RUN_N)-$phase-$target.txt"
    log "$phase: $target, wrk -t1 -c$conns -d${secs}s $*"
    local before after
    before=$(cpu_sample)
    timeout $((secs + 30)) wrk -t1 -c"$conns" -d"${secs}s" --latency -s "$TMP/report.lua" "$@" \
        "http://127.0.0.1:$port/" >"$out" 2>&1 || { log "wrk failed:"; cat "$out" >&2; exit 1; }
    after=$(cpu_sample)
    line=$(grep '^BENCH ' "$out") || { log "no BENCH line in $out"; cat "$out" >&2; exit 1; }
    proc_pid=$(pid_of "${PROC_OF[$target]}")
    if ! kill -0 "$proc_pid" 2>/dev/null; then
        died "${PROC_OF[$target]}" "during the $phase run"
    fi
    ROWS+=("$(awk -v phase="$phase" -v target="$target" -v conns="$conns" -v file="$out" \
            -v before="$before" -v after="$after" '
        { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
        END {
            split(before, b, " "); split(after, a, " ")
            other = (a[2] > b[2]) ? 100 * ((a[1] - b[1]) - (a[3] - b[3])) / (a[2] - b[2]) : 0
            if (other < 0) other = 0
            bad = v["connect"] + v["read"] + v["write"] + v["timeout"] + v["status"]
            printf "%s %s %d %d %.0f %.3f %.3f %d %d %d %d %d %d %.0f %s\n", phase, target, conns, v["requests"],
                v["requests"] / (v["duration_us"] / 1e6), v["p50_us"] / 1000, v["p99_us"] / 1000,
                v["connect"], v["read"], v["write"], v["timeout"], v["status"], bad, other, file
        }' <<<"$line")")
}

CLOSE=(-H 'Connection: close')

run_wrk warmup direct "$CONNS" "$WARMUP"
run_wrk warmup haproxy "$CONNS" "$WARMUP"
run_wrk warmup shepherd "$CONNS" "$WARMUP"
run_wrk keepalive direct "$CONNS" "$DURATION"
for ((r = 1; r <= ROUNDS; r++)); do
    run_wrk keepalive haproxy "$CONNS" "$DURATION"
    run_wrk keepalive shepherd "$CONNS" "$DURATION"
done
run_wrk close-warmup haproxy "$CLOSE_CONNS" "$CLOSE_WARMUP" "${CLOSE[@]}"
run_wrk close-warmup shepherd "$CLOSE_CONNS" "$CLOSE_WARMUP" "${CLOSE[@]}"
run_wrk close direct "$CLOSE_CONNS" "$DURATION" "${CLOSE[@]}"
run_wrk close haproxy "$CLOSE_CONNS" "$DURATION" "${CLOSE[@]}"
run_wrk close shepherd "$CLOSE_CONNS" "$DURATION" "${CLOSE[@]}"

rss_kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }
H_PID=$(pid_of haproxy)
S_PID=$(pid_of shepherd)
H_RSS=$(rss_kb "$H_PID" VmRSS); H_HWM=$(rss_kb "$H_PID" VmHWM)
S_RSS=$(rss_kb "$S_PID" VmRSS); S_HWM=$(rss_kb "$S_PID" VmHWM)

# --- report -------------------------------------------------------------------------------------
echo
echo "Shepherd vs HAProxy $(haproxy -v | awk 'NR == 1 { print $3 }') (mode tcp, nbthread 1); $(nproc) cores; wrk -t1, ${DURATION}s runs"
echo "backends: 2 x DemoWorker (JDK HttpServer); direct = straight to backend a, no proxy"
echo "CPU busy before start: ${IDLE_CHECK}%"
echo "errors = wrk socket errors connect/read/write/timeout and responses with status > 399"
echo
printf '%-13s %-9s %5s %10s %9s %9s  %-24s %5s %7s\n' phase target conns 'req/s' 'p50 ms' 'p99 ms' \
    'errors c/r/w/t/status' bad 'other%'
NOISY=0
for row in "${ROWS[@]}"; do
    read -r phase target conns requests rps p50 p99 ec er ew et es bad other _ <<<"$row"
    printf '%-13s %-9s %5d %10d %9.3f %9.3f  %-24s %5d %7d\n' "$phase" "$target" "$conns" "$rps" "$p50" "$p99" \
        "$ec/$er/$ew/$et/$es" "$bad" "$other"
    [[ $phase == *warmup ]] || ((other <= 5)) || NOISY=1
done
echo "(other% = CPU taken by processes this script did not start, in % of all $(nproc) cores)"
if ((NOISY)); then
    echo "WARNING: other processes took more than 5% of the CPU during some measured run: figures are skewed"
fi

mean() {  # mean PHASE TARGET FIELD (5 = req/s, 7 = p99)
    printf '%s\n' "${ROWS[@]}" | awk -v p="$1" -v t="$2" -v f="$3" \
        '$1 == p && $2 == t { s += $f; n++ } END { printf "%.3f", n ? s / n : 0 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

echo
printf '%-30s %12s %12s %17s\n' '' HAProxy Shepherd 'Shepherd/HAProxy'
for phase in keepalive close; do
    h_rps=$(mean "$phase" haproxy 5); s_rps=$(mean "$phase" shepherd 5)
    h_p99=$(mean "$phase" haproxy 7); s_p99=$(mean "$phase" shepherd 7)
    printf '%-30s %12.0f %12.0f %17s\n' "$phase req/s" "$h_rps" "$s_rps" "$(ratio "$s_rps" "$h_rps")"
    printf '%-30s %12.3f %12.3f %17s\n' "$phase p99 ms" "$h_p99" "$s_p99" "$(ratio "$s_p99" "$h_p99")"
done
printf '%-30s %12s %12s %17s\n' 'RSS after load MiB (VmRSS)' "$(mib "$H_RSS")" "$(mib "$S_RSS")" "$(ratio "$S_RSS" "$H_RSS")"
printf '%-30s %12s %12s %17s\n' 'peak RSS MiB (VmHWM)' "$(mib "$H_HWM")" "$(mib "$S_HWM")" "$(ratio "$S_HWM" "$H_HWM")"
echo "(keepalive figures are the mean of $ROUNDS rounds; req/s ratio > 1: Shepherd faster;"
echo " p99 and RSS ratio < 1: Shepherd lower)"

# --- verdict ------------------------------------------------------------------------------------
echo
BAD_FILES=()
for row in "${ROWS[@]}"; do
    read -r phase target conns requests rps p50 p99 ec er ew et es bad _ file <<<"$row"
    ((bad > 0)) || continue
    what="socket errors connect $ec, read $er, write $ew, timeout $et; status>399 $es; $requests responses"
    if [[ $target == shepherd ]]; then
        FAILED=1
        BAD_FILES+=("$file")
        echo "FAIL: shepherd $phase run: $what"
    else
        echo "warning: $target $phase run: $what"
    fi
done
if ((FAILED)); then
    echo
    echo "wrk output of the failing Shepherd runs:"
    for f in "${BAD_FILES[@]}"; do
        echo "--- $f"
        grep -v '^BENCH ' "$f"
    done
    echo
    echo "--- last 40 lines of the Shepherd log ($TMP/shepherd.log):"
    tail -n 40 "$TMP/shepherd.log"
    LOG_SHOWN=1
    exit 1
fi
echo "OK: no errors through Shepherd"
