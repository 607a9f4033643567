package dev.kantor.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.kantor.events.Amounts;
import dev.kantor.events.AccountOpened;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionKind;
import dev.kantor.events.TransactionRequested;
import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.KantorPlatformResource;
import dev.kantor.testsupport.OutcomeCollector;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** PostgreSQL stopped for 20 s in the middle of a stream of requests: nothing is approved meanwhile, nothing is lost. */
@QuarkusTest
@QuarkusTestResource(KantorPlatformResource.class)
class DatabaseOutageTest {

    @Test
    void theDatabaseStoppedFor20SecondsLosesNothing() {
        LocalPlatform platform = LocalPlatform.fromEnvironment();
        Endpoints endpoints = platform.ensureRunning();
        String account = "outage-" + UUID.randomUUID();
        try (KafkaTestClient kafka = new KafkaTestClient(endpoints); OutcomeCollector outcomes = new OutcomeCollector(endpoints)) {
            kafka.send("accounts", account, AccountOpened.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setRequestId(UUID.randomUUID().toString()).setAccountId(account).setUserId("user-" + account)
                    .setBaseCurrency("EUR").setDisplayName("outage").setOpenedAt(now()).build());
            ReferenceData.awaitAccount(account);
            Set<String> before = deposits(kafka, account, 50);
            outcomes.awaitAll(before, Duration.ofSeconds(60));

            platform.part("postgres", "stop");
            Set<String> during;
            try {
                during = deposits(kafka, account, 50);
                // For the whole outage no outcome can be stored, so none may be published.
                Awaitility.await().during(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(25))
                        .until(() -> during.stream().noneMatch(id -> outcomes.outcome(id) != null));
            } finally {
                platform.part("postgres", "start");
            }
            Set<String> after = deposits(kafka, account, 50);
            Set<String> all = new HashSet<>(before);
            all.addAll(during);
            all.addAll(after);
            outcomes.awaitAll(all, Duration.ofSeconds(90));

            BigDecimal last = BigDecimal.ZERO;
            for (String id : all) {
                OutcomeCollector.Outcome outcome = outcomes.outcome(id);
                assertEquals(1, outcome.eventIds.size(), "one outcome event id for " + id);
                TransactionApproved approved = (TransactionApproved) outcome.event;
                BigDecimal balance = approved.getBalancesAfter().get(0).getAmount();
                last = balance.compareTo(last) > 0 ? balance : last;
            }
            // 150 deposits of 1.00, each applied once: the highest balance any outcome reports is 150.00.
            assertEquals(new BigDecimal("150.0000"), last);
        }
    }

    private static Set<String> deposits(KafkaTestClient kafka, String account, int count) {
        List<TransactionRequested> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            requests.add(TransactionRequested.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setTransactionId(UUID.randomUUID().toString()).setAccountId(account).setUserId("user-" + account)
                    .setKind(TransactionKind.DEPOSIT)
                    .setAmount(Amounts.money("1.00", "EUR"))
                    .setTargetCurrency(null).setRequestedAt(now()).build());
        }
        requests.forEach(r -> kafka.sendAsync("transaction-requests", account, r));
        kafka.flush();
        Set<String> ids = new HashSet<>();
        requests.forEach(r -> ids.add(r.getTransactionId()));
        return ids;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
