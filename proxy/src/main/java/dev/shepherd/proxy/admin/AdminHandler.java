package dev.shepherd.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin connection: one request, one reply, then the connection closes. The request is read
 * whole (size-limited by the aggregator before it), handed to {@link AdminRoutes}, and the reply
 * written when the routes' future completes: a long operation never holds the admin event loop.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);

    private final AdminRoutes routes;
    private final ObjectMapper json;

    AdminHandler(AdminRoutes routes, ObjectMapper json) {
        this.routes = routes;
        this.json = json;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (ctx.pipeline().get(ReadTimeoutHandler.class) != null) {
            ctx.pipeline().remove(ReadTimeoutHandler.class); // read in time; the operation may take longer
        }
        if (!request.decoderResult().isSuccess()) {
            write(ctx, AdminReply.error(400, "malformed HTTP request"));
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        AdminRequest adminRequest = new AdminRequest(request.method().name(), uri.path(), uri.parameters(),
                request.headers().get(HttpHeaderNames.AUTHORIZATION), request.content().toString(StandardCharsets.UTF_8));
        routes.handle(adminRequest).whenComplete((reply, failure) -> ctx.executor().execute(() ->
                write(ctx, failure == null ? reply : AdminReply.error(500, String.valueOf(failure.getMessage())))));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof ReadTimeoutException)) {
            log.debug("admin connection {}: {}", ctx.channel(), cause.toString());
        }
        ctx.close();
    }

    private void write(ChannelHandlerContext ctx, AdminReply reply) {
        byte[] body;
        String type;
        if (reply.json() != null) {
            try {
                body = (json.writeValueAsString(reply.json()) + "\n").getBytes(StandardCharsets.UTF_8);
            } catch (JsonProcessingException e) {
                log.error("cannot write an admin reply as JSON", e);
                body = "{\"error\": \"internal error\"}\n".getBytes(StandardCharsets.UTF_8);
                reply = AdminReply.error(500, "internal error");
            }
            type = "application/json";
        } else {
            body = reply.text().getBytes(StandardCharsets.UTF_8);
            type = AdminReply.PROMETHEUS;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()),
                Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
