package dev.shepherd.proxy.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointTest {

    @Test
    void hostPortIsSplitAtTheColonAndKeepsTheTextAsId() {
        Endpoint endpoint = Endpoint.parse("app.internal:8080");

        assertThat(endpoint).isEqualTo(new Endpoint("app.internal:8080", "app.internal", 8080));
        assertThat(endpoint).hasToString("app.internal:8080");
    }

    @Test
    void ipv4LiteralIsAHost() {
        assertThat(Endpoint.parse("127.0.0.1:9001")).isEqualTo(new Endpoint("127.0.0.1:9001", "127.0.0.1", 9001));
    }

    @Test
    void bracketedIpv6LiteralIsUnbracketedAsTheHost() {
        assertThat(Endpoint.parse("[::1]:9000")).isEqualTo(new Endpoint("[::1]:9000", "::1", 9000));
        assertThat(Endpoint.parse("[2001:db8::7]:443").host()).isEqualTo("2001:db8::7");
    }

    @Test
    void portsAtBothEndsOfTheRangeAreAccepted() {
        assertThat(Endpoint.parse("h:1").port()).isEqualTo(1);
        assertThat(Endpoint.parse("h:65535").port()).isEqualTo(65535);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            localhost     | 'localhost' is not host:port
            ::1:9000      | '::1:9000' is not host:port
            a:b:80        | 'a:b:80' is not host:port
            [::1]         | '[::1]' is not [ipv6]:port
            [::1]9000     | '[::1]9000' is not [ipv6]:port
            :80           | ':80' has no host
            []:80         | '[]:80' has no host
            host:         | 'host:' has no numeric port
            host:abc      | 'host:abc' has no numeric port
            [::1]:        | '[::1]:' has no numeric port
            host:0        | 'host:0' has a port outside 1..65535
            host:65536    | 'host:65536' has a port outside 1..65535
            host:99999    | 'host:99999' has a port outside 1..65535
            host:-1       | 'host:-1' has no numeric port
            host:+80      | 'host:+80' has no numeric port
            "[::1]:70000" | '[::1]:70000' has a port outside 1..65535
            """)
    void malformedHostPortIsRejectedSayingWhy(String text, String why) {
        assertThatThrownBy(() -> Endpoint.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(why);
    }

    @Test
    void constructorRejectsAnEmptyHostAndAPortOutOfRange() {
        assertThatThrownBy(() -> new Endpoint("x", "", 80))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host must not be empty");
        assertThatThrownBy(() -> new Endpoint("x", "h", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be in 1..65535, got 0");
    }
}
