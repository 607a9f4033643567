package dev.kantor.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.Ports;
import dev.kantor.platform.ServicePart;
import dev.kantor.testsupport.SseClient;

/**
 * Two packaged gateway replicas in one consumer group, with the packaged account, transaction and wallet services:
 * a client connected to one replica gets the outcome and wallet of a request made through the other, whichever
 * replica consumed them (the feed's NOTIFY fan-out).
 */
class GatewayReplicasIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final List<ServicePart> SERVICES = new ArrayList<>();
    static URI first;
    static URI second;

    @BeforeAll
    static void start() {
        LocalPlatform platform = LocalPlatform.fromEnvironment();
        Endpoints endpoints = platform.ensureRunning();
        for (String name : List.of("account", "transaction", "wallet", "gateway", "gateway")) {
            endpoints.parts().stream().filter(p -> p.name().equals(name) && p.pid() > 0).forEach(p -> platform.part(name, "stop"));
            int port = Ports.any();
            if (name.equals("gateway")) {
                URI uri = URI.create("http://127.0.0.1:" + port);
                if (first == null) {
                    first = uri;
                } else {
                    second = uri;
                }
            }
            ServicePart service = new ServicePart(name, port, endpoints, Path.of("target", "replicas-" + name + "-" + port + ".log").toAbsolutePath(),
                    Map.of("kantor.gateway.demo-users", "*"));
            service.start();
            SERVICES.add(service);
        }
        SERVICES.forEach(service -> service.awaitHealthy(Duration.ofSeconds(120)));
    }

    @AfterAll
    static void stop() {
        SERVICES.forEach(ServicePart::stop);
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
