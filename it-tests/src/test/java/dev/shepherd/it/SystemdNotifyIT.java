package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Under systemd (Type=notify): READY=1 once serving, RELOADING=1 and READY=1 around SIGHUP, STOPPING=1 on SIGTERM. */
class SystemdNotifyIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theEdgeTellsSystemdWhenItIsReadyReloadingAndStopping(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("notify.sock");
        BlockingQueue<String> said = new LinkedBlockingQueue<>();
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel systemd = new Bootstrap().group(loop).channel(EpollDomainDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                            said.add(packet.content().toString(StandardCharsets.UTF_8));
                        }
                    })
                    .bind(new DomainSocketAddress(socket.toString())).sync().channel();
            int listen = FreePort.reserve();
            try (JavaProcess edge = JavaProcess.shepherd(Map.of("NOTIFY_SOCKET", socket.toString()),
                    List.of("-Dshepherd.listen.host=127.0.0.1", "-Dshepherd.listen.port=" + listen,
                            "-Dshepherd.admin.port=" + FreePort.reserve(), "-Dshepherd.workers.count=1",
                            "-Dshepherd.workers.first-port=" + FreePort.reserveRange(1)))) {
                String ready = said.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(ready).as("the first thing said").startsWith("READY=1\n")
                        .contains("STATUS=listening on " + listen + ", 1 endpoints taking connections");
                // Logged before READY=1 was sent; the pipe from the edge may deliver it a moment after.
                edge.awaitLine("worker 0 (pid", Duration.ofSeconds(5));

                edge.signal("HUP");
                assertThat(said.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).startsWith("RELOADING=1\nMONOTONIC_USEC=");
                assertThat(said.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("READY=1");

                edge.signal("TERM");
                assertThat(said.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("STOPPING=1");
                assertThat(edge.awaitExit(WAIT)).isZero();
            }
            systemd.close().sync();
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void theShippedUnitFileAgreesWithTheEdgesTimeouts() throws Exception {
        String unit = Files.readString(JavaProcess.ROOT.resolve("conf/shepherd.service"));
        assertThat(unit).contains("\nType=notify\n").contains("\nExecReload=/bin/kill -HUP $MAINPID\n")
                .contains("\nKillMode=mixed\n").contains("ExecStart=/opt/shepherd/bin/shepherd run");
        // Longer than the edge's own shutdown-timeout and workers.ready-timeout, as reference.conf has them.
        com.typesafe.config.Config reference = com.typesafe.config.ConfigFactory.parseFile(
                JavaProcess.ROOT.resolve("proxy/src/main/resources/reference.conf").toFile());
        assertThat(seconds(unit, "TimeoutStopSec")).isGreaterThan(reference.getDuration("shepherd.shutdown-timeout").toSeconds());
        assertThat(seconds(unit, "TimeoutStartSec"))
                .isGreaterThan(reference.getDuration("shepherd.workers.ready-timeout").toSeconds());
    }

    private static long seconds(String unit, String key) {
        return unit.lines().filter(line -> line.startsWith(key + "=")).map(line -> Long.parseLong(line.substring(key.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + key + " in the unit"));
    }
}
