package dev.shepherd.proxy.config;

import static dev.shepherd.proxy.config.TestSettings.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import dev.shepherd.proxy.endpoint.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** backends: static host:port endpoints, and the rule that something must be proxied to. */
class BackendsSettingsTest {

    @TempDir
    Path dir;

    @Test
    void backendsAreReadInOrderIncludingBracketedIpv6() {
        ShepherdSettings settings = parse("""
                shepherd {
                  workers.count = 0
                  backends = ["127.0.0.1:9001", "app.internal:80", "[::1]:9000"]
                }
                """);

        assertThat(settings.backends()).containsExactly(
                new Endpoint("127.0.0.1:9001", "127.0.0.1", 9001),
                new Endpoint("app.internal:80", "app.internal", 80),
                new Endpoint("[::1]:9000", "::1", 9000));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            localhost  | 'localhost' is not host:port
            host:99999 | 'host:99999' has a port outside 1..65535
            host:abc   | 'host:abc' has no numeric port
            ::1:9000   | '::1:9000' is not host:port
            [::1]      | '[::1]' is not [ipv6]:port
            :80        | ':80' has no host
            """)
    void badBackendIsRejectedWithTheLineOfThatEntry(String entry, String why) throws IOException {
        Path file = dir.resolve("shepherd.conf");
        Files.writeString(file, """
                shepherd {
                  workers.count = 0
                  backends = [
                    "127.0.0.1:9001"
                    "%s"
                    "127.0.0.1:9002"
                  ]
                }
                """.formatted(entry));

        assertThatThrownBy(() -> new SettingsLoader(2).load(file))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessage(file + ": 5: Invalid value at 'shepherd.backends': " + why);
    }

    @Test
    void backendThatIsNotAStringIsRejected() {
        assertThatThrownBy(() -> parse("shepherd { workers.count = 0, backends = [9001] }"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessageEndingWith("Invalid value at 'shepherd.backends': each entry must be a \"host:port\","
                        + " \"dns:NAME:PORT\" or \"srv:NAME\" string, got 9001");
    }

    @Test
    void noWorkersAndNoBackendsIsBlamedOnTheUsersCountNotOnReferenceConf() {
        assertThatThrownBy(() -> parse("shepherd {\n  workers.count = 0\n}"))
                .isInstanceOf(ConfigException.BadValue.class)
                .hasMessage("String: 2: Invalid value at 'shepherd.workers.count': workers.count = 0 and backends lists"
                        + " nothing: there is nothing to proxy to (list at least one host:port, dns:NAME:PORT or srv:NAME in"
                        + " backends, or run workers)");
    }

    @Test
    void aDnsBackendIsReadAsANameAndAPort() {
        ShepherdSettings settings = parse("shepherd { workers.count = 0, backends = [\"dns:app.test:8080\", \"127.0.0.1:9001\"],"
                + " discovery { min-refresh = 2s, nameserver = \"127.0.0.1:8600\" } }");
        assertThat(settings.dnsBackends()).containsExactly(new DnsBackend("app.test", 8080));
        assertThat(settings.backends()).extracting(Endpoint::id).containsExactly("127.0.0.1:9001");
        assertThat(settings.discovery().minRefresh()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(settings.discovery().nameserver()).isEqualTo(new java.net.InetSocketAddress("127.0.0.1", 8600));
        assertThatThrownBy(() -> parse("shepherd { workers.count = 0, backends = [\"dns:app.test\"] }"))
                .hasMessageEndingWith("Invalid value at 'shepherd.backends': 'dns:app.test' is not dns:NAME:PORT");
        assertThatThrownBy(() -> parse("shepherd { workers.count = 0, backends = [\"dns:a:1\"], discovery.nameserver = \"dns.example\" }"))
                .hasMessageEndingWith("Invalid value at 'shepherd.discovery.nameserver': must be an IP address with an optional"
                        + " port, such as 127.0.0.1:8600, got 'dns.example'");
    }

    @Test
    void anSrvBackendIsReadAsANameWhoseRecordsGiveThePorts() {
        ShepherdSettings settings = parse("shepherd { workers.count = 0, backends = [\"srv:_http._tcp.app.test\"] }");
        assertThat(settings.dnsBackends()).containsExactly(DnsBackend.srv("_http._tcp.app.test"));
        assertThat(settings.dnsBackends().get(0)).hasToString("srv:_http._tcp.app.test");
        assertThatThrownBy(() -> parse("shepherd { workers.count = 0, backends = [\"srv:_http._tcp.app.test:80\"] }"))
                .hasMessageEndingWith("Invalid value at 'shepherd.backends': 'srv:_http._tcp.app.test:80' is not srv:NAME"
                        + " (the SRV records give the ports)");
    }

    @Test
    void workersAndBackendsMayBeUsedTogether() {
        ShepherdSettings settings = parse("""
                shepherd {
                  workers { count = 1, command = ["worker"] }
                  backends = ["10.0.0.1:80"]
                }
                """);

        assertThat(settings.workers().count()).isEqualTo(1);
        assertThat(settings.backends()).extracting(Endpoint::id).containsExactly("10.0.0.1:80");
    }
}
