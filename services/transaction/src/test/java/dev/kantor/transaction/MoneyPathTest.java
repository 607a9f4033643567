package dev.kantor.transaction;

import static dev.kantor.testsupport.KafkaTestClient.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kantor.events.Amounts;
import dev.kantor.events.AccountOpened;
import dev.kantor.events.Money;
import dev.kantor.events.RateQuoted;
import dev.kantor.events.RejectionReason;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionKind;
import dev.kantor.events.TransactionRejected;
import dev.kantor.events.EventCatalog;
import dev.kantor.events.TransactionRequested;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.testsupport.CatalogueMetrics;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.KantorPlatformResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The money path against the real broker, registry and database, through the topics only. */
@QuarkusTest
@QuarkusTestResource(KantorPlatformResource.class)
class MoneyPathTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static KafkaTestClient kafka;

    final String account = "acc-" + UUID.randomUUID();

    @TestHTTPResource("/q/metrics")
    java.net.URI metrics;

    @BeforeAll
    static void client() {
        kafka = new KafkaTestClient(LocalPlatform.fromEnvironment().ensureRunning());
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void depositWithdrawalAndExchangeAtAFreshRate() {
        try (KafkaTestClient.Tail approved = kafka.tail("transactions");
             KafkaTestClient.Tail rejected = kafka.tail("transactions-rejected")) {
            openAccount();
            ReferenceData.awaitRate("EUR/USD", rate("EUR/USD", "1.0853", Instant.now()));

            TransactionRequested deposit = request(TransactionKind.DEPOSIT, "100.00", "EUR", null);
            TransactionApproved deposited = awaitApproved(approved, deposit);
            assertEquals(money("100.00", "EUR"), deposited.getCredited());
            assertEquals(List.of(money("100.00", "EUR")), deposited.getBalancesAfter());

            TransactionRequested tooMuch = request(TransactionKind.WITHDRAWAL, "150.00", "EUR", null);
            TransactionRejected refused = rejected.await(TransactionRejected.class,
                    r -> r.getTransactionId().equals(tooMuch.getTransactionId()), 1, WAIT).get(0);
            assertEquals(RejectionReason.INSUFFICIENT_FUNDS, refused.getReason());
            assertEquals(tooMuch.getEventId(), refused.getRequestEventId());

            TransactionRequested exchange = request(TransactionKind.EXCHANGE, "50.00", "EUR", "USD");
            TransactionApproved exchanged = awaitApproved(approved, exchange);
            assertEquals(money("50.00", "EUR"), exchanged.getDebited());
            assertEquals(money("54.26", "USD"), exchanged.getCredited());
            assertEquals(new BigDecimal("1.0853000000"), exchanged.getRate());
            assertEquals(List.of(money("50.00", "EUR"), money("54.26", "USD")), exchanged.getBalancesAfter());
        }
        // What the dashboards and alerts of k8s/ read of this service, now that it has approved and rejected.
        CatalogueMetrics.awaitExposed("transaction", metrics, WAIT);
    }

    /**
     * Contract v2 beside v1: a request written by a v1 producer (the released v1 schema, by its registry id) is decided
     * as before; a v2 request at a firm quote is made while the rate is not worse than the quote beyond its tolerance,
     * says which quote it honoured, and is rejected with RATE_MOVED, naming both rates, once it is.
     */
    @Test
    void v1RequestsAreDecidedAsBeforeAndV2RequestsHonourTheirQuote() {
        try (KafkaTestClient.Tail approved = kafka.tail("transactions");
             KafkaTestClient.Tail rejected = kafka.tail("transactions-rejected")) {
            openAccount();
            ReferenceData.awaitRate("EUR/CHF", rate("EUR/CHF", "0.9400", Instant.now()));
            awaitApproved(approved, request(TransactionKind.DEPOSIT, "100.00", "EUR", null));

            Schema v1 = EventCatalog.released(TransactionRequested.getClassSchema().getFullName()).get(0);
            assertTrue(v1.getField("quotedRate") == null, "the released v1 has no quote");
            GenericRecord old = new GenericData.Record(v1);
            String v1Transaction = UUID.randomUUID().toString();
            old.put("eventId", UUID.randomUUID().toString());
            old.put("transactionId", v1Transaction);
            old.put("accountId", account);
            old.put("userId", "user-" + account);
            old.put("kind", new GenericData.EnumSymbol(v1.getField("kind").schema(), "EXCHANGE"));
            GenericRecord amount = new GenericData.Record(v1.getField("amount").schema());
            amount.put("amount", new BigDecimal("10.0000"));
            amount.put("currency", "EUR");
            old.put("amount", amount);
            old.put("targetCurrency", "CHF");
            old.put("requestedAt", Instant.now().truncatedTo(ChronoUnit.MILLIS));
            kafka.send("transaction-requests", account, old);
            TransactionApproved v1Approved = approved.await(TransactionApproved.class, a -> a.getTransactionId().equals(v1Transaction), 1, WAIT).get(0);
            assertEquals(money("9.40", "CHF"), v1Approved.getCredited());
            assertEquals(null, v1Approved.getQuoteId());

            TransactionRequested honoured = quoted("10.00", "0.9450", "0.01");
            TransactionApproved made = awaitApproved(approved, honoured);
            assertEquals(honoured.getQuoteId(), made.getQuoteId());
            assertEquals(new BigDecimal("0.9450000000"), made.getQuotedRate());
            assertEquals(new BigDecimal("0.9400000000"), made.getRate(), "made at the service's rate, not the quote's");

            TransactionRequested moved = quoted("10.00", "0.9600", "0.01");
            TransactionRejected refused = rejected.await(TransactionRejected.class,
                    r -> r.getTransactionId().equals(moved.getTransactionId()), 1, WAIT).get(0);
            assertEquals(RejectionReason.RATE_MOVED, refused.getReason());
            assertTrue(refused.getDetail().contains("0.94") && refused.getDetail().contains("0.96"), refused.getDetail());
        }
    }

    private TransactionRequested quoted(String amount, String quotedRate, String tolerance) {
        TransactionRequested request = TransactionRequested.newBuilder().setEventId(UUID.randomUUID().toString())
                .setTransactionId(UUID.randomUUID().toString()).setAccountId(account).setUserId("user-" + account)
                .setKind(TransactionKind.EXCHANGE).setAmount(money(amount, "EUR")).setTargetCurrency("CHF")
                .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setQuoteId(UUID.randomUUID().toString())
                .setQuotedRate(new BigDecimal(quotedRate).setScale(10)).setQuoteTolerance(new BigDecimal(tolerance).setScale(10)).build();
        kafka.send("transaction-requests", account, request);
        return request;
    }

    @Test
    void anExchangeAtAStaleRateIsRejected() {
        try (KafkaTestClient.Tail approved = kafka.tail("transactions");
             KafkaTestClient.Tail rejected = kafka.tail("transactions-rejected")) {
            openAccount();
            // Older than the test profile's max-rate-age (10 s), newer than what any earlier run left.
            ReferenceData.awaitRate("GBP/CHF", rate("GBP/CHF", "1.1200", Instant.now().minusSeconds(30)));
            awaitApproved(approved, request(TransactionKind.DEPOSIT, "20.00", "GBP", null));
            TransactionRequested exchange = request(TransactionKind.EXCHANGE, "10.00", "GBP", "CHF");
            TransactionRejected stale = rejected.await(TransactionRejected.class,
                    r -> r.getTransactionId().equals(exchange.getTransactionId()), 1, WAIT).get(0);
            assertEquals(RejectionReason.STALE_RATE, stale.getReason());
        }
    }

    @Test
    void aRedeliveredRequestHasOneEffectAndTheSameOutcome() {
        try (KafkaTestClient.Tail approved = kafka.tail("transactions")) {
            openAccount();
            TransactionRequested deposit = request(TransactionKind.DEPOSIT, "10.00", "EUR", null);
            kafka.send("transaction-requests", account, deposit); // the same record again
            List<TransactionApproved> outcomes = approved.await(TransactionApproved.class,
                    a -> a.getTransactionId().equals(deposit.getTransactionId()), 2, WAIT);
            assertEquals(outcomes.get(0).getEventId(), outcomes.get(1).getEventId());
            assertEquals(outcomes.get(0), outcomes.get(1));
            // One effect: the next deposit starts from 10.00, not 20.00.
            TransactionApproved next = awaitApproved(approved, request(TransactionKind.DEPOSIT, "1.00", "EUR", null));
            assertEquals(List.of(money("11.00", "EUR")), next.getBalancesAfter());
        }
    }

    @Test
    void aReusedTransactionIdGoesToTheDeadLetterTopicWithNoEffect() {
        try (KafkaTestClient.Tail approved = kafka.tail("transactions"); KafkaTestClient.Tail dlt = kafka.tail("transaction.dlt")) {
            openAccount();
            TransactionRequested deposit = request(TransactionKind.DEPOSIT, "10.00", "EUR", null);
            awaitApproved(approved, deposit);
            TransactionRequested copy = request(TransactionKind.DEPOSIT, "10.00", "EUR", null, deposit.getTransactionId());
            ConsumerRecord<String, byte[]> dead = dlt.awaitRaw(r -> header(r, "event-id").equals(copy.getEventId()), 1, WAIT).get(0);
            assertTrue(header(dead, "dead-letter-reason").contains("functional duplicate"), header(dead, "dead-letter-reason"));
            assertEquals("transaction-requests", header(dead, "dead-letter-topic"));
            assertEquals("transaction-service", header(dead, "dead-letter-consumer-group"));
            assertEquals(account, dead.key());
            TransactionApproved next = awaitApproved(approved, request(TransactionKind.DEPOSIT, "1.00", "EUR", null));
            assertEquals(List.of(money("11.00", "EUR")), next.getBalancesAfter());
        }
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheChannelGoesOn() {
        try (KafkaTestClient.Tail approved = kafka.tail("transactions"); KafkaTestClient.Tail dlt = kafka.tail("transaction.dlt")) {
            openAccount();
            byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
            byte[] unknownSchema = {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 1, 2, 3};
            kafka.sendRaw("transaction-requests", account, garbage, Map.of("event-id", "garbage-" + account));
            kafka.sendRaw("transaction-requests", account, unknownSchema, Map.of("event-id", "unknown-" + account));
            TransactionApproved after = awaitApproved(approved, request(TransactionKind.DEPOSIT, "5.00", "EUR", null));
            assertEquals(List.of(money("5.00", "EUR")), after.getBalancesAfter());

            List<ConsumerRecord<String, byte[]>> dead = dlt.awaitRaw(r -> account.equals(r.key()), 2, WAIT);
            assertEquals(List.of("garbage-" + account, "unknown-" + account), dead.stream().map(r -> header(r, "event-id")).toList());
            assertEquals(new String(garbage, StandardCharsets.UTF_8), new String(dead.get(0).value(), StandardCharsets.UTF_8));
            dead.forEach(r -> assertTrue(header(r, "dead-letter-reason").startsWith("undecodable"), header(r, "dead-letter-reason")));
            dead.forEach(r -> assertTrue(Long.parseLong(header(r, "dead-letter-offset")) >= 0));
        }
    }

    private TransactionApproved awaitApproved(KafkaTestClient.Tail approved, TransactionRequested request) {
        return approved.await(TransactionApproved.class, a -> a.getTransactionId().equals(request.getTransactionId()), 1, WAIT)
                .get(0);
    }

    private void openAccount() {
        kafka.send("accounts", account, AccountOpened.newBuilder().setEventId(UUID.randomUUID().toString())
                .setAccountId(account).setRequestId(UUID.randomUUID().toString()).setUserId("user-" + account)
                .setBaseCurrency("EUR").setDisplayName("test").setOpenedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build());
    }

    private static Instant rate(String pair, String rate, Instant time) {
        Instant at = time.truncatedTo(ChronoUnit.MILLIS);
        kafka.send("rates", pair, RateQuoted.newBuilder().setEventId(UUID.randomUUID().toString()).setPair(pair)
                .setBaseCurrency(pair.substring(0, 3)).setQuoteCurrency(pair.substring(4))
                .setRate(new BigDecimal(rate).setScale(10)).setQuotedAt(at).setSource("test").build());
        return at;
    }

    /** Sends a request once the account (and any rate sent before) has reached the service: ordering across topics is not given. */
    private TransactionRequested request(TransactionKind kind, String amount, String currency, String target) {
        return request(kind, amount, currency, target, UUID.randomUUID().toString());
    }

    private TransactionRequested request(TransactionKind kind, String amount, String currency, String target,
            String transactionId) {
        TransactionRequested request = TransactionRequested.newBuilder().setEventId(UUID.randomUUID().toString())
                .setTransactionId(transactionId).setAccountId(account).setUserId("user-" + account)
                .setKind(kind).setAmount(money(amount, currency)).setTargetCurrency(target)
                .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
        ReferenceData.awaitAccount(account);
        kafka.send("transaction-requests", account, request);
        return request;
    }

    static Money money(String amount, String currency) {
        return Amounts.money(amount, currency);
    }
}
