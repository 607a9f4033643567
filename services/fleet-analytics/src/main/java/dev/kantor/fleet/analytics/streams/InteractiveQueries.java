package dev.kantor.fleet.analytics.streams;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.fleet.analytics.config.AnalyticsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Answers a key from whichever instance owns it: this one's store when this instance is the key's active host
 * (compared by host and port: two instances on one host differ by port only), else the active host over HTTP, and
 * when that one cannot answer (dead, rebalancing) a standby replica's copy, marked stale.
 */
@ApplicationScoped
public class InteractiveQueries {

    /** A value and where it came from: which instance, and whether from a standby (possibly behind). */
    public record Answer(Object value, String servedBy, boolean stale) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Inject
    KafkaStreams streams;

    @Inject
    AnalyticsConfig config;

    /** The key's value wherever it lives; empty when no instance holds it. */
    public Optional<Answer> get(String store, String key) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new InvalidStateStoreException("no instance holds " + store + " yet (starting or rebalancing)");
        }
        List<HostInfo> candidates = new ArrayList<>();
        candidates.add(metadata.activeHost());
        candidates.addAll(metadata.standbyHosts());
        RuntimeException last = null;
        for (HostInfo host : candidates) {
            boolean stale = !host.equals(metadata.activeHost());
            try {
                return self(host) ? local(store, key, stale) : remote(host, store, key, stale);
            } catch (RuntimeException unavailable) {
                last = unavailable;
            }
        }
        throw last;
    }

    /** This instance's own copy of a key (its active partitions, or with {@code stale} its standbys too). */
    public Optional<Answer> local(String store, String key, boolean stale) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, Object>> parameters = StoreQueryParameters.fromNameAndType(store,
                QueryableStoreTypes.keyValueStore());
        Object value = streams.store(stale ? parameters.enableStaleStores() : parameters).get(key);
        return Optional.ofNullable(value).map(v -> new Answer(v, config.server(), stale));
    }

    /** Every value of this instance's active partitions of a store. */
    public <V> List<V> localValues(String store) {
        return new ArrayList<V>(this.<V>localEntries(store).values());
    }

    /** Every key and value of this instance's active partitions of a store, by key. */
    public <V> java.util.SortedMap<String, V> localEntries(String store) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> parameters = StoreQueryParameters.fromNameAndType(store,
                QueryableStoreTypes.keyValueStore());
        java.util.SortedMap<String, V> entries = new java.util.TreeMap<>();
        try (var all = streams.store(parameters).all()) {
            all.forEachRemaining(entry -> entries.put(entry.key, entry.value));
        }
        return entries;
    }

    /** Every instance of the application, by address, this one included. */
    public List<String> instances() {
        return streams.metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo)
                .map(h -> h.host() + ":" + h.port()).distinct().sorted().toList();
    }

    public boolean self(String address) {
        return address.equals(config.server());
    }

    private boolean self(HostInfo host) {
        return self(host.host() + ":" + host.port());
    }

    private Optional<Answer> remote(HostInfo host, String store, String key, boolean stale) {
        JsonNode body = fetch(host.host() + ":" + host.port(), "/fleet/local/" + store + "/" + java.net.URLEncoder.encode(key,
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20") + "?stale=" + stale);
        return body == null ? Optional.empty() : Optional.of(new Answer(body.get("value"), body.get("servedBy").asText(), stale));
    }

    /** A GET to another instance: its JSON, null for 404; anything else fails. */
    public JsonNode fetch(String address, String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + address + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return null;
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException(address + path + " answered " + response.statusCode());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(address + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(address + path, e);
        }
    }

    public static Map<String, Object> envelope(Answer answer) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("value", answer.value());
        body.put("servedBy", answer.servedBy());
        body.put("stale", answer.stale());
        return body;
    }
}
