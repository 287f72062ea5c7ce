package dev.shepherd.proxy.frontend;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.FailureReason;
import dev.shepherd.proxy.endpoint.PassiveHealth;
import dev.shepherd.proxy.logging.LogLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the endpoint side of a pair on the client channel's own event loop. With {@code retry-on}
 * {@code connect-failure}, a refused or timed-out connect moves on to another eligible endpoint, up
 * to {@code connect-attempts} distinct ones for the client's connection (replays included); only
 * then is the client closed. A new client that finds no endpoint able to take it waits for one
 * ({@link WaitingClients}, {@code queue-timeout}).
 */
final class BackendConnector {
    private static final Logger log = LoggerFactory.getLogger(BackendConnector.class);

    private final EndpointGroup group;
    private final PassiveHealth passiveHealth;
    private final FrontendMetrics metrics;
    private final Transport transport;
    private final Bootstrap template;
    private volatile ConnectPolicy policy;
    private final Map<Endpoint, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    private final AddressResolverGroup<InetSocketAddress> dns;
    private final LogLimiter giveUpLog = new LogLimiter(10, TimeUnit.SECONDS, System::nanoTime);
    private final WaitingClients waiting;

    BackendConnector(EndpointGroup group, PassiveHealth passiveHealth, ConnectPolicy policy, Transport transport,
            RecvByteBufAllocator reads, AddressResolverGroup<InetSocketAddress> dns, FrontendMetrics metrics) {
        this.group = group;
        this.passiveHealth = passiveHealth;
        this.policy = policy;
        this.metrics = metrics;
        this.dns = dns;
        this.waiting = new WaitingClients(group, () -> this.policy.queueTimeoutNanos(), this::connect, metrics);
        this.transport = transport;
        this.template = new Bootstrap()
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.RECVBUF_ALLOCATOR, reads)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
        if (!Transport.NO_DELAY_BY_DEFAULT) {
            template.option(ChannelOption.TCP_NODELAY, true);
        }
    }

    /** The policy new connection attempts follow (a config reload's). */
    ConnectPolicy policy() {
        return policy;
    }

    /** From now on, connection attempts follow {@code next}; those under way finish as they began. */
    void policy(ConnectPolicy next) {
        policy = next;
    }

    /**
     * Connects an endpoint not yet in {@code pair.tried()} for {@code client}, then calls
     * {@code pair.backendConnected(client, backend)}; or closes the client.
     */
    void connect(Channel client, FrontendHandler pair) {
        attempt(client, pair, FailureReason.NO_ELIGIBLE_ENDPOINT);
    }

    /** As {@link #connect}, for a connection its last endpoint ended unanswered: its bytes go again. */
    void replay(Channel client, FrontendHandler pair) {
        attempt(client, pair, FailureReason.EMPTY_RESPONSE);
    }

    /** Its meters: the clients waiting for an endpoint. */
    void bindTo(MeterRegistry registry) {
        waiting.bindTo(registry);
    }

    /** Whether a client that has tried {@code tried} may try one more endpoint. */
    boolean mayTryAnother(Set<Endpoint> tried) {
        return tried.size() < policy.connectAttempts();
    }

    /** {@code first-byte-timeout} in nanoseconds; 0 when off. */
    long firstByteTimeoutNanos() {
        return policy.firstByteTimeoutNanos();
    }

    /** Whether a connect that failed is tried on another endpoint (retry-on connect-failure). */
    boolean retriesConnectFailures() {
        return policy.retryConnectFailures();
    }

    /** Whether a connection ended unanswered by its endpoint is replayed on another (retry-on empty-response). */
    boolean replaysEmptyResponses() {
        return policy.replayEmptyResponses();
    }

    /** Whether a client that has tried {@code tried} has another eligible endpoint to replay on, within connect-attempts. */
    boolean mayReplay(Set<Endpoint> tried) {
        if (!mayTryAnother(tried)) {
            return false;
        }
        for (Endpoint endpoint : group.eligible()) {
            if (!tried.contains(endpoint)) {
                return true;
            }
        }
        return false;
    }

    private void attempt(Channel client, FrontendHandler pair, FailureReason lastFailure) {
        Set<Endpoint> tried = pair.tried();
        if (!client.isActive()) {
            return;
        }
        if (!mayTryAnother(tried)) {
            giveUp(client, lastFailure, tried);
            return;
        }
        EndpointGroup.Lease lease = reserve(tried);
        if (lease == null) {
            if (tried.isEmpty()) {
                if (waiting.offer(client, pair)) {
                    return;
                }
                lastFailure = pair.waitDeadline() != 0 ? FailureReason.QUEUE_TIMEOUT
                        : group.eligible().isEmpty() ? FailureReason.NO_ELIGIBLE_ENDPOINT : FailureReason.OVER_CAPACITY;
                metrics.failed(lastFailure);
            }
            giveUp(client, lastFailure, tried);
            return;
        }
        waiting.served();
        tried.add(lease.endpoint());
        InetSocketAddress address = address(lease.endpoint());
        if (!address.isUnresolved()) {
            connect(client, pair, lease, address);
            return;
        }
        AddressResolver<InetSocketAddress> resolver;
        try {
            resolver = dns.getResolver(client.eventLoop()); // opens the loop's DNS socket the first time
        } catch (RuntimeException e) {
            failed(client, pair, lease, e);
            return;
        }
        resolver.resolve(address).addListener((Future<InetSocketAddress> resolved) -> {
            if (resolved.isSuccess()) {
                connect(client, pair, lease, resolved.getNow());
            } else {
                failed(client, pair, lease, resolved.cause());
            }
        });
    }

    private void connect(Channel client, FrontendHandler pair, EndpointGroup.Lease lease, InetSocketAddress address) {
        ConnectPolicy policy = this.policy;
        ProxyProtocol proxyProtocol = policy.proxyProtocol();
        long started = System.nanoTime();
        ChannelFuture connecting = template.clone(client.eventLoop())
                .channelFactory(transport.socketChannelFor(address))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, policy.connectTimeoutMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel backend) {
                        if (proxyProtocol != ProxyProtocol.OFF) {
                            backend.pipeline().addLast(HAProxyMessageEncoder.INSTANCE);
                        }
                        backend.pipeline().addLast(new BackendHandler(client, pair, lease, passiveHealth, metrics));
                    }
                })
                .connect(address);
        connecting.addListener((ChannelFutureListener) done -> {
            if (done.isSuccess()) {
                lease.connected(System.nanoTime() - started);
                Channel backend = done.channel();
                lease.closeWith(nanos -> client.eventLoop().schedule(() -> pair.closeIfRelayingTo(client, lease), nanos,
                        TimeUnit.NANOSECONDS));
                backend.closeFuture().addListener(closed -> lease.release());
                if (proxyProtocol != ProxyProtocol.OFF) {
                    backend.writeAndFlush(ProxyProtocolHeader.of(proxyProtocol, client));
                }
                pair.backendConnected(client, backend, lease);
            } else {
                failed(client, pair, lease, done.cause());
            }
        });
    }

    private void failed(Channel client, FrontendHandler pair, EndpointGroup.Lease lease, Throwable cause) {
        lease.release();
        FailureReason reason = reasonOf(cause);
        metrics.failed(reason);
        lease.failed(reason);
        if (reason == FailureReason.CONNECT_REFUSED || reason == FailureReason.CONNECT_TIMEOUT) {
            passiveHealth.failed(lease.endpoint(), reason.tag() + " (" + cause.getMessage() + ")");
        }
        log.debug("{}: connect to endpoint {} failed ({}): {}", client, lease.endpoint(), reason.tag(), cause.toString());
        if (policy.retryConnectFailures()) {
            attempt(client, pair, reason);
        } else {
            giveUp(client, reason, pair.tried());
        }
    }

    /** Picks an untried eligible endpoint below its connection cap and counts the connection on it. */
    private EndpointGroup.Lease reserve(Set<Endpoint> tried) {
        ConnectPolicy policy = this.policy;
        int cap = policy.maxConnectionsPerEndpoint();
        List<Endpoint> eligible = group.eligible();
        // The usual case, a first attempt with no endpoint at its cap, needs no copy of the list.
        List<Endpoint> candidates = tried.isEmpty() && noneAtCap(eligible, cap) ? eligible : available(eligible, tried, cap);
        while (!candidates.isEmpty()) {
            Endpoint endpoint = policy.balancer().select(candidates, group);
            EndpointGroup.Lease lease = group.tryOpenConnection(endpoint, cap);
            if (lease != null) {
                return lease;
            }
            candidates = available(candidates, Set.of(endpoint), cap); // at its cap, or out of rotation, meanwhile
        }
        return null;
    }

    private boolean noneAtCap(List<Endpoint> endpoints, int cap) {
        for (Endpoint endpoint : endpoints) {
            if (group.activeConnections(endpoint) >= cap) {
                return false;
            }
        }
        return true;
    }

    private List<Endpoint> available(List<Endpoint> endpoints, Set<Endpoint> excluded, int cap) {
        List<Endpoint> available = new ArrayList<>(endpoints);
        available.removeIf(endpoint -> excluded.contains(endpoint)
                || group.activeConnections(endpoint) >= cap);
        return available;
    }

    /**
     * The endpoint's address: an IP literal as it is; a host name unresolved, for the non-blocking
     * DNS resolver (which caches by the records' TTL) to look up off the event loop.
     */
    private InetSocketAddress address(Endpoint endpoint) {
        return addresses.computeIfAbsent(endpoint, e -> {
            InetAddress literal = NetUtil.createInetAddressFromIpAddressString(e.host());
            return literal != null ? new InetSocketAddress(literal, e.port()) : InetSocketAddress.createUnresolved(e.host(), e.port());
        });
    }

    private void giveUp(Channel client, FailureReason reason, Set<Endpoint> tried) {
        long held = giveUpLog.tryLog();
        if (held >= 0) {
            log.warn("{}: no endpoint connection ({}; tried {}), closing the client ({} more closed since the last such line)",
                    client, reason.tag(), tried, held);
        }
        client.close();
    }

    static FailureReason reasonOf(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return FailureReason.CONNECT_TIMEOUT;
        }
        if (cause instanceof ConnectException) {
            return FailureReason.CONNECT_REFUSED;
        }
        return FailureReason.CONNECT_FAILED;
    }
}
