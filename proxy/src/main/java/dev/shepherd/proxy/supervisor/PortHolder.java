package dev.shepherd.proxy.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Who listens on a TCP port, read from /proc as {@code ss -ltnp} does: the listening sockets of
 * {@code /proc/net/tcp} and {@code tcp6} on that port, then the process holding one of them among
 * {@code /proc/PID/fd}. For an error that says more than "port in use". Empty where /proc cannot
 * tell (not Linux, or another user's process without the rights to look).
 */
public final class PortHolder {
    private static final String LISTEN = "0A";

    private PortHolder() {}

    /** {@code pid 4242 (java -jar app.jar --port 9001)}, or empty. */
    public static Optional<String> of(int port) {
        return of(port, Path.of("/proc"));
    }

    static Optional<String> of(int port, Path proc) {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("net/tcp", "net/tcp6")) {
            inodes.addAll(listeningInodes(proc.resolve(table), port));
        }
        if (inodes.isEmpty()) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(proc, entry -> entry.getFileName().toString().matches("\\d+"))) {
            for (Path process : processes) {
                if (holdsOneOf(process, inodes)) {
                    return Optional.of("pid " + process.getFileName() + " (" + commandLine(process) + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Set<String> listeningInodes(Path table, int port) {
        Set<String> inodes = new HashSet<>();
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        try {
            for (String line : Files.readAllLines(table)) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 9 && fields[1].endsWith(hexPort) && fields[3].equals(LISTEN)) {
                    inodes.add(fields[9]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no such table here: nothing to add
        }
        return inodes;
    }

    private static boolean holdsOneOf(Path process, Set<String> inodes) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    continue;
                }
                if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException notOurs) {
            return false;
        }
        return false;
    }

    private static String commandLine(Path process) {
        try {
            String line = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
            return line.length() > 200 ? line.substring(0, 200) + "..." : line;
        } catch (IOException e) {
            return "command unknown";
        }
    }
}
