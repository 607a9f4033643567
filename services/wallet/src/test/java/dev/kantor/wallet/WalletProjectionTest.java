package dev.kantor.wallet;

import static dev.kantor.testsupport.KafkaTestClient.header;
import static dev.kantor.wallet.WalletFixtures.account;
import static dev.kantor.wallet.WalletFixtures.approved;
import static dev.kantor.wallet.WalletFixtures.balances;
import static dev.kantor.wallet.WalletFixtures.rate;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionKind;
import dev.kantor.events.TransactionRejected;
import dev.kantor.events.WalletUpdated;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.testsupport.CatalogueMetrics;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.KantorPlatformResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The wallet projection against the real broker, registry and database, fed through its topics. */
@QuarkusTest
@QuarkusTestResource(KantorPlatformResource.class)
class WalletProjectionTest {

    static final Duration WAIT = Duration.ofSeconds(90);
    static KafkaTestClient kafka;

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void client() {
        kafka = new KafkaTestClient(LocalPlatform.fromEnvironment().ensureRunning());
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void theWalletIsTheSumOfApprovedTransactionsEachCountedOnce() {
        WalletFixtures api = new WalletFixtures(base);
        String user = "wallet-sum-" + UUID.randomUUID();
        String eur = "acc-" + UUID.randomUUID();
        String usd = "acc-" + UUID.randomUUID();
        try (KafkaTestClient.Tail wallets = kafka.tail("wallets"); KafkaTestClient.Tail dlt = kafka.tail("wallet.dlt")) {
            Instant now = Instant.now();
            kafka.send("accounts", usd, account(user, usd, "USD", now.plusSeconds(1)));
            kafka.send("accounts", eur, account(user, eur, "EUR", now)); // opened first: the wallet's base currency
            kafka.send("rates", "EUR/USD", rate("EUR", "USD", "1.0850"));
            TransactionApproved deposit = approved(eur, user, TransactionKind.DEPOSIT, null, "100.00 EUR");
            kafka.send("transactions", eur, deposit);
            kafka.send("transactions", usd, approved(usd, user, TransactionKind.DEPOSIT, null, "50.00 USD"));
            kafka.send("transactions", eur, approved(eur, user, TransactionKind.EXCHANGE, "30.00 EUR", "32.55 USD"));
            kafka.send("transactions", eur, approved(eur, user, TransactionKind.WITHDRAWAL, "10.00 EUR", null));

            // 60.00 EUR + 82.55 USD / 1.0850 = 60.00 + 76.0829... = 136.08 EUR.
            BigDecimal valuation = new BigDecimal("60.00").add(new BigDecimal("82.55").divide(new BigDecimal("1.0850"), MathContext.DECIMAL128))
                    .setScale(2, RoundingMode.HALF_EVEN);
            JsonNode wallet = await().atMost(WAIT).until(() -> api.wallet(user),
                    w -> w.isPresent() && balances(w.get()).equals(Map.of("EUR", "60.00", "USD", "82.55"))).orElseThrow();
            assertEquals("EUR", wallet.get("baseCurrency").asText());
            assertEquals(valuation.toPlainString(), wallet.get("valuation").get("amount").asText());
            assertTrue(wallet.get("offsets").size() > 0, "the answer says which offsets it reflects");
            WalletUpdated published = wallets.await(WalletUpdated.class, w -> w.getUserId().equals(user)
                    && w.getBalances().size() == 2 && w.getValuation().getAmount().compareTo(valuation) == 0, 1, WAIT).get(0);
            assertEquals("EUR", published.getBaseCurrency());

            // Duplicates: the same record again, the same transaction id under a new event id, and the same event id
            // under a new transaction id. None counts; a later deposit on the same partition shows they were consumed.
            kafka.send("transactions", eur, deposit);
            TransactionApproved retold = WalletFixtures.retold(deposit);
            kafka.send("transactions", eur, retold);
            kafka.send("transactions", eur, WalletFixtures.reissued(deposit));
            // A rejected outcome has no business on this topic: it goes to the DLT and changes nothing.
            TransactionRejected rejected = TransactionRejected.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setRequestEventId(UUID.randomUUID().toString()).setTransactionId(UUID.randomUUID().toString())
                    .setAccountId(eur).setUserId(user).setKind(TransactionKind.WITHDRAWAL).setAmount(WalletFixtures.money("999.00 EUR"))
                    .setReason(dev.kantor.events.RejectionReason.INSUFFICIENT_FUNDS).setDetail("test")
                    .setRejectedAt(Instant.now()).build();
            kafka.sendRaw("transactions", eur, kafka.encode("transactions-rejected", rejected), Map.of());
            kafka.sendRaw("transactions", eur, "not avro".getBytes(StandardCharsets.UTF_8), Map.of());
            kafka.send("transactions", eur, approved(eur, user, TransactionKind.DEPOSIT, null, "1.00 EUR"));
            await().atMost(WAIT).until(() -> api.wallet(user).map(WalletFixtures::balances),
                    b -> b.equals(Optional.of(Map.of("EUR", "61.00", "USD", "82.55"))));
            List<ConsumerRecord<String, byte[]>> dead = dlt.awaitRaw(r -> eur.equals(r.key()), 2, WAIT);
            assertTrue(header(dead.get(0), "dead-letter-reason").startsWith("undecodable TransactionApproved"), header(dead.get(0), "dead-letter-reason"));
            assertEquals("transactions", header(dead.get(0), "dead-letter-topic"));
            assertEquals("wallet-service", header(dead.get(0), "dead-letter-consumer-group"));
        }
        // What the dashboards and alerts of k8s/ read of this service, now that it has counted and published.
        CatalogueMetrics.awaitExposed("wallet", base.resolve("/q/metrics"), WAIT);
    }

    @Test
    void theValuationFollowsTheRatesWithUpdatesCoalescedToOnePerInterval() throws Exception {
        WalletFixtures api = new WalletFixtures(base);
        String user = "wallet-rates-" + UUID.randomUUID();
        String account = "acc-" + UUID.randomUUID();
        kafka.send("accounts", account, account(user, account, "CHF", Instant.now()));
        kafka.send("rates", "SEK/CHF", rate("SEK", "CHF", "0.0800"));
        kafka.send("transactions", account, approved(account, user, TransactionKind.DEPOSIT, null, "1000.00 SEK"));
        await().atMost(WAIT).until(() -> api.wallet(user), w -> w.isPresent()
                && "80.00".equals(w.get().get("valuation").get("amount").asText()));

        try (KafkaTestClient.Tail wallets = kafka.tail("wallets")) {
            // A fast feed: 30 quotes, one every 100 ms, 0.0801 to 0.0830.
            int ticks = 30;
            AtomicInteger sent = new AtomicInteger();
            ScheduledExecutorService feed = Executors.newSingleThreadScheduledExecutor();
            long started = System.nanoTime();
            feed.scheduleAtFixedRate(() -> {
                int tick = sent.incrementAndGet();
                if (tick <= ticks) {
                    kafka.send("rates", "SEK/CHF", rate("SEK", "CHF", new BigDecimal("0.0800").add(new BigDecimal("0.0001").multiply(BigDecimal.valueOf(tick))).toPlainString()));
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            await().atMost(WAIT).until(() -> sent.get() >= ticks);
            feed.shutdownNow();
            double feedSeconds = (System.nanoTime() - started) / 1e9;

            // The last quote is 0.0830: 1000 SEK = 83.00 CHF, published and served.
            List<WalletUpdated> updates = wallets.await(WalletUpdated.class, w -> w.getUserId().equals(user), 1, WAIT);
            await().atMost(WAIT).until(() -> wallets.seen(WalletUpdated.class, w -> w.getUserId().equals(user)).stream()
                    .anyMatch(w -> w.getValuation().getAmount().compareTo(new BigDecimal("83.00")) == 0));
            assertEquals("83.00", api.wallet(user).orElseThrow().get("valuation").get("amount").asText());
            updates = wallets.seen(WalletUpdated.class, w -> w.getUserId().equals(user));

            // Coalesced: far fewer updates than quotes, and never two within the one-second publish interval.
            assertTrue(updates.size() <= feedSeconds + 3 && updates.size() < ticks, updates.size() + " updates for " + ticks + " quotes in "
                    + feedSeconds + " s");
            List<Instant> times = new ArrayList<>(updates.stream().map(WalletUpdated::getAsOf).sorted().toList());
            for (int i = 1; i < times.size(); i++) {
                assertTrue(Duration.between(times.get(i - 1), times.get(i)).compareTo(Duration.ofSeconds(1)) >= 0,
                        "updates at " + times);
            }
        }
    }

    @Test
    void aRebuildFromTheTopicsGivesIdenticalWallets() {
        WalletFixtures api = new WalletFixtures(base);
        int users = 200;
        int events = 50_000;
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Map<String, BigDecimal>> model = new HashMap<>();
        java.util.Random random = new java.util.Random(42);
        String[] currencies = {"EUR", "USD", "GBP"};
        for (int u = 0; u < users; u++) {
            String user = "rebuild-" + run + "-" + u;
            String account = "acc-" + run + "-" + u;
            kafka.sendAsync("accounts", account, account(user, account, currencies[u % 3], Instant.now()));
        }
        for (int i = 0; i < events; i++) {
            int u = random.nextInt(users);
            String user = "rebuild-" + run + "-" + u;
            String account = "acc-" + run + "-" + u;
            String currency = currencies[random.nextInt(3)];
            BigDecimal amount = BigDecimal.valueOf(random.nextInt(100_000) + 1, 2);
            boolean credit = random.nextInt(3) > 0;
            kafka.sendAsync("transactions", account, approved(account, user, credit ? TransactionKind.DEPOSIT : TransactionKind.WITHDRAWAL,
                    credit ? null : amount.toPlainString() + " " + currency, credit ? amount.toPlainString() + " " + currency : null));
            model.computeIfAbsent(user, k -> new HashMap<>()).merge(currency, credit ? amount : amount.negate(), BigDecimal::add);
        }
        kafka.flush();
        Map<String, Long> ends = kafka.endOffsets("accounts", "transactions", "rates");
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> api.caughtUp(ends));

        Map<String, JsonNode> before = new HashMap<>();
        for (String user : model.keySet()) {
            JsonNode wallet = api.wallet(user).orElseThrow();
            Map<String, String> expected = new java.util.TreeMap<>();
            model.get(user).forEach((c, a) -> expected.put(c, a.setScale(2).toPlainString()));
            assertEquals(expected, balances(wallet), user);
            before.put(user, wallet);
        }

        long generation = api.rebuild();
        assertTrue(generation > 0);
        long started = System.nanoTime();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> api.caughtUp(ends));
        System.out.printf("WalletProjectionTest: rebuilt from %d records in %.1f s%n",
                ends.values().stream().mapToLong(Long::longValue).sum(), (System.nanoTime() - started) / 1e9);
        for (String user : model.keySet()) {
            JsonNode after = api.wallet(user).orElseThrow();
            assertEquals(balances(before.get(user)), balances(after), user);
            assertEquals(before.get(user).get("valuation"), after.get("valuation"), user);
            assertEquals(before.get(user).get("baseCurrency"), after.get("baseCurrency"), user);
        }
    }
}
