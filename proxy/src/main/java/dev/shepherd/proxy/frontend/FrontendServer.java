package dev.shepherd.proxy.frontend;

import dev.shepherd.proxy.config.ConfigNames;
import dev.shepherd.proxy.config.ShepherdSettings;
import dev.shepherd.proxy.endpoint.PassiveHealth;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The listening side of the front proxy: accepts clients and pairs each with an endpoint of the group. */
public final class FrontendServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FrontendServer.class);

    private final ShepherdSettings settings;
    private final EndpointGroup group;
    private final PassiveHealth passiveHealth;
    private final Transport transport;
    private final FrontendMetrics metrics = new FrontendMetrics();
    private final EventLoopGroup ioGroup;
    private final DnsAddressResolverGroup resolver;
    private final MeterRegistry registry;
    private final RecvByteBufAllocator reads;
    private final ConnectionLimiter limiter;
    private final SourceLimiter perSource;
    private final BackendConnector connector;
    // What a config reload changes for the connections accepted after it.
    private volatile long idleNanos;
    private volatile long maxDurationNanos;
    private Channel serverChannel;

    /** @param passiveHealth hears how the proxy's connections to each endpoint went */
    public FrontendServer(ShepherdSettings settings, EndpointGroup group, PassiveHealth passiveHealth,
            MeterRegistry registry) {
        this(settings, group, passiveHealth, registry, chosen(settings.transport()));
    }

    /** The transport asked for, which must load; for auto the fastest that does, saying why faster ones did not. */
    private static Transport chosen(Transport wanted) {
        if (wanted != null) {
            String error = wanted.settingError();
            if (error != null) {
                throw new IllegalStateException("transport = " + error);
            }
            return wanted;
        }
        Transport best = Transport.best();
        for (Transport faster : Transport.preference()) {
            if (faster == best) {
                break;
            }
            log.info("transport {} does not load here ({}); auto picks {}", faster.configName(),
                    faster.unavailabilityCause(), best.configName());
        }
        if (best == Transport.EPOLL && Transport.IO_URING.isAvailable()) {
            log.info("transport auto picks epoll: {}", Transport.WHY_AUTO_PASSES_OVER_IO_URING);
        }
        return best;
    }

    FrontendServer(ShepherdSettings settings, EndpointGroup group, PassiveHealth passiveHealth, MeterRegistry registry,
            Transport transport) {
        this.settings = settings;
        this.group = group;
        this.passiveHealth = passiveHealth;
        this.transport = transport;
        this.ioGroup = transport.newGroup(settings.eventLoopThreads(), "shepherd-io");
        this.resolver = new DnsAddressResolverGroup(transport.datagramChannel(), DnsServerAddressStreamProviders.platformDefault());
        this.registry = registry;
        this.limiter = new ConnectionLimiter(settings.maxConnections());
        this.perSource = new SourceLimiter(settings.maxConnectionsPerSource(), metrics);
        // Shared by every channel: each gets its own handle, whose read size adapts to its traffic.
        this.reads = new AdaptiveRecvByteBufAllocator(64, Math.min(2048, settings.readBufferSize()), settings.readBufferSize());
        this.connector = new BackendConnector(group, passiveHealth, ConnectPolicy.of(settings), transport, reads, resolver, metrics);
        this.idleNanos = settings.idleTimeout().toNanos();
        this.maxDurationNanos = settings.maxConnectionDuration().toNanos();
        metrics.bindTo(registry);
        connector.bindTo(registry);
    }

    /**
     * A config reload: balance, timeouts, retries, {@code proxy-protocol} and the connection limits
     * hold for the connections accepted from now on; open ones go on as they began. The listener,
     * transport, event loops and read buffers stay as started.
     */
    public void apply(ShepherdSettings next) {
        connector.policy(connector.policy().with(next));
        idleNanos = next.idleTimeout().toNanos();
        maxDurationNanos = next.maxConnectionDuration().toNanos();
        perSource.limit(next.maxConnectionsPerSource());
        limiter.limit(next.maxConnections());
    }

    /** Binds {@code listen.host:listen.port} and returns the bound address (useful with port 0). */
    public InetSocketAddress start() throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(ioGroup)
                .channelFactory(transport.serverChannelFor(settings.listen().host()))
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(listenerHandlers())
                .childOption(ChannelOption.AUTO_READ, false)
                // null: not set again where Netty sets it already (a system call per client saved)
                .childOption(ChannelOption.TCP_NODELAY, !Transport.NO_DELAY_BY_DEFAULT ? Boolean.TRUE : null)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, reads)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel client) {
                        long maxDuration = maxDurationNanos;
                        if (maxDuration > 0) {
                            client.pipeline().addLast(new ConnectionDeadline(maxDuration, metrics));
                        }
                        client.pipeline().addLast(
                                new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS),
                                new FrontendHandler(connector, metrics));
                    }
                });
        // The accept error logger goes last, behind Netty's acceptor (which pauses accepting for a
        // second on an error), and is in place before the first accept: added on the event loop as
        // the bind completes, before the channel is active. Added later from this thread, it was
        // seen missing for the first errors on io_uring, each then logged by the pipeline's tail.
        ChannelFuture bound = bootstrap.bind(settings.listen().host(), settings.listen().port())
                .addListener((ChannelFutureListener) done -> {
                    if (done.isSuccess()) {
                        done.channel().pipeline().addLast(new AcceptErrorLogger(10, TimeUnit.SECONDS, System::nanoTime));
                    }
                }).await();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw new IllegalStateException("cannot listen on " + settings.listen() + ": "
                    + (cause.getMessage() != null ? cause.getMessage() : cause.toString()), cause);
        }
        serverChannel = bound.channel();
        InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
        log.info("front proxy listening on {}:{}{} ({} transport, {} event-loop threads, balance {})",
                settings.listen().host(), address.getPort(),
                transport.widensIpv4Wildcard(settings.listen().host()) ? " and on IPv6 too (io_uring's socket takes no address family)" : "",
                transport.configName(), settings.eventLoopThreads(), ConfigNames.of(settings.balance()));
        return address;
    }

    /** On the listening channel: the per-source limit, then max-connections. */
    private ChannelHandler listenerHandlers() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel listener) {
                ChannelHandler accepted = transport.acceptedChannels();
                if (accepted != null) {
                    listener.pipeline().addLast(accepted);
                }
                listener.pipeline().addLast(perSource, limiter);
            }
        };
    }

    /** The transport the traffic runs on. */
    public Transport transport() {
        return transport;
    }

    /** Bytes read from one side of a pair and not yet written to the other, over all pairs. */
    public long bufferedBytes() {
        return metrics.bufferedBytes();
    }

    /** Client connections open right now. */
    public int activeConnections() {
        return metrics.activeClients();
    }

    /** Closes the listening socket; open pairs carry on. */
    public void stopAccepting() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
    }

    /** Stops accepting, closes every pair, and stops the event loops. */
    @Override
    public void close() {
        stopAccepting();
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        resolver.close();
    }
}
