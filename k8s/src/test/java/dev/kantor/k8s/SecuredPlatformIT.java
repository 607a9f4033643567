package dev.kantor.k8s;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.platform.Endpoints;
import dev.kantor.platform.KafkaAcls;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.PlatformConfig;

/**
 * The local platform with SASL/SCRAM and the ACLs of the Kubernetes KafkaUsers switched on (./kantor up --secure),
 * beside the test platform on other ports: every packaged service runs as its own Kafka user and a deposit goes all
 * the way through, while a service that steps outside its channels is refused by the broker.
 */
class SecuredPlatformIT {

    @TempDir
    static Path home;
    static LocalPlatform platform;
    static Endpoints endpoints;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        PlatformConfig config = PlatformConfig.from(Map.of("KANTOR_HOME", home.toString(), "KANTOR_KAFKA_PORT", "19092",
                "KANTOR_REGISTRY_PORT", "18081", "KANTOR_POSTGRES_PORT", "15433", "KANTOR_CONTROL_PORT", "19990"), 1).secured();
        platform = new LocalPlatform(config);
        endpoints = platform.startDetached(true);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.stop();
        }
    }

    @Test
    void everyServiceRunsAsItsOwnUserAndADepositGoesThrough() throws Exception {
        URI gateway = URI.create("http://127.0.0.1:8080");
        String token = post(gateway, "/api/sign-in", null, "{\"user\": \"alice\"}", 200).get("token").asText();
        String account = post(gateway, "/api/accounts", token, "{\"baseCurrency\": \"EUR\", \"displayName\": \"Secured\"}", 202)
                .get("accountId").asText();
        await().atMost(Duration.ofSeconds(90)).until(() -> get(gateway, "/api/accounts", token).toString().contains("\"OPEN\""));
        String transaction = post(gateway, "/api/transactions", token, "{\"accountId\": \"" + account
                + "\", \"kind\": \"DEPOSIT\", \"amount\": \"12.50\", \"currency\": \"EUR\"}", 202).get("transactionId").asText();
        // Until the outcome is in, whichever it is, so that a rejection fails with its reason instead of a timeout.
        JsonNode outcome;
        try {
            outcome = await().atMost(Duration.ofSeconds(90)).until(() -> get(gateway, "/api/transactions/" + transaction, token),
                    body -> List.of("APPROVED", "REJECTED").contains(body.path("status").asText()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // The platform's home (and its logs) is deleted after the test: the transaction service's log goes with the failure.
            throw new AssertionError("no outcome for " + transaction + "; transaction service log:\n"
                    + dev.kantor.platform.ManagedProcess.tail(home.resolve("logs/transaction.log")), e);
        }
        assertEquals("APPROVED", outcome.path("status").asText(), outcome.toString());
    }

    @Test
    void aServiceOutsideItsAclsIsRefused() {
        // The gateway writes requests only: an outcome from it would be a forgery, and the broker refuses it.
        Properties producer = client("gateway");
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        try (KafkaProducer<byte[], byte[]> gateway = new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer())) {
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> gateway.send(new ProducerRecord<>("transactions", new byte[] {1})).get(30, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, refused.getCause(), refused.toString());
        }
        // The wallet never reads requests, even in its own consumer group.
        Properties consumer = client("wallet");
        consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "wallet-service");
        try (KafkaConsumer<byte[], byte[]> wallet = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            wallet.subscribe(List.of("transaction-requests"));
            assertThrows(TopicAuthorizationException.class, () -> {
                for (int i = 0; i < 10; i++) {
                    wallet.poll(Duration.ofSeconds(2));
                }
            });
        }
    }

    private static Properties client(String service) {
        Properties props = new Properties();
        props.put("bootstrap.servers", endpoints.kafkaBootstrapServers());
        props.putAll(KafkaAcls.saslConfig(service, KafkaAcls.localPassword(service)));
        assertEquals(true, endpoints.kafkaSecured());
        return props;
    }

    private static JsonNode post(URI base, String path, String token, String body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString()).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static JsonNode get(URI base, String path, String token) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }
}
