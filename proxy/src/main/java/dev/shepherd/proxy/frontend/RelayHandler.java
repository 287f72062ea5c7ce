package dev.shepherd.proxy.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of a client/endpoint pair: forwards what it reads to the peer channel. Backpressure:
 * with {@code AUTO_READ} off, the next read is asked for only once the last write to the peer has
 * completed, so a pair never holds more than one read's worth of bytes per direction. A half-close
 * (end of input) becomes a shutdown of the peer's output after its pending writes; a close closes
 * the peer after its pending writes.
 */
abstract class RelayHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);

    private final FrontendMetrics metrics;
    private Channel peer;

    RelayHandler(FrontendMetrics metrics) {
        this.metrics = metrics;
    }

    final void relayTo(Channel peer) {
        this.peer = peer;
    }

    final Channel peer() {
        return peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel target = peer;
        if (target == null || !target.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        int bytes = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
        metrics.buffered(bytes);
        target.writeAndFlush(msg).addListener((ChannelFutureListener) written -> {
            metrics.buffered(-bytes);
            if (written.isSuccess()) {
                ctx.channel().read();
            } else {
                ctx.channel().close();
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown(ctx.channel());
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
        if (target == null || !target.isActive()) {
            self.close();
            return;
        }
        target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) flushed -> {
            if (flushed.isSuccess() && target instanceof DuplexChannel duplex) {
                duplex.shutdownOutput().addListener(shut -> closeIfBothWaysShut(target));
            } else {
                target.close();
            }
        });
        closeIfBothWaysShut(self);
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
