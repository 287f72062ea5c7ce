package dev.shepherd.proxy.frontend;

import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.internal.PlatformDependent;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The socket transport (the {@code transport} setting): Linux epoll or io_uring when their native
 * libraries load, Java NIO everywhere. Each is one Netty 4.2 {@code IoHandler} behind a
 * {@link MultiThreadIoEventLoopGroup}, and the channel classes that go with it.
 */
public enum Transport {
    EPOLL(EpollIoHandler::newFactory,
            family -> family == null ? new EpollServerSocketChannel() : new EpollServerSocketChannel(family),
            family -> EpollInterest.neverEmpty(family == null ? new EpollSocketChannel() : new EpollSocketChannel(family)),
            EpollDatagramChannel.class),
    // Netty 4.2's io_uring server channel takes no address family.
    IO_URING(IoUringIoHandler::newFactory, family -> new IoUringServerSocketChannel(), family -> new IoUringSocketChannel(),
            IoUringDatagramChannel.class),
    NIO(NioIoHandler::newFactory,
            family -> family == null ? new NioServerSocketChannel() : new NioServerSocketChannel(SelectorProvider.provider(), family),
            family -> family == null ? new NioSocketChannel() : new NioSocketChannel(SelectorProvider.provider(), family),
            NioDatagramChannel.class);

    /**
     * Auto's order of preference. io_uring is the fastest by measurement (it-tests/bench/RESULTS.md,
     * the full run of 2026-12-01 22:44, Netty 4.2.18: keep-alive 1.18x HAProxy's rate, new
     * connections 1.03x, where epoll made 0.98x and 0.64x), but auto takes epoll first for what Netty 4.2.18's
     * io_uring server channel does with 0.0.0.0: see {@link #WHY_AUTO_PASSES_OVER_IO_URING}.
     * {@code transport = io_uring} chooses the speed.
     */
    private static final List<Transport> PREFERENCE = List.of(EPOLL, IO_URING, NIO);

    /**
     * Why auto takes epoll where io_uring loads too, logged when it does: Netty 4.2.18's io_uring
     * server channel takes no address family (its socket is IPv6 where the JVM prefers it, and
     * Netty binds {@code 0.0.0.0} on it as {@code ::}), so {@code 0.0.0.0} would listen on IPv6 as
     * well, where HAProxy, epoll and NIO listen on IPv4 alone.
     */
    static final String WHY_AUTO_PASSES_OVER_IO_URING = "io_uring loads too and is faster, but its listening socket"
            + " takes no address family (0.0.0.0 would listen on IPv6 as well); transport = io_uring chooses its speed";

    private final Supplier<IoHandlerFactory> ioHandler;
    private final Function<SocketProtocolFamily, ServerChannel> serverChannel; // null family: the transport's default
    private final Function<SocketProtocolFamily, ? extends SocketChannel> socketChannel;
    private final Class<? extends DatagramChannel> datagramChannel;

    Transport(Supplier<IoHandlerFactory> ioHandler, Function<SocketProtocolFamily, ServerChannel> serverChannel,
            Function<SocketProtocolFamily, ? extends SocketChannel> socketChannel, Class<? extends DatagramChannel> datagramChannel) {
        this.ioHandler = ioHandler;
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
        this.datagramChannel = datagramChannel;
    }

    /** The fastest transport that loads here. */
    public static Transport best() {
        return PREFERENCE.stream().filter(Transport::isAvailable).findFirst().orElse(NIO);
    }

    /** Every transport, fastest first: the order {@code auto} tries them in. */
    public static List<Transport> preference() {
        return PREFERENCE;
    }

    /** Every transport that loads here, fastest first. */
    public static List<Transport> available() {
        return PREFERENCE.stream().filter(Transport::isAvailable).toList();
    }

    /** The name in the settings and the logs: {@code epoll}, {@code io_uring}, {@code nio}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The transport named {@code name} in the settings; {@code null} for none. */
    public static Transport named(String name) {
        return Arrays.stream(values()).filter(t -> t.configName().equals(name)).findFirst().orElse(null);
    }

    public boolean isAvailable() {
        return switch (this) {
            case EPOLL -> Epoll.isAvailable();
            case IO_URING -> IoUring.isAvailable();
            case NIO -> true;
        };
    }

    /** Why this transport does not load here, in one line; {@code null} when it does. */
    public String unavailabilityCause() {
        Throwable cause = switch (this) {
            case EPOLL -> Epoll.unavailabilityCause();
            case IO_URING -> IoUring.unavailabilityCause();
            case NIO -> null;
        };
        if (cause == null) {
            return null;
        }
        Throwable root = cause;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    /**
     * Why a setting that names this transport would fail here, in one line without the key (for the
     * start and for {@code shepherd check}); {@code null} when it loads.
     */
    public String settingError() {
        return isAvailable() ? null
                : configName() + " does not load here: " + unavailabilityCause() + " (transport = auto picks one that does)";
    }

    public EventLoopGroup newGroup(int threads, String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix, true), ioHandler.get());
    }

    /**
     * The listening channel for {@code host}: an IP literal gets a socket of its own family, so
     * that {@code 0.0.0.0} listens on IPv4 alone and {@code ::} on both (the kernel's dual stack);
     * a host name, the transport's default. io_uring's channel takes no family in Netty 4.2, so on
     * io_uring {@code 0.0.0.0} listens on IPv6 too.
     */
    public ChannelFactory<ServerChannel> serverChannelFor(String host) {
        SocketProtocolFamily family = familyOf(NetUtil.createInetAddressFromIpAddressString(host));
        return () -> serverChannel.apply(family);
    }

    /**
     * Whether a listener on {@code host} takes IPv6 clients too where the address says IPv4 alone:
     * {@code 0.0.0.0} on io_uring, whose server channel takes no address family.
     */
    public boolean widensIpv4Wildcard(String host) {
        return this == IO_URING && NetUtil.createInetAddressFromIpAddressString(host) instanceof Inet4Address address
                && address.isAnyLocalAddress() && Socket.isIPv6Preferred();
    }

    /**
     * What the listening channel's pipeline needs before Netty's acceptor registers each accepted
     * client: on epoll, {@link EpollInterest#ACCEPTED}; {@code null} on the others.
     */
    ChannelHandler acceptedChannels() {
        return this == EPOLL ? EpollInterest.ACCEPTED : null;
    }

    /**
     * Makes the endpoint side of a pair bound for {@code address}: a constructor call, not Netty's
     * reflective factory, and a socket of the address's own family, so that an IPv4 endpoint costs
     * no dual-stack IPv6 socket and its IPV6_V6ONLY system call (io_uring's channel takes no family).
     */
    public ChannelFactory<? extends SocketChannel> socketChannelFor(InetSocketAddress address) {
        SocketProtocolFamily family = familyOf(address.getAddress());
        return () -> socketChannel.apply(family);
    }

    /** The socket family of {@code address}; null (the transport's default) for none. */
    private static SocketProtocolFamily familyOf(InetAddress address) {
        return address == null ? null : address instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    }

    /**
     * Whether Netty turns TCP_NODELAY on in every new socket channel by itself (everywhere but
     * Android): setting it again would cost a system call per socket, two per proxied connection.
     */
    static final boolean NO_DELAY_BY_DEFAULT = PlatformDependent.canEnableTcpNoDelayByDefault();

    /** For the DNS resolver of endpoint host names. */
    public Class<? extends DatagramChannel> datagramChannel() {
        return datagramChannel;
    }
}
