package dev.kantor.service.pipeline;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.kantor.service.messaging.ConsumerPipeline;
import dev.kantor.service.messaging.ConsumerPipelines;
import dev.kantor.service.messaging.DecodedBatch;
import dev.kantor.service.messaging.Poison;
import dev.kantor.service.messaging.PoisonRecordException;
import dev.kantor.service.messaging.RecordHandler;
import dev.kantor.service.messaging.SourceRecord;
import dev.kantor.service.messaging.TransientFailureException;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A consumer as a service writes one, on the pipeline: records {@code eventId|account|amount}; a new event is stored
 * and published, a redelivered one published again from what is stored, a negative amount refused by rule.
 */
@ApplicationScoped
public class LedgerConsumer implements RecordHandler<LedgerConsumer.Entry, List<LedgerConsumer.Outcome>> {

    record Entry(String eventId, String account, BigDecimal amount) {
    }

    record Outcome(SourceRecord record, Entry entry, String status) {
    }

    @Inject
    ConsumerPipelines pipelines;

    @Inject
    Faults faults;

    @Inject
    @Channel("ledger-dlt")
    MutinyEmitter<byte[]> deadLetters;

    @Inject
    @Channel("ledger-out")
    MutinyEmitter<String> out;

    private ConsumerPipeline<Entry, List<Outcome>> pipeline;

    @PostConstruct
    void init() {
        pipeline = pipelines.create("ledger-in", this, deadLetters);
    }

    @Incoming("ledger-in")
    public Uni<Void> consume(Message<byte[]> message) {
        return pipeline.handle(message);
    }

    @Override
    public Entry decode(SourceRecord record) throws PoisonRecordException {
        if (Faults.take(faults.registry)) {
            faults.journal.add("registry-down");
            throw new TransientFailureException("registry unreachable", null);
        }
        String[] fields = new String(record.value(), StandardCharsets.UTF_8).split("\\|");
        try {
            return new Entry(fields[0], fields[1], new BigDecimal(fields[2]));
        } catch (RuntimeException e) {
            throw new PoisonRecordException("undecodable entry: " + e.getMessage(), e);
        }
    }

    @Override
    public Uni<List<Outcome>> apply(DecodedBatch<Entry> batch) {
        List<Outcome> outcomes = new ArrayList<>();
        return batch.inOrder(d -> LedgerEntry.<LedgerEntry>findById(d.event().eventId()).chain(existing -> {
                    if (existing != null) {
                        outcomes.add(new Outcome(d.record(), d.event(), "repeated"));
                        return Uni.createFrom().voidItem();
                    }
                    if (d.event().amount().signum() < 0) {
                        outcomes.add(new Outcome(d.record(), d.event(), "refused"));
                        return Uni.createFrom().voidItem();
                    }
                    LedgerEntry entry = new LedgerEntry();
                    entry.eventId = d.event().eventId();
                    entry.account = d.event().account();
                    entry.amount = d.event().amount();
                    outcomes.add(new Outcome(d.record(), d.event(), "stored"));
                    return entry.persist();
                }))
                .call(() -> io.quarkus.hibernate.reactive.panache.Panache.getSession().chain(session -> session.flush()))
                .invoke(() -> {
                    if (Faults.take(faults.database)) {
                        // After the rows were written: the rollback must take them away.
                        faults.journal.add("database-failed");
                        throw new IllegalStateException("connection reset during commit");
                    }
                })
                .replaceWith(outcomes);
    }

    @Override
    public Uni<Void> publish(List<Outcome> outcomes) {
        List<Uni<Void>> sends = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (!o.status().equals("refused")) {
                // When the pipeline starts a delivery's sends, not when the broker takes them (the test broker takes
                // one message at a time, so its own journal keeps their order whatever the pipeline does).
                faults.journal.add("publishing:" + o.entry().eventId());
                sends.add(out.send(o.entry().eventId()));
            }
        }
        return sends.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    @Override
    public List<Poison> refused(List<Outcome> outcomes) {
        return outcomes.stream().filter(o -> o.status().equals("refused"))
                .map(o -> new Poison(o.record(), "refused: amount must not be negative, was " + o.entry().amount(), null))
                .toList();
    }
}
