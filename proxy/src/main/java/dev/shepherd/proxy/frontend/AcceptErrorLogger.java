package dev.shepherd.proxy.frontend;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs errors of the listening socket, such as "Too many open files", at most once per period,
 * with a count of those it held back. Netty's acceptor has already paused accepting for a second,
 * so a persistent error costs one wake-up a second, not a spinning core.
 */
final class AcceptErrorLogger extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AcceptErrorLogger.class);

    private final long periodNanos;
    private final LongSupplier nanoClock;
    private long lastLoggedNanos;
    private boolean loggedOnce;
    private long suppressed;

    AcceptErrorLogger(long period, TimeUnit unit, LongSupplier nanoClock) {
        this.periodNanos = unit.toNanos(period);
        this.nanoClock = nanoClock;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        long now = nanoClock.getAsLong();
        if (loggedOnce && now - lastLoggedNanos < periodNanos) {
            suppressed++;
            return;
        }
        log.warn("accept on {} failed: {}; accepting resumes in 1s ({} similar errors not logged)",
                ctx.channel().localAddress(), cause.toString(), suppressed);
        loggedOnce = true;
        lastLoggedNanos = now;
        suppressed = 0;
    }

    /** Errors held back since the last line logged. */
    long suppressed() {
        return suppressed;
    }
}
