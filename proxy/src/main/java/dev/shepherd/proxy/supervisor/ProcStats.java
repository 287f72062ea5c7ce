package dev.shepherd.proxy.supervisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process's resident memory and CPU time, from Linux's /proc (as ps and top read them).
 *
 * @param rssBytes resident set size (VmRSS)
 * @param cpuSeconds user plus system CPU time so far
 */
public record ProcStats(long rssBytes, double cpuSeconds) {
    /** Clock ticks per second of /proc/PID/stat's times: 100 on every Linux this runs on (CONFIG_HZ aside, USER_HZ is 100). */
    private static final double TICKS_PER_SECOND = 100.0;

    /** The process's figures now; empty when it is gone or /proc cannot be read. */
    public static Optional<ProcStats> of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command (which may contain spaces) in ")": utime is the 12th, stime the 13th.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
            long rssKb = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rssKb = Long.parseLong(line.substring("VmRSS:".length()).trim().split("\\s+")[0]);
                }
            }
            return Optional.of(new ProcStats(rssKb * 1024, cpu));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }
}
