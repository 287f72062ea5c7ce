package dev.shepherd.proxy.frontend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Enforces {@code max-connections} on the listening channel, as HAProxy's {@code maxconn} does:
 * at the limit it stops accepting, so new clients wait in the kernel's listen backlog instead of
 * being closed, and it accepts again as soon as an open connection closes. A client accepted in
 * the same read burst that reached the limit waits here, unserved but open, for the next free slot.
 * Runs on the listening channel's event loop only.
 */
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private final Queue<Channel> waiting = new ArrayDeque<>();
    private volatile int maxConnections;
    private int open;
    private volatile ChannelHandlerContext ctx;

    ConnectionLimiter(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** A config reload's {@code max-connections}: a higher one admits waiting clients at once, a lower one new ones only. */
    void limit(int maxConnections) {
        ChannelHandlerContext listening = ctx;
        if (listening == null) {
            this.maxConnections = maxConnections; // not listening yet: no loop, nobody waiting
            return;
        }
        listening.executor().execute(() -> {
            this.maxConnections = maxConnections;
            admitWaiting(listening);
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        if (open < maxConnections) {
            admit(ctx, child);
        } else {
            waiting.add(child);
        }
        if (open >= maxConnections) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Accepted but never registered with a loop: close() would throw, as in Netty's own acceptor.
        waiting.forEach(child -> child.unsafe().closeForcibly());
        waiting.clear();
        ctx.fireChannelInactive();
    }

    private void admit(ChannelHandlerContext ctx, Channel child) {
        open++;
        child.closeFuture().addListener(closed -> {
            if (ctx.executor().inEventLoop()) {
                released(ctx); // the client shares the listener's loop: no task to queue
            } else if (!ctx.executor().isShuttingDown()) {
                ctx.executor().execute(() -> released(ctx));
            }
        });
        ctx.fireChannelRead(child);
    }

    private void released(ChannelHandlerContext ctx) {
        open--;
        admitWaiting(ctx);
    }

    private void admitWaiting(ChannelHandlerContext ctx) {
        Channel next;
        while (open < maxConnections && (next = waiting.poll()) != null) {
            admit(ctx, next);
        }
        if (open < maxConnections && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
        }
    }
}
