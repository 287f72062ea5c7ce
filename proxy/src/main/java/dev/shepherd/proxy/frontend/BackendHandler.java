package dev.shepherd.proxy.frontend;

import io.netty.channel.Channel;

/** The endpoint side of a pair: relays the endpoint's bytes to the client. */
final class BackendHandler extends RelayHandler {
    BackendHandler(Channel client, FrontendMetrics metrics) {
        super(metrics, client);
    }
}
