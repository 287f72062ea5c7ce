package dev.shepherd.proxy.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps SIGHUP from stopping the edge: the JVM's default runs the shutdown hooks, and logrotate
 * or an operator used to nginx and HAProxy sends SIGHUP expecting a reload. Until reload is
 * built, the signal is logged and ignored. Uses {@code sun.misc.Signal} (module jdk.unsupported)
 * reflectively, so the build stays free of internal-API warnings; without it SIGHUP keeps the
 * JVM's default.
 */
final class HangupSignal {
    private static final Logger log = LoggerFactory.getLogger(HangupSignal.class);

    private HangupSignal() {}

    static void ignoreWithAWarning() {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            InvocationHandler logIt = (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                    log.warn("SIGHUP: re-reading the config is not built yet; the edge keeps running as it is");
                }
                return null;
            };
            Object onHangup = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler}, logIt);
            signal.getMethod("handle", signal, handler)
                    .invoke(null, signal.getConstructor(String.class).newInstance("HUP"), onHangup);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("SIGHUP keeps the JVM's default (stop): {}", e.toString());
        }
    }
}
