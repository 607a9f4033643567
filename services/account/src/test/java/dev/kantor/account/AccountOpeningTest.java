package dev.kantor.account;

import static dev.kantor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kantor.events.AccountOpened;
import dev.kantor.events.AccountOpeningRequested;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.testsupport.CatalogueMetrics;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.KantorPlatformResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Account opening against the real broker, registry and database, through the topics only. */
@QuarkusTest
@QuarkusTestResource(KantorPlatformResource.class)
class AccountOpeningTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static KafkaTestClient kafka;

    @TestHTTPResource("/q/metrics")
    java.net.URI metrics;

    @TestHTTPResource("/admin/accounts/republish")
    java.net.URL republish;

    @BeforeAll
    static void client() {
        kafka = new KafkaTestClient(LocalPlatform.fromEnvironment().ensureRunning());
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void aValidRequestOpensOneAccountAnnouncedOnce() {
        try (KafkaTestClient.Tail accounts = kafka.tail("accounts")) {
            AccountOpeningRequested request = request("alice", "EUR", " Savings ");
            kafka.send("account-requests", request.getAccountId(), request);
            AccountOpened opened = accounts.await(AccountOpened.class, a -> a.getAccountId().equals(request.getAccountId()), 1, WAIT).get(0);
            assertEquals(request.getRequestId(), opened.getRequestId());
            assertEquals("alice", opened.getUserId());
            assertEquals("EUR", opened.getBaseCurrency());
            assertEquals("Savings", opened.getDisplayName());
            assertTrue(accounts.seen(AccountOpened.class, a -> a.getAccountId().equals(request.getAccountId())).size() == 1);
        }
        // What the dashboards and alerts of k8s/ read of this service, now that it has served a request.
        CatalogueMetrics.awaitExposed("account", metrics, WAIT);
    }

    @Test
    void theSameRequestTwiceGivesOneAccountAndOneEventId() {
        try (KafkaTestClient.Tail accounts = kafka.tail("accounts")) {
            AccountOpeningRequested first = request("bob", "USD", "Main");
            kafka.send("account-requests", first.getAccountId(), first);
            kafka.send("account-requests", first.getAccountId(), first); // redelivered: same event id
            AccountOpeningRequested retried = AccountOpeningRequested.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setRequestId(first.getRequestId()).setAccountId(first.getAccountId()).setUserId(first.getUserId())
                    .setBaseCurrency(first.getBaseCurrency()).setDisplayName(first.getDisplayName())
                    .setRequestedAt(first.getRequestedAt()).build(); // retried by the client: new event id, same request id
            kafka.send("account-requests", retried.getAccountId(), retried);
            List<AccountOpened> announced = accounts.await(AccountOpened.class,
                    a -> a.getAccountId().equals(first.getAccountId()), 3, WAIT);
            assertEquals(1, announced.stream().map(AccountOpened::getEventId).distinct().count(), announced.toString());
        }
    }

    @Test
    void anInvalidRequestGoesToTheDeadLetterTopicWithItsReason() {
        try (KafkaTestClient.Tail dlt = kafka.tail("account.dlt"); KafkaTestClient.Tail accounts = kafka.tail("accounts")) {
            AccountOpeningRequested invalid = request("carol", "XXX", "Holiday");
            kafka.send("account-requests", invalid.getAccountId(), invalid);
            ConsumerRecord<String, byte[]> dead = dlt.awaitRaw(r -> invalid.getAccountId().equals(r.key()), 1, WAIT).get(0);
            assertTrue(header(dead, "dead-letter-reason").startsWith("invalid request: baseCurrency"), header(dead, "dead-letter-reason"));
            assertEquals("account-requests", header(dead, "dead-letter-topic"));
            assertEquals("account-service", header(dead, "dead-letter-consumer-group"));
            // The channel goes on: garbage goes to the DLT too, and the next valid request is served.
            kafka.sendRaw("account-requests", "garbage-" + invalid.getAccountId(), "not avro".getBytes(StandardCharsets.UTF_8),
                    java.util.Map.of());
            AccountOpeningRequested valid = request("carol", "EUR", "Holiday");
            kafka.send("account-requests", valid.getAccountId(), valid);
            accounts.await(AccountOpened.class, a -> a.getAccountId().equals(valid.getAccountId()), 1, WAIT);
            ConsumerRecord<String, byte[]> garbage = dlt.awaitRaw(r -> ("garbage-" + invalid.getAccountId()).equals(r.key()), 1, WAIT).get(0);
            assertTrue(header(garbage, "dead-letter-reason").startsWith("undecodable"), header(garbage, "dead-letter-reason"));
            assertTrue(accounts.seen(AccountOpened.class, a -> a.getAccountId().equals(invalid.getAccountId())).isEmpty());
        }
    }

    @Test
    void republishAnnouncesEveryStoredAccountAgainWithItsEventId() throws Exception {
        AccountOpeningRequested request = request("dave", "EUR", "Old");
        AccountOpened original;
        try (KafkaTestClient.Tail accounts = kafka.tail("accounts")) {
            kafka.send("account-requests", request.getAccountId(), request);
            original = accounts.await(AccountOpened.class, a -> a.getAccountId().equals(request.getAccountId()), 1, WAIT).get(0);
        }
        try (KafkaTestClient.Tail accounts = kafka.tail("accounts")) {
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(republish.toURI())
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            long count = Long.parseLong(response.body().replaceAll("\\D+", " ").trim().split(" ")[0]);
            assertTrue(count >= 1, response.body());
            List<AccountOpened> again = accounts.await(AccountOpened.class, a -> true, (int) count, WAIT);
            assertEquals(count, again.stream().map(AccountOpened::getAccountId).distinct().count(), "every stored account once");
            assertEquals(original, again.stream().filter(a -> a.getAccountId().equals(request.getAccountId())).findFirst().orElseThrow());
        }
    }

    private static AccountOpeningRequested request(String user, String currency, String name) {
        return AccountOpeningRequested.newBuilder().setEventId(UUID.randomUUID().toString())
                .setRequestId(UUID.randomUUID().toString()).setAccountId("acc-" + UUID.randomUUID())
                .setUserId(user).setBaseCurrency(currency).setDisplayName(name)
                .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
    }
}
