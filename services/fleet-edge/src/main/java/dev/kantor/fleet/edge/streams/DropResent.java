package dev.kantor.fleet.edge.streams;

import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import dev.kantor.fleet.events.ReeferReading;

/**
 * Drops a reading whose id was already seen: devices re-send what they are not sure arrived. The ids live in a window
 * store (changelogged, so a restarted edge still knows them) for {@code resentWithin} of the readings' own time.
 */
final class DropResent implements FixedKeyProcessor<String, ReeferReading, ReeferReading> {

    static final String STORE = "resent-readings";

    private final Duration resentWithin;
    private FixedKeyProcessorContext<String, ReeferReading> context;
    private WindowStore<String, Long> seen;

    DropResent(Duration resentWithin) {
        this.resentWithin = resentWithin;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, ReeferReading> context) {
        this.context = context;
        this.seen = context.getStateStore(STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, ReeferReading> record) {
        ReeferReading reading = record.value();
        if (reading == null) {
            return;
        }
        String id = reading.getReadingId();
        Instant at = reading.getMeasuredAt();
        try (WindowStoreIterator<Long> copies = seen.fetch(id, at.minus(resentWithin), at.plus(resentWithin))) {
            if (copies.hasNext()) {
                return;
            }
        }
        seen.put(id, at.toEpochMilli(), at.toEpochMilli());
        context.forward(record);
    }
}
