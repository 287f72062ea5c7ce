package dev.shepherd.proxy.supervisor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Whether a worker's loopback port is free before a spawn. */
public final class PortCheck {
    private PortCheck() {}

    /** Whether 127.0.0.1:{@code port} can be bound now (nobody else listens on it). */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
