package dev.shepherd.proxy.health;

import dev.shepherd.proxy.endpoint.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.ConnectException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where every active check runs: one event loop thread with non-blocking connects, reads and
 * timers, and Netty's non-blocking DNS resolver (as the proxy's own connects), so that a thousand
 * endpoints cost a thousand timers, not a thousand threads waiting on slow ports.
 */
final class Probes implements AutoCloseable {
    private static final int MAX_STATUS_LINE = 200;
    /** What a check started while the edge stops comes to: it says nothing of the endpoint. */
    private static final CheckResult STOPPING = CheckResult.inconclusive("the health checks are stopping");

    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("shepherd-health-check", true),
            NioIoHandler.newFactory());
    private final DnsAddressResolverGroup dns = new DnsAddressResolverGroup(NioDatagramChannel.class,
            DnsServerAddressStreamProviders.platformDefault());
    // SO_LINGER 0: a check's connection ends with a reset, as HAProxy's do, so that checks every
    // few seconds of many endpoints leave no TIME_WAIT sockets holding the edge's local ports.
    private final Bootstrap bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class).resolver(dns)
            .option(ChannelOption.AUTO_READ, true).option(ChannelOption.SO_LINGER, 0);

    /** Passes when {@code endpoint}'s port accepts a connection within {@code timeoutMillis}. */
    CompletableFuture<CheckResult> tcp(Endpoint endpoint, int timeoutMillis) {
        if (loop.isShuttingDown()) {
            return CompletableFuture.completedFuture(STOPPING);
        }
        CompletableFuture<CheckResult> result = new CompletableFuture<>();
        connect(endpoint, timeoutMillis, new ChannelInboundHandlerAdapter()).addListener((ChannelFuture connected) -> {
            if (connected.isSuccess()) {
                connected.channel().close(); // accepted: that is all a tcp check asks
                result.complete(CheckResult.PASSED);
            } else {
                result.complete(failure(connected.cause(), timeoutMillis));
            }
        });
        return result;
    }

    /**
     * Sends {@code request} and passes when the status line that comes back, within
     * {@code timeoutMillis} of the start (connect included), is 2xx.
     */
    CompletableFuture<CheckResult> http(Endpoint endpoint, byte[] request, int timeoutMillis) {
        if (loop.isShuttingDown()) {
            return CompletableFuture.completedFuture(STOPPING);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        CompletableFuture<CheckResult> result = new CompletableFuture<>();
        connect(endpoint, timeoutMillis, new StatusLine(request, result)).addListener((ChannelFuture connected) -> {
            if (!connected.isSuccess()) {
                result.complete(failure(connected.cause(), timeoutMillis));
                return;
            }
            Channel channel = connected.channel();
            var timer = channel.eventLoop().schedule(
                    () -> result.complete(CheckResult.failed("timed out after " + timeoutMillis + " ms")),
                    Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            result.whenComplete((done, never) -> {
                timer.cancel(false);
                channel.close();
            });
        });
        return result;
    }

    private ChannelFuture connect(Endpoint endpoint, int timeoutMillis, ChannelHandler handler) {
        return bootstrap.clone().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis).handler(handler)
                .connect(endpoint.host(), endpoint.port());
    }

    /** A failure the edge caused itself (EMFILE, ENFILE, EADDRNOTAVAIL) says nothing of the endpoint. */
    static CheckResult failure(Throwable cause, int timeoutMillis) {
        String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        if (LocalErrors.isLocal(message)) {
            return CheckResult.inconclusive(message);
        }
        if (cause instanceof ConnectTimeoutException) {
            return CheckResult.failed("timed out after " + timeoutMillis + " ms");
        }
        if (cause instanceof ConnectException) {
            return CheckResult.failed("connection refused");
        }
        return CheckResult.failed(message);
    }

    @Override
    public void close() {
        dns.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** Writes the request once connected; reads the status line and judges it. */
    private static final class StatusLine extends ChannelInboundHandlerAdapter {
        private final byte[] request;
        private final CompletableFuture<CheckResult> result;
        private final StringBuilder line = new StringBuilder();

        StatusLine(byte[] request, CompletableFuture<CheckResult> result) {
            this.request = request;
            this.result = result;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(request)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof ByteBuf bytes) || result.isDone()) {
                    return;
                }
                while (bytes.isReadable() && line.length() < MAX_STATUS_LINE) {
                    char c = (char) bytes.readByte();
                    if (c == '\n') {
                        result.complete(judge(line.toString()));
                        return;
                    }
                    if (c != '\r') {
                        line.append(c);
                    }
                }
                if (line.length() >= MAX_STATUS_LINE) {
                    result.complete(judge(line.toString()));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.complete(CheckResult.failed("closed before a status line"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.complete(failure(cause, 0));
            ctx.close();
        }

        private static CheckResult judge(String statusLine) {
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
                return CheckResult.failed("not an HTTP response: '" + shorten(statusLine) + "'");
            }
            return parts[1].startsWith("2") ? CheckResult.PASSED : CheckResult.failed("HTTP " + parts[1]);
        }

        private static String shorten(String text) {
            return text.length() <= 40 ? text : text.substring(0, 40) + "...";
        }
    }
}
