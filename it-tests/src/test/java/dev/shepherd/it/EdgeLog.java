package dev.shepherd.it;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading the edge's log lines about its workers. */
final class EdgeLog {
    static final Pattern STARTED = Pattern.compile("worker (\\d+) started: pid (\\d+), port (\\d+)");

    private EdgeLog() {}

    /** The pid in a {@code worker N started: pid P, port Q} line. */
    static long startedPid(String line) {
        Matcher matcher = STARTED.matcher(line);
        if (!matcher.find()) {
            throw new AssertionError("not a 'started' line: " + line);
        }
        return Long.parseLong(matcher.group(2));
    }
}
