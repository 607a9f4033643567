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
import dev.kantor.service.messaging.RecordHandler;
import dev.kantor.service.messaging.SourceRecord;
import dev.kantor.service.persistence.BulkInsert;
import dev.kantor.service.persistence.SqlTransactions;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The test ledger written as the money path writes its own: statements on the SQL client's connection, inside the
 * transaction {@link SqlTransactions} opens for the pipeline. Records {@code eventId|account|amount}; a failure set by
 * the test comes after the row was written, so only a rollback can take it away.
 */
@ApplicationScoped
public class SqlLedgerConsumer implements RecordHandler<LedgerConsumer.Entry, List<String>> {

    @Inject
    ConsumerPipelines pipelines;

    @Inject
    SqlTransactions transactions;

    @Inject
    Faults faults;

    @Inject
    @Channel("ledger-dlt")
    MutinyEmitter<byte[]> deadLetters;

    private ConsumerPipeline<LedgerConsumer.Entry, List<String>> pipeline;

    @PostConstruct
    void init() {
        pipeline = pipelines.create("sql-ledger-in", this, deadLetters, transactions);
    }

    @Incoming("sql-ledger-in")
    public Uni<Void> consume(Message<byte[]> message) {
        return pipeline.handle(message);
    }

    @Override
    public LedgerConsumer.Entry decode(SourceRecord record) {
        String[] fields = new String(record.value(), StandardCharsets.UTF_8).split("\\|");
        return new LedgerConsumer.Entry(fields[0], fields[1], new BigDecimal(fields[2]));
    }

    @Override
    public Uni<List<String>> apply(DecodedBatch<LedgerConsumer.Entry> batch) {
        BulkInsert rows = BulkInsert.typed("pipeline_test_ledger", List.of("event_id", "account", "amount"),
                List.of("varchar", "varchar", "numeric"), null);
        List<String> ids = new ArrayList<>();
        batch.events().forEach(d -> {
            rows.add(d.event().eventId(), d.event().account(), d.event().amount());
            ids.add(d.event().eventId());
        });
        // No "on conflict": had a failed attempt's row been committed, every retry would fail on the key, for ever.
        return rows.execute(SqlTransactions.connection())
                .invoke(() -> {
                    if (Faults.take(faults.sqlDatabase)) {
                        faults.journal.add("sql-database-failed");
                        throw new IllegalStateException("connection reset during commit");
                    }
                })
                .replaceWith(ids);
    }
}
