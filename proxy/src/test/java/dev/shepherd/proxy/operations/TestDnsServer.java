package dev.shepherd.proxy.operations;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on 127.0.0.1 whose A, AAAA and SRV answers a test sets and changes: a name it was not
 * told about is NXDOMAIN; while {@link #silent} it answers nothing (a lookup times out), while
 * {@link #silentForAaaa} nothing to AAAA questions.
 */
final class TestDnsServer implements AutoCloseable {
    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, List<String>> answers = new ConcurrentHashMap<>();
    private final Map<String, List<String>> services = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final Channel channel;
    volatile boolean silent;
    volatile boolean silentForAaaa;
    volatile int ttlSeconds = 1;

    TestDnsServer() throws InterruptedException {
        channel = new Bootstrap().group(loop).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), new Answer());
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** From now on {@code name} resolves to {@code addresses} (IPv4 and IPv6 literals). */
    void answer(String name, String... addresses) {
        answers.put(name.endsWith(".") ? name : name + ".", List.of(addresses));
    }

    /** From now on the SRV records of {@code name} are {@code records}, each "PRIORITY PORT TARGET". */
    void answerSrv(String name, String... records) {
        services.put(name.endsWith(".") ? name : name + ".", List.of(records));
    }

    int queries() {
        return queries.get();
    }

    private final class Answer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) throws Exception {
            queries.incrementAndGet();
            if (silent) {
                return;
            }
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            if (silentForAaaa && question.type() == DnsRecordType.AAAA) {
                return;
            }
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.addRecord(DnsSection.QUESTION, question);
            if (question.type() == DnsRecordType.SRV) {
                List<String> records = services.get(question.name());
                if (records == null) {
                    response.setCode(DnsResponseCode.NXDOMAIN);
                }
                for (String record : records == null ? List.<String>of() : records) {
                    String[] parts = record.split(" ");
                    ByteBuf data = Unpooled.buffer();
                    data.writeShort(Integer.parseInt(parts[0])).writeShort(10).writeShort(Integer.parseInt(parts[1]));
                    for (String label : parts[2].split("\\.")) {
                        data.writeByte(label.length()).writeBytes(label.getBytes(StandardCharsets.US_ASCII));
                    }
                    data.writeByte(0);
                    response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), DnsRecordType.SRV, ttlSeconds, data));
                }
                ctx.writeAndFlush(response);
                return;
            }
            List<String> addresses = answers.get(question.name());
            if (addresses == null) {
                response.setCode(DnsResponseCode.NXDOMAIN);
            } else {
                for (String text : addresses) {
                    byte[] bytes = InetAddress.getByName(text).getAddress();
                    DnsRecordType type = bytes.length == 4 ? DnsRecordType.A : DnsRecordType.AAAA;
                    if (type == question.type()) {
                        response.addRecord(DnsSection.ANSWER,
                                new DefaultDnsRawRecord(question.name(), type, ttlSeconds, Unpooled.wrappedBuffer(bytes)));
                    }
                }
            }
            ctx.writeAndFlush(response);
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
