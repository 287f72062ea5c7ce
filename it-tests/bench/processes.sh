# shellcheck shell=bash
# Sourced by run.sh: the processes the benchmark starts, and how it stops them. Each is started
# with start NAME, logs to $TMP/NAME.log and is stopped by pid, never by name.
# Uses: TMP, PIDS, NAMES, SHOW_LOG, LOG_SHOWN, SHEPHERD_BENCH_RUN; log, die.

start() {  # start NAME CMD... : runs CMD in the background, output to $TMP/NAME.log
    local name=$1
    shift
    "$@" >"$TMP/$name.log" 2>&1 &
    PIDS+=("$!")
    NAMES+=("$name")
    log "started $name (pid $!): $*"
}

pid_of() {
    local i
    for i in "${!NAMES[@]}"; do
        [[ ${NAMES[$i]} == "$1" && -n ${PIDS[$i]} ]] && { echo "${PIDS[$i]}"; return; }
    done
    return 1
}

stop() {  # stop NAME: stops a process started with start, and its descendants
    local i
    for i in "${!NAMES[@]}"; do
        if [[ ${NAMES[$i]} == "$1" && -n ${PIDS[$i]} ]]; then
            stop_pids "${PIDS[$i]}"
            PIDS[$i]=""
        fi
    done
}

# descendants PID...: the pids of the processes below them
descendants() {
    ps -e -o pid=,ppid= | awk -v roots="$*" '
        BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1 }
        { parent[$1] = $2; order[NR] = $1 }
        END {
            do { grew = 0
                for (i = 1; i <= NR; i++) { p = order[i]
                    if (!(p in want) && (parent[p] in want)) { want[p] = 1; found[p] = 1; grew = 1 } }
            } while (grew)
            for (p in found) print p
        }'
}

marked() {  # sets MARKED: the pids of the processes that carry this run's SHEPHERD_BENCH_RUN
    local file
    MARKED=()
    # Only builtins past grep: a command run here would carry the mark itself.
    while IFS= read -r file; do
        file=${file#/proc/}
        MARKED+=("${file%%/*}")
    done < <(env -u SHEPHERD_BENCH_RUN grep -lzsx "SHEPHERD_BENCH_RUN=$SHEPHERD_BENCH_RUN" /proc/[0-9]*/environ || true)
}

running() {  # running PID: alive and not a zombie
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) && [[ -n $state && $state != Z ]]
}

# term_pids SECONDS PID...: SIGTERM, up to SECONDS for them to end, then SIGKILL to what is left
term_pids() {
    local secs=$1 pid
    shift
    kill -TERM "$@" 2>/dev/null || true
    local deadline=$((SECONDS + secs))
    for pid in "$@"; do
        while running "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
        if running "$pid"; then
            log "pid $pid did not end on SIGTERM within $secs s, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
}

# stop_pids PID...: stops processes the script started; a supervisor first gets the time to stop
# its own children, then what is left of them is stopped too
stop_pids() {
    local kids
    read -r -a kids <<<"$(descendants "$@" | tr '\n' ' ')"
    term_pids 10 "$@"
    wait "$@" 2>/dev/null || true
    ((${#kids[@]} == 0)) || term_pids 5 "${kids[@]}"
}

show_log() {  # show_log NAME: the tail of a process's log, on stderr
    log "last 40 lines of $TMP/$1.log:"
    tail -n 40 "$TMP/$1.log" >&2
    [[ $1 != "$SHOW_LOG" ]] || LOG_SHOWN=1
}

died() {  # died NAME WHEN: reports how a process the script started ended, and fails
    local name=$1 pid status=0
    pid=$(pid_of "$name")
    wait "$pid" 2>/dev/null || status=$?
    if ((status > 128)); then
        log "$name (pid $pid) was killed by signal $((status - 128)) ($(kill -l $((status - 128)))) $2"
    else
        log "$name (pid $pid) exited with status $status $2"
    fi
    SHOW_LOG=$name
    show_log "$name"
    exit 1
}

wait_port() {  # wait_port NAME PORT: until 127.0.0.1:PORT accepts, or 30 s
    local name=$1 port=$2 pid deadline=$((SECONDS + 30))
    pid=$(pid_of "$name")
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || died "$name" "before listening on $port"
        ((SECONDS < deadline)) || { SHOW_LOG=$name; die "$name not listening on $port after 30 s"; }
        sleep 0.1
    done
}
