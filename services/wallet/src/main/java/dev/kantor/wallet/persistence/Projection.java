package dev.kantor.wallet.persistence;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.hibernate.reactive.mutiny.Mutiny;

import dev.kantor.events.Amounts;
import dev.kantor.events.AccountOpened;
import dev.kantor.events.Money;
import dev.kantor.events.RateQuoted;
import dev.kantor.events.TransactionApproved;
import dev.kantor.service.persistence.BulkInsert;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Applies a batch of consumed events to the wallet projection inside the caller's database transaction, with a
 * fixed number of statements whatever the batch size: holdings move by the credits and debits of transactions not
 * counted before (by transaction id and by event id), accounts give wallets their base currency, rates replace
 * older rates, every wallet whose value may have changed is marked dirty, and the consumed offsets are recorded.
 * It publishes nothing: {@code WalletPublisher} does, from the dirty marks.
 */
@ApplicationScoped
public class Projection {

    /**
     * The events of one consumed batch, the next offset of every partition it came from, and the trace
     * ({@code traceparent}) each transaction continues, by transaction id (absent: none).
     */
    public record Batch(List<AccountOpened> accounts, List<TransactionApproved> transactions, List<RateQuoted> rates,
            Map<String, Map<Integer, Long>> nextOffsets, Map<String, String> traces) {
    }

    /** What a batch came to: transactions counted, and those already counted before (duplicates). */
    public record Applied(int counted, int duplicates) {
    }

    public Uni<Applied> apply(Batch batch, Instant now) {
        return Panache.getSession().invoke(session -> session.setDefaultReadOnly(true))
                .chain(session -> newTransactions(batch.transactions())
                        .chain(fresh -> accounts(session, batch.accounts(), now)
                                .chain(() -> transactions(session, fresh, batch.traces(), now))
                                .chain(() -> rates(session, batch.rates(), now))
                                .chain(() -> offsets(session, batch.nextOffsets()))
                                .replaceWith(new Applied(fresh.size(), batch.transactions().size() - fresh.size()))));
    }

    /** The transactions of the batch never counted before, each once, in batch order. */
    private Uni<List<TransactionApproved>> newTransactions(List<TransactionApproved> transactions) {
        if (transactions.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Set<String> transactionIds = new HashSet<>();
        Set<String> eventIds = new HashSet<>();
        for (TransactionApproved t : transactions) {
            transactionIds.add(t.getTransactionId());
            eventIds.add(t.getEventId());
        }
        return AppliedTransaction.<AppliedTransaction>list("transactionId in ?1 or eventId in ?2", transactionIds, eventIds)
                .map(seen -> {
                    Set<String> counted = new HashSet<>();
                    for (AppliedTransaction applied : seen) {
                        counted.add(applied.transactionId);
                        counted.add("event:" + applied.eventId);
                    }
                    List<TransactionApproved> fresh = new ArrayList<>();
                    for (TransactionApproved t : transactions) {
                        if (!counted.contains(t.getTransactionId()) && !counted.contains("event:" + t.getEventId())) {
                            fresh.add(t);
                            counted.add(t.getTransactionId());
                            counted.add("event:" + t.getEventId());
                        }
                    }
                    return fresh;
                });
    }

    private Uni<Void> accounts(Mutiny.Session session, List<AccountOpened> accounts, Instant now) {
        if (accounts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, AccountOpened> byId = new LinkedHashMap<>();
        for (AccountOpened account : accounts) {
            byId.put(account.getAccountId(), account);
        }
        BulkInsert views = BulkInsert.typed("{h-schema}account_view", List.of("account_id", "user_id", "base_currency", "opened_at"),
                List.of("varchar", "varchar", "char(3)", "timestamptz"),
                "on conflict (account_id) do nothing");
        Set<String> users = new LinkedHashSet<>();
        for (AccountOpened account : byId.values()) {
            views.add(account.getAccountId(), account.getUserId(), account.getBaseCurrency(), account.getOpenedAt());
            users.add(account.getUserId());
        }
        BulkInsert wallets = BulkInsert.typed("{h-schema}wallet", List.of("user_id", "version", "dirty", "changed_at"),
                List.of("varchar", "bigint", "boolean", "timestamptz"),
                "on conflict (user_id) do nothing");
        for (String user : users) {
            wallets.add(user, 0L, true, now);
        }
        // A wallet is valued in the base currency of the user's first account, whichever order the accounts came in.
        return views.execute(session).chain(() -> wallets.execute(session))
                .chain(() -> session.createNativeQuery("""
                        update {h-schema}wallet w set base_currency = f.base_currency, version = w.version + 1, dirty = true, changed_at = ?2
                        from (select distinct on (user_id) user_id, base_currency from {h-schema}account_view
                              where user_id in (?1) order by user_id, opened_at, account_id) f
                        where w.user_id = f.user_id and w.base_currency is distinct from f.base_currency""")
                        .setParameter(1, users).setParameter(2, now).executeUpdate())
                .replaceWithVoid();
    }

    private Uni<Void> transactions(Mutiny.Session session, List<TransactionApproved> fresh, Map<String, String> traces, Instant now) {
        if (fresh.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // One row per (user, currency) in the upsert: PostgreSQL refuses to update a row twice in one statement.
        Map<List<String>, BigDecimal> deltas = new LinkedHashMap<>();
        BulkInsert applied = BulkInsert.typed("{h-schema}applied_transaction", List.of("transaction_id", "event_id", "user_id"),
                List.of("varchar", "varchar", "varchar"), null);
        for (TransactionApproved t : fresh) {
            applied.add(t.getTransactionId(), t.getEventId(), t.getUserId());
            if (t.getCredited() != null) {
                deltas.merge(List.of(t.getUserId(), t.getCredited().getCurrency()), t.getCredited().getAmount(), BigDecimal::add);
            }
            if (t.getDebited() != null) {
                deltas.merge(List.of(t.getUserId(), t.getDebited().getCurrency()), t.getDebited().getAmount().negate(), BigDecimal::add);
            }
        }
        BulkInsert holdings = BulkInsert.typed("{h-schema}holding", List.of("user_id", "currency", "amount"),
                List.of("varchar", "char(3)", "numeric"),
                "on conflict (user_id, currency) do update set amount = holding.amount + excluded.amount");
        Set<String> users = new LinkedHashSet<>();
        for (Map.Entry<List<String>, BigDecimal> delta : deltas.entrySet()) {
            holdings.add(delta.getKey().get(0), delta.getKey().get(1), delta.getValue());
            users.add(delta.getKey().get(0));
        }
        // A wallet's next WalletUpdated continues the trace of the last of its transactions that carried one.
        Map<String, String> userTraces = new HashMap<>();
        for (TransactionApproved t : fresh) {
            users.add(t.getUserId());
            String trace = traces.get(t.getTransactionId());
            if (trace != null) {
                userTraces.put(t.getUserId(), trace);
            }
        }
        return applied.execute(session).chain(() -> holdings.execute(session)).chain(() -> touch(session, users, userTraces, now));
    }

    /** Marks wallets changed, creating the rows of users seen for the first time, with the trace that changed them. */
    private static Uni<Void> touch(Mutiny.Session session, Set<String> users, Map<String, String> traces, Instant now) {
        BulkInsert wallets = BulkInsert.typed("{h-schema}wallet", List.of("user_id", "version", "dirty", "changed_at", "trace_parent"),
                List.of("varchar", "bigint", "boolean", "timestamptz", "varchar"),
                "on conflict (user_id) do update set version = wallet.version + 1, dirty = true, changed_at = excluded.changed_at,"
                        + " trace_parent = coalesce(excluded.trace_parent, wallet.trace_parent)");
        for (String user : users) {
            wallets.add(user, 0L, true, now, traces.get(user));
        }
        return wallets.execute(session);
    }

    private Uni<Void> rates(Mutiny.Session session, List<RateQuoted> rates, Instant now) {
        if (rates.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, RateQuoted> latest = new HashMap<>();
        for (RateQuoted rate : rates) {
            latest.merge(rate.getPair(), rate, (a, b) -> b.getQuotedAt().isAfter(a.getQuotedAt()) ? b : a);
        }
        BulkInsert upsert = BulkInsert.typed("{h-schema}latest_rate", List.of("pair", "base_currency", "quote_currency", "rate", "quoted_at"),
                List.of("varchar", "char(3)", "char(3)", "numeric", "timestamptz"),
                "on conflict (pair) do update set rate = excluded.rate, quoted_at = excluded.quoted_at"
                        + " where latest_rate.quoted_at < excluded.quoted_at");
        for (RateQuoted rate : latest.values()) {
            upsert.add(rate.getPair(), rate.getBaseCurrency(), rate.getQuoteCurrency(), rate.getRate(), rate.getQuotedAt());
        }
        // Any wallet holding a currency other than its base may be worth something else now (directly or through
        // a cross rate); the publisher coalesces however many revaluations come within its interval.
        return upsert.execute(session)
                .chain(() -> session.createNativeQuery("""
                        update {h-schema}wallet w set version = w.version + 1, dirty = true, changed_at = ?1
                        where w.base_currency is not null and exists (select 1 from {h-schema}holding h where h.user_id = w.user_id
                              and h.amount <> 0 and h.currency <> w.base_currency)""")
                        .setParameter(1, now).executeUpdate())
                .replaceWithVoid();
    }

    private static Uni<Void> offsets(Mutiny.Session session, Map<String, Map<Integer, Long>> nextOffsets) {
        BulkInsert offsets = BulkInsert.typed("{h-schema}consumed_offset", List.of("topic", "partition_no", "next_offset"),
                List.of("varchar", "int", "bigint"),
                "on conflict (topic, partition_no) do update set next_offset = excluded.next_offset");
        nextOffsets.forEach((topic, partitions) -> partitions.forEach((partition, next) -> offsets.add(topic, partition, next)));
        return offsets.execute(session);
    }

    /** Money as the wire carries it: a decimal of scale 4. */
    public static Money money(BigDecimal amount, String currency) {
        return Amounts.money(amount, currency);
    }
}
