package dev.shepherd.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaceholdersTest {
    private static final Map<String, String> VALUES = Map.of("port", "9004", "id", "1");

    @Test
    void portAndIdAreReplacedWhereverTheyStand() {
        assertThat(Placeholders.expand("--server.port={port}", VALUES)).isEqualTo("--server.port=9004");
        assertThat(Placeholders.expand("{id}-{port}-{id}", VALUES)).isEqualTo("1-9004-1");
        assertThat(Placeholders.expand("no placeholder", VALUES)).isEqualTo("no placeholder");
    }

    @Test
    void doubledBracesAreLiteralBraces() {
        assertThat(Placeholders.expand("f() {{ echo {port}; }}", VALUES)).isEqualTo("f() { echo 9004; }");
        assertThat(Placeholders.expand("{{port}}", VALUES)).isEqualTo("{port}");
    }

    @Test
    void aShellsDollarBraceVariableIsLeftAsItIs() {
        assertThat(Placeholders.expand("echo ${HOME} ${port:-x} {port}", VALUES)).isEqualTo("echo ${HOME} ${port:-x} 9004");
    }

    @Test
    void anUnknownPlaceholderOrALoneBraceIsAnError() {
        assertThatThrownBy(() -> Placeholders.check("--port={prot}"))
                .hasMessage("unknown placeholder {prot} in '--port={prot}': only {port} and {id} (write {{ and }} for literal braces)");
        assertThatThrownBy(() -> Placeholders.check("f() { x; }"))
                .hasMessage("unknown placeholder { x; } in 'f() { x; }': only {port} and {id} (write {{ and }} for literal braces)");
        assertThatThrownBy(() -> Placeholders.check("open {"))
                .hasMessage("a '{' with no placeholder at character 6 of 'open {': write {{ for a literal brace");
        assertThatThrownBy(() -> Placeholders.check("close }"))
                .hasMessage("a lone '}' at character 7 of 'close }': write }} for a literal brace");
    }
}
