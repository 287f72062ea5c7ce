package dev.shepherd.proxy.config;

import static dev.shepherd.proxy.config.TestSettings.parse;
import static dev.shepherd.proxy.config.TestSettings.sidecar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.typesafe.config.ConfigException;
import org.junit.jupiter.api.Test;

/** A key reference.conf does not know is an error that names its line and the closest known key. */
class UnknownKeysTest {

    @Test
    void misspelledSectionNamesTheLineAndSuggestsTheKeyMeant() {
        assertThatThrownBy(() -> parse("""
                shepherd {
                  workers.count = 0
                  backends = ["127.0.0.1:1"]
                  helth-check { interval = 2s }
                }
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessage("String: 4: Unknown key 'shepherd.helth-check.interval'; "
                        + "did you mean 'shepherd.health-check.interval'?");
    }

    @Test
    void misspelledTopLevelKeySuggestsTheKeyMeant() {
        assertThatThrownBy(() -> sidecar("listn.port = 8081"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("Unknown key 'shepherd.listn.port'; did you mean 'shepherd.listen.port'?");
    }

    @Test
    void misspelledLeafSuggestsItsSibling() {
        assertThatThrownBy(() -> sidecar("workers.restart.max-restart = 5"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("Unknown key 'shepherd.workers.restart.max-restart'; "
                        + "did you mean 'shepherd.workers.restart.max-restarts'?");
    }

    @Test
    void misspelledOpenSectionSuggestsIt() {
        assertThatThrownBy(() -> sidecar("workers.evn { FOO = x }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith("Unknown key 'shepherd.workers.evn.FOO'; did you mean 'shepherd.workers.env'?");
    }

    @Test
    void aListSetByIndexAsSystemPropertiesDoIsAccepted() {
        ShepherdSettings settings = sidecar("backends { 0 = \"127.0.0.1:7000\", 1 = \"127.0.0.1:7001\" }");
        assertThat(settings.backends()).extracting(e -> e.port()).containsExactly(7000, 7001);
    }

    @Test
    void aNonNumericKeyBelowAListIsRejected() {
        assertThatThrownBy(() -> sidecar("backends { first = \"127.0.0.1:7000\" }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown key 'shepherd.backends.first'");
    }

    @Test
    void keyBelowALeafIsRejected() {
        assertThatThrownBy(() -> sidecar("listen.port { number = 8081 }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown key 'shepherd.listen.port.number'");
    }

    @Test
    void workerEnvAcceptsNamesReferenceConfDoesNotList() {
        ShepherdSettings settings = sidecar("workers.env { ANY_NAME = \"x\" }");

        assertThat(settings.workers().env()).containsExactly(entry("ANY_NAME", "x"));
    }

    @Test
    void aMisspelledRootIsRejectedAtItsLineInsteadOfBeingIgnored() {
        assertThatThrownBy(() -> parse("shepard { workers.count = 2 }\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("String: 1: Unknown key 'shepard' outside shepherd { }: every setting of a Shepherd file is"
                        + " under shepherd; did you mean 'shepherd'?");
    }

    @Test
    void aFileWrittenWithoutTheRootNamesTheKeyMeant() {
        assertThatThrownBy(() -> parse("# my settings\nworkers.count = 2\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("String: 2: Unknown key 'workers' outside shepherd { }: every setting of a Shepherd file is"
                        + " under shepherd; did you mean 'shepherd.workers' (inside shepherd { })?");
    }

    @Test
    void anyOtherKeyOutsideShepherdIsRejectedToo() {
        assertThatThrownBy(() -> parse("other-app { anything = 1 }\nshepherd { " + TestSettings.SIDECAR + " }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("String: 1: Unknown key 'other-app' outside shepherd { }");
    }

    @Test
    void distanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(UnknownKeys.distance("listen", "listen")).isZero();
        assertThat(UnknownKeys.distance("listn", "listen")).isEqualTo(1);
        assertThat(UnknownKeys.distance("lisxen", "listen")).isEqualTo(1);
        assertThat(UnknownKeys.distance("listeen", "listen")).isEqualTo(1);
        assertThat(UnknownKeys.distance("", "abc")).isEqualTo(3);
        assertThat(UnknownKeys.distance("kitten", "sitting")).isEqualTo(3);
    }
}
