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
import dev.kantor.testsupport.SseClient;

/**
 * Two packaged gateway replicas in one consumer group, with the packaged account, transaction and wallet services:
 * a client connected to one replica gets the outcome and wallet of a request made through the other, whichever
 * replica consumed them (the feed's NOTIFY fan-out).
 */
class GatewayReplicasIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static PackagedServices services;
    static URI first;
    static URI second;

    @BeforeAll
    static void start() {
        services = new PackagedServices(List.of("account", "transaction", "wallet", "gateway"));
        first = URI.create(services.url("gateway"));
        second = URI.create("http://127.0.0.1:" + services.addCanary("gateway").port());
    }

    @AfterAll
    static void stop() {
        services.close();
    }

    @Test
    void aClientOfOneReplicaGetsTheEventsOfRequestsMadeThroughTheOther() {
        String user = "replica-" + UUID.randomUUID().toString().substring(0, 8);
        GatewayClient here = GatewayClient.signIn(first, user);
        GatewayClient there = GatewayClient.signIn(second, user);
        String account = here.openAccount("EUR", "Replicas");
        try (SseClient outcomes = there.stream("transactions"); SseClient wallet = there.stream("wallet")) {
            await().atMost(WAIT).until(() -> outcomes.status() == 200 && wallet.status() == 200);
            for (String amount : List.of("7.00", "8.00", "9.00")) {
                String deposit = here.transact(Map.of("accountId", account, "kind", "DEPOSIT", "amount", amount, "currency", "EUR"),
                        UUID.randomUUID().toString(), 202).get("transactionId").asText();
                outcomes.await(e -> e.data().contains(deposit) && e.data().contains("APPROVED"), WAIT);
                assertEquals("APPROVED", there.get("/api/transactions/" + deposit, 200).get("status").asText(),
                        "a token of one replica is good on every replica, and so is the state");
            }
            wallet.await(e -> e.data().contains("\"24.00\""), WAIT);
        }
    }
}
