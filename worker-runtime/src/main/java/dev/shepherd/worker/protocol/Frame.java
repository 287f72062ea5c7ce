package dev.shepherd.worker.protocol;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One frame on the control channel between the supervisor and a worker: a line of UTF-8 text,
 * {@code type} or {@code type SP payload}, ended by {@code \n}. A message's payload escapes
 * backslash, newline and carriage return ({@code \\ \n \r}) so that any text fits on one line.
 *
 * <pre>
 * hello SECRET          worker to supervisor, first and once: SHEPHERD_CONTROL_SECRET, which proves who connected
 * ready                 worker to supervisor: my port is bound, send me traffic
 * heartbeat             worker to supervisor: I am alive (every SHEPHERD_HEARTBEAT_INTERVAL ms)
 * heartbeat heap=BYTES  the same, with the heap in use (when the edge set SHEPHERD_REPORT_HEAP=1)
 * message TEXT          either way: an application message
 * stopping              worker to supervisor: I was told to stop (a signal): drain me, then say shutdown
 * shutdown MILLIS       supervisor to worker: stop gracefully within MILLIS milliseconds
 * replace REASON        worker to supervisor: start a fresh instance, admit it, then drain and stop me
 * drain                 worker to supervisor: no new connections for me until undrain
 * undrain               worker to supervisor: new connections again (while healthy and not drained by an operator)
 * weight N              worker to supervisor: my share of new connections, 0..100 (0: none)
 * </pre>
 */
public record Frame(Type type, String payload) {
    /** The most bytes one encoded frame may have, its newline not counted. */
    public static final int MAX_BYTES = 64 * 1024;
    private static final String HEAP = "heap=";
    private static final Pattern HEAP_PAYLOAD = Pattern.compile(HEAP + "\\d{1,18}");
    /** A full share of new connections, the most a {@code weight} frame may ask for. */
    public static final int MAX_WEIGHT = 100;

    public enum Type {
        HELLO, READY, HEARTBEAT, MESSAGE, STOPPING, SHUTDOWN, REPLACE, DRAIN, UNDRAIN, WEIGHT;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean hasPayload() {
            return this == HELLO || this == MESSAGE || this == SHUTDOWN || this == REPLACE || this == WEIGHT;
        }
    }

    public Frame {
        requireNonNull(type, "type");
        requireNonNull(payload, "payload");
        if (type == Type.HEARTBEAT && !payload.isEmpty() && !HEAP_PAYLOAD.matcher(payload).matches()) {
            throw new IllegalArgumentException("a heartbeat's payload must be heap=BYTES, got '" + shorten(payload) + "'");
        }
        if (!type.hasPayload() && type != Type.HEARTBEAT && !payload.isEmpty()) {
            throw new IllegalArgumentException(type.wireName() + " takes no payload");
        }
    }

    public static Frame ready() {
        return new Frame(Type.READY, "");
    }

    public static Frame stopping() {
        return new Frame(Type.STOPPING, "");
    }

    public static Frame heartbeat() {
        return new Frame(Type.HEARTBEAT, "");
    }

    /** A heartbeat that also says how many bytes of the worker's heap are in use. */
    public static Frame heartbeat(long heapUsedBytes) {
        if (heapUsedBytes < 0) {
            throw new IllegalArgumentException("heap in use must not be negative, got " + heapUsedBytes);
        }
        return new Frame(Type.HEARTBEAT, HEAP + heapUsedBytes);
    }

    /** The heap in use a heartbeat reports; -1 when it reports none. */
    public long heapUsedBytes() {
        if (type != Type.HEARTBEAT) {
            throw new IllegalStateException(type.wireName() + " reports no heap");
        }
        return payload.isEmpty() ? -1 : Long.parseLong(payload.substring(HEAP.length()));
    }

    /** @throws IllegalArgumentException when the encoded message exceeds {@link #MAX_BYTES} */
    public static Frame message(String text) {
        return withinLimit(new Frame(Type.MESSAGE, text), "message");
    }

    private static Frame withinLimit(Frame frame, String what) {
        int size = frame.encode().length - 1;
        if (size > MAX_BYTES) {
            throw new IllegalArgumentException(what + " is " + size + " bytes encoded; the limit is " + MAX_BYTES);
        }
        return frame;
    }

    public static Frame hello(String secret) {
        return new Frame(Type.HELLO, secret);
    }

    public static Frame drain() {
        return new Frame(Type.DRAIN, "");
    }

    public static Frame undrain() {
        return new Frame(Type.UNDRAIN, "");
    }

    /** @throws IllegalArgumentException when the encoded reason exceeds {@link #MAX_BYTES} */
    public static Frame replace(String reason) {
        return withinLimit(new Frame(Type.REPLACE, reason), "reason");
    }

    /** @throws IllegalArgumentException unless {@code weight} is in 0..100 */
    public static Frame weight(int weight) {
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be in 0.." + MAX_WEIGHT + ", got " + weight);
        }
        return new Frame(Type.WEIGHT, Integer.toString(weight));
    }

    /** The share a {@code weight} frame asks for. */
    public int weight() {
        if (type != Type.WEIGHT) {
            throw new IllegalStateException(type.wireName() + " has no weight");
        }
        return Integer.parseInt(payload);
    }

    public static Frame shutdown(Duration deadline) {
        if (deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must not be negative, got " + deadline);
        }
        return new Frame(Type.SHUTDOWN, Long.toString(deadline.toMillis()));
    }

    /** The time a {@code shutdown} frame grants. */
    public Duration deadline() {
        if (type != Type.SHUTDOWN) {
            throw new IllegalStateException(type.wireName() + " has no deadline");
        }
        return Duration.ofMillis(Long.parseLong(payload));
    }

    /** The frame as bytes on the wire, with its newline. */
    public byte[] encode() {
        String line = type.hasPayload() || !payload.isEmpty() ? type.wireName() + ' ' + escape(payload) : type.wireName();
        return (line + '\n').getBytes(StandardCharsets.UTF_8);
    }

    /** Reads one line (without its newline). */
    public static Frame decode(String line) throws MalformedFrameException {
        int space = line.indexOf(' ');
        String name = space < 0 ? line : line.substring(0, space);
        Type type = typeNamed(name);
        if (type == Type.HEARTBEAT && space >= 0) {
            String payload = line.substring(space + 1);
            if (!HEAP_PAYLOAD.matcher(payload).matches()) {
                throw new MalformedFrameException("a heartbeat's payload must be heap=BYTES, got '" + shorten(payload) + "'");
            }
            return new Frame(type, payload);
        }
        if (!type.hasPayload()) {
            if (space >= 0) {
                throw new MalformedFrameException("'" + name + "' takes no payload");
            }
            return new Frame(type, "");
        }
        if (space < 0) {
            throw new MalformedFrameException("'" + name + "' needs a payload");
        }
        String payload = line.substring(space + 1);
        if (type == Type.SHUTDOWN) {
            if (!payload.matches("\\d{1,12}")) {
                throw new MalformedFrameException("shutdown needs a deadline in milliseconds, got '" + payload + "'");
            }
            return new Frame(type, payload);
        }
        if (type == Type.WEIGHT) {
            if (!payload.matches("\\d{1,3}") || Integer.parseInt(payload) > MAX_WEIGHT) {
                throw new MalformedFrameException("weight needs a whole number in 0.." + MAX_WEIGHT + ", got '" + shorten(payload) + "'");
            }
            return new Frame(type, payload);
        }
        return new Frame(type, unescape(payload));
    }

    private static Type typeNamed(String name) throws MalformedFrameException {
        for (Type type : Type.values()) {
            if (type.wireName().equals(name)) {
                return type;
            }
        }
        throw new MalformedFrameException("unknown frame type '" + shorten(name) + "'");
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String unescape(String text) throws MalformedFrameException {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char next = i + 1 < text.length() ? text.charAt(++i) : '\0';
            switch (next) {
                case '\\' -> out.append('\\');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                default -> throw new MalformedFrameException("bad escape at character " + i + " of the message");
            }
        }
        return out.toString();
    }

    static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    @Override
    public String toString() {
        return type.hasPayload() ? type.wireName() + ' ' + shorten(escape(payload)) : type.wireName();
    }
}
