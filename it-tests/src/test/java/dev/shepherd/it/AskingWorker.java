package dev.shepherd.it;

import com.sun.net.httpserver.HttpServer;
import dev.shepherd.worker.Worker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A worker that asks the edge for things when told to by a message ({@code POST
 * /workers/ID/send}): {@code replace}, {@code drain}, {@code ready}, {@code weight N}, {@code grow N}
 * (hold N MiB more of resident memory), {@code throw} (an uncaught exception in a thread of its
 * own, with {@code replaceOnUncaughtException} on), {@code flood} (20,000 of each request, as fast
 * as the channel takes them). {@code /} answers its id and pid.
 */
public final class AskingWorker {
    private static final List<byte[]> HELD = new ArrayList<>();

    private AskingWorker() {}

    public static void main(String[] args) throws IOException {
        Worker worker = Worker.current(args);
        worker.replaceOnUncaughtException();
        HttpServer server = PlainHttpServer.serve(worker.port(), "worker " + worker.id() + " pid " + ProcessHandle.current().pid() + "\n");
        worker.onMessage(text -> {
            String[] words = text.strip().split(" ");
            switch (words[0]) {
                case "replace" -> worker.requestReplacement("told to in a test");
                case "drain" -> worker.requestDrain();
                case "ready" -> worker.requestReady();
                case "weight" -> worker.setWeight(Integer.parseInt(words[1]));
                case "grow" -> grow(Integer.parseInt(words[1]));
                case "flood" -> {
                    for (int i = 0; i < 20_000; i++) {
                        worker.requestDrain();
                        worker.requestReady();
                        worker.setWeight(i % 2 == 0 ? 50 : 100);
                        worker.requestReplacement("flood " + i);
                    }
                }
                case "throw" -> new Thread(() -> {
                    throw new IllegalStateException("thrown on purpose in a test");
                }, "thrower").start();
                default -> System.out.println("unknown message: " + text);
            }
        });
        worker.onShutdown(() -> server.stop(0));
        worker.ready();
    }

    /**
     * Holds {@code mib} MiB more, every page written so that it is resident; in quarter-MiB arrays,
     * which G1 does not store as humongous objects (a 1 MiB array would take two 1 MiB regions).
     */
    private static synchronized void grow(int mib) {
        for (int i = 0; i < mib * 4; i++) {
            byte[] chunk = new byte[1 << 18];
            Arrays.fill(chunk, (byte) 1);
            HELD.add(chunk);
        }
        System.out.println("holding " + HELD.size() / 4 + " MiB");
    }
}
