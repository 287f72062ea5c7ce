package dev.shepherd.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docker/k8s/'s manifests (a cluster cannot run here): each parses, and its ports, probe paths
 * and timeouts agree with the Shepherd config its ConfigMap mounts (read over reference.conf, as
 * the edge reads it), and a dns: backend names a headless Service of the same file.
 */
class KubernetesManifestsIT {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @ParameterizedTest
    @ValueSource(strings = {"sidecar.yaml", "edge.yaml"})
    void theManifestAgreesWithTheConfigItMounts(String file) throws Exception {
        List<JsonNode> documents = documents(JavaProcess.ROOT.resolve("docker/k8s").resolve(file));
        JsonNode configMap = kind(documents, "ConfigMap");
        Config reference = ConfigFactory.parseFile(JavaProcess.ROOT.resolve("proxy/src/main/resources/reference.conf").toFile());
        Config shepherd = ConfigFactory.parseString(configMap.path("data").path("shepherd.conf").asText())
                .withFallback(reference).resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true))
                .getConfig("shepherd");
        JsonNode pod = kind(documents, "Deployment").path("spec").path("template").path("spec");
        JsonNode edge = StreamSupport.stream(pod.path("containers").spliterator(), false)
                .filter(c -> c.path("volumeMounts").toString().contains("/etc/shepherd")).findFirst().orElseThrow();

        int listen = shepherd.getInt("listen.port");
        int admin = shepherd.getInt("admin.port");
        assertThat(ports(edge)).as("the container's ports are the config's").containsExactlyInAnyOrder(listen, admin);
        assertThat(edge.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
        assertThat(edge.path("readinessProbe").path("httpGet").path("port").asInt()).isEqualTo(admin);
        assertThat(edge.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/status");
        assertThat(edge.path("livenessProbe").path("httpGet").path("port").asInt()).isEqualTo(admin);
        assertThat(shepherd.getString("admin.host")).as("probes reach the pod's address").isEqualTo("0.0.0.0");
        assertThat(edge.path("env").toString()).as("a non-loopback admin API needs its token")
                .contains("SHEPHERD_ADMIN_TOKEN").contains("secretKeyRef");
        assertThat(edge.path("env").toString()).contains("/etc/shepherd/shepherd.conf");

        long preStop = edge.path("lifecycle").path("preStop").path("sleep").path("seconds").asLong();
        long shutdown = shepherd.getDuration("shutdown-timeout").toSeconds();
        assertThat(pod.path("terminationGracePeriodSeconds").asLong())
                .as("the grace period covers preStop and the edge's drain").isGreaterThan(preStop + shutdown);

        String app = kind(documents, "Deployment").path("spec").path("selector").path("matchLabels").path("app").asText();
        JsonNode service = documents.stream().filter(d -> d.path("kind").asText().equals("Service")
                && d.path("spec").path("selector").path("app").asText().equals(app)
                && !d.path("spec").path("clusterIP").asText().equals("None")).findFirst()
                .orElseThrow(() -> new AssertionError("no Service in front of " + app));
        assertThat(service.path("spec").path("ports").get(0).path("targetPort").asInt()).as("the Service sends to listen.port")
                .isEqualTo(listen);

        for (String backend : shepherd.getStringList("backends")) {
            if (backend.startsWith("dns:")) {
                String name = backend.substring(4, backend.lastIndexOf(':'));
                int port = Integer.parseInt(backend.substring(backend.lastIndexOf(':') + 1));
                JsonNode headless = documents.stream().filter(d -> d.path("kind").asText().equals("Service")
                        && name.startsWith(d.path("metadata").path("name").asText() + ".")).findFirst().orElseThrow(
                                () -> new AssertionError("no Service for " + backend));
                assertThat(headless.path("spec").path("clusterIP").asText()).as("headless").isEqualTo("None");
                assertThat(headless.path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(port);
            }
        }
    }

    private static List<Integer> ports(JsonNode container) {
        List<Integer> ports = new ArrayList<>();
        container.path("ports").forEach(p -> ports.add(p.path("containerPort").asInt()));
        return ports;
    }

    private static JsonNode kind(List<JsonNode> documents, String kind) {
        return documents.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind));
    }

    private static List<JsonNode> documents(Path file) throws Exception {
        List<JsonNode> documents = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        }
        assertThat(documents).as("documents in %s", file).isNotEmpty();
        return documents;
    }
}
