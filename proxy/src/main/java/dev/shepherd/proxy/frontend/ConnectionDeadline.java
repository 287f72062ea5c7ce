package dev.shepherd.proxy.frontend;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Enforces {@code max-connection-duration} on a client connection: closed (with its endpoint
 * connection) that long after it opened, however busy, and counted. A client that trickles a byte
 * just inside {@code idle-timeout} holds a connection no longer than this.
 */
final class ConnectionDeadline extends ChannelInboundHandlerAdapter {
    private final long maxNanos;
    private final FrontendMetrics metrics;
    private ScheduledFuture<?> deadline;

    ConnectionDeadline(long maxNanos, FrontendMetrics metrics) {
        this.maxNanos = maxNanos;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                metrics.limited(ClientLimit.MAX_DURATION);
                ctx.close();
            }
        }, maxNanos, TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        ctx.fireChannelInactive();
    }
}
