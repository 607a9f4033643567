package dev.kantor.transaction.messaging;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.kantor.events.EventHeaders;
import dev.kantor.events.TransactionRequested;
import dev.kantor.service.messaging.ConsumerPipeline;
import dev.kantor.service.messaging.ConsumerPipelines;
import dev.kantor.service.messaging.DecodedBatch;
import dev.kantor.service.messaging.NotYetException;
import dev.kantor.service.messaging.Poison;
import dev.kantor.service.messaging.PoisonRecordException;
import dev.kantor.service.messaging.RecordHandler;
import dev.kantor.service.messaging.SourceRecord;
import dev.kantor.service.persistence.SqlTransactions;
import dev.kantor.transaction.config.TransactionConfig;
import dev.kantor.transaction.persistence.AccountViewBehindException;
import dev.kantor.transaction.persistence.Step;
import dev.kantor.transaction.persistence.TransactionLedger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The money path for a batch of transaction requests, on the consumer pipeline: decode and check the contract
 * (poison to transaction.dlt), one database transaction for the whole batch (TransactionLedger), every outcome
 * published and waited for at the broker (functional duplicates to transaction.dlt), then one ack for the batch.
 */
@ApplicationScoped
public class RequestConsumer implements RecordHandler<TransactionRequested, List<Step<SourceRecord>>> {

    private final TransactionLedger ledger;
    private final OutcomePublisher outcomes;
    private final TransactionConfig config;
    private final AccountViewFence fence;
    private final ConsumerPipelines pipelines;
    private final ConsumerPipeline<TransactionRequested, List<Step<SourceRecord>>> pipeline;
    /** kantor.transaction.records{outcome}, looked up once: they are counted for every record. */
    private final Map<String, Counter> counters = new HashMap<>();

    RequestConsumer(ConsumerPipelines pipelines, DeadLetters deadLetters, TransactionLedger ledger, OutcomePublisher outcomes,
            MeterRegistry metrics, TransactionConfig config, AccountViewFence fence, SqlTransactions transactions) {
        this.pipelines = pipelines;
        this.ledger = ledger;
        this.outcomes = outcomes;
        this.config = config;
        this.fence = fence;
        for (String outcome : List.of("approved", "rejected", "redelivered", "duplicate")) {
            counters.put(outcome, metrics.counter("kantor.transaction.records", "outcome", outcome));
        }
        this.pipeline = pipelines.create("transaction-requests", this, deadLetters.emitter(), transactions);
    }

    @Incoming("transaction-requests")
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return pipeline.handle(batch);
    }

    @Override
    public TransactionRequested decode(SourceRecord record) throws PoisonRecordException {
        TransactionRequested request = pipelines.decoder().decode(record, TransactionRequested.class);
        checkContract(record, request);
        return request;
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

    /**
     * The ledger decides the batch. If a request names an account the view lacks, the view is first given a bounded
     * time to catch up with everything published before the batch was polled ({@link AccountViewFence}); then the
     * batch is decided again, and an account still missing really is unknown.
     */
    @Override
    public Uni<List<Step<SourceRecord>>> apply(DecodedBatch<TransactionRequested> batch) {
        List<TransactionLedger.Incoming<SourceRecord>> requests = new ArrayList<>(batch.events().size());
        batch.events().forEach(d -> requests.add(new TransactionLedger.Incoming<>(d.event(), d.record())));
        boolean complete = batch.waited() || fence.completeSince(batch.polledAtNanos());
        return ledger.process(requests, complete)
                .onFailure(AccountViewBehindException.class)
                .transform(behind -> new NotYetException(behind.getMessage(), fence.await(config.accountViewWait())));
    }

    @Override
    public Uni<Void> publish(List<Step<SourceRecord>> steps) {
        List<Uni<Void>> sends = new ArrayList<>();
        for (Step<SourceRecord> step : steps) {
            if (step instanceof Step.Publish<SourceRecord> p) {
                sends.add(outcomes.publish(p.outcome(), p.source().traceparent()));
            }
        }
        Uni<Void> all = sends.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(sends).andFailFast().replaceWithVoid();
        return all.invoke(() -> count(steps));
    }

    @Override
    public List<Poison> refused(List<Step<SourceRecord>> steps) {
        List<Poison> refused = new ArrayList<>();
        for (Step<SourceRecord> step : steps) {
            if (step instanceof Step.DeadLetter<SourceRecord> d) {
                refused.add(new Poison(d.source(), d.reason(), null));
            }
        }
        return refused;
    }

    /** kantor.transaction.records{outcome}: approved, rejected, redelivered (technical duplicate), duplicate (functional). */
    private void count(List<Step<SourceRecord>> steps) {
        for (Step<SourceRecord> step : steps) {
            String outcome = switch (step) {
                case Step.Publish<SourceRecord> p when p.redelivered() -> "redelivered";
                case Step.Publish<SourceRecord> p -> "TransactionApproved".equals(p.outcome().eventType) ? "approved" : "rejected";
                case Step.DeadLetter<SourceRecord> d -> "duplicate";
            };
            counters.get(outcome).increment();
        }
    }
}
