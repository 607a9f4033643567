package dev.kantor.platform;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * A dead letter's value as an operator can read it: Avro in the registry wire format (magic byte 0, a 4-byte content
 * id) decoded with the writer's own schema, whatever event it is; anything else, or what the registry cannot explain,
 * as a hex and base64 preview with why it was not decoded. Unlike the services' EventDecoder it needs no event class.
 */
public final class PayloadDecoder {

    static final int PREVIEW_BYTES = 64;

    /** Decimals and timestamps as an operator reads them (12.3400, an instant), not as bytes and milliseconds. */
    private static final GenericData MODEL = new GenericData();

    static {
        MODEL.addLogicalTypeConversion(new Conversions.DecimalConversion());
        MODEL.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    }

    private final URI contentIds;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<Integer, Optional<Schema>> schemas = new HashMap<>();

    /** @param registryApiV2 the registry's v2 API, e.g. http://127.0.0.1:8081/apis/registry/v2 */
    public PayloadDecoder(String registryApiV2) {
        this.contentIds = URI.create(registryApiV2.replaceAll("/+$", "") + "/ids/contentIds/");
    }

    /** The value decoded ("TransactionRequested (schema id 7) {...}"), else why not and a preview of its bytes. */
    public String describe(byte[] value) {
        if (value == null || value.length == 0) {
            return "(empty)";
        }
        if (value.length < 5 || value[0] != 0) {
            return "not in the registry wire format; " + preview(value);
        }
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        Optional<Schema> writer;
        try {
            writer = schema(id);
        } catch (IOException e) {
            return "registry unreachable (" + e.getMessage() + "), schema id " + id + "; " + preview(value);
        }
        if (writer.isEmpty()) {
            return "schema id " + id + " unknown to the registry; " + preview(value);
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null);
            GenericRecord record = new GenericDatumReader<GenericRecord>(writer.get(), writer.get(), MODEL).read(null, decoder);
            String trailing = decoder.isEnd() ? "" : " (with trailing bytes)";
            return writer.get().getName() + " (schema id " + id + ")" + trailing + " " + record;
        } catch (IOException | RuntimeException e) {
            return "not a valid " + writer.get().getName() + " (schema id " + id + "): " + e + "; " + preview(value);
        }
    }

    /** The first bytes as hex, and the whole value as base64 (to be pasted into a tool) when it is short. */
    static String preview(byte[] value) {
        int shown = Math.min(value.length, PREVIEW_BYTES);
        String hex = HexFormat.of().formatHex(value, 0, shown) + (shown < value.length ? "..." : "");
        String base64 = value.length <= 4 * PREVIEW_BYTES ? ", base64 " + Base64.getEncoder().encodeToString(value) : "";
        return value.length + " bytes, hex " + hex + base64;
    }

    private Optional<Schema> schema(int id) throws IOException {
        Optional<Schema> known = schemas.get(id);
        if (known != null) {
            return known;
        }
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(contentIds.resolve(Integer.toString(id))).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (response.statusCode() == 404) {
            // Not cached: it may be registered while the operator looks (a fix before a replay).
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new IOException("answered " + response.statusCode());
        }
        Optional<Schema> schema;
        try {
            schema = Optional.of(new Schema.Parser().parse(response.body()));
        } catch (RuntimeException e) {
            schema = Optional.empty();
        }
        schemas.put(id, schema);
        return schema;
    }
}
