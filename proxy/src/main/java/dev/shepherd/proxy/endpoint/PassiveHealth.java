package dev.shepherd.proxy.endpoint;

/**
 * Where the proxy reports how its own connections to an endpoint went (passive health, HAProxy's
 * {@code observe layer4}): an error is a refused or timed-out connect, a connection the endpoint
 * reset before it sent a byte, or one it sent nothing on within first-byte-timeout; an answer is
 * the endpoint's first byte on a connection.
 * Called from the traffic's event loops, once per connection at most: must not block.
 */
public interface PassiveHealth {
    PassiveHealth IGNORED = new PassiveHealth() {
        @Override
        public void failed(Endpoint endpoint, String why) {}

        @Override
        public void answered(Endpoint endpoint) {}
    };

    void failed(Endpoint endpoint, String why);

    void answered(Endpoint endpoint);
}
