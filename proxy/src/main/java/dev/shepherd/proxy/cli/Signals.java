package dev.shepherd.proxy.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action of the edge's own on a signal in place of the JVM's default (which runs the
 * shutdown hooks once and ignores the signal after that): SIGHUP that would stop the edge, a second
 * SIGTERM or SIGINT that should cut a graceful stop short. Uses {@code sun.misc.Signal} (module
 * jdk.unsupported) reflectively, so the build stays free of internal-API warnings.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    /** Runs {@code action} on each {@code name} signal ({@code "TERM"}); false when the JVM's default stays. */
    static boolean on(String name, Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            InvocationHandler run = (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                    action.run();
                }
                return null;
            };
            Object onSignal = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler}, run);
            signal.getMethod("handle", signal, handler)
                    .invoke(null, signal.getConstructor(String.class).newInstance(name), onSignal);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("SIG{} keeps the JVM's default: {}", name, e.toString());
            return false;
        }
    }

    /** Sends signal {@code name} to this process, as {@code kill -NAME} would; false where that cannot be done. */
    static boolean raise(String name) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            signal.getMethod("raise", signal).invoke(null, signal.getConstructor(String.class).newInstance(name));
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("SIG{} cannot be raised: {}", name, e.toString());
            return false;
        }
    }
}
