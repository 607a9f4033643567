package dev.kantor.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionRequested;
import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.Ports;
import dev.kantor.platform.ServicePart;
import dev.kantor.testsupport.GatewayClient;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.PackagedServices;

/**
 * Every stored request reaches the broker (the outbox relay, messaging.RequestRelay), with no client retry: a gateway
 * killed between a request's commit and its send, and the broker stopped while the gateway accepts requests. After
 * recovery each accepted request is on transaction-requests exactly once, with its original event id, and has
 * exactly one outcome. Against the packaged gateway, account and transaction services on the test platform.
 */
class GatewayOutboxIT {

    static final Duration WAIT = Duration.ofSeconds(180);
    static PackagedServices services;
    static KafkaTestClient kafka;
    static URI gateway;

    @BeforeAll
    static void start() {
        services = new PackagedServices(List.of("account", "transaction", "gateway"));
        kafka = new KafkaTestClient(services.endpoints());
        gateway = URI.create(services.url("gateway"));
    }

    @AfterAll
    static void stop() {
        services.close();
        kafka.close();
    }

    @Test
    void aGatewayKilledBetweenCommitAndSendHasItsRequestSentByTheNextOne() throws SQLException {
        String user = "outbox-" + UUID.randomUUID().toString().substring(0, 8);
        String account = GatewayClient.signIn(gateway, user).openAccount("EUR", "Outbox");
        Instant before = Instant.now();
        services.get("gateway").stop();

        // The test-only failpoint: this gateway halts (as kill -9) right after committing a new request.
        ServicePart failing = new ServicePart("gateway", Ports.any(), services.endpoints(),
                Path.of("target", "e2e-gateway-failpoint.log").toAbsolutePath(),
                Map.of("kantor.gateway.demo-users", "*", "kantor.gateway.failpoint.halt-after-store", "true"));
        failing.start();
        try {
            failing.awaitHealthy(Duration.ofSeconds(180));
            GatewayClient client = GatewayClient.signIn(URI.create("http://127.0.0.1:" + failing.port()), user);
            assertThrows(RuntimeException.class, () -> client.transact(
                    Map.of("accountId", account, "kind", "DEPOSIT", "amount", "12.50", "currency", "EUR"), UUID.randomUUID().toString(), 202),
                    "the gateway dies before it answers");
            await().atMost(Duration.ofSeconds(30)).until(() -> !failing.alive());
        } finally {
            failing.kill();
        }
        List<Stored> stored = stored(account);
        assertEquals(1, stored.size(), "the request was committed before the gateway died");
        Stored request = stored.get(0);
        assertFalse(request.published(), "and never sent");

        // A normal gateway again; the client does nothing more.
        services.restart("gateway");
        try (KafkaTestClient.Tail requests = kafka.tailSince("transaction-requests", before);
             KafkaTestClient.Tail outcomes = kafka.tailSince("transactions", before)) {
            TransactionRequested sent = requests.await(TransactionRequested.class, r -> r.getAccountId().equals(account), 1, WAIT).get(0);
            assertEquals(request.transactionId(), sent.getTransactionId());
            assertEquals(request.eventId(), sent.getEventId(), "sent with its original event id");
            outcomes.await(TransactionApproved.class, a -> a.getTransactionId().equals(request.transactionId()), 1, WAIT);
            GatewayClient client = GatewayClient.signIn(gateway, user);
            await().atMost(WAIT).until(() -> client.get("/api/transactions/" + request.transactionId(), 200)
                    .get("status").asText().equals("APPROVED"));
            assertEquals(1, requests.seen(TransactionRequested.class, r -> r.getAccountId().equals(account)).size(), "sent once");
            assertEquals(1, outcomes.seen(TransactionApproved.class, a -> a.getTransactionId().equals(request.transactionId())).size(),
                    "one outcome");
            await().atMost(WAIT).until(() -> stored(account).get(0).published());
        }
    }

    @Test
    void requestsAcceptedWhileTheBrokerIsDownAreSentWhenItReturns() {
        LocalPlatform platform = LocalPlatform.fromEnvironment();
        GatewayClient client = GatewayClient.signIn(gateway, "outbox-" + UUID.randomUUID().toString().substring(0, 8));
        String account = client.openAccount("EUR", "Broker down");
        // A first deposit through the running gateway, as any gateway in service has sent some: its producer knows the
        // topic, so that a send while the broker is down waits in the producer instead of blocking for metadata.
        String warmUp = client.postRaw("/api/transactions", deposit(account, "1.00"), 202).get("transactionId").asText();
        await().atMost(WAIT).until(() -> client.get("/api/transactions/" + warmUp, 200).get("status").asText().equals("APPROVED"));

        Instant before = Instant.now();
        List<String> accepted = new ArrayList<>();
        platform.part("kafka", "stop");
        try {
            for (int i = 1; i <= 8; i++) {
                long start = System.nanoTime();
                // No Idempotency-Key: such a client could never have its request sent by retrying.
                accepted.add(client.postRaw("/api/transactions", deposit(account, i + ".00"), 202).get("transactionId").asText());
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "answered 202 in " + took + ", broker down");
            }
        } finally {
            platform.part("kafka", "start");
        }
        assertEquals(8, new HashSet<>(accepted).size());

        try (KafkaTestClient.Tail requests = kafka.tailSince("transaction-requests", before);
             KafkaTestClient.Tail outcomes = kafka.tailSince("transactions", before)) {
            Set<String> ids = Set.copyOf(accepted);
            outcomes.await(TransactionApproved.class, a -> ids.contains(a.getTransactionId()), ids.size(), WAIT);
            for (String id : accepted) {
                await().atMost(WAIT).until(() -> client.get("/api/transactions/" + id, 200).get("status").asText().equals("APPROVED"));
            }
            List<TransactionRequested> sent = requests.seen(TransactionRequested.class, r -> r.getAccountId().equals(account));
            assertEquals(ids, Set.copyOf(sent.stream().map(TransactionRequested::getTransactionId).toList()),
                    "every accepted request was sent, and nothing else");
            assertEquals(ids.size(), sent.size(), "each once: " + sent.stream().map(TransactionRequested::getTransactionId).toList());
            assertEquals(ids.size(), Set.copyOf(sent.stream().map(TransactionRequested::getEventId).toList()).size());
            assertEquals(ids.size(), outcomes.seen(TransactionApproved.class, a -> ids.contains(a.getTransactionId())).size(),
                    "one outcome each");
        }
    }

    private static String deposit(String account, String amount) {
        return "{\"accountId\": \"" + account + "\", \"kind\": \"DEPOSIT\", \"amount\": \"" + amount + "\", \"currency\": \"EUR\"}";
    }

    /** A request as the gateway stored it. */
    record Stored(String transactionId, String eventId, boolean published) {
    }

    private static List<Stored> stored(String account) throws SQLException {
        Endpoints endpoints = services.endpoints();
        try (Connection db = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.postgresUser(), endpoints.postgresPassword());
             PreparedStatement query = db.prepareStatement(
                     "select transaction_id, event_id, published from gateway.transaction_request where account_id = ?")) {
            query.setString(1, account);
            List<Stored> rows = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(new Stored(result.getString(1), result.getString(2), result.getBoolean(3)));
                }
            }
            return rows;
        }
    }
}
