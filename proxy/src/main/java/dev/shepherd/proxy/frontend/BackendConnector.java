package dev.shepherd.proxy.frontend;

import dev.shepherd.proxy.balancer.LoadBalancer;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the endpoint side of a pair on the client channel's own event loop. A refused or timed-out
 * connect moves on to another eligible endpoint, up to {@code connect-attempts} distinct ones; only
 * then is the client closed.
 */
final class BackendConnector {
    private static final Logger log = LoggerFactory.getLogger(BackendConnector.class);

    private final EndpointGroup group;
    private final LoadBalancer balancer;
    private final Bootstrap template;
    private final int connectAttempts;
    private final int maxConnectionsPerEndpoint;
    private final ProxyProtocol proxyProtocol;
    private final FrontendMetrics metrics;
    private final Map<Endpoint, InetSocketAddress> addresses = new ConcurrentHashMap<>();

    BackendConnector(EndpointGroup group, LoadBalancer balancer, Transport transport, int connectTimeoutMillis,
            int connectAttempts, int maxConnectionsPerEndpoint, ProxyProtocol proxyProtocol, FrontendMetrics metrics) {
        this.group = group;
        this.balancer = balancer;
        this.connectAttempts = connectAttempts;
        this.maxConnectionsPerEndpoint = maxConnectionsPerEndpoint;
        this.proxyProtocol = proxyProtocol;
        this.metrics = metrics;
        this.template = new Bootstrap()
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }

    /** Connects an endpoint for {@code client}, then calls {@code connected(client, backend)}; or closes the client. */
    void connect(Channel client, BiConsumer<Channel, Channel> connected) {
        attempt(client, connected, new HashSet<>(), FailureReason.NO_ELIGIBLE_ENDPOINT);
    }

    private void attempt(Channel client, BiConsumer<Channel, Channel> connected, Set<Endpoint> tried,
            FailureReason lastFailure) {
        if (!client.isActive()) {
            return;
        }
        if (tried.size() >= connectAttempts) {
            giveUp(client, lastFailure, tried);
            return;
        }
        Endpoint endpoint = reserve(tried);
        if (endpoint == null) {
            if (tried.isEmpty()) {
                lastFailure = group.eligible().isEmpty() ? FailureReason.NO_ELIGIBLE_ENDPOINT : FailureReason.OVER_CAPACITY;
                metrics.failed(lastFailure);
            }
            giveUp(client, lastFailure, tried);
            return;
        }
        tried.add(endpoint);
        ChannelFuture connecting = template.clone(client.eventLoop())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel backend) {
                        if (proxyProtocol != ProxyProtocol.OFF) {
                            backend.pipeline().addLast(HAProxyMessageEncoder.INSTANCE);
                        }
                        backend.pipeline().addLast(new BackendHandler(client, metrics));
                    }
                })
                .connect(address(endpoint));
        connecting.addListener((ChannelFutureListener) done -> {
            if (done.isSuccess()) {
                Channel backend = done.channel();
                backend.closeFuture().addListener(closed -> group.connectionClosed(endpoint));
                if (proxyProtocol != ProxyProtocol.OFF) {
                    backend.writeAndFlush(ProxyProtocolHeader.of(proxyProtocol, client));
                }
                connected.accept(client, backend);
            } else {
                group.connectionClosed(endpoint);
                FailureReason reason = reasonOf(done.cause());
                metrics.failed(reason);
                log.debug("{}: connect to endpoint {} failed ({}): {}", client, endpoint, reason.tag(), done.cause().toString());
                attempt(client, connected, tried, reason);
            }
        });
    }

    /** Picks an untried eligible endpoint below its connection cap and counts the connection on it. */
    private Endpoint reserve(Set<Endpoint> tried) {
        List<Endpoint> candidates = new ArrayList<>(group.eligible());
        candidates.removeIf(endpoint -> tried.contains(endpoint)
                || group.activeConnections(endpoint) >= maxConnectionsPerEndpoint);
        while (!candidates.isEmpty()) {
            Endpoint endpoint = balancer.select(candidates, group::activeConnections);
            if (group.tryOpenConnection(endpoint, maxConnectionsPerEndpoint)) {
                return endpoint;
            }
            candidates.remove(endpoint);
        }
        return null;
    }

    /** The endpoint's address, resolved once as HAProxy does at start-up; a failed lookup is tried again next time. */
    private InetSocketAddress address(Endpoint endpoint) {
        InetSocketAddress address = addresses.get(endpoint);
        if (address == null) {
            address = new InetSocketAddress(endpoint.host(), endpoint.port());
            if (!address.isUnresolved()) {
                addresses.put(endpoint, address);
            }
        }
        return address;
    }

    private static void giveUp(Channel client, FailureReason reason, Set<Endpoint> tried) {
        log.warn("{}: no endpoint connection ({}; tried {}), closing the client", client, reason.tag(), tried);
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
