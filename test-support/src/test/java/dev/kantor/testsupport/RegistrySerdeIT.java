package dev.kantor.testsupport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.kantor.events.RateQuoted;
import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.SchemaRegistryClient;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;

/**
 * The serdes the services use, against the real registry: a record produced is consumed back equal, in the
 * Confluent wire format that non-Java clients read, and still decodes after the registry restarts.
 */
@ExtendWith(KantorPlatformExtension.class)
class RegistrySerdeIT {

    @Test
    void anEventRoundTripsAndStillDecodesAfterTheRegistryRestarts(Endpoints endpoints, LocalPlatform platform) throws Exception {
        String topic = "serde-test-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        // Production clients never auto-register: the schema is registered ahead, as the build does.
        SchemaRegistryClient registry = new SchemaRegistryClient(endpoints.registryUrl());
        long contentId = registry.register(topic + "-value", RateQuoted.getClassSchema().toString()).contentId();

        RateQuoted sent = RateQuoted.newBuilder().setEventId(UUID.randomUUID().toString()).setPair("EUR/USD")
                .setBaseCurrency("EUR").setQuoteCurrency("USD").setRate(new BigDecimal("1.0853123456"))
                .setQuotedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setSource("test").build();
        try (KafkaProducer<String, RateQuoted> producer = new KafkaProducer<>(producerConfig(endpoints),
                new StringSerializer(), serializer(endpoints))) {
            producer.send(new ProducerRecord<>(topic, "EUR/USD", sent)).get(30, TimeUnit.SECONDS);
        }

        assertEquals(sent, readFirst(endpoints, topic));
        byte[] raw = readRaw(endpoints, topic);
        assertEquals(0, raw[0], "Confluent magic byte");
        assertEquals(contentId, ByteBuffer.wrap(raw, 1, 4).getInt(), "4-byte schema id after the magic byte");
        HttpResponse<String> bySchemaId = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(endpoints.registryUrl() + "/apis/ccompat/v7/schemas/ids/" + contentId)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, bySchemaId.statusCode());
        assertTrue(bySchemaId.body().contains("RateQuoted"), bySchemaId.body());

        platform.part("registry", "restart");

        // A new deserializer has no cache: it must fetch the schema by the id written months ago.
        assertEquals(sent, readFirst(endpoints, topic));
        assertEquals(contentId, registry.latest(topic + "-value").orElseThrow().contentId());
        registry.delete(topic + "-value");
    }

    private static Map<String, Object> producerConfig(Endpoints endpoints) {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    }

    private static AvroKafkaSerializer<RateQuoted> serializer(Endpoints endpoints) {
        AvroKafkaSerializer<RateQuoted> serializer = new AvroKafkaSerializer<>();
        serializer.configure(KafkaTestClient.serdeConfig(endpoints), false);
        return serializer;
    }

    private static RateQuoted readFirst(Endpoints endpoints, String topic) {
        AvroKafkaDeserializer<RateQuoted> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(KafkaTestClient.serdeConfig(endpoints), false);
        try (KafkaConsumer<String, RateQuoted> consumer = new KafkaConsumer<>(consumerConfig(endpoints),
                new StringDeserializer(), deserializer)) {
            return first(consumer, topic).value();
        }
    }

    private static byte[] readRaw(Endpoints endpoints, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig(endpoints),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            return first(consumer, topic).value();
        }
    }

    private static <V> ConsumerRecord<String, V> first(KafkaConsumer<String, V> consumer, String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            return !records.isEmpty();
        });
        return records.get(0);
    }

    private static Map<String, Object> consumerConfig(Endpoints endpoints) {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    }
}
