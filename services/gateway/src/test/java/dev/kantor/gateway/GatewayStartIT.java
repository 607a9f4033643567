package dev.kantor.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * A gateway restarted beside running services takes and completes its first deposit: its queries are warmed before it
 * takes requests (config.Warmup). The account, transaction and wallet services are warmed by a request through a second
 * gateway first, so that what the first deposit meets cold is the new gateway alone. How long that takes is printed, not
 * asserted: a bound of one second failed at 1,025 ms on a busy CI machine, and speed is the start benchmark's to measure
 * (`benchmarks/run start`, README "First requests after start").
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
    void theFirstDepositAfterARestartIsApproved() {
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
                .until(() -> !"PENDING".equals(fresh.get("/api/transactions/" + deposit, 200).get("status").asText()));
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        System.out.printf("first deposit after the gateway's start: decided after %d ms%n", millis);
        assertEquals("APPROVED", fresh.get("/api/transactions/" + deposit, 200).get("status").asText(),
                "the first deposit after a restart");
    }
}
