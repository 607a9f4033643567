package dev.kantor.transaction.persistence;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.kantor.events.Amounts;
import dev.kantor.events.EventBinary;
import dev.kantor.events.Money;
import dev.kantor.events.RejectionReason;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionRejected;
import dev.kantor.events.TransactionRequested;
import dev.kantor.service.persistence.BulkInsert;
import dev.kantor.transaction.config.TransactionConfig;
import dev.kantor.transaction.domain.Amount;
import dev.kantor.transaction.domain.Decision;
import dev.kantor.transaction.domain.Kind;
import dev.kantor.transaction.domain.Rate;
import dev.kantor.transaction.domain.Quote;
import dev.kantor.transaction.domain.Request;
import dev.kantor.transaction.domain.TransactionRules;

import dev.kantor.service.persistence.SqlTransactions;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Step 1 of the money path, for a batch of requests inside one database transaction: technical de-duplication by
 * event id, functional de-duplication by transaction id, the rules, the balance changes and ledger entries, and the
 * stored outcome. It must run inside a {@link SqlTransactions} transaction; it publishes nothing.
 */
@ApplicationScoped
public class TransactionLedger {

    /** The wire scale of Money amounts (decimal(19,4)) and of rates (decimal(20,10)). */
    static final int RATE_SCALE = 10;

    private final TransactionRules rules;
    private final Clock clock;

    private final String schema;
    private final Statements statements;

    TransactionLedger(TransactionConfig config, dev.kantor.service.config.Market market,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.hibernate-orm.database.default-schema") String schema) {
        this.schema = schema;
        this.statements = Statements.in(schema);
        this.rules = new TransactionRules(market.currencies(), config.maxRateAge());
        this.clock = Clock.systemUTC();
    }

    /**
     * A decoded request with where it came from: whatever the caller needs back in a DeadLetter step (the consumer's
     * record), opaque to the ledger.
     */
    public record Incoming<S>(TransactionRequested request, S source) {
    }

    /**
     * Decides and applies a batch in order, with a fixed number of statements whatever its size, on the connection of
     * the batch's transaction ({@link SqlTransactions}). First the batch's accounts are locked, in a fixed order:
     * whoever else holds requests for them (another consumer, because a non-Java producer or a grown topic put an
     * account on several partitions; a zombie instance in another group) waits, and reads what this batch committed.
     * Then what was processed, what is stored, the balances and the rates are read once; the new rows go in one
     * INSERT per table and the balances in one upsert of deltas. Later requests of the batch see the effects of
     * earlier ones. The reads are pipelined behind the lock, the writes together: two round trips to PostgreSQL for
     * the batch's statements, where waiting for each one took ten.
     *
     * @param accountsComplete whether this service's accounts view is known to hold every account opened before these
     *        requests were polled; if not, a request for an account the view lacks fails the batch with
     *        {@link AccountViewBehindException} instead of being rejected as unknown
     */
    public <S> Uni<List<Step<S>>> process(List<Incoming<S>> batch, boolean accountsComplete) {
        if (batch.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Set<String> eventIds = new HashSet<>();
        Set<String> transactionIds = new HashSet<>();
        Set<String> accountIds = new HashSet<>();
        for (Incoming<S> incoming : batch) {
            eventIds.add(incoming.request().getEventId());
            transactionIds.add(incoming.request().getTransactionId());
            accountIds.add(incoming.request().getAccountId());
        }
        SqlConnection connection = SqlTransactions.connection();
        // PostgreSQL runs a connection's statements in the order they were sent, so the reads sent right behind the
        // lock still run after it is granted, and see what the batch that held it committed.
        Uni<RowSet<Row>> locked = connection.preparedQuery(statements.lockAccounts).execute(Tuple.of(keys(accountIds)));
        Uni<RowSet<Row>> processed = connection.preparedQuery(statements.processed).execute(Tuple.of(keys(eventIds)));
        Uni<RowSet<Row>> outcomes = connection.preparedQuery(statements.outcomes).execute(Tuple.of(keys(transactionIds)));
        Uni<RowSet<Row>> balances = connection.preparedQuery(statements.balances).execute(Tuple.of(keys(accountIds)));
        Uni<RowSet<Row>> rates = connection.preparedQuery(statements.rates).execute();
        return Uni.combine().all().unis(locked, processed, outcomes, balances, rates).asTuple().chain(read -> {
            BatchState state = new BatchState(read.getItem1(), read.getItem2(), read.getItem3(), read.getItem4(),
                    read.getItem5(), clock.instant(), accountsComplete);
            List<Step<S>> steps = new ArrayList<>(batch.size());
            for (Incoming<S> incoming : batch) {
                steps.add(state.handle(incoming));
            }
            return state.write(connection).replaceWith(steps);
        });
    }

    private static String[] keys(java.util.Collection<String> keys) {
        return keys.toArray(String[]::new);
    }

    /**
     * The ledger's statements, written once. Keys go as one array parameter: the same statement for every batch,
     * where an IN list would be a new statement (and hundreds of bound parameters) for every batch size. A join with
     * the unnested keys, not {@code key = any(keys)}: where the planner still chooses to scan the table (small or
     * never analyzed), the join hashes the keys once, where {@code any} compared every row with every key.
     */
    private record Statements(String lockAccounts, String processed, String outcomes, String balances, String rates,
            String addToBalances) {

        static Statements in(String schema) {
            String keys = " join unnest(cast($1 as text[])) k(key) on t.";
            return new Statements(
                    // Locked in account order, so that two batches sharing accounts wait for each other instead of
                    // deadlocking. An account not yet in the view has nothing to lock, and nothing to move.
                    "select t.account_id from " + schema + ".account_view t" + keys + "account_id = k.key"
                            + " order by t.account_id for update of t",
                    "select t.event_id, t.transaction_id, t.disposition from " + schema + ".processed_event t" + keys
                            + "event_id = k.key",
                    "select t.transaction_id, t.event_id, t.request_event_id, t.account_id, t.event_type, t.payload,"
                            + " t.created_at from " + schema + ".stored_outcome t" + keys + "transaction_id = k.key",
                    "select t.account_id, t.currency, t.amount from " + schema + ".balance t" + keys + "account_id = k.key",
                    "select pair, rate, quoted_at from " + schema + ".latest_rate",
                    "update " + schema + ".balance b set amount = b.amount + cast(u.delta as numeric)"
                            + " from unnest(cast($1 as text[]), cast($2 as text[]), cast($3 as text[])) as u(account_id, currency, delta)"
                            + " where b.account_id = u.account_id and b.currency = cast(u.currency as char(3))");
        }
    }

    /** The batch's view of the database, updated in memory as each request is decided; new rows are collected. */
    private final class BatchState {

        final Map<String, ProcessedEvent> processed = new HashMap<>();
        final Map<String, StoredOutcome> outcomes = new HashMap<>();
        final Set<String> accounts = new HashSet<>();
        final Map<Balance.Key, Balance> balances = new HashMap<>();
        final Map<String, Rate> rates = new HashMap<>();
        final List<Object> created = new ArrayList<>();
        final Set<Balance> touched = new java.util.LinkedHashSet<>();
        /** Each balance as read, so that the upsert adds the batch's change instead of writing an absolute amount. */
        final Map<Balance.Key, BigDecimal> before = new HashMap<>();
        final Instant now;
        final boolean accountsComplete;

        BatchState(RowSet<Row> accounts, RowSet<Row> processed, RowSet<Row> outcomes, RowSet<Row> balances,
                RowSet<Row> rates, Instant now, boolean accountsComplete) {
            for (Row row : accounts) {
                this.accounts.add(row.getString(0));
            }
            for (Row row : processed) {
                ProcessedEvent p = new ProcessedEvent();
                p.eventId = row.getString(0);
                p.transactionId = row.getString(1);
                p.disposition = ProcessedEvent.Disposition.valueOf(row.getString(2));
                this.processed.put(p.eventId, p);
            }
            for (Row row : outcomes) {
                StoredOutcome o = new StoredOutcome();
                o.transactionId = row.getString(0);
                o.eventId = row.getString(1);
                o.requestEventId = row.getString(2);
                o.accountId = row.getString(3);
                o.eventType = row.getString(4);
                o.payload = row.getBuffer(5).getBytes();
                o.createdAt = row.getOffsetDateTime(6).toInstant();
                this.outcomes.put(o.transactionId, o);
            }
            for (Row row : balances) {
                Balance b = new Balance();
                b.accountId = row.getString(0);
                b.currency = row.getString(1);
                b.amount = row.getBigDecimal(2);
                Balance.Key key = new Balance.Key(b.accountId, b.currency);
                this.balances.put(key, b);
                before.put(key, b.amount);
            }
            for (Row row : rates) {
                String pair = row.getString(0);
                this.rates.put(pair, new Rate(pair, row.getBigDecimal(1), row.getOffsetDateTime(2).toInstant()));
            }
            this.accountsComplete = accountsComplete;
            this.now = now;
        }

        <S> Step<S> handle(Incoming<S> incoming) {
            TransactionRequested request = incoming.request();
            ProcessedEvent seen = processed.get(request.getEventId());
            if (seen != null) {
                // The same event again (the crash came between commit and ack): its stored outcome is published again.
                if (seen.disposition == ProcessedEvent.Disposition.DUPLICATE) {
                    return new Step.DeadLetter<>(incoming.source(), "functional duplicate: transaction id "
                            + seen.transactionId + " was already used");
                }
                return new Step.Publish<>(outcomes.get(seen.transactionId), true, incoming.source());
            }
            StoredOutcome existing = outcomes.get(request.getTransactionId());
            if (existing != null) {
                markProcessed(request, ProcessedEvent.Disposition.DUPLICATE);
                return new Step.DeadLetter<>(incoming.source(), "functional duplicate: transaction id "
                        + existing.transactionId + " was already used by event " + existing.requestEventId);
            }
            if (!accountsComplete && !accounts.contains(request.getAccountId())) {
                throw new AccountViewBehindException(request.getAccountId());
            }
            Request domain = toDomain(request);
            Decision decision = rules.decide(domain, accounts.contains(request.getAccountId()),
                    currency -> Optional.ofNullable(balances.get(new Balance.Key(request.getAccountId(), currency)))
                            .map(b -> b.amount).orElse(BigDecimal.ZERO),
                    pair -> Optional.ofNullable(rates.get(pair)), now);
            StoredOutcome outcome = switch (decision) {
                case Decision.Approved approved -> approve(request, approved);
                case Decision.Rejected rejected -> reject(request, rejected);
            };
            outcomes.put(outcome.transactionId, outcome);
            created.add(outcome);
            markProcessed(request, ProcessedEvent.Disposition.OUTCOME);
            return new Step.Publish<>(outcome, false, incoming.source());
        }

        private StoredOutcome approve(TransactionRequested request, Decision.Approved decision) {
            List<Money> after = new ArrayList<>();
            for (Amount movement : movements(decision)) {
                Balance.Key key = new Balance.Key(request.getAccountId(), movement.currency());
                Balance balance = balances.get(key);
                if (balance == null) {
                    balance = new Balance();
                    balance.accountId = request.getAccountId();
                    balance.currency = movement.currency();
                    balance.amount = BigDecimal.ZERO;
                    balances.put(key, balance);
                }
                balance.amount = balance.amount.add(movement.value());
                touched.add(balance);
                after.add(money(new Amount(balance.amount, movement.currency())));
                LedgerEntry entry = new LedgerEntry();
                entry.id = UUID.randomUUID();
                entry.transactionId = request.getTransactionId();
                entry.accountId = request.getAccountId();
                entry.currency = movement.currency();
                entry.amount = movement.value();
                entry.createdAt = now;
                created.add(entry);
            }
            TransactionApproved event = TransactionApproved.newBuilder()
                    .setEventId(UUID.randomUUID().toString())
                    .setRequestEventId(request.getEventId())
                    .setTransactionId(request.getTransactionId())
                    .setAccountId(request.getAccountId())
                    .setUserId(request.getUserId())
                    .setKind(request.getKind())
                    .setDebited(decision.debited().map(TransactionLedger::money).orElse(null))
                    .setCredited(decision.credited().map(TransactionLedger::money).orElse(null))
                    .setRate(decision.rate().map(r -> r.setScale(RATE_SCALE, RoundingMode.HALF_EVEN)).orElse(null))
                    .setBalancesAfter(after)
                    .setApprovedAt(now)
                    .setQuoteId(request.getQuotedRate() == null ? null : request.getQuoteId())
                    .setQuotedRate(request.getQuotedRate())
                    .build();
            return stored(request, event.getEventId(), event, "TransactionApproved");
        }

        private StoredOutcome reject(TransactionRequested request, Decision.Rejected decision) {
            TransactionRejected event = TransactionRejected.newBuilder()
                    .setEventId(UUID.randomUUID().toString())
                    .setRequestEventId(request.getEventId())
                    .setTransactionId(request.getTransactionId())
                    .setAccountId(request.getAccountId())
                    .setUserId(request.getUserId())
                    .setKind(request.getKind())
                    .setAmount(request.getAmount())
                    .setTargetCurrency(request.getTargetCurrency())
                    .setReason(RejectionReason.valueOf(decision.reason().name()))
                    .setDetail(decision.detail())
                    .setRejectedAt(now)
                    .build();
            return stored(request, event.getEventId(), event, "TransactionRejected");
        }

        private StoredOutcome stored(TransactionRequested request, String eventId, org.apache.avro.specific.SpecificRecordBase event,
                String type) {
            StoredOutcome outcome = new StoredOutcome();
            outcome.transactionId = request.getTransactionId();
            outcome.eventId = eventId;
            outcome.event = event;
            outcome.requestEventId = request.getEventId();
            outcome.accountId = request.getAccountId();
            outcome.eventType = type;
            outcome.payload = EventBinary.write(event);
            outcome.createdAt = now;
            return outcome;
        }

        /** Every row of the batch in one multi-row statement per table (the balances as one upsert). */
        Uni<Void> write(SqlConnection connection) {
            BulkInsert processedRows = BulkInsert.typed(schema + ".processed_event",
                    List.of("event_id", "transaction_id", "disposition", "processed_at"),
                    List.of("varchar", "varchar", "varchar", "timestamptz"), null);
            BulkInsert outcomeRows = BulkInsert.typed(schema + ".stored_outcome", List.of("transaction_id", "event_id",
                    "request_event_id", "account_id", "event_type", "payload", "created_at"),
                    List.of("varchar", "varchar", "varchar", "varchar", "varchar", "bytea", "timestamptz"), null);
            BulkInsert ledgerRows = BulkInsert.typed(schema + ".ledger_entry",
                    List.of("id", "transaction_id", "account_id", "currency", "amount", "created_at"),
                    List.of("uuid", "varchar", "varchar", "char(3)", "numeric", "timestamptz"), null);
            for (Object row : created) {
                switch (row) {
                    case ProcessedEvent p -> processedRows.add(p.eventId, p.transactionId, p.disposition.name(), p.processedAt);
                    case StoredOutcome o -> outcomeRows.add(o.transactionId, o.eventId, o.requestEventId, o.accountId,
                            o.eventType, o.payload, o.createdAt);
                    case LedgerEntry e -> ledgerRows.add(e.id, e.transactionId, e.accountId, e.currency, e.amount, e.createdAt);
                    default -> throw new IllegalStateException("unexpected row " + row);
                }
            }
            // Deltas, not absolute amounts: the balance stays the sum of its ledger entries even if a writer ever decided
            // on a stale read, and the CHECK (amount >= 0) then refuses the whole transaction instead of money appearing.
            // A balance that exists is updated; only a new one is inserted (always with a credit: PostgreSQL checks the
            // CHECK on the row proposed for insertion even when the conflict turns it into an update).
            BulkInsert newBalances = BulkInsert.typed(schema + ".balance", List.of("account_id", "currency", "amount"),
                    List.of("varchar", "char(3)", "numeric"),
                    "on conflict (account_id, currency) do update set amount = balance.amount + excluded.amount");
            List<String> accountIds = new ArrayList<>();
            List<String> currencies = new ArrayList<>();
            List<String> deltas = new ArrayList<>();
            for (Balance b : touched) {
                BigDecimal read = before.get(new Balance.Key(b.accountId, b.currency));
                if (read == null) {
                    newBalances.add(b.accountId, b.currency, b.amount);
                } else if (b.amount.compareTo(read) != 0) {
                    accountIds.add(b.accountId);
                    currencies.add(b.currency);
                    deltas.add(b.amount.subtract(read).toPlainString());
                }
            }
            // Sent together, pipelined; a failing one (the CHECK refusing a balance) fails the batch, and the
            // transaction rolls back.
            return Uni.join().all(processedRows.execute(connection), outcomeRows.execute(connection),
                    ledgerRows.execute(connection), newBalances.execute(connection),
                    addToBalances(connection, accountIds, currencies, deltas)).andCollectFailures().replaceWithVoid();
        }

        /** One statement for every existing balance the batch changed; each must exist (the batch read it, under lock). */
        private Uni<Void> addToBalances(SqlConnection connection, List<String> accountIds, List<String> currencies,
                List<String> deltas) {
            if (accountIds.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return connection.preparedQuery(statements.addToBalances)
                    .execute(Tuple.of(keys(accountIds), keys(currencies), keys(deltas)))
                    .invoke(updated -> {
                        if (updated.rowCount() != accountIds.size()) {
                            throw new IllegalStateException("updated " + updated.rowCount() + " balances of " + accountIds.size());
                        }
                    })
                    .replaceWithVoid();
        }

        private void markProcessed(TransactionRequested request, ProcessedEvent.Disposition disposition) {
            ProcessedEvent event = new ProcessedEvent();
            event.eventId = request.getEventId();
            event.transactionId = request.getTransactionId();
            event.disposition = disposition;
            event.processedAt = now;
            processed.put(event.eventId, event);
            created.add(event);
        }
    }

    private static List<Amount> movements(Decision.Approved decision) {
        List<Amount> movements = new ArrayList<>();
        decision.debited().ifPresent(d -> movements.add(d.negate()));
        decision.credited().ifPresent(movements::add);
        return movements;
    }

    static Request toDomain(TransactionRequested request) {
        return new Request(request.getTransactionId(), request.getAccountId(), Kind.valueOf(request.getKind().name()),
                new Amount(request.getAmount().getAmount(), request.getAmount().getCurrency()),
                Optional.ofNullable(request.getTargetCurrency()),
                Optional.ofNullable(request.getQuotedRate())
                        .map(rate -> new Quote(rate, request.getQuoteTolerance() == null ? BigDecimal.ZERO : request.getQuoteTolerance())));
    }

    static Money money(Amount amount) {
        return Amounts.money(amount.value(), amount.currency());
    }

}
