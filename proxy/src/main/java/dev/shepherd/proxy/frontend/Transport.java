package dev.shepherd.proxy.frontend;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** The socket transport: Linux epoll when its native library loads, Java NIO otherwise. */
public enum Transport {
    EPOLL(EpollServerSocketChannel.class, EpollSocketChannel::new, EpollDatagramChannel.class),
    NIO(NioServerSocketChannel.class, NioSocketChannel::new, NioDatagramChannel.class);

    private final Class<? extends ServerChannel> serverChannel;
    private final ChannelFactory<? extends SocketChannel> socketChannel;
    private final Class<? extends DatagramChannel> datagramChannel;

    Transport(Class<? extends ServerChannel> serverChannel, ChannelFactory<? extends SocketChannel> socketChannel,
            Class<? extends DatagramChannel> datagramChannel) {
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
        this.datagramChannel = datagramChannel;
    }

    /** Epoll when available, NIO otherwise. */
    public static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** Why epoll is not in use, for the start-up log; {@code null} when it is available. */
    public static Throwable epollUnavailabilityCause() {
        return Epoll.unavailabilityCause();
    }

    public EventLoopGroup newGroup(int threads, String threadPrefix) {
        DefaultThreadFactory factory = new DefaultThreadFactory(threadPrefix, true);
        return this == EPOLL ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    /** Makes the endpoint side of each pair: a constructor call, not Netty's reflective factory. */
    public ChannelFactory<? extends SocketChannel> socketChannel() {
        return socketChannel;
    }

    /** For the DNS resolver of endpoint host names. */
    public Class<? extends DatagramChannel> datagramChannel() {
        return datagramChannel;
    }
}
