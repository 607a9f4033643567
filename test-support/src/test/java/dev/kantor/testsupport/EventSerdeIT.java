package dev.kantor.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.kantor.events.Amounts;
import dev.kantor.events.EventDecoder;
import dev.kantor.events.EventSerializer;
import dev.kantor.events.Money;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionKind;
import dev.kantor.events.TransactionRequested;
import dev.kantor.platform.Endpoints;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;

/** The serde pair of the events jar against the real registry: what it writes, what it refuses, what is poison. */
@ExtendWith(KantorPlatformExtension.class)
class EventSerdeIT {

    @Test
    void aNestedEventWithANullableDecimalRoundTripsAndApicurioReadsIt(Endpoints endpoints) throws Exception {
        TransactionApproved approved = TransactionApproved.newBuilder().setEventId("e-1").setRequestEventId("r-1")
                .setTransactionId("t-1").setAccountId("a-1").setUserId("u-1").setKind(TransactionKind.EXCHANGE)
                .setDebited(money("10.00", "EUR")).setCredited(money("10.85", "USD"))
                .setRate(new BigDecimal("1.0853000000")).setBalancesAfter(List.of(money("0.00", "EUR"), money("10.85", "USD")))
                .setApprovedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
        byte[] bytes = new EventSerializer(endpoints.registryApiV2()).serialize("transactions", approved);

        assertEquals(0, bytes[0], "magic byte");
        assertEquals(approved, new EventDecoder(endpoints.registryApiV2()).decode(bytes, TransactionApproved.class));
        try (AvroKafkaDeserializer<Object> apicurio = new AvroKafkaDeserializer<>()) {
            apicurio.configure(KafkaTestClient.serdeConfig(endpoints), false);
            assertEquals(approved.toString(), apicurio.deserialize("transactions", bytes).toString());
        }
    }

    @Test
    void anEventOnATopicWhoseSchemaItIsNotIsRefused(Endpoints endpoints) {
        SerializationException refused = assertThrows(SerializationException.class, () ->
                new EventSerializer(endpoints.registryApiV2()).serialize("accounts", request()));
        assertTrue(refused.getMessage().contains("not registered as accounts-value"), refused.getMessage());
    }

    @Test
    void poisonIsToldApartFromAnotherEventType(Endpoints endpoints) {
        EventDecoder decoder = new EventDecoder(endpoints.registryApiV2());
        byte[] request = new EventSerializer(endpoints.registryApiV2()).serialize("transaction-requests", request());
        assertReason(decoder, "not a wire".getBytes(), "not in the registry wire format");
        assertReason(decoder, new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 1, 2}, "unknown schema id");
        assertReason(decoder, request, "expected dev.kantor.events.TransactionApproved");
        byte[] truncated = java.util.Arrays.copyOf(request, request.length - 3);
        assertThrows(EventDecoder.UndecodableEventException.class, () -> decoder.decode(truncated, TransactionRequested.class));
    }

    @Test
    void anUnreachableRegistryIsNotPoison() {
        EventDecoder decoder = new EventDecoder("http://127.0.0.1:1/apis/registry/v2");
        assertThrows(EventDecoder.RegistryUnavailableException.class,
                () -> decoder.decode(new byte[] {0, 0, 0, 0, 1, 2}, TransactionRequested.class));
    }

    private static void assertReason(EventDecoder decoder, byte[] value, String reason) {
        EventDecoder.UndecodableEventException e = assertThrows(EventDecoder.UndecodableEventException.class,
                () -> decoder.decode(value, TransactionApproved.class));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    private static TransactionRequested request() {
        return TransactionRequested.newBuilder().setEventId("e-2").setTransactionId("t-2").setAccountId("a-2")
                .setUserId("u-2").setKind(TransactionKind.DEPOSIT).setAmount(money("5.00", "EUR")).setTargetCurrency(null)
                .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
    }

    private static Money money(String amount, String currency) {
        return Amounts.money(amount, currency);
    }
}
