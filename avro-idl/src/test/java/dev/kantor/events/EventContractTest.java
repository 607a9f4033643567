package dev.kantor.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.avro.AvroMissingFieldException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventContractTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    static Stream<SpecificRecordBase> samples() {
        Money hundredEuro = money("100.00", "EUR");
        return Stream.of(
                AccountOpeningRequested.newBuilder().setEventId(id()).setRequestId(id()).setAccountId(id())
                        .setUserId("alice").setBaseCurrency("EUR").setDisplayName("Savings").setRequestedAt(NOW).build(),
                AccountOpened.newBuilder().setEventId(id()).setAccountId(id()).setRequestId(id()).setUserId("alice")
                        .setBaseCurrency("EUR").setDisplayName("Savings").setOpenedAt(NOW).build(),
                TransactionRequested.newBuilder().setEventId(id()).setTransactionId(id()).setAccountId(id())
                        .setUserId("alice").setKind(TransactionKind.EXCHANGE).setAmount(hundredEuro)
                        .setTargetCurrency("USD").setRequestedAt(NOW).build(),
                TransactionApproved.newBuilder().setEventId(id()).setRequestEventId(id()).setTransactionId(id())
                        .setAccountId(id()).setUserId("alice").setKind(TransactionKind.EXCHANGE)
                        .setDebited(hundredEuro).setCredited(money("108.53", "USD"))
                        .setRate(new BigDecimal("1.0853000000"))
                        .setBalancesAfter(List.of(money("0.00", "EUR"), money("108.53", "USD")))
                        .setApprovedAt(NOW).build(),
                TransactionRejected.newBuilder().setEventId(id()).setRequestEventId(id()).setTransactionId(id())
                        .setAccountId(id()).setUserId("alice").setKind(TransactionKind.WITHDRAWAL)
                        .setAmount(hundredEuro).setReason(RejectionReason.INSUFFICIENT_FUNDS)
                        .setDetail("balance 12.00 EUR").setRejectedAt(NOW).build(),
                RateQuoted.newBuilder().setEventId(id()).setPair("EUR/USD").setBaseCurrency("EUR")
                        .setQuoteCurrency("USD").setRate(new BigDecimal("1.0853000000")).setQuotedAt(NOW)
                        .setSource("simulated").build(),
                WalletUpdated.newBuilder().setEventId(id()).setUserId("alice").setBaseCurrency("EUR")
                        .setBalances(List.of(hundredEuro)).setValuation(hundredEuro).setAsOf(NOW).build());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyEventRoundTripsThroughAvroBinary(SpecificRecordBase event) throws IOException {
        byte[] bytes = encode(event);
        SpecificDatumReader<SpecificRecordBase> reader = new SpecificDatumReader<>(event.getSchema());
        SpecificRecordBase decoded = reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        assertEquals(event, decoded);
        assertEquals(event.getClass(), decoded.getClass());
    }

    @Test
    void theCatalogListsEverySampledEventOnce() {
        List<Class<?>> sampled = samples().<Class<?>>map(Object::getClass).toList();
        assertEquals(sampled, EventCatalog.EVENTS);
    }

    @Test
    void moneyKeepsEveryDigitAndItsCurrency() throws IOException {
        Money tiny = money("0.0001", "BHD");
        Money decoded = new SpecificDatumReader<>(Money.class)
                .read(null, DecoderFactory.get().binaryDecoder(encode(tiny), null));
        assertEquals(new BigDecimal("0.0001"), decoded.getAmount());
        assertEquals("BHD", decoded.getCurrency());
    }

    @Test
    void aMissingRequiredFieldIsRefusedByTheBuilder() {
        AvroRuntimeException error = assertThrows(AvroMissingFieldException.class, () -> RateQuoted.newBuilder()
                .setEventId(id()).setPair("EUR/USD").setBaseCurrency("EUR").setQuoteCurrency("USD")
                .setQuotedAt(NOW).setSource("simulated").build());
        assertTrue(error.getMessage().contains("rate"), error.getMessage());
    }

    @Test
    void aRecordWrittenWithoutARequiredFieldCannotBeRead() throws IOException {
        // A producer that forgot the amount: the contract's reader must refuse, not invent a value.
        Schema writer = SchemaBuilder.record("Money").namespace("dev.kantor.events").fields()
                .requiredString("currency").endRecord();
        GenericRecord record = new GenericData.Record(writer);
        record.put("currency", "EUR");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
        encoder.flush();

        SpecificDatumReader<Money> reader = new SpecificDatumReader<>(writer, Money.getClassSchema());
        AvroTypeException error = assertThrows(AvroTypeException.class,
                () -> reader.read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null)));
        assertTrue(error.getMessage().contains("amount"), error.getMessage());
    }

    @Test
    void aMoreScaledAmountThanTheContractAllowsIsRefused() {
        Money tooPrecise = Money.newBuilder().setAmount(new BigDecimal("1.00001")).setCurrency("EUR").build();
        assertThrows(AvroTypeException.class, () -> encode(tooPrecise));
    }

    @Test
    void anUnknownRejectionReasonFallsBackToOther() {
        assertEquals("OTHER", RejectionReason.getClassSchema().getEnumDefault());
    }

    private static byte[] encode(SpecificRecordBase event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecordBase>(event.getSchema()).write(event, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Money money(String amount, String currency) {
        return Money.newBuilder().setAmount(new BigDecimal(amount).setScale(4)).setCurrency(currency).build();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
