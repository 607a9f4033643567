package dev.kantor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/**
 * The guarantees every channel takes from the connector's and the Kafka client's defaults, stated once (README,
 * "Consumers") instead of on every channel: no service may weaken them. A consumer commits only what the pipeline
 * acked (no auto commit) and stops on a nack (failure-strategy fail); a producer waits for every in-sync replica
 * (acks all) and never writes a record twice (idempotence).
 */
class ChannelSettingsTest {

    /** A setting's suffix and the only value a channel may give it, if it gives one at all. */
    static final Map<String, String> INCOMING = Map.of("enable.auto.commit", "false", "failure-strategy", "fail");
    static final Map<String, String> OUTGOING = Map.of("acks", "all", "enable.idempotence", "true");

    @Test
    void noChannelWeakensTheDefaultsTheGuaranteesRestOn() throws IOException {
        List<String> weakened = new ArrayList<>();
        for (String service : Services.PORTS.keySet()) {
            Properties properties = new Properties();
            Path file = ProjectRoot.find().resolve("services/" + service + "/src/main/resources/application.properties");
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
            for (String key : properties.stringPropertyNames()) {
                String[] parts = key.split("\\.", 5);
                if (parts.length < 5 || !parts[0].equals("mp") || !parts[1].equals("messaging")) {
                    continue;
                }
                Map<String, String> rules = switch (parts[2]) {
                    case "incoming" -> INCOMING;
                    case "outgoing" -> OUTGOING;
                    default -> Map.of();
                };
                String required = rules.get(parts[4]);
                if (required != null && !required.equals(properties.getProperty(key).strip())) {
                    weakened.add(service + ": " + key + "=" + properties.getProperty(key));
                }
            }
        }
        assertEquals(List.of(), weakened);
    }
}
