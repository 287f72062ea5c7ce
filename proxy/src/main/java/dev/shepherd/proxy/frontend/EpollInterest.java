package dev.shepherd.proxy.frontend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.Native;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

/**
 * Keeps each epoll socket channel's interest set from becoming empty. Netty 4.2.18's epoll
 * transport removes a channel from its epoll set (EPOLL_CTL_DEL) once the channel waits for
 * nothing, which happens to a channel whose input has been shut (a client's FIN: reads and
 * EPOLLRDHUP off) while it has nothing to write; it still counts the channel as added, so the next
 * wait to write (EPOLLOUT, when a peer sends faster than this client reads) is an EPOLL_CTL_MOD that
 * fails with ENOENT, and Netty shuts the channel's output: the client got its answer cut short with
 * a FIN (4 MB of 32 MiB, RelayTest).
 * <ul>
 * <li>{@link #neverEmpty}: EPOLLERR in the set from the start (what Netty's own listening channels
 * start with), set before the channel is registered, so at no system call.</li>
 * <li>{@link #inputShut}: EPOLLET once the input is shut. Netty 4.2's epoll is level-triggered, and a
 * channel that waits only for errors is woken at every epoll_wait once its connection is reset
 * (EPOLLERR and EPOLLHUP stay reported) while Netty, whose read side has finished, does nothing
 * with it: a reset half-closed client would spin the event loop. Edge-triggered, the reset wakes it
 * once. Reads are over by then, and Netty's writes ask for EPOLLOUT only after a write has filled
 * the socket, whose draining is an edge. One EPOLL_CTL_MOD per shut input.</li>
 * </ul>
 */
final class EpollInterest {
    /** Adds EPOLLERR to the accepted clients' interest sets before they are registered (on the listener's pipeline). */
    static final ChannelHandler ACCEPTED = new Accepted();

    private EpollInterest() {}

    /** {@code channel}, an epoll socket channel not yet registered, with EPOLLERR in its interest set. */
    static <C extends Channel> C neverEmpty(C channel) {
        try {
            Flags.SET_FLAG.invokeExact((Channel) channel, Native.EPOLLERR);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot add EPOLLERR to " + channel + "'s epoll interest set", e);
        }
        return channel;
    }

    /** After {@code channel}'s input is shut (on its event loop): edge-triggered from now on, see above. */
    static void inputShut(Channel channel) {
        if (channel instanceof EpollSocketChannel) {
            try {
                Flags.SET_FLAG.invokeExact(channel, Native.EPOLLET);
            } catch (Throwable e) {
                channel.pipeline().fireExceptionCaught(e);
            }
        }
    }

    /** Resolved on first use, so other transports never touch epoll's classes. */
    private static final class Flags {
        /** {@code AbstractEpollChannel.setFlag(int)}, protected in Netty 4.2.18's package-private class, as {@code (Channel, int) -> void}. */
        static final MethodHandle SET_FLAG = setFlag();

        private static MethodHandle setFlag() {
            try {
                Class<?> channel = Class.forName("io.netty.channel.epoll.AbstractEpollChannel", false, EpollInterest.class.getClassLoader());
                Method setFlag = channel.getDeclaredMethod("setFlag", int.class);
                setFlag.setAccessible(true);
                return MethodHandles.lookup().unreflect(setFlag).asType(MethodType.methodType(void.class, Channel.class, int.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new ExceptionInInitializerError("Netty's epoll transport has no AbstractEpollChannel.setFlag(int), which"
                        + " Shepherd calls to work around Netty 4.2.18's epoll interest set (see EpollInterest): " + e);
            }
        }
    }

    @ChannelHandler.Sharable
    private static final class Accepted extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child) {
                neverEmpty(child);
            }
            ctx.fireChannelRead(msg);
        }
    }
}
