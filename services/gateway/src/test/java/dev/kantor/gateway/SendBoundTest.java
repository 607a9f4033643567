package dev.kantor.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.kantor.gateway.messaging.SendBound;

/** The relay's lease against the longest a send can stay unresolved (no Quarkus). */
class SendBoundTest {

    /** The gateway's own producer settings (application.properties) and its default lease (GatewayConfig). */
    static final SendBound GATEWAY = new SendBound(Duration.ofSeconds(10), Duration.ofSeconds(4));

    @Test
    void aSendIsResolvedWithinTwiceTheDeliveryTimeoutAndTwiceTheBlockingTime() {
        assertEquals(Duration.ofSeconds(28), GATEWAY.longest());
        assertEquals(Duration.ofMinutes(6), SendBound.KAFKA_DEFAULTS.longest());
    }

    @Test
    void theDefaultLeaseOutlastsTheGatewaysSends() {
        assertNull(GATEWAY.problemWith("transaction-requests", Duration.ofSeconds(30)));
    }

    @Test
    void aLeaseNoLongerThanASendIsRefusedWithTheSettingsNamed() {
        String problem = GATEWAY.problemWith("transaction-requests", Duration.ofSeconds(28));
        assertNotNull(problem);
        assertTrue(problem.contains("kantor.gateway.relay.lease") && problem.contains("transaction-requests")
                && problem.contains("delivery.timeout.ms 10000") && problem.contains("max.block.ms 4000"), problem);
        assertNotNull(SendBound.KAFKA_DEFAULTS.problemWith("account-requests", Duration.ofSeconds(30)),
                "Kafka's defaults (minutes) need a longer lease than the default");
    }
}
