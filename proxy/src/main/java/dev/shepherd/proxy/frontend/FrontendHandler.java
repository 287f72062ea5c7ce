package dev.shepherd.proxy.frontend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;

/**
 * The client side of a pair: when the client connects, has the {@link BackendConnector} open an
 * endpoint connection on this channel's event loop, then relays the client's bytes to it.
 */
final class FrontendHandler extends RelayHandler {
    private final BackendConnector connector;

    FrontendHandler(BackendConnector connector, FrontendMetrics metrics) {
        super(metrics, null);
        this.connector = connector;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        metrics.clientOpened();
        connector.connect(ctx.channel(), this::backendConnected);
    }

    private void backendConnected(Channel client, Channel backend) {
        if (!client.isActive()) {
            backend.close();
            return;
        }
        relayTo(client, backend);
        readMore(client);
        readMore(backend);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        metrics.clientClosed();
        super.channelInactive(ctx);
    }
}
