package dev.kantor.gateway.persistence;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The front door's hot path in one statement each, on the reactive SQL client: storing a transaction request (the
 * account's ownership, the idempotency key's earlier request, the named quote and the insert, sent together and
 * answered as one row) and marking it published. Through Hibernate these were two transactions of about eight round
 * trips, and Hibernate Reactive was the largest share of the gateway's CPU per request (README, "Front door").
 * Everything else of the gateway stays on Panache.
 */
@ApplicationScoped
public class RequestStore {

    /**
     * What storing found: whether the caller owns the account, the request stored now (null if none was), the
     * request stored earlier with the same idempotency key (null if none), and the named quote as stored (null if
     * none was named or it is not the caller's).
     */
    public record Attempt(boolean ownsAccount, TransactionRequest created, TransactionRequest earlier, Quote quote) {
    }

    @Inject
    Pool pool;

    @ConfigProperty(name = "quarkus.hibernate-orm.database.default-schema")
    String schema;

    private String store;
    private String published;

    @jakarta.annotation.PostConstruct
    void init() {
        // Every parameter is cast: in INSERT ... SELECT PostgreSQL cannot infer them. The insert happens only when the
        // caller owns the account, the key is new and the quote (if named) is the caller's, for this pair and not
        // expired; the answer says which of these failed. "earlier" is read from the statement's snapshot, so a
        // request stored concurrently under the same key is neither found nor inserted (on conflict): the caller asks
        // again.
        store = """
                with owner as (select 1 from %1$s.owned_account where account_id = $1::text and user_id = $2::text),
                q as (select quote_id, from_currency, to_currency, rate, expires_at from %1$s.quote
                      where quote_id = $12::text and user_id = $2::text),
                earlier as (select * from %1$s.transaction_request where user_id = $2::text and idempotency_key = $4::text),
                created as (
                  insert into %1$s.transaction_request (transaction_id, user_id, idempotency_key, account_id, event_id, kind,
                      amount, currency, target_currency, requested_at, fingerprint, published, quote_id, quoted_rate,
                      quote_tolerance, relay_after, trace_parent)
                  select $3::text, $2::text, $4::text, $1::text, $5::text, $6::text, $7::numeric, $8::text, $9::text,
                      $10::timestamptz, $11::text, false, $12::text, q.rate, $13::numeric, $14::timestamptz, $15::text
                  from owner left join q on true
                  where not exists (select 1 from earlier)
                    and ($12::text is null or (q.from_currency = $8::text and q.to_currency = $9::text
                         and q.expires_at > $10::timestamptz))
                  on conflict (user_id, idempotency_key) do nothing
                  returning transaction_id, quoted_rate)
                select exists (select 1 from owner) as owns, (select transaction_id from created) as created_id,
                    (select quoted_rate from created) as created_rate,
                    e.transaction_id, e.user_id, e.idempotency_key, e.account_id, e.event_id, e.kind, e.amount, e.currency,
                    e.target_currency, e.requested_at, e.fingerprint, e.published, e.quote_id, e.quoted_rate,
                    e.quote_tolerance, e.relay_after, e.trace_parent,
                    q.quote_id as q_id, q.from_currency as q_from, q.to_currency as q_to, q.rate as q_rate,
                    q.expires_at as q_expires
                from (select 1) one left join earlier e on true left join q on true
                """.formatted(schema);
        published = "update " + schema + ".transaction_request set published = true where transaction_id = $1";
    }

    /** Stores {@code candidate} unless its key was used, its account is not the caller's or its quote does not fit. */
    public Uni<Attempt> store(TransactionRequest r) {
        Tuple parameters = Tuple.tuple()
                .addString(r.accountId).addString(r.userId).addString(r.transactionId).addString(r.idempotencyKey)
                .addString(r.eventId).addString(r.kind).addBigDecimal(r.amount).addString(r.currency)
                .addString(r.targetCurrency).addOffsetDateTime(utc(r.requestedAt)).addString(r.fingerprint)
                .addString(r.quoteId).addBigDecimal(r.quoteTolerance).addOffsetDateTime(utc(r.relayAfter)).addString(r.traceParent);
        return pool.preparedQuery(store).execute(parameters).map(rows -> {
            Row row = rows.iterator().next();
            TransactionRequest created = null;
            if (row.getString("created_id") != null) {
                created = r;
                created.quotedRate = row.getBigDecimal("created_rate");
            }
            return new Attempt(row.getBoolean("owns"), created, row.getString("transaction_id") == null ? null : earlier(row),
                    row.getString("q_id") == null ? null : quote(row));
        });
    }

    /** Marks a request the broker acked as published, so the relay leaves it alone. */
    public Uni<Void> published(String transactionId) {
        return pool.preparedQuery(published).execute(Tuple.of(transactionId)).replaceWithVoid();
    }

    private static TransactionRequest earlier(Row row) {
        TransactionRequest r = new TransactionRequest();
        r.transactionId = row.getString("transaction_id");
        r.userId = row.getString("user_id");
        r.idempotencyKey = row.getString("idempotency_key");
        r.accountId = row.getString("account_id");
        r.eventId = row.getString("event_id");
        r.kind = row.getString("kind");
        r.amount = row.getBigDecimal("amount");
        r.currency = row.getString("currency");
        r.targetCurrency = row.getString("target_currency");
        r.requestedAt = row.getOffsetDateTime("requested_at").toInstant();
        r.fingerprint = row.getString("fingerprint");
        r.published = row.getBoolean("published");
        r.quoteId = row.getString("quote_id");
        r.quotedRate = row.getBigDecimal("quoted_rate");
        r.quoteTolerance = row.getBigDecimal("quote_tolerance");
        r.relayAfter = row.getOffsetDateTime("relay_after").toInstant();
        r.traceParent = row.getString("trace_parent");
        return r;
    }

    private static Quote quote(Row row) {
        Quote q = new Quote();
        q.quoteId = row.getString("q_id");
        q.fromCurrency = row.getString("q_from");
        q.toCurrency = row.getString("q_to");
        q.rate = row.getBigDecimal("q_rate");
        q.expiresAt = row.getOffsetDateTime("q_expires").toInstant();
        return q;
    }

    private static OffsetDateTime utc(java.time.Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
