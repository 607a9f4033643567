package dev.kantor.gateway.persistence;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A user's transaction history, newest first: what they asked for through this gateway (PENDING until its outcome
 * arrives) and every outcome the topics carried for them, also of transactions asked for elsewhere (a Python client
 * writing to the topic). Read with the reactive client in one SQL statement: no Hibernate query to parse on the event
 * loop, and the count comes with the page.
 */
@ApplicationScoped
public class History {

    /** One page of the history, and how many entries match in all. */
    public record Page(List<Map<String, Object>> items, long total) {
    }

    @Inject
    Pool pool;

    @ConfigProperty(name = "quarkus.hibernate-orm.database.default-schema")
    String schema;

    /** The user's entries, optionally of one account and one status (PENDING, APPROVED, REJECTED). */
    public Uni<Page> page(String userId, String accountId, String status, int page, int size) {
        String from = "with h as ("
                + " select r.transaction_id, r.account_id, coalesce(o.status, 'PENDING') as status, r.requested_at as at,"
                + " r.requested_at, o.outcome, r.kind, r.amount, r.currency, r.target_currency"
                + " from " + schema + ".transaction_request r left join " + schema + ".transaction_outcome o"
                + " on o.transaction_id = r.transaction_id where r.user_id = $1"
                + " union all"
                + " select o.transaction_id, cast(o.outcome as json) ->> 'accountId', o.status, o.decided_at,"
                + " null, o.outcome, null, null, null, null"
                + " from " + schema + ".transaction_outcome o where o.user_id = $1 and not exists"
                + " (select 1 from " + schema + ".transaction_request r where r.transaction_id = o.transaction_id))"
                + " select %s from h where ($2::text is null or h.account_id = $2) and ($3::text is null or h.status = $3)";
        Tuple filter = Tuple.from(java.util.Arrays.asList(userId, accountId, status));
        Tuple paged = Tuple.from(java.util.Arrays.asList(userId, accountId, status, size, (long) page * size));
        return pool.preparedQuery(from.formatted("*") + " order by h.at desc, h.transaction_id limit $4 offset $5").execute(paged)
                .chain(rows -> pool.preparedQuery(from.formatted("count(*)")).execute(filter).map(count -> {
                    List<Map<String, Object>> items = new ArrayList<>();
                    rows.forEach(row -> items.add(item(row)));
                    return new Page(items, count.iterator().next().getLong(0));
                }));
    }

    private static Map<String, Object> item(Row row) {
        Map<String, Object> json = new LinkedHashMap<>();
        String outcome = row.getString("outcome");
        if (outcome != null) {
            json.putAll(new JsonObject(outcome).getMap());
        } else {
            json.put("transactionId", row.getString("transaction_id"));
            json.put("accountId", row.getString("account_id"));
            json.put("status", "PENDING");
            json.put("kind", row.getString("kind"));
            String currency = row.getString("currency").strip();
            int minor = java.util.Currency.getInstance(currency).getDefaultFractionDigits();
            BigDecimal amount = row.getBigDecimal("amount").setScale(Math.max(minor, 0), RoundingMode.HALF_EVEN);
            json.put("amount", Map.of("amount", amount.toPlainString(), "currency", currency));
            String target = row.getString("target_currency");
            json.put("targetCurrency", target == null ? null : target.strip());
        }
        OffsetDateTime requestedAt = row.getOffsetDateTime("requested_at");
        if (requestedAt != null) {
            json.put("requestedAt", requestedAt.toInstant().toString());
        }
        return json;
    }
}
