# shellcheck shell=bash
# Sourced by run.sh: the measurements. Each appends to $ROWS (wrk runs) or $FACTS (the rest).
# Uses: HERE, TMP, ROWS, THREADS, IDLE_CONNS, STARTUP_TIMEOUT, SHEPHERD_JVM, the PORT_OF, PROC_OF,
# CONNS_OF and PATH_OF maps; start, stop, pid_of, died, show_log, log, die, fact.

# Other work on the machine skews every figure: measure it up front (CPU busy over one second).
busy_percent() {
    local a b sample='/^cpu / { print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8 }'
    read -r -a a < <(awk "$sample" /proc/stat)
    sleep 1
    read -r -a b < <(awk "$sample" /proc/stat)
    awk -v busy=$((b[0] - a[0])) -v total=$((b[1] - a[1])) 'BEGIN { printf "%.0f", total ? 100 * busy / total : 0 }'
}

# cpu_ticks PID: "user system" CPU time of a process, all its threads, in clock ticks
cpu_ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; }

# run_wrk SECTION SCENARIO TARGET ROUND SECONDS: one bounded wrk run, one line in $ROWS
# (round 0 = warm-up), with the proxy's own CPU time over the run (not for direct).
# An error through Shepherd fails the benchmark at once.
run_wrk() {
    local section=$1 scenario=$2 target=$3 round=$4 secs=$5
    local key=$section/$target conns=${CONNS_OF[$scenario]} out line before after other extra=() label="round $round"
    local proxy_pid="" cpu0=() cpu1=() cpu=""
    [[ $round != 0 ]] || label=warm-up
    [[ $scenario == close ]] && extra=(-H 'Connection: close')
    RUN_N=$((RUN_N + 1))
    out=$TMP/wrk-$(printf %03d $RUN_N)-$section-$scenario-$target.txt
    before=$(python3 "$HERE/benchtool.py" cpu $$)
    if [[ $target != direct ]]; then
        proxy_pid=$(pid_of "${PROC_OF[$key]}")
        read -r -a cpu0 < <(cpu_ticks "$proxy_pid")
    fi
    timeout $((secs + 30)) wrk -t"$THREADS" -c"$conns" -d"${secs}s" --timeout 10s --latency \
        -s "$HERE/wrk-report.lua" "${extra[@]}" "http://127.0.0.1:${PORT_OF[$key]}${PATH_OF[$scenario]}" \
        >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed ($section $scenario $target)"; }
    if [[ -n $proxy_pid ]]; then
        read -r -a cpu1 < <(cpu_ticks "$proxy_pid")
        cpu=" proxy_user_ticks=$((cpu1[0] - cpu0[0])) proxy_sys_ticks=$((cpu1[1] - cpu0[1]))"
    fi
    after=$(python3 "$HERE/benchtool.py" cpu $$)
    other=$(awk -v b="$before" -v a="$after" 'BEGIN { split(b, x); split(a, y); t = y[2] - x[2]
        o = t > 0 ? 100 * ((y[1] - x[1]) - (y[3] - x[3])) / t : 0; printf "%.1f", o < 0 ? 0 : o }')
    line=$(grep '^BENCH ' "$out") || { cat "$out" >&2; die "no BENCH line in $out"; }
    echo "section=$section scenario=$scenario target=$target round=$round other=$other ${line#BENCH }$cpu" >>"$ROWS"
    kill -0 "$(pid_of "${PROC_OF[$key]}")" 2>/dev/null || died "${PROC_OF[$key]}" "during $section $scenario"
    log "$(awk -v what="$section $scenario $target $label" '{
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        s = v["duration_us"] / 1e6; bad = v["connect"] + v["read"] + v["write"] + v["timeout"] + v["status"]
        printf "%s: %.0f req/s, %.1f MB/s, p50 %.3f ms, p99 %.3f ms, errors %d", what, v["requests"] / s,
            v["bytes"] / 1048576 / s, v["p50_us"] / 1000, v["p99_us"] / 1000, bad }' <<<"$line"), other ${other}%"
    if [[ $target == shepherd || $target == defaults || $target == uring ]] && ! awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "=")
            if (kv[1] ~ /^(connect|read|write|timeout|status)$/ && kv[2] > 0) exit 1 } }' <<<"$line"; then
        log "FAIL: errors through Shepherd ($section $scenario, status = responses with status > 399); wrk output:"
        grep -v '^BENCH ' "$out" >&2
        SHOW_LOG=${PROC_OF[$key]}
        show_log "$SHOW_LOG"
        exit 1
    fi
}

rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status"; }
# Live heap in KB: the "used" of every heap line ("garbage-first heap" for G1; the young and old
# generations for Serial and Parallel), metaspace left out.
heap_used_kb() {
    jcmd "$1" GC.heap_info | awk '/ total .*used / && !/Metaspace|class space/ {
        for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); sum += v } }
        END { print sum + 0 }'
}
fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

# idle_test TARGET: VmRSS (and for Shepherd live heap) per connection while IDLE_CONNS are held
idle_test() {
    local target=$1 port=${PORT_OF[main/$1]} pid name=hold-$1 java=0
    pid=$(pid_of "${PROC_OF[main/$1]}")
    [[ $target == shepherd ]] && java=1
    # The first jcmd starts the JVM's attach listener thread: before the baseline, not in the delta.
    ((java)) && { jcmd "$pid" GC.run >/dev/null; sleep 1; jcmd "$pid" GC.run >/dev/null; sleep 1; }
    local base_rss base_heap=0 base_fds
    base_rss=$(rss_kb "$pid"); base_fds=$(fd_count "$pid")
    ((java)) && base_heap=$(heap_used_kb "$pid")
    start "$name" python3 "$HERE/benchtool.py" hold "$port" "$IDLE_CONNS" "$TMP/$name.ready"
    local deadline=$((SECONDS + 120))
    until [[ -f $TMP/$name.ready ]]; do
        kill -0 "$(pid_of "$name")" 2>/dev/null || died "$name" "before holding its connections"
        ((SECONDS < deadline)) || die "$name: connections not all answered after 120 s"
        sleep 0.2
    done
    local held failed
    held=$(sed -n 's/^ok=\([0-9]*\).*/\1/p' "$TMP/$name.ready")
    failed=$(sed -n 's/.*failed=\([0-9]*\)/\1/p' "$TMP/$name.ready")
    if ((failed > 0)); then
        log "$target: $failed of $IDLE_CONNS idle connections failed: $(grep '^error' "$TMP/$name.ready" | tr '\n' ';')"
        if ((java)); then SHOW_LOG=shepherd; show_log shepherd; exit 1; fi
    fi
    sleep 1
    ((java)) && { jcmd "$pid" GC.run >/dev/null; sleep 1; }
    local rss heap=0
    rss=$(rss_kb "$pid")
    ((java)) && heap=$(heap_used_kb "$pid")
    stop "$name"
    deadline=$((SECONDS + 30))
    while (($(fd_count "$pid") > base_fds + 16 && SECONDS < deadline)); do sleep 0.2; done
    local per_rss per_heap
    per_rss=$(awk -v a="$rss" -v b="$base_rss" -v n="$held" 'BEGIN { printf "%.2f", n ? (a - b) / n : 0 }')
    per_heap=$(awk -v a="$heap" -v b="$base_heap" -v n="$held" 'BEGIN { printf "%.2f", n ? (a - b) / n : 0 }')
    fact "idle.$target.base_rss" "$base_rss"
    fact "idle.$target.rss_kb" "$per_rss"
    fact "idle.$target.kb" "$(awk -v a="$per_rss" -v b="$per_heap" 'BEGIN { printf "%.2f", a + b }')"
    ((java)) && { fact "idle.$target.heap_kb" "$per_heap"; fact "idle.$target.base_heap" "$base_heap"; }
    local heap_note=""
    ((java)) && heap_note=", heap used $base_heap -> $heap KB"
    log "$target: $held idle connections: VmRSS $base_rss -> $rss KB$heap_note"
}

# start_edge NAME BASE readme|tuned JVM_OPTION...: Shepherd with conf/shepherd.conf (managed demo
# workers, see edge_props) on block BASE; sets EDGE_MS to the milliseconds from launch to the first
# 200 through it, or fails with the reason in $EDGE_NA
start_edge() {
    local name=$1 base=$2 mode=$3 t0 rc=0 ms
    shift 3
    edge_props "$base" "$mode"
    t0=$(python3 -c 'import time; print(time.time_ns())')
    start "$name" java "$@" "${EDGE_PROPS[@]}" -jar "$JAR" -c "$ROOT/conf/shepherd.conf"
    ms=$(python3 "$HERE/benchtool.py" first200 "$base" "$(pid_of "$name")" "$t0" "$STARTUP_TIMEOUT") || rc=$?
    case $rc in
        0) EDGE_MS=$ms; return 0 ;;
        2) EDGE_NA="no 200 through the edge within ${STARTUP_TIMEOUT} s" ;;
        3) EDGE_NA="the edge exited before answering 200" ;;
        *) die "benchtool first200 failed ($rc)" ;;
    esac
    local warning
    warning=$(grep -m1 -E 'WARN|ERROR' "$TMP/$name.log" | sed -E 's/^.*(WARN|ERROR) +[^ ]+ +(- +)?//' | cut -c1-110 || true)
    [[ -z $warning ]] || EDGE_NA="$EDGE_NA; its log: $warning"
    log "$name: n/a ($EDGE_NA)"
    stop "$name"
    return 1
}

# restart_workers NAME BASE: a rolling restart of each of the edge's two workers through its admin
# API, one after the other; appends to RESTART_MS each replacement's spawn to UP as the edge logs it.
# A restart that fails is logged with its reason in RESTART_NA, and the run goes on.
restart_workers() {
    local name=$1 base=$2 id ms
    for id in 0 1; do
        if ms=$(python3 "$HERE/benchtool.py" restart $((base + 1)) "$id" "$TMP/$name.log" 30 2>"$TMP/$name-restart-$id.err"); then
            RESTART_MS+=("$ms")
        else
            RESTART_NA="the restart of worker $id failed: $(tail -n1 "$TMP/$name-restart-$id.err" | cut -c1-160)"
            log "$name: $RESTART_NA"
        fi
    done
}
