package dev.shepherd.proxy.cli;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's notify protocol ({@code Type=notify}): {@code READY=1}, {@code RELOADING=1},
 * {@code STOPPING=1}, {@code STATUS=...} as datagrams to {@code $NOTIFY_SOCKET} (a Unix datagram
 * socket; {@code @name} for the abstract namespace), through Netty's epoll transport, which has
 * such a socket where the JDK has none. Without {@code NOTIFY_SOCKET} (not run by systemd) it
 * sends nothing.
 */
final class SystemdNotify implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SystemdNotify.class);

    private final DomainSocketAddress socket; // null: not under systemd
    private EventLoopGroup loop;
    private Channel channel;

    private SystemdNotify(DomainSocketAddress socket) {
        this.socket = socket;
    }

    /** For {@code $NOTIFY_SOCKET}, when set. */
    static SystemdNotify fromEnvironment() {
        String path = System.getenv("NOTIFY_SOCKET");
        if (path == null || path.isEmpty()) {
            return new SystemdNotify(null);
        }
        if (!Epoll.isAvailable()) {
            log.warn("NOTIFY_SOCKET is set, but the epoll transport, which sends to it, does not load here ({}): systemd"
                    + " is not told when the edge is ready", Epoll.unavailabilityCause().toString());
            return new SystemdNotify(null);
        }
        return new SystemdNotify(new DomainSocketAddress(path.startsWith("@") ? "\0" + path.substring(1) : path));
    }

    /** Sends {@code state} (lines such as {@code READY=1}); a failure is logged, never thrown. */
    synchronized void send(String state) {
        if (socket == null) {
            return;
        }
        try {
            if (channel == null) {
                loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("shepherd-systemd", true),
                        EpollIoHandler.newFactory());
                // Unbound and unconnected: active once registered, so that it can send to the socket's path.
                channel = new Bootstrap().group(loop).channel(EpollDomainDatagramChannel.class)
                        .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
                        .handler(new ChannelInboundHandlerAdapter()).register().sync().channel();
            }
            channel.writeAndFlush(new DomainDatagramPacket(Unpooled.copiedBuffer(state, StandardCharsets.UTF_8), socket))
                    .sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) { // Netty's sync() rethrows a native IOException as it is
            log.warn("cannot tell systemd {} at {}: {}", state.replace('\n', ' '), socket.path(), e.toString());
            if (channel == null && loop != null) {
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS); // registration failed: the next send starts afresh
                loop = null;
            }
        }
    }

    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
