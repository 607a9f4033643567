package dev.kantor.wallet;

import static dev.kantor.wallet.WalletFixtures.account;
import static dev.kantor.wallet.WalletFixtures.approved;
import static dev.kantor.wallet.WalletFixtures.balances;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.kantor.events.TransactionKind;
import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.Ports;
import dev.kantor.platform.ServicePart;
import dev.kantor.testsupport.KafkaTestClient;

/**
 * The packaged wallet service as a process: stopped (gracefully, then with kill -9) while transactions keep coming,
 * restarted each time. It catches up from its committed offsets to exactly the wallets of a reference model.
 */
class WalletCatchUpIT {

    static final int USERS = 50;
    static final int TRANSACTIONS = 6_000;

    ServicePart service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void stoppedWhileTrafficContinuesItCatchesUpToTheSameWallets() throws Exception {
        LocalPlatform platform = LocalPlatform.fromEnvironment();
        Endpoints endpoints = platform.ensureRunning();
        platform.stopOwnInstance("wallet");
        int port = Ports.any();
        service = new ServicePart("wallet", port, endpoints, Path.of("target", "catch-up-it-wallet.log").toAbsolutePath(), Map.of());
        service.start();
        service.awaitHealthy(Duration.ofSeconds(90));
        WalletFixtures api = new WalletFixtures(URI.create("http://127.0.0.1:" + port));

        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Map<String, BigDecimal>> model = new HashMap<>();
        Random random = new Random(7);
        try (KafkaTestClient kafka = new KafkaTestClient(endpoints)) {
            for (int u = 0; u < USERS; u++) {
                kafka.sendAsync("accounts", "acc-" + run + "-" + u, account("catch-up-" + run + "-" + u, "acc-" + run + "-" + u, "EUR", Instant.now()));
            }
            for (int i = 0; i < TRANSACTIONS; i++) {
                if (i == TRANSACTIONS / 3) {
                    service.stop();
                } else if (i == TRANSACTIONS / 2) {
                    service.start();
                    service.awaitHealthy(Duration.ofSeconds(90));
                } else if (i == 2 * TRANSACTIONS / 3) {
                    service.kill();
                } else if (i == 5 * TRANSACTIONS / 6) {
                    service.start();
                }
                int u = random.nextInt(USERS);
                String user = "catch-up-" + run + "-" + u;
                String account = "acc-" + run + "-" + u;
                String currency = random.nextBoolean() ? "EUR" : "USD";
                BigDecimal amount = BigDecimal.valueOf(random.nextInt(10_000) + 1, 2);
                kafka.sendAsync("transactions", account, approved(account, user, TransactionKind.DEPOSIT, null, amount.toPlainString() + " " + currency));
                model.computeIfAbsent(user, k -> new TreeMap<>()).merge(currency, amount, BigDecimal::add);
                if (i % 500 == 0) {
                    kafka.flush(); // keeps the traffic spread over the stops instead of one burst
                }
            }
            kafka.flush();
            Map<String, Long> ends = kafka.endOffsets("accounts", "transactions", "rates");
            service.awaitHealthy(Duration.ofSeconds(90));
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> api.caughtUp(ends));
            for (Map.Entry<String, Map<String, BigDecimal>> expected : model.entrySet()) {
                Map<String, String> amounts = new TreeMap<>();
                expected.getValue().forEach((currency, amount) -> amounts.put(currency, amount.toPlainString()));
                assertEquals(amounts, balances(api.wallet(expected.getKey()).orElseThrow()), expected.getKey());
            }
        }
    }
}
