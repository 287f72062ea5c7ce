package dev.shepherd.proxy.frontend;

import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.endpoint.EndpointGroup;
import dev.shepherd.proxy.endpoint.FailureReason;
import dev.shepherd.proxy.endpoint.PassiveHealth;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * The endpoint side of a pair: relays the endpoint's bytes to the client. It watches for the
 * endpoint's first byte: an endpoint that ends the connection before it after the client spoke
 * may have the client's connection replayed on another endpoint ({@code retry-on =
 * ["empty-response"]}); one that closes it before the client spoke has it tried elsewhere as a
 * refused connect is ({@code connect-failure}). This connection then ends quietly. A reset before
 * the first byte is a passive-health error; a plain close is not (an upload-only protocol ends
 * that way when all goes well).
 */
final class BackendHandler extends RelayHandler {
    private enum Answer { AWAITED, GIVEN, NOT_GIVEN, REPLAYED }

    private final Channel client;
    private final FrontendHandler pair;
    private final Endpoint endpoint;
    private final EndpointGroup.Lease lease;
    private final PassiveHealth passiveHealth;
    private Answer answer = Answer.AWAITED;

    BackendHandler(Channel client, FrontendHandler pair, EndpointGroup.Lease lease, PassiveHealth passiveHealth,
            FrontendMetrics metrics) {
        super(metrics, client);
        this.client = client;
        this.pair = pair;
        this.endpoint = lease.endpoint();
        this.lease = lease;
        this.passiveHealth = passiveHealth;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            lease.received(buf.readableBytes());
        }
        if (answer == Answer.AWAITED) {
            answer = Answer.GIVEN;
            pair.answered();
            passiveHealth.answered(endpoint);
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && endedUnanswered(ctx, "closed by the endpoint before its first byte", false)) {
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (endedUnanswered(ctx, "failed before the endpoint's first byte: " + cause.getMessage(), true)) {
            return;
        }
        super.exceptionCaught(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (endedUnanswered(ctx, "closed by the endpoint before its first byte", false)) {
            return;
        }
        super.channelInactive(ctx);
    }

    /**
     * first-byte-timeout: the endpoint has not answered the client's first bytes. A passive-health
     * error; the pair is closed (the client gets no answer rather than waiting for idle-timeout),
     * and not replayed: the endpoint may still be working on the request.
     */
    void noFirstByteWithin(long timeoutMillis) {
        if (answer != Answer.AWAITED) {
            return;
        }
        answer = Answer.NOT_GIVEN;
        passiveHealth.failed(endpoint, "no byte within first-byte-timeout (" + timeoutMillis + " ms) of the client's");
        metrics.failed(FailureReason.FIRST_BYTE_TIMEOUT);
        lease.failed(FailureReason.FIRST_BYTE_TIMEOUT);
        client.close();
    }

    /**
     * The first end of this connection before the endpoint's first byte, while the client is still
     * there. A reset counts against the endpoint; returns true when the client moved on to another
     * endpoint, so that nothing of this connection reaches the client.
     */
    private boolean endedUnanswered(ChannelHandlerContext ctx, String how, boolean reset) {
        if (answer == Answer.REPLAYED) {
            return true;
        }
        if (answer != Answer.AWAITED) {
            return false;
        }
        answer = Answer.NOT_GIVEN;
        if (!client.isActive()) {
            return false; // the client went first
        }
        if (!pair.spoke() && !reset) {
            // Closed before anything reached it: an endpoint that died between its accept and the
            // client's first byte, or one that closes a connection nobody used. As safe to try
            // elsewhere as a refused connect, and no error of the endpoint's.
            if (!pair.retryElsewhere(client, RetryOn.CONNECT_FAILURE)) {
                return false;
            }
        } else {
            if (reset) {
                passiveHealth.failed(endpoint, how);
            }
            if (!pair.retryElsewhere(client, RetryOn.EMPTY_RESPONSE)) {
                metrics.failed(FailureReason.EMPTY_RESPONSE);
                lease.failed(FailureReason.EMPTY_RESPONSE);
                return false;
            }
        }
        answer = Answer.REPLAYED;
        ctx.close();
        return true;
    }
}
