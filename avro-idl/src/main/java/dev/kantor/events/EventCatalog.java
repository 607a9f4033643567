package dev.kantor.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/** Every event type of the contract, so tools (schema registration, tests) need not list them again. */
public final class EventCatalog {

    /** The top-level events; their nested types (Money, enums) travel inside them. */
    public static final List<Class<? extends SpecificRecordBase>> EVENTS = List.of(
            AccountOpeningRequested.class,
            AccountOpened.class,
            TransactionRequested.class,
            TransactionApproved.class,
            TransactionRejected.class,
            RateQuoted.class,
            WalletUpdated.class);

    /** The reefer fleet's events (namespace dev.kantor.fleet.events), on the vessels' clusters and mirrored ashore. */
    public static final List<Class<? extends SpecificRecordBase>> FLEET_EVENTS = List.of(
            dev.kantor.fleet.events.ReeferReading.class,
            dev.kantor.fleet.events.ReeferWindowSummary.class,
            dev.kantor.fleet.events.ColdChainAlert.class,
            dev.kantor.fleet.events.VesselPosition.class);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JAVA_STRING = "avro.java.string";

    private EventCatalog() {
    }

    /** The schema of an event by its full name, e.g. {@code dev.kantor.events.RateQuoted}. */
    public static Optional<Schema> schema(String fullName) {
        return java.util.stream.Stream.concat(EVENTS.stream(), FLEET_EVENTS.stream())
                .map(EventCatalog::schemaOf)
                .filter(schema -> schema.getFullName().equals(fullName))
                .findFirst();
    }

    /**
     * The schema as any language writes it: without the Java-only {@code avro.java.string} property the compiler adds
     * for {@code stringType=String}. This is what the registry holds and what our serializer looks up, so that a
     * client bringing its own copy of a schema (Python, Go) finds it; Java still reads strings as String, because
     * its reader schema is the compiled one.
     */
    public static String canonical(Schema schema) {
        try {
            return JSON.writeValueAsString(withoutJavaProperties(JSON.readTree(schema.toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode withoutJavaProperties(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(JAVA_STRING);
            if (object.size() == 1 && object.path("type").isTextual() && object.path("type").asText().equals("string")) {
                return TextNode.valueOf("string");
            }
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                field.setValue(withoutJavaProperties(field.getValue()));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, withoutJavaProperties(array.get(i)));
            }
        }
        return node;
    }

    /**
     * The earlier versions of an event's schema that producers may still write, oldest first (resources
     * {@code released/<full name>/<n>.avsc}): the schema gate registers them before the current one, so that a
     * registry, even a new one, holds every version a client may send by its id.
     */
    public static List<Schema> released(String fullName) {
        List<Schema> versions = new ArrayList<>();
        for (int n = 1; ; n++) {
            try (InputStream in = EventCatalog.class.getClassLoader().getResourceAsStream("released/" + fullName + "/" + n + ".avsc")) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The schema a generated class was compiled from. */
    public static Schema schemaOf(Class<? extends SpecificRecordBase> type) {
        try {
            return (Schema) type.getField("SCHEMA$").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("not a generated Avro class: " + type, e);
        }
    }
}
