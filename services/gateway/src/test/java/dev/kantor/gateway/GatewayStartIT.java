package dev.kantor.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kantor.testsupport.GatewayClient;
import dev.kantor.testsupport.PackagedServices;

/**
 * The first requests to a gateway just started are as fast as any: its queries are warmed before it takes requests
 * (config.Warmup), instead of the first ones parsing HQL on an event loop for seconds. The account, transaction and
 * wallet services are warmed by a request through a second gateway first, so that what is timed is the new gateway.
 */
class GatewayStartIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static PackagedServices services;

    @BeforeAll
    static void start() {
        services = new PackagedServices(List.of("account", "transaction", "wallet", "gateway"));
    }

    @AfterAll
    static void stop() {
        services.close();
    }

    @Test
    void theFirstDepositAfterStartIsApprovedWithinOneSecond() {
        String user = "start-" + UUID.randomUUID().toString().substring(0, 8);
        GatewayClient other = GatewayClient.signIn(URI.create("http://127.0.0.1:" + services.addCanary("gateway").port()), user);
        String account = other.openAccount("EUR", "Start");
        String warming = other.transact(Map.of("accountId", account, "kind", "DEPOSIT", "amount", "1.00", "currency", "EUR"),
                UUID.randomUUID().toString(), 202).get("transactionId").asText();
        await().atMost(WAIT).until(() -> "APPROVED".equals(other.get("/api/transactions/" + warming, 200).get("status").asText()));

        services.removeCanary("gateway");
        services.get("gateway").stop();
        services.restart("gateway");
        GatewayClient fresh = GatewayClient.signIn(URI.create(services.url("gateway")), user);
        long start = System.nanoTime();
        String deposit = fresh.transact(Map.of("accountId", account, "kind", "DEPOSIT", "amount", "2.00", "currency", "EUR"),
                UUID.randomUUID().toString(), 202).get("transactionId").asText();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> "APPROVED".equals(fresh.get("/api/transactions/" + deposit, 200).get("status").asText()));
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        System.out.printf("first deposit after the gateway's start: APPROVED after %d ms%n", millis);
        assertTrue(millis <= 1000, "the first deposit after start was APPROVED after " + millis + " ms");
    }
}
