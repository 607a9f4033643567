package dev.kantor.events;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes an event in the registry wire format (magic byte 0, the 4-byte content id of its schema, Avro binary),
 * with the schema looked up by content under {@code <topic>-value}; it never registers a schema (the schema gate
 * does, before any service starts), so an event whose schema is not registered fails to send instead of
 * inventing a new version.
 *
 * <p>Why not the registry's own serializer: with auto-registration off, its lookup by content sends nested records
 * (Money) as references, which never match the whole schema the gate registered; and it cannot tell an unknown
 * schema from an unreachable registry. Configured with {@code apicurio.registry.url} (the v2 API).
 */
public final class EventSerializer implements Serializer<SpecificRecord> {

    /** The registry's v2 API, shared with the Apicurio settings of the messaging connector. */
    public static final String REGISTRY_URL = "apicurio.registry.url";

    private static final Pattern CONTENT_ID = Pattern.compile("\"contentId\"\\s*:\\s*(\\d+)");

    private final Map<Key, Integer> ids = new ConcurrentHashMap<>();
    /** A writer per event class, made once (a writer holds no state between calls, so threads share it). */
    private static final Map<Class<?>, SpecificDatumWriter<SpecificRecord>> WRITERS = new ConcurrentHashMap<>();
    private HttpClient http;
    private String registry;

    public EventSerializer() {
    }

    /** A serializer for code outside Kafka's configuration (tests, tools). */
    public EventSerializer(String registryApiV2) {
        configure(Map.of(REGISTRY_URL, registryApiV2), false);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Object url = configs.get(REGISTRY_URL);
        if (url == null) {
            throw new IllegalArgumentException(REGISTRY_URL + " is required (the registry's v2 API)");
        }
        this.registry = url.toString().replaceAll("/+$", "");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public byte[] serialize(String topic, SpecificRecord event) {
        if (event == null) {
            return null;
        }
        return framed(topic, event.getSchema(), out -> writeAvro(event, out));
    }

    /**
     * A record written with a schema of its own, such as a released version an older producer still writes (the
     * schema must be registered under the topic: its id goes in the header). Decimals and timestamps as BigDecimal
     * and Instant.
     */
    public byte[] serializeGeneric(String topic, org.apache.avro.generic.GenericRecord record) {
        return framed(topic, record.getSchema(), out -> writeGeneric(record, out));
    }

    /**
     * A record written with a schema the caller took from the registry itself, by subject and version, as a client in
     * another language does: the registry's content id of that version goes in the header.
     */
    public static byte[] serializeGeneric(int contentId, org.apache.avro.generic.GenericRecord record) {
        return frame(contentId, record.getSchema(), out -> writeGeneric(record, out));
    }

    private static void writeGeneric(org.apache.avro.generic.GenericRecord record, OutputStream out) throws IOException {
        org.apache.avro.generic.GenericData model = new org.apache.avro.generic.GenericData();
        model.addLogicalTypeConversion(new org.apache.avro.Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new org.apache.avro.generic.GenericDatumWriter<org.apache.avro.generic.GenericRecord>(record.getSchema(), model)
                .write(record, encoder);
        encoder.flush();
    }

    /** Writes Avro binary to a stream. */
    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** The wire format: magic byte 0, the schema's registry id under the topic, then the Avro binary. */
    private byte[] framed(String topic, Schema schema, Body body) {
        return frame(ids.computeIfAbsent(new Key(topic, schema), key -> lookup(topic, schema)), schema, body);
    }

    private static byte[] frame(int id, Schema schema, Body body) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            out.write(0);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            body.write(out);
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + schema.getFullName() + " with schema id " + id + ": " + e, e);
        }
    }

    /**
     * The event in plain Avro binary (no registry header), as this serializer writes it after the header; also for
     * storing an event to publish again later.
     */
    public static void writeAvro(SpecificRecord event, OutputStream out) throws IOException {
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        WRITERS.computeIfAbsent(event.getClass(), type -> new SpecificDatumWriter<>(event.getSchema(), EventDecoder.modelOf(type)))
                .write(event, encoder);
        encoder.flush();
    }

    /** A schema as used on one topic. */
    private record Key(String topic, Schema schema) {
    }

    private int lookup(String topic, Schema schema) {
        String artifact = URLEncoder.encode(topic + "-value", StandardCharsets.UTF_8);
        URI uri = URI.create(registry + "/groups/default/artifacts/" + artifact + "/meta?canonical=true");
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(EventCatalog.canonical(schema))).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SerializationException("schema registry unreachable at " + registry + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SerializationException("interrupted while looking up the schema of " + topic, e);
        }
        if (response.statusCode() == 404) {
            throw new SerializationException("the schema of " + schema.getFullName() + " is not registered as " + topic
                    + "-value (the schema gate registers every schema of kantor-topology.yaml)");
        }
        Matcher matcher = CONTENT_ID.matcher(response.body());
        if (response.statusCode() != 200 || !matcher.find()) {
            throw new SerializationException("schema registry answered " + response.statusCode() + " for " + topic + "-value");
        }
        return Integer.parseInt(matcher.group(1));
    }
}
