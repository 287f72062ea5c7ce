package dev.shepherd.proxy.frontend;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The client side of a pair: when the client connects, has the {@link BackendConnector} open an
 * endpoint connection on this channel's event loop, then relays the client's bytes to it. With
 * {@code retry-on = ["empty-response"]} it keeps a copy of the client's first bytes (up to
 * {@link #REPLAY_LIMIT}) until the endpoint's first byte, to send them again to another endpoint
 * should this one end the connection unanswered. With {@code first-byte-timeout}, an endpoint that
 * sends nothing that long after the client's first bytes ends the pair.
 */
final class FrontendHandler extends RelayHandler {
    /** The most of a client's first bytes kept for a replay; a client that sends more before any answer is not replayed. */
    static final int REPLAY_LIMIT = 16 * 1024;

    private final BackendConnector connector;
    /** The endpoints this client's connection has tried, in every attempt and replay. */
    private final Set<Endpoint> tried = new HashSet<>(4);
    /** Copies of what went to the endpoint before its first byte; null when no replay can happen. */
    private List<ByteBuf> sent;
    private int sentBytes;
    private boolean spoke;
    private boolean answered;
    private ScheduledFuture<?> firstByteTimer;
    /** The connection to the endpoint now relayed to, whose bytes sent are counted; null before the first. */
    private EndpointGroup.Lease lease;
    /** When this client's wait for an endpoint runs out (System.nanoTime), or 0 if it never waited. */
    private long waitDeadline;

    FrontendHandler(BackendConnector connector, FrontendMetrics metrics) {
        super(metrics, null);
        this.connector = connector;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        metrics.clientOpened();
        if (connector.replaysEmptyResponses()) {
            sent = new ArrayList<>(2);
        }
        connector.connect(ctx.channel(), this);
    }

    Set<Endpoint> tried() {
        return tried;
    }

    long waitDeadline() {
        return waitDeadline;
    }

    void waitUntil(long deadlineNanos) {
        waitDeadline = deadlineNanos;
    }

    /** A drain's deadline ({@code close-spread}): closes the client unless it has moved on to another endpoint. */
    void closeIfRelayingTo(Channel client, EndpointGroup.Lease endpoint) {
        if (lease == endpoint) {
            client.close();
        }
    }

    void backendConnected(Channel client, Channel backend, EndpointGroup.Lease lease) {
        if (!client.isActive()) {
            backend.close();
            return;
        }
        this.lease = lease;
        relayTo(client, backend);
        readMore(client);
        readMore(backend);
    }

    @Override
    void forwarding(ByteBuf buf) {
        int bytes = buf.readableBytes();
        if (bytes == 0) {
            return;
        }
        lease.sent(bytes);
        if (!spoke && !answered && connector.firstByteTimeoutNanos() > 0) {
            Channel endpoint = peer();
            firstByteTimer = source().eventLoop().schedule(() -> noFirstByte(endpoint), connector.firstByteTimeoutNanos(),
                    TimeUnit.NANOSECONDS);
        }
        spoke = true;
        if (sent != null) {
            if (sentBytes + bytes > REPLAY_LIMIT) {
                dropCopies();
            } else {
                sent.add(buf.retainedDuplicate());
                sentBytes += bytes;
            }
        }
    }

    /**
     * A write to the endpoint failed. Before its first byte that is the endpoint's end (a reset):
     * its handler decides, counting the error and replaying the client's bytes where it may; after
     * it, the pair closes as any other.
     */
    @Override
    void writeFailed(Channel backend, Throwable cause) {
        if (!answered) {
            backend.pipeline().fireExceptionCaught(cause);
        } else {
            super.writeFailed(backend, cause);
        }
    }

    /** Whether the client sent the current endpoint anything. */
    boolean spoke() {
        return spoke;
    }

    /** The endpoint's first byte: nothing will be replayed. */
    void answered() {
        answered = true;
        cancelFirstByteTimer();
        dropCopies();
    }

    /** first-byte-timeout ran out on {@code endpoint}: the endpoint's handler ends the pair. */
    private void noFirstByte(Channel endpoint) {
        firstByteTimer = null;
        if (!answered && endpoint == peer() && endpoint.isActive()) {
            BackendHandler handler = endpoint.pipeline().get(BackendHandler.class);
            if (handler != null) {
                handler.noFirstByteWithin(TimeUnit.NANOSECONDS.toMillis(connector.firstByteTimeoutNanos()));
            }
        }
    }

    private void cancelFirstByteTimer() {
        if (firstByteTimer != null) {
            firstByteTimer.cancel(false);
            firstByteTimer = null;
        }
    }

    /**
     * The endpoint ended the connection before its first byte: moves the client's connection to
     * another endpoint, its first bytes sent again, when {@code retry-on} names {@code why}
     * ({@code connect-failure} when the client had sent nothing yet, {@code empty-response} when it
     * had, and what it sent fits in {@link #REPLAY_LIMIT}) and an untried eligible endpoint is left
     * within connect-attempts. False when the client's connection stays with the ended one.
     */
    boolean retryElsewhere(Channel client, RetryOn why) {
        boolean allowed = why == RetryOn.EMPTY_RESPONSE ? sent != null : connector.retriesConnectFailures();
        if (!allowed || !connector.mayReplay(tried)) {
            return false;
        }
        detach(sent != null ? sent : List.of(), sentBytes, client instanceof DuplexChannel duplex && duplex.isInputShutdown());
        lease = null; // until the next endpoint's connection is up
        if (sent != null) {
            sent = new ArrayList<>(2);
        }
        sentBytes = 0;
        answered = false;
        cancelFirstByteTimer();
        if (spoke) {
            spoke = false;
            metrics.replayed();
        }
        connector.replay(client, this);
        return true;
    }

    private void dropCopies() {
        if (sent != null) {
            sent.forEach(ByteBuf::release);
            sent = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        metrics.clientClosed();
        cancelFirstByteTimer();
        dropCopies();
        super.channelInactive(ctx);
    }
}
