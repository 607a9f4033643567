package dev.kantor.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What `kantor dlt replay` sent back, kept on the cluster itself in the compacted topic {@value #TOPIC} (declared in
 * kantor-topology.yaml), keyed by the dead letter's place ({@code transaction.dlt/0/12}): any operator's machine sees
 * every earlier replay, and the entry is written in the same Kafka transaction as the replayed record.
 */
public final class ReplayLog {

    public static final String TOPIC = "kantor.dlt-replays";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplayLog() {
    }

    /** One replay of one dead letter: when, where the record went, and how many times it has been sent back. */
    public record Entry(String deadLetter, Instant replayedAt, String topic, int partition, long offset, int times) {

        /** Where it went, as `show` and `replay` print it. */
        public String describe() {
            return replayedAt + " -> " + topic + " " + partition + "@" + offset + (times > 1 ? " (" + times + " times)" : "");
        }
    }

    static byte[] encode(Entry entry) {
        ObjectNode node = JSON.createObjectNode().put("deadLetter", entry.deadLetter()).put("replayedAt", entry.replayedAt().toString())
                .put("topic", entry.topic()).put("partition", entry.partition()).put("offset", entry.offset()).put("times", entry.times());
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An entry as written by {@link #encode}; a value it cannot read still counts as replayed, at an unknown place. */
    static Entry decode(String key, byte[] value) {
        try {
            JsonNode node = JSON.readTree(value);
            return new Entry(key, Instant.parse(node.path("replayedAt").asText()), node.path("topic").asText("?"),
                    node.path("partition").asInt(-1), node.path("offset").asLong(-1), node.path("times").asInt(1));
        } catch (IOException | RuntimeException e) {
            return new Entry(key, Instant.EPOCH, "?", -1, -1, 1);
        }
    }
}
