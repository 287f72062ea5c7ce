#!/usr/bin/env python3
"""Small helpers for run.sh that are clumsy in bash: free ports, CPU samples, holding idle
connections, timing an edge's start-up. Standard library only. Subcommands:

  ports SINGLES BLOCKS SIZE   SINGLES free loopback ports, then BLOCKS bases of SIZE consecutive
                              free ports, all below the ephemeral range, on one line
  cpu ROOT_PID                "busy total ours" jiffies: machine busy, machine total, and the
                              process tree under ROOT_PID (living processes plus reaped children)
  hold PORT COUNT READY_FILE  open COUNT connections to 127.0.0.1:PORT, send one keep-alive GET /
                              on each and read its response, write "ok=N failed=F" to READY_FILE,
                              then hold them until SIGTERM (or 15 minutes)
  first200 PORT PID SINCE_NS TIMEOUT_S
                              poll GET / every 20 ms until it answers 200; print the milliseconds
                              since SINCE_NS (time.time_ns()); exit 2 on timeout, 3 if PID ended
  restart ADMIN_PORT ID LOG TIMEOUT_S
                              POST /workers/ID/restart to the edge's admin API, then wait for its
                              replacement's "is UP ..., N ms after its start" line in LOG; print N
"""
import json
import os
import random
import re
import selectors
import signal
import socket
import sys
import time
import urllib.request

HOST = "127.0.0.1"
REQUEST = b"GET / HTTP/1.1\r\nHost: bench\r\nConnection: keep-alive\r\n\r\n"


def ports(singles, blocks, size):
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    held, result, tried = [], [], set()

    def take(port):
        s = socket.socket()
        try:
            s.bind((HOST, port))
        except OSError:
            s.close()
            return False
        held.append(s)
        return True

    wanted = singles + blocks
    for _ in range(100000):
        if len(result) == wanted:
            break
        span = 1 if len(result) < singles else size
        base = random.randrange(10000, max(low - span, 10001))
        if any(p in tried for p in range(base, base + span)):
            continue
        tried.update(range(base, base + span))
        taken = len(held)
        if all(take(p) for p in range(base, base + span)):
            result.append(base)
        else:
            for s in held[taken:]:
                s.close()
            del held[taken:]
    for s in held:
        s.close()
    if len(result) < wanted:
        sys.exit("benchtool: not enough free ports below %d" % low)
    print(" ".join(map(str, result)))


def proc_stat(pid):
    """(ppid, utime + stime + cutime + cstime) of a process, or None if it is gone."""
    try:
        with open("/proc/%s/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), sum(int(x) for x in fields[11:15])


def cpu(root):
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:8]]
    busy, total = v[0] + v[1] + v[2] + v[5] + v[6], sum(v)
    stats = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            s = proc_stat(name)
            if s:
                stats[int(name)] = s
    children = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    ours, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            ours += stats[pid][1]
        todo.extend(children.get(pid, []))
    print(busy, total, ours)


class Exchange:
    """One connection: connect, send the request, read one response (Content-Length bodies)."""

    def __init__(self, port):
        self.sock = socket.socket()
        self.sock.setblocking(False)
        self.sock.connect_ex((HOST, port))
        self.data = b""
        self.error = None

    def on_writable(self):
        err = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            self.error = "connect: " + os.strerror(err)
            return True
        try:
            self.sock.send(REQUEST)
        except OSError as e:
            self.error = "write: %s" % e
            return True
        return False

    def on_readable(self):
        """True when done (a whole response, or an error)."""
        try:
            chunk = self.sock.recv(65536)
        except OSError as e:
            self.error = "read: %s" % e
            return True
        if not chunk:
            self.error = "closed by the proxy before a whole response (%d bytes)" % len(self.data)
            return True
        self.data += chunk
        head, sep, body = self.data.partition(b"\r\n\r\n")
        if not sep:
            return False
        status = head.split(b"\r\n", 1)[0]
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if len(body) < length:
            return False
        if status.split()[1:2] != [b"200"]:
            self.error = "status line %r" % status.decode(errors="replace")
        return True


def hold(port, count, ready_file, batch=250, batch_timeout=30.0):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    held, errors = [], []
    sel = selectors.DefaultSelector()
    for start in range(0, count, batch):
        pending = {}
        for _ in range(min(batch, count - start)):
            ex = Exchange(port)
            pending[ex.sock] = ex
            sel.register(ex.sock, selectors.EVENT_WRITE, ex)
        deadline = time.monotonic() + batch_timeout
        while pending and time.monotonic() < deadline:
            for key, events in sel.select(timeout=0.5):
                ex = key.data
                if events & selectors.EVENT_WRITE:
                    if ex.on_writable():
                        done = True
                    else:
                        sel.modify(ex.sock, selectors.EVENT_READ, ex)
                        done = False
                else:
                    done = ex.on_readable()
                if done:
                    sel.unregister(ex.sock)
                    del pending[ex.sock]
                    if ex.error:
                        errors.append(ex.error)
                        ex.sock.close()
                    else:
                        held.append(ex.sock)
        for sock in pending:
            sel.unregister(sock)
            sock.close()
            errors.append("no whole response within %.0f s" % batch_timeout)
    with open(ready_file + ".tmp", "w") as f:
        f.write("ok=%d failed=%d\n" % (len(held), len(errors)))
        for reason in sorted(set(errors))[:5]:
            f.write("error: %s (x%d)\n" % (reason, errors.count(reason)))
    os.rename(ready_file + ".tmp", ready_file)
    time.sleep(900)


def alive(pid):
    s = proc_stat(pid)
    if s is None:
        return False
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


def answers_200(port, timeout):
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
            head = b""
            while len(head) < 12:
                chunk = s.recv(64)
                if not chunk:
                    break
                head += chunk
            return head.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200"))
    except OSError:
        return False


def first200(port, pid, since_ns, timeout_s):
    deadline = since_ns / 1e9 + timeout_s
    while time.time() < deadline:
        tick = time.time()
        if answers_200(port, max(0.05, min(1.0, deadline - tick))):
            print("%.0f" % ((time.time_ns() - since_ns) / 1e6))
            return 0
        if not alive(pid):
            return 3
        time.sleep(max(0.0, tick + 0.02 - time.time()))
    return 2


def restart(admin_port, worker_id, log, timeout_s):
    request = urllib.request.Request("http://%s:%d/workers/%s/restart" % (HOST, admin_port, worker_id), method="POST")
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        new_pid = json.load(response)["newPid"]
    up = re.compile(r"\(pid %d\) is UP on port \d+, (\d+) ms after its start" % new_pid)
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        with open(log, errors="replace") as f:
            found = up.search(f.read())
        if found:
            print(found.group(1))
            return 0
        time.sleep(0.05)
    sys.exit("no line saying pid %d is UP in %s within %s s" % (new_pid, log, timeout_s))


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "ports":
        ports(*map(int, args))
    elif cmd == "cpu":
        cpu(int(args[0]))
    elif cmd == "hold":
        hold(int(args[0]), int(args[1]), args[2])
    elif cmd == "first200":
        return first200(int(args[0]), int(args[1]), int(args[2]), float(args[3]))
    elif cmd == "restart":
        return restart(int(args[0]), args[1], args[2], float(args[3]))
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
