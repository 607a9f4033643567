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
        List<TransactionApproved> distinct = distinct(batch.transactions());
        return Panache.getSession().invoke(session -> session.setDefaultReadOnly(true))
                .chain(session -> accounts(session, batch.accounts(), now)
                        .chain(() -> transactions(session, distinct, batch.traces(), now))
                        .call(() -> rates(session, batch.rates(), now))
                        .call(() -> offsets(session, batch.nextOffsets()))
                        .map(counted -> new Applied(counted, batch.transactions().size() - counted)));
    }

    /** The batch's transactions, each once by transaction id and by event id, in batch order (the first one wins). */
    static List<TransactionApproved> distinct(List<TransactionApproved> transactions) {
        Set<String> seen = new HashSet<>();
        List<TransactionApproved> distinct = new ArrayList<>(transactions.size());
        for (TransactionApproved t : transactions) {
            String event = "event:" + t.getEventId();
            if (!seen.contains(t.getTransactionId()) && !seen.contains(event)) {
                seen.add(t.getTransactionId());
                seen.add(event);
                distinct.add(t);
            }
        }
        return distinct;
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

    /**
     * Counts the transactions never counted before, in one statement: the rows the applied_transaction insert keeps
     * (a transaction id or event id already there conflicts, and nothing happens) are the only ones whose credits and
     * debits move holdings and whose users' wallets are marked changed. The database decides what is new, so a
     * replica that raced this one for the same records cannot count them twice, and no lookup of a thousand ids
     * precedes the writes. Returns how many transactions were counted.
     */
    private Uni<Integer> transactions(Mutiny.Session session, List<TransactionApproved> distinct, Map<String, String> traces,
            Instant now) {
        if (distinct.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        BulkInsert input = BulkInsert.typed("input", List.of("ord", "transaction_id", "event_id", "user_id",
                        "credit_currency", "credit_amount", "debit_currency", "debit_amount", "trace_parent"),
                List.of("int", "varchar", "varchar", "varchar", "char(3)", "numeric", "char(3)", "numeric", "varchar"), null);
        int ord = 0;
        for (TransactionApproved t : distinct) {
            Money credited = t.getCredited();
            Money debited = t.getDebited();
            input.add(ord++, t.getTransactionId(), t.getEventId(), t.getUserId(),
                    credited == null ? null : credited.getCurrency(), credited == null ? null : credited.getAmount(),
                    debited == null ? null : debited.getCurrency(), debited == null ? null : debited.getAmount(),
                    traces.get(t.getTransactionId()));
        }
        List<String[]> parameters = input.columnParameters();
        // A wallet's next WalletUpdated continues the trace of the last of its new transactions that carried one.
        var query = session.createNativeQuery("with input as (" + input.select() + "),"
                + " fresh as (insert into {h-schema}applied_transaction (transaction_id, event_id, user_id)"
                + "   select transaction_id, event_id, user_id from input on conflict do nothing returning transaction_id),"
                + " counted as (select input.* from input join fresh using (transaction_id)),"
                + " moves as (select user_id, credit_currency as currency, credit_amount as amount from counted where credit_currency is not null"
                + "   union all select user_id, debit_currency, -debit_amount from counted where debit_currency is not null),"
                + " holdings as (insert into {h-schema}holding (user_id, currency, amount)"
                + "   select user_id, currency, sum(amount) from moves group by user_id, currency"
                + "   on conflict (user_id, currency) do update set amount = holding.amount + excluded.amount),"
                + " wallets as (insert into {h-schema}wallet (user_id, version, dirty, changed_at, trace_parent)"
                + "   select user_id, 0, true, cast(?" + (parameters.size() + 1) + " as timestamptz),"
                + "     (array_agg(trace_parent order by ord desc) filter (where trace_parent is not null))[1]"
                + "   from counted group by user_id"
                + "   on conflict (user_id) do update set version = wallet.version + 1, dirty = true, changed_at = excluded.changed_at,"
                + "     trace_parent = coalesce(excluded.trace_parent, wallet.trace_parent))"
                + " select cast(count(*) as int) from fresh", Integer.class);
        for (int column = 0; column < parameters.size(); column++) {
            query.setParameter(column + 1, parameters.get(column));
        }
        query.setParameter(parameters.size() + 1, now);
        return query.getSingleResult();
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
