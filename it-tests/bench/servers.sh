# shellcheck shell=bash
# Sourced by run.sh: the configurations of the servers under test: nginx backends, HAProxy and
# Shepherd's command-line overrides. Uses: TMP, FDS, IDLE_CONNS, JAR, WORKER_JVM, DEMO; die.

nginx_conf() {  # nginx_conf NAME PORT
    local dir=$TMP/$1
    mkdir -p "$dir"
    cat >"$dir/nginx.conf" <<EOF
daemon off;
worker_processes 1;
worker_rlimit_nofile $FDS;
pid $dir/nginx.pid;
error_log stderr warn;
events {
    worker_connections $((IDLE_CONNS + 2048));
}
http {
    access_log off;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 1h;
    keepalive_requests 1000000000;
    server {
        listen 127.0.0.1:$2 backlog=4096;
        root $TMP/www;
        location = / {
            default_type text/plain;
            return 200 "hello, world\n";
        }
        location = /1m { }
        location = /100m { }
    }
}
EOF
    nginx -t -q -e stderr -p "$dir" -c "$dir/nginx.conf"
}

haproxy_conf() {  # haproxy_conf NAME PORT SPLICE(0|1) SERVER_PORT...
    local name=$1 port=$2 splice=$3 i=0 p
    shift 3
    {
        cat <<EOF
global
    nbthread 1
    maxconn $((IDLE_CONNS + 1000))

defaults
    mode tcp
    maxconn $((IDLE_CONNS + 1000))
    timeout connect 1s
    timeout client 1h
    timeout server 1h
    retries 2
    option redispatch
EOF
        ((splice)) && echo "    option splice-auto"
        printf '\nfrontend bench\n    bind 127.0.0.1:%s\n    default_backend servers\n\nbackend servers\n    balance roundrobin\n' "$port"
        for p in "$@"; do
            echo "    server s$((i++)) 127.0.0.1:$p"
        done
    } >"$TMP/$name.cfg"
    haproxy -c -q -f "$TMP/$name.cfg"
}

# check_shepherd NAME CONF EXPECT -D...: "shepherd check" with the overrides, which must print EXPECT
check_shepherd() {
    local name=$1 conf=$2 expect=$3
    shift 3
    java "$@" -jar "$JAR" check -c "$conf" >"$TMP/$name-check.txt" 2>&1 || { cat "$TMP/$name-check.txt" >&2; exit 1; }
    grep -qE "$expect" "$TMP/$name-check.txt" || {
        cat "$TMP/$name-check.txt" >&2
        die "the -Dshepherd.* overrides for $name did not take effect (expected /$expect/)"
    }
}

# edge_props BASE [tuned]: conf/shepherd.conf with two managed demo workers, on the ports of block
# BASE. Without "tuned", the workers and event loops are the config's own, as the README's command
# runs them (the demo command, with the demo worker's class data sharing archive); with it, one
# event loop and the workers run as `java WORKER_JVM -cp JAR DemoWorker`, as the e2e table's
# workers behind HAProxy are.
edge_props() {
    local base=$1
    EDGE_PROPS=(
        -Dshepherd.listen.host=127.0.0.1
        -Dshepherd.listen.port="$base"
        -Dshepherd.admin.port=$((base + 1))
        -Dshepherd.workers.first-port=$((base + 2))
        -Dshepherd.workers.count=2
    )
    [[ ${2:-} == tuned ]] || return 0
    EDGE_PROPS+=(-Dshepherd.event-loop-threads=1 -Dshepherd.workers.command.0=java)
    local i=1 arg
    for arg in "${WORKER_JVM[@]}" -cp "$JAR" "$DEMO"; do
        EDGE_PROPS+=("-Dshepherd.workers.command.$((i++))=$arg")
    done
}
