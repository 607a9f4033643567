package dev.kantor.transaction.messaging;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.kantor.service.messaging.MessageContext;
import dev.kantor.service.messaging.PoisonRecordException;
import dev.kantor.service.messaging.SourceRecord;
import dev.kantor.events.EventHeaders;
import dev.kantor.events.TransactionRequested;
import dev.kantor.transaction.config.TransactionConfig;
import dev.kantor.transaction.persistence.AccountViewBehindException;
import dev.kantor.transaction.persistence.Step;
import dev.kantor.transaction.persistence.TransactionLedger;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The money path for a batch of transaction requests: decode (poison to the DLT), one database transaction for the
 * whole batch, publish every outcome and wait for the broker, then ack the batch. A transient failure at any step is
 * retried with back-off; nothing is acked until every effect of the batch is durable.
 */
@ApplicationScoped
public class RequestConsumer {

    /** kantor.retry.*: the back-off of every retry here. */
    @jakarta.inject.Inject
    dev.kantor.service.config.Backoff backoff;

    private static final Logger LOG = Logger.getLogger(RequestConsumer.class);

    private final EventCodec codec;
    private final TransactionLedger ledger;
    private final OutcomePublisher outcomes;
    private final DeadLetters deadLetters;
    private final MeterRegistry metrics;
    private final TransactionConfig config;
    private final AccountViewFence fence;
    /** kantor.transaction.records{outcome}, looked up once: they are counted for every record. */
    private final java.util.Map<String, io.micrometer.core.instrument.Counter> recordCounters = new java.util.HashMap<>();

    RequestConsumer(EventCodec codec, TransactionLedger ledger, OutcomePublisher outcomes, DeadLetters deadLetters,
            MeterRegistry metrics, TransactionConfig config, AccountViewFence fence) {
        this.fence = fence;
        this.codec = codec;
        this.ledger = ledger;
        this.outcomes = outcomes;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.config = config;
        for (String outcome : java.util.List.of("approved", "rejected", "redelivered", "duplicate")) {
            recordCounters.put(outcome, metrics.counter("kantor.transaction.records", "outcome", outcome));
        }
    }

    /** A decoded batch: requests for the ledger, and poison records with why. */
    record Decoded(List<TransactionLedger.Incoming<SourceRecord>> requests, List<Step.DeadLetter<SourceRecord>> poison) {
    }

    @Incoming("transaction-requests")
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        // Deferred: a synchronous throw while setting up must still fail the Uni, so the batch is nacked (smallrye#1726).
        return Uni.createFrom().deferred(() -> {
            MessageContext context = MessageContext.current();
            List<SourceRecord> records = SourceRecord.of(batch);
            long polledAt = System.nanoTime();
            long[] mark = {polledAt};
            return context.decode(() -> decode(records), backoff)
                    .invoke(() -> mark[0] = stage("decode", mark[0]))
                    .chain(decoded -> decide(context, decoded.requests(), polledAt)
                            .map(steps -> {
                                List<Step<SourceRecord>> all = new ArrayList<>(decoded.poison());
                                all.addAll(steps);
                                mark[0] = stage("database", mark[0]);
                                return all;
                            }))
                    .chain(steps -> Uni.createFrom().deferred(() -> publish(steps))
                            .onFailure().invoke(e -> LOG.warnf("publishing failed, retrying: %s", e.toString()))
                            .onFailure().retry().withBackOff(backoff.initial(), backoff.max()).indefinitely()
                            .invoke(() -> count(steps)))
                    .invoke(() -> mark[0] = stage("publish", mark[0]))
                    .chain(() -> Uni.createFrom().completionStage(batch.ack()))
                    .invoke(() -> {
                        stage("ack", mark[0]);
                        metrics.summary("kantor.transaction.batch.size").record(records.size());
                    });
        });
    }

    /**
     * The ledger's database transaction, retried with back-off while it fails. If a request names an account the view
     * lacks, the view is first given a bounded time to catch up with everything published before the batch was polled
     * ({@link AccountViewFence}); then the batch is decided again, and an account still missing really is unknown.
     */
    private Uni<List<Step<SourceRecord>>> decide(MessageContext context, List<TransactionLedger.Incoming<SourceRecord>> requests,
            long polledAt) {
        return Uni.createFrom().deferred(() -> context.transaction(() -> ledger.process(requests, fence.completeSince(polledAt)))
                        .onFailure(AccountViewBehindException.class).recoverWithUni(behind -> fence.await(config.accountViewWait())
                                .chain(() -> context.transaction(() -> ledger.process(requests, true)))))
                .onFailure().invoke(e -> LOG.warnf("the ledger's database transaction failed, retrying: %s", e.toString()))
                .onFailure().retry().withBackOff(backoff.initial(), backoff.max()).indefinitely();
    }

    private Decoded decode(List<SourceRecord> records) {
        List<TransactionLedger.Incoming<SourceRecord>> requests = new ArrayList<>();
        List<Step.DeadLetter<SourceRecord>> poison = new ArrayList<>();
        for (SourceRecord record : records) {
            try {
                TransactionRequested request = codec.decode(record, TransactionRequested.class);
                checkContract(record, request);
                requests.add(new TransactionLedger.Incoming<>(request, record));
            } catch (PoisonRecordException e) {
                poison.add(new Step.DeadLetter<>(record, e.getMessage(), e.getCause() == null ? e : e.getCause()));
            }
        }
        return new Decoded(requests, poison);
    }

    /** What Avro cannot say: ids present, and the header, payload and key telling the same story. */
    static void checkContract(SourceRecord record, TransactionRequested request) throws PoisonRecordException {
        if (request.getEventId().isBlank() || request.getTransactionId().isBlank() || request.getAccountId().isBlank()) {
            throw new PoisonRecordException("contract violated: eventId, transactionId and accountId are required", null);
        }
        Header header = record.headers() == null ? null : record.headers().lastHeader(EventHeaders.EVENT_ID);
        if (header != null && !new String(header.value(), StandardCharsets.UTF_8).equals(request.getEventId())) {
            throw new PoisonRecordException("contract violated: header event-id differs from the payload's eventId", null);
        }
        if (record.key() != null && !record.key().equals(request.getAccountId())) {
            throw new PoisonRecordException("contract violated: key " + record.key() + " is not the account id "
                    + request.getAccountId(), null);
        }
    }

    private Uni<Void> publish(List<Step<SourceRecord>> steps) {
        List<Uni<Void>> sends = new ArrayList<>();
        for (Step<SourceRecord> step : steps) {
            sends.add(switch (step) {
                case Step.Publish<SourceRecord> p -> outcomes.publish(p.outcome());
                case Step.DeadLetter<SourceRecord> d -> deadLetters.send(d.source(), d.reason(), d.cause());
            });
        }
        return sends.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    /** Records how long a stage of the batch took (kantor.transaction.stage{stage}); returns the new mark. */
    private long stage(String stage, long since) {
        long now = System.nanoTime();
        metrics.timer("kantor.transaction.stage", "stage", stage).record(now - since, java.util.concurrent.TimeUnit.NANOSECONDS);
        return now;
    }

    /** kantor.transaction.records{outcome}: approved, rejected, redelivered (technical duplicate), duplicate (functional). */
    private void count(List<Step<SourceRecord>> steps) {
        for (Step<SourceRecord> step : steps) {
            String outcome = switch (step) {
                case Step.Publish<SourceRecord> p when p.redelivered() -> "redelivered";
                case Step.Publish<SourceRecord> p -> "TransactionApproved".equals(p.outcome().eventType) ? "approved" : "rejected";
                case Step.DeadLetter<SourceRecord> d when d.cause() == null -> "duplicate";
                case Step.DeadLetter<SourceRecord> d -> null; // poison: counted as dlt by DeadLetters
            };
            if (outcome != null) {
                recordCounters.get(outcome).increment();
            }
        }
    }
}
