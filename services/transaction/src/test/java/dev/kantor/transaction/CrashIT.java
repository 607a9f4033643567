package dev.kantor.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.kantor.events.Amounts;
import dev.kantor.events.AccountOpened;
import dev.kantor.events.RateQuoted;
import dev.kantor.events.TransactionKind;
import dev.kantor.events.TransactionRequested;
import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.Ports;
import dev.kantor.platform.ServicePart;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.OutcomeCollector;

/**
 * The packaged service as a process, killed with kill -9 several times while it works through 20,000 requests over
 * 200 accounts and restarted each time. The final balances must equal a reference model computed from the requests,
 * and every transaction id must have exactly one outcome event id (re-published as often as needed, never a second).
 */
class CrashIT {

    static final int ACCOUNTS = 200;
    static final int REQUESTS = 20_000;
    static final BigDecimal RATE = new BigDecimal("1.0853");
    static final int[] KILL_AFTER = {2_000, 7_000, 13_000};

    final String run = UUID.randomUUID().toString().substring(0, 8);
    ServicePart service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void killedRepeatedlyItAppliesEveryRequestExactlyOnce() throws Exception {
        LocalPlatform platform = LocalPlatform.fromEnvironment();
        Endpoints endpoints = platform.ensureRunning();
        platform.stopOwnInstance("transaction");
        service = new ServicePart("transaction", Ports.any(), endpoints,
                Path.of("target", "crash-it-transaction.log").toAbsolutePath(),
                Map.of("kantor.transaction.max-rate-age", "PT1H"));
        service.start();
        service.awaitHealthy(Duration.ofSeconds(90));

        try (KafkaTestClient kafka = new KafkaTestClient(endpoints); OutcomeCollector outcomes = new OutcomeCollector(endpoints);
             Connection db = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.postgresUser(), endpoints.postgresPassword())) {
            List<String> accounts = new ArrayList<>();
            for (int i = 0; i < ACCOUNTS; i++) {
                String account = "crash-" + run + "-" + i;
                accounts.add(account);
                kafka.sendAsync("accounts", account, AccountOpened.newBuilder().setEventId(UUID.randomUUID().toString())
                        .setRequestId(UUID.randomUUID().toString()).setAccountId(account).setUserId("user-" + account)
                        .setBaseCurrency("EUR").setDisplayName("crash test").setOpenedAt(now()).build());
            }
            Instant quoted = now();
            kafka.sendAsync("rates", "EUR/USD", RateQuoted.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setPair("EUR/USD").setBaseCurrency("EUR").setQuoteCurrency("USD").setRate(RATE.setScale(10))
                    .setQuotedAt(quoted).setSource("crash-test").build());
            kafka.flush();
            // Requests must not race their account or rate across topics: wait until the service's views have them.
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                    count(db, "select count(*) from transaction.account_view where account_id like ?", "crash-" + run + "-%") == ACCOUNTS
                    && count(db, "select count(*) from transaction.latest_rate where pair = 'EUR/USD' and quoted_at = ?", quoted) == 1);

            List<TransactionRequested> requests = requests(accounts);
            Model model = new Model();
            requests.forEach(model::apply);
            Set<String> ids = new LinkedHashSet<>();
            for (TransactionRequested request : requests) {
                ids.add(request.getTransactionId());
                kafka.sendAsync("transaction-requests", request.getAccountId(), request);
            }
            kafka.flush();

            long started = System.nanoTime();
            int kills = 0;
            for (int threshold : KILL_AFTER) {
                outcomes.awaitTransactions(threshold, Duration.ofMinutes(3));
                service.kill();
                kills++;
                service.start();
                service.awaitHealthy(Duration.ofSeconds(90));
            }
            outcomes.awaitAll(ids, Duration.ofMinutes(5));
            double seconds = (System.nanoTime() - started) / 1e9;

            int redelivered = 0;
            for (String id : ids) {
                OutcomeCollector.Outcome outcome = outcomes.outcome(id);
                assertEquals(1, outcome.eventIds.size(), "transaction " + id + " has outcome event ids " + outcome.eventIds);
                redelivered += outcome.deliveries - 1;
                boolean approved = outcome.event instanceof dev.kantor.events.TransactionApproved;
                assertEquals(model.approved.get(id), approved, "outcome of " + id);
            }
            Map<String, BigDecimal> actual = balances(db);
            assertEquals(model.balances, actual, "balances after " + kills + " kills");
            assertTrue(kills == KILL_AFTER.length);
            System.out.printf("CrashIT: %d requests, %d accounts, %d kill -9, all outcomes in %.1f s, %d outcomes re-published"
                    + " after a crash, 0 lost, 0 applied twice%n", REQUESTS, ACCOUNTS, kills, seconds, redelivered);
        }
    }

    private List<TransactionRequested> requests(List<String> accounts) {
        Random random = new Random(42);
        List<TransactionRequested> requests = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String account = accounts.get(random.nextInt(accounts.size()));
            int dice = random.nextInt(10);
            TransactionKind kind = dice < 5 ? TransactionKind.DEPOSIT : dice < 8 ? TransactionKind.WITHDRAWAL : TransactionKind.EXCHANGE;
            BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(50_000), 2);
            requests.add(TransactionRequested.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setTransactionId(UUID.randomUUID().toString()).setAccountId(account).setUserId("user-" + account)
                    .setKind(kind).setAmount(Amounts.money(amount, "EUR"))
                    .setTargetCurrency(kind == TransactionKind.EXCHANGE ? "USD" : null).setRequestedAt(now()).build());
        }
        return requests;
    }

    /** The expected effect of the requests, applied in order per account, written independently of the service. */
    static final class Model {
        final Map<String, BigDecimal> balances = new TreeMap<>();
        final Map<String, Boolean> approved = new HashMap<>();

        void apply(TransactionRequested r) {
            String eur = r.getAccountId() + "/EUR";
            BigDecimal amount = r.getAmount().getAmount();
            BigDecimal held = balances.getOrDefault(eur, BigDecimal.ZERO.setScale(4));
            boolean ok = switch (r.getKind()) {
                case DEPOSIT -> {
                    balances.put(eur, held.add(amount));
                    yield true;
                }
                case WITHDRAWAL, EXCHANGE -> {
                    if (held.compareTo(amount) < 0) {
                        yield false;
                    }
                    balances.put(eur, held.subtract(amount));
                    if (r.getKind() == TransactionKind.EXCHANGE) {
                        String usd = r.getAccountId() + "/USD";
                        BigDecimal bought = amount.multiply(RATE).setScale(2, RoundingMode.HALF_EVEN).setScale(4);
                        balances.put(usd, balances.getOrDefault(usd, BigDecimal.ZERO.setScale(4)).add(bought));
                    }
                    yield true;
                }
            };
            approved.put(r.getTransactionId(), ok);
        }
    }

    private Map<String, BigDecimal> balances(Connection db) throws Exception {
        Map<String, BigDecimal> balances = new TreeMap<>();
        try (PreparedStatement query = db.prepareStatement(
                "select account_id, currency, amount from transaction.balance where account_id like ?")) {
            query.setString(1, "crash-" + run + "-%");
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    balances.put(rows.getString(1) + "/" + rows.getString(2), rows.getBigDecimal(3));
                }
            }
        }
        return balances;
    }

    private static long count(Connection db, String sql, Object parameter) throws Exception {
        try (PreparedStatement query = db.prepareStatement(sql)) {
            if (parameter instanceof Instant instant) {
                query.setObject(1, java.time.OffsetDateTime.ofInstant(instant, java.time.ZoneOffset.UTC));
            } else {
                query.setObject(1, parameter);
            }
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
