#!/usr/bin/env python3
"""Prints run.sh's tables: medians over the rounds, ratios Shepherd/HAProxy, and the issue's goals.

Usage: report.py ROWS FACTS
  ROWS   one wrk run a line, key=value tokens: section scenario target round other requests
         duration_us bytes p50_us p99_us connect read write timeout status (round 0 = warm-up),
         and for the proxies proxy_user_ticks proxy_sys_ticks (their CPU time over the run)
  FACTS  key=value lines: settings, versions, idle-connection memory, start-up times
"""
import statistics
import sys

MIB = 1 << 20
SCENARIOS = {  # scenario: (label, metric)
    "ka": ("small, keep-alive", "rps"),
    "close": ("new connection per request", "rps"),
    "1m": ("1 MiB responses", "mbps"),
    "100m": ("100 MiB responses", "mbps"),
}
# "shepherd" is tuned (one event loop, a fixed heap); "defaults" runs as a user does (the README's
# command: its class data sharing archive, Serial GC; event-loop-threads auto).
NAMES = {"direct": "direct", "haproxy": "HAProxy", "splice": "HAProxy+splice", "shepherd": "Shepherd",
         "defaults": "Shepherd defaults"}


def load_rows(path, clk_tck):
    rows = []
    with open(path) as f:
        for line in f:
            kv = dict(tok.split("=", 1) for tok in line.split())
            for key in list(kv):
                if key not in ("section", "scenario", "target"):
                    kv[key] = float(kv[key])
            secs = kv["duration_us"] / 1e6
            kv["rps"] = kv["requests"] / secs if secs else 0.0
            kv["mbps"] = kv["bytes"] / MIB / secs if secs else 0.0
            kv["p50"] = kv["p50_us"] / 1000
            kv["p99"] = kv["p99_us"] / 1000
            kv["bad"] = sum(kv[k] for k in ("connect", "read", "write", "timeout", "status"))
            for part in ("user", "sys"):
                ticks = kv.get("proxy_%s_ticks" % part)
                kv["cpu_" + part] = ticks / clk_tck * 1e6 / kv["requests"] if ticks is not None and kv["requests"] else None
            rows.append(kv)
    return rows


def load_facts(path):
    facts = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            facts[key] = value
    return facts


DISTURBED = 5  # a run is disturbed when other processes took more than this % of the CPU


class Table:
    """Medians over the rounds of a section. A scenario's medians use only its undisturbed rounds
    (no run of that scenario in that round disturbed) when there is at least one; else all rounds,
    and the figures are marked disturbed."""

    def __init__(self, rows, section):
        self.rows = [r for r in rows if r["section"] == section and r["round"] > 0]

    def rounds(self, scenario):
        """(the rounds the medians use, whether those are undisturbed)"""
        runs = [r for r in self.rows if r["scenario"] == scenario]
        every = sorted({r["round"] for r in runs})
        clean = [n for n in every if all(r["other"] <= DISTURBED for r in runs if r["round"] == n)]
        return (clean, True) if clean else (every, False)

    def rounds_label(self, scenario):
        used, clean = self.rounds(scenario)
        if not used:
            return "not run"
        total = len({r["round"] for r in self.rows})
        return "%d of %d" % (len(used), total) if clean else "%d, disturbed" % len(used)

    def median(self, scenario, target, metric):
        used, _ = self.rounds(scenario)
        v = [r[metric] for r in self.rows
             if r["scenario"] == scenario and r["target"] == target and r["round"] in used and r.get(metric) is not None]
        return statistics.median(v) if v else None


def fmt(value, metric):
    if value is None:
        return "n/a"
    if metric in ("p50", "p99"):
        return "%.3f" % value
    if metric == "kb":
        return "%.2f" % value
    return "%.0f" % value


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt_ratio(r):
    return "n/a" if r is None else "%.2fx" % r


def print_grid(title, header, lines):
    widths = [max(len(str(row[i])) for row in [header] + lines) for i in range(len(header))]
    print(title)
    for row in [header] + lines:
        cells = [str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(row)]
        print("  " + "  ".join(cells))
    print()


def main_table(rows, facts):
    t = Table(rows, "main")
    lines, medians = [], {}
    metric_rows = [
        ("ka", "rps", "req/s"), ("ka", "p50", "p50 ms"), ("ka", "p99", "p99 ms"),
        ("close", "rps", "conn/s"), ("close", "p99", "p99 ms"),
        ("1m", "mbps", "MB/s"), ("100m", "mbps", "MB/s"),
    ]
    for scenario, metric, unit in metric_rows:
        m = {target: t.median(scenario, target, metric) for target in NAMES}
        medians[(scenario, metric)] = m
        label = "%s (-c%s), %s" % (SCENARIOS[scenario][0], facts.get("conns." + scenario, "?"), unit)
        lines.append([label] + [fmt(m[target], metric) for target in NAMES]
                     + [fmt_ratio(ratio(m["shepherd"], m["haproxy"])), fmt_ratio(ratio(m["shepherd"], m["splice"])),
                        fmt_ratio(ratio(m["defaults"], m["shepherd"])), t.rounds_label(scenario)])
    h_kb = float(facts["idle.haproxy.kb"]) if "idle.haproxy.kb" in facts else None
    s_kb = float(facts["idle.shepherd.kb"]) if "idle.shepherd.kb" in facts else None
    held = facts.get("idle.conns", "0")
    lines.append(["idle connection (%s), KB each" % ("%s held" % held if held != "0" else "skipped"),
                  "", fmt(h_kb, "kb"), "", fmt(s_kb, "kb"), "", fmt_ratio(ratio(s_kb, h_kb)), "", "", ""])
    lines.append(["edge start-up to first 200 (2 demo workers), ms", "", "", "", "", facts.get("startup", "n/a"), "", "", "", ""])
    lines.append(["demo worker spawn to UP (rolling restart), ms", "", "", "", "", facts.get("restart", "n/a"), "", "", "", ""])
    print_grid("Shepherd vs HAProxy over two nginx backends (medians of %s s runs; MB = 2^20 bytes)" % facts["duration"],
               ["", "direct", "HAProxy", "HAProxy+splice", "Shepherd", "Shepherd defaults", "S/HAProxy", "S/splice",
                "defaults/S", "rounds"], lines)
    print("  rounds: how many rounds the medians use: the undisturbed ones (other%% <= %d in every run of the"
          " scenario), or all, marked disturbed, when none is." % DISTURBED)
    if s_kb is not None:
        print("  idle connection, Shepherd: %s KB native (VmRSS delta, heap pre-touched) + %s KB live heap"
              " (after GC.run); HAProxy: VmRSS delta." % (facts["idle.shepherd.rss_kb"], facts["idle.shepherd.heap_kb"]))
        print("  baseline before the connections: HAProxy VmRSS %s KB; Shepherd VmRSS %s KB, heap used %s KB"
              % (facts["idle.haproxy.base_rss"], facts["idle.shepherd.base_rss"], facts["idle.shepherd.base_heap"]))
    if "startup.runs" in facts:
        print("  start-up runs (ms): %s" % facts["startup.runs"])
    if "restart.runs" in facts:
        print("  spawn to UP of each replacement, workers 0 and 1 after each start-up (ms): %s" % facts["restart.runs"])
    print()
    return t, medians, s_kb


def cpu_table(table):
    """The proxies' own CPU time per request, user and kernel: where each spends what it spends."""
    lines = []
    proxies = ("haproxy", "splice", "shepherd")
    for scenario in SCENARIOS:
        if not table.rounds(scenario)[0]:
            continue
        m = {(t, part): table.median(scenario, t, "cpu_" + part) for t in proxies for part in ("user", "sys")}
        total = {t: None if m[(t, "user")] is None else m[(t, "user")] + m[(t, "sys")] for t in proxies}
        unit = "per request" if SCENARIOS[scenario][1] == "rps" else "per response"
        lines.append(["%s, us %s" % (SCENARIOS[scenario][0], unit)]
                     + [fmt_us(m[(t, part)]) for t in proxies for part in ("user", "sys")]
                     + [fmt_ratio(ratio(total["shepherd"], total["haproxy"])), fmt_ratio(ratio(total["shepherd"], total["splice"]))])
    print_grid("CPU time of each proxy's process (all its threads), medians over the same rounds",
               ["", "HAProxy user", "kernel", "+splice user", "kernel", "Shepherd user", "kernel", "S/HAProxy", "S/splice"], lines)


def uring_table(table, facts):
    """The tuned Shepherd on io_uring beside the same on epoll (what auto takes), in the same rounds."""
    if "uring" not in facts:
        return None
    if facts["uring"] != "ok":
        print("Shepherd on io_uring: %s\n" % facts["uring"])
        return None
    lines, medians = [], {}
    for scenario, metric, unit in [("ka", "rps", "req/s"), ("ka", "p99", "p99 ms"), ("close", "rps", "conn/s"),
                                   ("close", "p99", "p99 ms"), ("1m", "mbps", "MB/s"), ("100m", "mbps", "MB/s")]:
        if not table.rounds(scenario)[0]:
            continue
        m = {target: table.median(scenario, target, metric) for target in ("haproxy", "splice", "shepherd", "uring")}
        medians[(scenario, metric)] = m
        cpu = [table.median(scenario, "uring", "cpu_" + part) for part in ("user", "sys")] if metric != "p99" else [None, None]
        lines.append(["%s, %s" % (SCENARIOS[scenario][0], unit)] + [fmt(m[x], metric) for x in ("haproxy", "splice", "shepherd", "uring")]
                     + [fmt_ratio(ratio(m["uring"], m["haproxy"])), fmt_ratio(ratio(m["uring"], m["splice"])),
                        fmt_ratio(ratio(m["uring"], m["shepherd"]))]
                     + ["" if v is None else fmt_us(v) for v in cpu] + [table.rounds_label(scenario)])
    print_grid("Shepherd on io_uring (tuned, transport = io_uring), same rounds; CPU us per request (per response for MiB)",
               ["", "HAProxy", "HAProxy+splice", "Shepherd epoll", "Shepherd io_uring", "U/HAProxy", "U/splice", "U/epoll",
                "U user", "U kernel", "rounds"], lines)
    return medians


def fmt_us(value):
    return "n/a" if value is None else "%.2f" % value if value < 10 else "%.1f" % value


def e2e_table(rows, facts):
    if facts.get("e2e") == "skipped":
        print("End to end: skipped (BENCH_E2E=0)\n")
        return
    t = Table(rows, "e2e")
    lines = []
    for scenario, metric, unit in [("ka", "rps", "req/s"), ("ka", "p50", "p50 ms"), ("ka", "p99", "p99 ms"),
                                   ("close", "rps", "conn/s"), ("close", "p99", "p99 ms")]:
        m = {target: t.median(scenario, target, metric) for target in ("direct", "haproxy", "shepherd")}
        label = "%s (-c%s), %s" % (SCENARIOS[scenario][0], facts.get("conns." + scenario, "?"), unit)
        lines.append([label] + [fmt(m[x], metric) for x in ("direct", "haproxy", "shepherd")]
                     + [fmt_ratio(ratio(m["shepherd"], m["haproxy"])), t.rounds_label(scenario)])
    print_grid("End to end: two demo workers (JDK HttpServer, %s) behind each proxy" % facts.get("worker_jvm", "?"),
               ["", "direct", "HAProxy", "Shepherd (managed)", "S/HAProxy", "rounds"], lines)
    if facts.get("e2e.shepherd", "ok") != "ok":
        print("  Shepherd (managed): %s\n" % facts["e2e.shepherd"])


def goals(table, medians, s_kb, facts, uring):
    ka, close, one_mib = medians[("ka", "rps")], medians[("close", "rps")], medians[("1m", "mbps")]
    p99 = medians[("ka", "p99")]
    checks = [  # name, goal, Shepherd's figure, limit, higher is better, scenario
        ("keep-alive req/s vs HAProxy", ">= 1.10x", ratio(ka["shepherd"], ka["haproxy"]), 1.10, True, "ka"),
        ("new connections/s vs HAProxy", ">= 1.00x", ratio(close["shepherd"], close["haproxy"]), 1.00, True, "close"),
        ("1 MiB MB/s vs HAProxy with splice", ">= 1.00x", ratio(one_mib["shepherd"], one_mib["splice"]), 1.00, True, "1m"),
        ("keep-alive p99 vs HAProxy", "<= 1.00x", ratio(p99["shepherd"], p99["haproxy"]), 1.00, False, "ka"),
        ("idle connection over the JVM baseline", "<= 3.4 KB", s_kb, 3.4, False, None),
        ("defaults: keep-alive req/s vs tuned", ">= 0.95x", ratio(ka["defaults"], ka["shepherd"]), 0.95, True, "ka"),
        ("defaults: new connections/s vs tuned", ">= 0.95x", ratio(close["defaults"], close["shepherd"]), 0.95, True, "close"),
        ("start-up to the first 200, 2 demo workers", "< 700 ms", number(facts.get("startup")), 700, False, None),
        ("demo worker spawn to UP", "< 500 ms", number(facts.get("restart")), 500, False, None),
    ]
    if uring:
        u = {key: m.get("uring") for key, m in uring.items()}
        checks += [
            ("io_uring: keep-alive req/s vs HAProxy", ">= 1.10x", ratio(u.get(("ka", "rps")), ka["haproxy"]), 1.10, True, "ka"),
            ("io_uring: new connections/s vs HAProxy", ">= 1.00x", ratio(u.get(("close", "rps")), close["haproxy"]), 1.00, True, "close"),
            ("io_uring: 1 MiB MB/s vs HAProxy with splice", ">= 1.00x", ratio(u.get(("1m", "mbps")), one_mib["splice"]), 1.00, True, "1m"),
            ("io_uring: keep-alive p99 vs HAProxy", "<= 1.00x", ratio(u.get(("ka", "p99")), p99["haproxy"]), 1.00, False, "ka"),
        ]
    lines = []
    for name, target, value, limit, higher, scenario in checks:
        rounds = table.rounds_label(scenario) if scenario else ""
        if value is None:
            lines.append([name, target, "n/a", "n/a", rounds])
            continue
        met = value >= limit if higher else value < limit if target.startswith("< ") else value <= limit
        shown = "%.2f KB" % value if "KB" in target else "%.0f ms" % value if "ms" in target else "%.2fx" % value
        verdict = "met" if met else "NOT met"
        if scenario and not table.rounds(scenario)[1]:
            verdict = "(%s: disturbed)" % verdict.lower()
        lines.append([name, target, shown, verdict, rounds])
    print_grid("Goals (issues 6 and 15)", ["", "goal", "Shepherd", "", "rounds"], lines)


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def detail(rows):
    print("All runs (req/s, or MB/s for 1 MiB and 100 MiB; latencies in ms; other% = CPU used by processes"
          " the benchmark did not start, of all cores):")
    for r in rows:
        metric = SCENARIOS[r["scenario"]][1]
        errors = "" if not r["bad"] else "  errors c/r/w/t/status %d/%d/%d/%d/%d" % tuple(
            r[k] for k in ("connect", "read", "write", "timeout", "status"))
        print("  %-5s %-6s %-9s %-7s %10s  p50 %8.3f  p99 %8.3f  other%% %3.0f%s" % (
            r["section"], r["scenario"], r["target"], "warm-up" if r["round"] == 0 else "round %d" % r["round"],
            fmt(r[metric], metric), r["p50"], r["p99"], r["other"], errors))
    noisy = [r for r in rows if r["round"] > 0 and r["other"] > DISTURBED]
    if noisy:
        print("  WARNING: other processes took more than %d%% of the CPU in %d of %d measured runs"
              % (DISTURBED, len(noisy), len([r for r in rows if r["round"] > 0])))
    print()


def main(argv):
    facts = load_facts(argv[2])
    rows = load_rows(argv[1], float(facts.get("clk_tck", 100)))
    print("Shepherd benchmark, %s" % facts.get("date", ""))
    for key in ("machine", "haproxy", "nginx", "wrk", "java", "shepherd", "shepherd_jvm", "defaults_jvm", "uring_settings", "load", "busy"):
        if key in facts:
            print("  %-13s %s" % (key, facts[key]))
    print()
    detail(rows)
    table, medians, s_kb = main_table(rows, facts)
    cpu_table(table)
    uring = uring_table(table, facts)
    e2e_table(rows, facts)
    goals(table, medians, s_kb, facts, uring)
    warned = [r for r in rows if r["bad"] and r["target"] not in ("shepherd", "defaults", "uring")]
    for r in warned:
        print("warning: %s %s %s round %d: %d errors (not Shepherd: not a failure)"
              % (r["section"], r["scenario"], r["target"], r["round"], r["bad"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
