package dev.shepherd.proxy.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of a client/endpoint pair: forwards what it reads to the peer channel. Backpressure:
 * with {@code AUTO_READ} off, the next read is asked for only once the last write to the peer has
 * completed, so a pair holds at most one read's worth of bytes per direction (after a FIN, Netty's
 * epoll transport reads what the kernel still holds for that socket at once). The first half-close
 * (end of input) becomes a shutdown of the peer's output after its pending writes; the second, from
 * the side whose output is already shut, closes the pair; a close closes the peer after its
 * pending writes.
 */
abstract class RelayHandler extends ChannelInboundHandlerAdapter implements ChannelFutureListener {
    private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);

    final FrontendMetrics metrics;
    private Channel peer;
    private Channel source; // the channel this handler reads from
    /** Bytes of the one write to the peer under way (read-after-write allows one per direction). */
    private int writing;
    /** What arrived before there was a peer: epoll reads pending data when it sees the FIN, asked or not. */
    private List<ByteBuf> held;
    private boolean inputShutdownHeld;

    /** @param peer the channel to relay to, or {@code null} until {@link #relayTo} names it */
    RelayHandler(FrontendMetrics metrics, Channel peer) {
        this.metrics = metrics;
        this.peer = peer;
    }

    /**
     * The peer ended before it could be used (an endpoint that closed unanswered): no peer until the
     * next {@link #relayTo}, which starts with {@code replay} (already written once, not yet counted
     * as buffered) and then what arrives meanwhile; and with the input's end, when it had come.
     */
    final void detach(List<ByteBuf> replay, int replayBytes, boolean inputShut) {
        peer = null;
        if (!replay.isEmpty()) {
            metrics.buffered(replayBytes);
            held = new ArrayList<>(replay);
        }
        inputShutdownHeld = inputShut;
    }

    /** From now on relay {@code self}'s bytes to {@code peer}, starting with any held back so far. */
    final void relayTo(Channel self, Channel peer) {
        this.peer = peer;
        if (held != null) {
            // One write for all of it (the composite owns the parts), so one write is under way at a time.
            forward(held.size() == 1 ? held.get(0) : Unpooled.wrappedBuffer(held.toArray(ByteBuf[]::new)));
            held = null;
        }
        if (inputShutdownHeld) {
            inputShutdown(self);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        source = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        metrics.buffered(buf.readableBytes());
        if (peer == null) {
            if (held == null) {
                held = new ArrayList<>(2);
            }
            held.add(buf);
        } else {
            forward(buf);
        }
    }

    /**
     * Writes {@code buf}, already counted as buffered, to the peer; reads again once it is written.
     * This handler is the write's listener ({@link #operationComplete}): one object per pair side,
     * not one per write.
     */
    private void forward(ByteBuf buf) {
        int bytes = buf.readableBytes();
        if (!peer.isActive()) {
            metrics.buffered(-bytes);
            buf.release();
            return;
        }
        writing += bytes;
        forwarding(buf);
        peer.writeAndFlush(buf).addListener(this);
    }

    /** The channel this side reads from. */
    final Channel source() {
        return source;
    }

    /** The channel this side relays to, or {@code null} while it has none. */
    final Channel peer() {
        return peer;
    }

    /** A write to the peer failed: this side is closed, and its end closes the peer. */
    void writeFailed(Channel peer, Throwable cause) {
        source.close();
    }

    /** Called with each buffer just before it is written to the peer; the buffer is not this method's. */
    void forwarding(ByteBuf buf) {
    }

    /** A write to the peer completed. */
    @Override
    public void operationComplete(ChannelFuture written) {
        metrics.buffered(-writing);
        writing = 0;
        if (written.isSuccess()) {
            readMore(source);
        } else if (written.channel() == peer) {
            writeFailed(peer, written.cause());
        } // else a peer since detached failed the write: the bytes go again to the next one
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            EpollInterest.inputShut(ctx.channel());
            if (peer == null) {
                inputShutdownHeld = true;
            } else {
                inputShutdown(ctx.channel());
            }
        } else if (evt instanceof IdleStateEvent) {
            log.debug("{}: idle timeout, closing", ctx.channel());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peer != null) {
            closeOnFlush(peer);
        } else if (held != null) {
            held.forEach(buf -> {
                metrics.buffered(-buf.readableBytes());
                buf.release();
            });
            held = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    /** Our side sent its FIN: pass it on once the peer has written everything before it. */
    private void inputShutdown(Channel self) {
        Channel target = peer;
        if (!target.isActive()) {
            self.close();
            return;
        }
        // The empty write waits for the writes before it. Netty 4.2.18's io_uring sends even an empty
        // buffer: on an endpoint that reset, that send takes the ECONNRESET for itself (the read after
        // it sees a plain end of input), so its failure is the reset's news, as a relayed write's is.
        target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) flushed -> {
            if (!flushed.isSuccess() && target == peer) {
                writeFailed(target, flushed.cause());
            } else if (flushed.isSuccess() && target instanceof DuplexChannel duplex) {
                duplex.shutdownOutput().addListener(shut -> {
                    if (shut.isSuccess() && duplex.config() instanceof SocketChannelConfig config) {
                        // The target's own FIN, when it comes, ends the pair: Netty then closes it at
                        // once instead of shutting its input, which on epoll fails with ENOTCONN once
                        // both FINs have crossed (an exception with a stack trace per connection).
                        config.setAllowHalfClosure(false);
                    }
                    closeIfBothWaysShut(target);
                });
            } else {
                target.close();
            }
        });
        closeIfBothWaysShut(self);
    }

    /**
     * Asks {@code channel} for its next read, unless its input is shut: after the FIN there is
     * nothing left to read, and on epoll (level-triggered in Netty 4.2) a read would ask for EPOLLIN
     * on a socket that reads as ended at every wake-up. (Before {@link EpollInterest}, such a read
     * also failed: Netty 4.2.18 had taken the channel out of its epoll set, and the pair was closed
     * with the reply undelivered.)
     */
    static void readMore(Channel channel) {
        if (!(channel instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
            channel.read();
        }
    }

    private static void closeIfBothWaysShut(Channel channel) {
        if (channel instanceof DuplexChannel duplex && duplex.isShutdown()) {
            channel.close();
        }
    }

    static void closeOnFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
