package dev.kantor.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.kantor.platform.Endpoints;
import dev.kantor.events.EventDecoder;
import dev.kantor.events.EventSerializer;
import org.apache.avro.specific.SpecificRecord;

/**
 * Produces and reads Kantor events in tests exactly as services do (registry serdes, Confluent wire format, event-id
 * header), and produces raw bytes for poison-record tests.
 */
public final class KafkaTestClient implements AutoCloseable {

    private final Endpoints endpoints;
    private final KafkaProducer<String, byte[]> producer;
    private final EventSerializer serializer;

    public KafkaTestClient(Endpoints endpoints) {
        this.endpoints = endpoints;
        this.serializer = new EventSerializer(endpoints.registryApiV2());
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Settings under which the registry's own serdes read and write the same wire format as EventSerializer. */
    public static Map<String, Object> serdeConfig(Endpoints endpoints) {
        Map<String, Object> config = new HashMap<>();
        config.put("apicurio.registry.url", endpoints.registryApiV2());
        config.put("apicurio.registry.auto-register", false);
        config.put("apicurio.registry.headers.enabled", false);
        config.put("apicurio.registry.as-confluent", true);
        config.put("apicurio.registry.use-id", "contentId");
        config.put("apicurio.registry.use-specific-avro-reader", true);
        return config;
    }

    /** Sends an event with its event-id and event-type headers, and waits for the broker's ack. */
    public void send(String topic, String key, SpecificRecordBase event) {
        sendRaw(topic, key, serializer.serialize(topic, event), headersOf(event));
    }

    /**
     * A record written with its own schema, as an older producer writes it (a released version, by its registry id),
     * with the event-id header of its eventId field.
     */
    public void send(String topic, String key, org.apache.avro.generic.GenericRecord record) {
        sendRaw(topic, key, encode(topic, record), headersOf(record));
    }

    /** A record in the wire format of its own schema (registered under the topic), for sending without waiting. */
    public byte[] encode(String topic, org.apache.avro.generic.GenericRecord record) {
        return serializer.serializeGeneric(topic, record);
    }

    /** A schema as the registry holds it under a topic's subject at one version, and the content id it is written with. */
    public record RegisteredSchema(org.apache.avro.Schema schema, int contentId) {
    }

    /**
     * The schema of {@code <topic>-value} at a version, fetched as a client in another language fetches it (no copy of
     * its own): what an older producer writes with, by its registry version.
     */
    public RegisteredSchema registered(String topic, int version) {
        String base = endpoints.registryApiV2() + "/groups/default/artifacts/" + topic + "-value/versions/" + version;
        com.fasterxml.jackson.databind.JsonNode meta = getJson(base + "/meta");
        return new RegisteredSchema(new org.apache.avro.Schema.Parser().parse(get(base)), meta.get("contentId").asInt());
    }

    /** A record in the wire format of a registered version (see {@link #registered}). */
    public static byte[] encode(RegisteredSchema schema, org.apache.avro.generic.GenericRecord record) {
        return EventSerializer.serializeGeneric(schema.contentId(), record);
    }

    private static com.fasterxml.jackson.databind.JsonNode getJson(String url) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(get(url));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(url, e);
        }
    }

    private static String get(String url) {
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(url, e);
        }
    }

    /** An event in the wire format of the given topic's schema, for sending somewhere it does not belong. */
    public byte[] encode(String topic, SpecificRecordBase event) {
        return serializer.serialize(topic, event);
    }

    public void sendRaw(String topic, String key, byte[] value, Map<String, String> headers) {
        try {
            sendAsync(topic, key, value, headers).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + topic, e);
        }
    }

    /** Sends without waiting, for load: the future completes on the broker's ack; {@link #flush()} waits for all. */
    public java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> sendAsync(String topic, String key,
            SpecificRecordBase event) {
        return sendAsync(topic, key, serializer.serialize(topic, event), headersOf(event));
    }

    /** A header of a consumed record as text, or "" when it is absent. */
    public static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The headers every Kantor producer gives an event: its event id and type. */
    public static Map<String, String> headersOf(org.apache.avro.generic.GenericRecord event) {
        // The exchange's events carry eventId; the fleet's lead with an id of their own (readingId, summaryId, alertId).
        org.apache.avro.Schema schema = event.getSchema();
        String id = schema.getField("eventId") != null ? "eventId" : schema.getFields().get(0).name();
        return Map.of("event-id", String.valueOf(event.get(id)), "event-type", schema.getName());
    }

    /** Sends bytes already in the wire format (see {@link #encode}) without waiting, for load generated ahead of time. */
    public java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> sendAsync(String topic, String key,
            byte[] value, Map<String, String> headers) {
        return sendAsync(topic, null, key, value, headers);
    }

    /**
     * Sends to the given partition whatever the key says, as a producer with another partitioner (librdkafka's, say)
     * or a topic whose partition count grew would: the same account's records then arrive on several partitions.
     */
    public java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> sendAsync(String topic, Integer partition,
            String key, byte[] value, Map<String, String> headers) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, partition, key, value);
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        return producer.send(record);
    }

    public void flush() {
        producer.flush();
    }

    /**
     * Commits the current end of every partition of {@code topic} as the offsets of consumer group {@code group}, which
     * must have no members: its consumers then start there, whenever each gets its partitions. (With
     * auto.offset.reset=latest instead, a partition handed over during a rebalance before its first commit is read
     * from the end of that moment, and what was sent in between is skipped.)
     */
    public void startGroupAtEnd(String group, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = new HashMap<>();
            consumer.endOffsets(partitions).forEach((tp, end) -> offsets.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(end)));
            consumer.assign(partitions);
            consumer.commitSync(offsets);
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String... topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        return partitions;
    }

    /** The end offset of every partition of the given topics, keyed "topic-partition". */
    public Map<String, Long> endOffsets(String... topics) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer, topics);
            Map<String, Long> ends = new java.util.TreeMap<>();
            consumer.endOffsets(partitions).forEach((tp, end) -> ends.put(tp.topic() + "-" + tp.partition(), end));
            return ends;
        }
    }

    /** Starts reading a topic from its current end: only what is produced from now on is seen. */
    public Tail tail(String topic) {
        return new Tail(topic, null);
    }

    /** Starts reading a topic at the first record written at or after {@code since} (its end if there is none). */
    public Tail tailSince(String topic, java.time.Instant since) {
        return new Tail(topic, since);
    }

    @Override
    public void close() {
        producer.close();
        serializer.close();
    }

    /** The records of one topic from a point on, decoded through the registry when they are events. */
    public final class Tail implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final EventDecoder decoder = new EventDecoder(endpoints.registryApiV2());
        private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        private final String topic;

        Tail(String topic, java.time.Instant since) {
            this.topic = topic;
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers(),
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            if (since != null) {
                Map<TopicPartition, Long> at = new java.util.HashMap<>();
                partitions.forEach(p -> at.put(p, since.toEpochMilli()));
                consumer.offsetsForTimes(at).forEach((p, found) -> {
                    if (found != null) {
                        consumer.seek(p, found.offset());
                    }
                });
            }
            partitions.forEach(consumer::position);
        }

        /** Waits until at least {@code count} records match, and returns the matching ones (raw). */
        public List<ConsumerRecord<String, byte[]>> awaitRaw(Predicate<ConsumerRecord<String, byte[]>> match, int count,
                Duration timeout) {
            org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.stream().filter(match).count() >= count;
            });
            return seen.stream().filter(match).toList();
        }

        /** Waits for {@code count} events of the given type matching, decoded. */
        public <T extends SpecificRecord> List<T> await(Class<T> type, Predicate<T> match, int count, Duration timeout) {
            List<T> found = new ArrayList<>();
            awaitRaw(r -> {
                T value = decode(r, type);
                return value != null && match.test(value);
            }, count, timeout).forEach(r -> found.add(decode(r, type)));
            return found;
        }

        /** As {@link #await}, the records themselves (for their headers). */
        public <T extends SpecificRecord> List<ConsumerRecord<String, byte[]>> awaitRecords(Class<T> type, Predicate<T> match,
                int count, Duration timeout) {
            return awaitRaw(r -> {
                T value = decode(r, type);
                return value != null && match.test(value);
            }, count, timeout);
        }

        /** Everything seen so far that matches (no waiting): for asserting that something did not happen. */
        public <T extends SpecificRecord> List<T> seen(Class<T> type, Predicate<T> match) {
            consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
            return seen.stream().map(r -> decode(r, type)).filter(v -> v != null && match.test(v)).toList();
        }

        /** The record as {@code type}, or null when it is another event or not an event at all. */
        private <T extends SpecificRecord> T decode(ConsumerRecord<String, byte[]> record, Class<T> type) {
            try {
                return decoder.decode(record.value(), type);
            } catch (EventDecoder.UndecodableEventException e) {
                return null;
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
