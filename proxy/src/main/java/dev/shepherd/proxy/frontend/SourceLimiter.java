package dev.shepherd.proxy.frontend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Enforces {@code max-connections-per-source} on the listening channel (as HAProxy's
 * {@code sc_conn_cur} with a stick table): a client whose address already has that many
 * connections open is closed as it is accepted, and counted; 0 is off. A config reload's new limit
 * holds for the connections accepted after it. Runs on the listening channel's event loop only.
 */
final class SourceLimiter extends ChannelInboundHandlerAdapter {
    private volatile int maxPerSource;
    private final FrontendMetrics metrics;
    private final Map<InetAddress, Integer> open = new HashMap<>();

    SourceLimiter(int maxPerSource, FrontendMetrics metrics) {
        this.maxPerSource = maxPerSource;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        int maxPerSource = this.maxPerSource;
        if (maxPerSource == 0 || !(child.remoteAddress() instanceof InetSocketAddress remote)) {
            ctx.fireChannelRead(child);
            return;
        }
        InetAddress source = remote.getAddress();
        int now = open.getOrDefault(source, 0);
        if (now >= maxPerSource) {
            metrics.limited(ClientLimit.PER_SOURCE);
            child.unsafe().closeForcibly(); // accepted, never registered with a loop
            return;
        }
        open.put(source, now + 1);
        child.closeFuture().addListener(closed -> {
            if (ctx.executor().inEventLoop()) {
                released(source);
            } else if (!ctx.executor().isShuttingDown()) {
                ctx.executor().execute(() -> released(source));
            }
        });
        ctx.fireChannelRead(child);
    }

    /** A config reload's {@code max-connections-per-source}. */
    void limit(int maxPerSource) {
        this.maxPerSource = maxPerSource;
    }

    private void released(InetAddress source) {
        open.computeIfPresent(source, (address, count) -> count > 1 ? count - 1 : null);
    }
}
