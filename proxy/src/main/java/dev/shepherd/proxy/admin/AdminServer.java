package dev.shepherd.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.shepherd.proxy.config.AdminSettings;
import dev.shepherd.proxy.frontend.Transport;
import dev.shepherd.proxy.operations.Operations;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP API on {@code admin.host:admin.port}, on an event loop of its own (one NIO
 * thread, never the traffic's). Hostile input is bounded: a request body over 64 KiB is answered
 * 413, a request not read whole within 10 s is closed, and at most 32 admin connections are open
 * at once (more are closed at once).
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    static final int MAX_CONNECTIONS = 32;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final AdminSettings settings;
    private final AdminRoutes routes;
    private final Duration readTimeout;
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private final EventLoopGroup group = Transport.NIO.newGroup(1, "shepherd-admin");
    private Channel channel;

    /**
     * @param edge the edge's own fields of {@code GET /status}
     * @param metrics the Prometheus text of every meter
     */
    public AdminServer(AdminSettings settings, Operations operations, Supplier<Map<String, Object>> edge,
            Supplier<String> metrics) {
        this(settings, operations, edge, metrics, READ_TIMEOUT);
    }

    AdminServer(AdminSettings settings, Operations operations, Supplier<Map<String, Object>> edge,
            Supplier<String> metrics, Duration readTimeout) {
        this.settings = settings;
        this.routes = new AdminRoutes(operations, edge, metrics, settings.token());
        this.readTimeout = readTimeout;
    }

    /** Binds {@code admin.host:admin.port}; returns the bound address (useful with port 0). */
    public InetSocketAddress start() throws InterruptedException {
        ConnectionCap cap = new ConnectionCap();
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channelFactory(Transport.NIO.serverChannelFor(settings.listen().host()))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel admin) {
                        admin.pipeline().addLast(
                                cap,
                                new ReadTimeoutHandler(readTimeout.toMillis(), TimeUnit.MILLISECONDS),
                                new HttpServerCodec(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new AdminHandler(routes, json));
                    }
                })
                .bind(settings.listen().host(), settings.listen().port()).await();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            close();
            throw new IllegalStateException("cannot listen for the admin API on " + settings.listen() + ": "
                    + (cause.getMessage() != null ? cause.getMessage() : cause.toString()), cause);
        }
        channel = bound.channel();
        InetSocketAddress address = (InetSocketAddress) channel.localAddress();
        log.info("admin API listening on {}:{} ({})", settings.listen().host(), address.getPort(),
                settings.token().isEmpty() ? "no token: POSTs need none" : "POSTs need the token");
        return address;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Closes a new admin connection at once while {@link #MAX_CONNECTIONS} are open. */
    @ChannelHandler.Sharable
    private static final class ConnectionCap extends ChannelInboundHandlerAdapter {
        private final AtomicInteger open = new AtomicInteger();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (open.incrementAndGet() > MAX_CONNECTIONS) {
                ctx.close();
                return;
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open.decrementAndGet();
            ctx.fireChannelInactive();
        }
    }
}
