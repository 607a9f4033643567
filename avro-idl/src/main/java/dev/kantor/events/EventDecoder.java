package dev.kantor.events;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decodes a consumed value in the registry wire format (magic byte 0, a 4-byte content id, Avro binary) into the
 * event class the consumer expects, resolving the writer's schema against the schema compiled into this jar.
 *
 * <p>Why not the registry's own deserializer: it picks the class by the writer schema's name through a class loader
 * lookup (which breaks under Quarkus test class loading), and it cannot tell a poison record from an unreachable
 * registry. Here an undecodable record is a checked {@link UndecodableEventException}, to be dead-lettered, and an
 * unreachable registry is a {@link RegistryUnavailableException}, to be retried.
 */
public final class EventDecoder {

    private static final byte MAGIC = 0;

    private final URI contentIds;
    private final HttpClient http;
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    /**
     * A reader per writer schema and type, made once: a new reader per record also rebuilt its caches (the string
     * class of every field) for every record. Avro's readers may be shared between threads (resolvers are per thread).
     */
    private final Map<ReaderKey, SpecificDatumReader<?>> readers = new ConcurrentHashMap<>();
    private static final Map<Class<?>, SpecificData> MODELS = new ConcurrentHashMap<>();

    /** @param registryApiV2 the registry's v2 API, for example {@code http://127.0.0.1:8081/apis/registry/v2} */
    public EventDecoder(String registryApiV2) {
        this.contentIds = URI.create(registryApiV2.replaceAll("/+$", "") + "/ids/contentIds/");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The value as {@code type}; never null. */
    public <T extends SpecificRecord> T decode(byte[] value, Class<T> type) throws UndecodableEventException {
        if (value == null || value.length == 0) {
            throw new UndecodableEventException("empty value");
        }
        if (value.length < 5 || value[0] != MAGIC) {
            throw new UndecodableEventException("not in the registry wire format (magic byte 0 and a 4-byte schema id)");
        }
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        Schema writer = schema(id);
        Schema reader = SpecificData.get().getSchema(type);
        if (!writer.getFullName().equals(reader.getFullName())) {
            throw new UndecodableEventException("expected " + reader.getFullName() + " but schema id " + id + " is "
                    + writer.getFullName());
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null);
            @SuppressWarnings("unchecked")
            SpecificDatumReader<T> datumReader = (SpecificDatumReader<T>) readers.computeIfAbsent(new ReaderKey(id, type),
                    key -> new SpecificDatumReader<T>(writer, reader, modelOf(type)));
            T event = datumReader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new UndecodableEventException("trailing bytes after a " + writer.getName() + " with schema id " + id);
            }
            return event;
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | ClassCastException
                 | IllegalArgumentException | NullPointerException e) {
            throw new UndecodableEventException("not a valid " + writer.getName() + " with schema id " + id + ": " + e, e);
        }
    }

    /** The schema a value was written with, and the class it is read as. */
    private record ReaderKey(int schemaId, Class<?> type) {
    }

    /**
     * The generated class's data model (with its logical type conversions), bound to the class's own loader: the
     * default model resolves record classes through the thread's context loader, which may hold another copy.
     */
    public static SpecificData modelOf(Class<?> type) {
        return MODELS.computeIfAbsent(type, t -> {
            SpecificData model = new SpecificData(t.getClassLoader());
            SpecificData.getForClass(t).getConversions().forEach(model::addLogicalTypeConversion);
            return model;
        });
    }

    private Schema schema(int id) throws UndecodableEventException {
        Schema known = schemas.get(id);
        if (known != null) {
            return known;
        }
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(contentIds.resolve(Integer.toString(id)))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryUnavailableException("schema registry unreachable at " + contentIds + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while fetching schema id " + id, e);
        }
        if (response.statusCode() == 404) {
            throw new UndecodableEventException("unknown schema id " + id);
        }
        if (response.statusCode() != 200) {
            throw new RegistryUnavailableException("schema registry answered " + response.statusCode() + " for schema id " + id, null);
        }
        try {
            Schema schema = new Schema.Parser().parse(response.body());
            schemas.put(id, schema);
            return schema;
        } catch (SchemaParseException e) {
            throw new UndecodableEventException("schema id " + id + " is not an Avro schema: " + e.getMessage(), e);
        }
    }

    /** A record that no retry can decode (wrong format, unknown schema, another event type, corrupt bytes). */
    public static final class UndecodableEventException extends Exception {

        public UndecodableEventException(String message) {
            super(message);
        }

        public UndecodableEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The registry could not be asked; the same record may decode later. */
    public static final class RegistryUnavailableException extends RuntimeException {

        public RegistryUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
