package dev.kantor.platform;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * The reconciliation rules, as queries over one database snapshot (the transaction, wallet and gateway schemas) and
 * the outcome events read into {@code audit_outcome}. The sums are made by PostgreSQL; each rule streams its rows once.
 * Every {@code ?} of these queries is the users prefix.
 */
final class AuditRules {

    static final String LEDGER = "ledger sum = balance (account, currency)";
    static final String NEGATIVE = "no balance below zero (account; wallet)";
    static final String WALLET = "balances = wallet (user, currency)";
    static final String OUTCOMES = "one outcome per transaction, stored = published";
    static final String GATEWAY = "every gateway request has an outcome";

    private final Connection db;
    private final String usersPrefix;
    private final int limit;

    AuditRules(Connection db, AuditTarget target) {
        this.db = db;
        this.usersPrefix = target.usersPrefix();
        this.limit = target.limit();
    }

    /** Fails unless the database holds the transaction service's schema: without it there is nothing to reconcile. */
    void requireTransactionSchema() throws SQLException {
        for (String table : List.of("balance", "ledger_entry", "stored_outcome", "account_view")) {
            if (!exists("transaction." + table)) {
                throw new PlatformException("no table transaction." + table + " in " + db.getMetaData().getURL()
                        + ": not a Kantor database, or the transaction service never ran on it");
            }
        }
    }

    List<AuditReport.Rule> check(Optional<Instant> retentionCutoff) throws SQLException {
        AuditReport.Findings ledger = new AuditReport.Findings(LEDGER, limit);
        AuditReport.Findings negative = new AuditReport.Findings(NEGATIVE, limit);
        AuditReport.Findings wallet = new AuditReport.Findings(WALLET, limit);
        AuditReport.Findings outcomes = new AuditReport.Findings(OUTCOMES, limit);
        AuditReport.Findings gateway = new AuditReport.Findings(GATEWAY, limit);
        ledgerAgainstBalances(ledger, negative);
        if (exists("wallet.holding")) {
            balancesAgainstWallets(wallet, negative);
        } else {
            wallet.note("not checked: no table wallet.holding");
        }
        outcomes(outcomes, retentionCutoff);
        if (exists("gateway.transaction_request")) {
            gatewayRequests(gateway, retentionCutoff);
        } else {
            gateway.note("not checked: no table gateway.transaction_request");
        }
        return List.of(ledger.rule(), negative.rule(), wallet.rule(), outcomes.rule(), gateway.rule());
    }

    private void ledgerAgainstBalances(AuditReport.Findings ledger, AuditReport.Findings negative) throws SQLException {
        String accounts = scoped("account_id in (select account_id from transaction.account_view where starts_with(user_id, ?))");
        query("""
                with l as (select account_id, currency, sum(amount) amount from transaction.ledger_entry where %1$s
                           group by account_id, currency),
                     b as (select account_id, currency, amount from transaction.balance where %1$s)
                select coalesce(l.account_id, b.account_id), coalesce(l.currency, b.currency), l.amount, b.amount
                from l full join b on b.account_id = l.account_id and b.currency = l.currency
                order by 1, 2""".formatted(accounts), rows -> {
            String where = "account " + rows.getString(1) + " " + rows.getString(2);
            BigDecimal sum = rows.getBigDecimal(3);
            BigDecimal balance = rows.getBigDecimal(4);
            ledger.checked();
            if (orZero(sum).compareTo(orZero(balance)) != 0) {
                ledger.difference(where + ": ledger sum " + orNone(sum) + ", balance " + orNone(balance));
            }
            if (balance != null) {
                negative.checked();
                if (balance.signum() < 0) {
                    negative.difference(where + ": balance " + balance.toPlainString());
                }
            }
        });
    }

    private void balancesAgainstWallets(AuditReport.Findings wallet, AuditReport.Findings negative) throws SQLException {
        query("""
                with t as (select v.user_id, b.currency, sum(b.amount) amount
                           from transaction.balance b join transaction.account_view v on v.account_id = b.account_id
                           where %s group by v.user_id, b.currency),
                     w as (select user_id, currency, amount from wallet.holding where %s)
                select coalesce(t.user_id, w.user_id), coalesce(t.currency, w.currency), t.amount, w.amount
                from t full join w on w.user_id = t.user_id and w.currency = t.currency
                order by 1, 2""".formatted(scoped("starts_with(v.user_id, ?)"), scoped("starts_with(user_id, ?)")), rows -> {
            String where = "user " + rows.getString(1) + " " + rows.getString(2);
            BigDecimal balances = rows.getBigDecimal(3);
            BigDecimal holding = rows.getBigDecimal(4);
            wallet.checked();
            if (orZero(balances).compareTo(orZero(holding)) != 0) {
                wallet.difference(where + ": accounts' balances " + orNone(balances) + ", wallet " + orNone(holding));
            }
            if (holding != null) {
                negative.checked();
                if (holding.signum() < 0) {
                    negative.difference(where + ": wallet holding " + holding.toPlainString());
                }
            }
        });
    }

    /**
     * Per transaction id: one distinct outcome event id on the topics (a redelivery re-publishes the same id), and it
     * is the one the transaction service stored; a stored outcome is on the topics unless retention deleted it.
     */
    private void outcomes(AuditReport.Findings outcomes, Optional<Instant> retentionCutoff) throws SQLException {
        String stored = scoped("(o.account_id in (select account_id from transaction.account_view where starts_with(user_id, ?))"
                + " or o.transaction_id in (select transaction_id from audit_outcome))");
        long[] beyondRetention = {0};
        query("""
                with t as (select transaction_id, count(distinct event_id) events, min(event_id) event_id,
                                  string_agg(distinct event_id || ' on ' || topic, ', ') seen
                           from audit_outcome group by transaction_id),
                     s as (select o.transaction_id, o.event_id, o.event_type, o.account_id, o.created_at
                           from transaction.stored_outcome o where %s)
                select coalesce(t.transaction_id, s.transaction_id), t.events, t.event_id, t.seen,
                       s.event_id, s.event_type, s.account_id, s.created_at
                from t full join s on s.transaction_id = t.transaction_id
                order by 1""".formatted(stored), rows -> {
            String transaction = "transaction " + rows.getString(1);
            String storedEvent = rows.getString(5);
            outcomes.checked();
            if (rows.getLong(2) > 1) {
                outcomes.difference(transaction + ": " + rows.getLong(2) + " outcome events (" + rows.getString(4) + ")");
            } else if (storedEvent == null) {
                outcomes.difference(transaction + ": outcome " + rows.getString(4) + " has no stored outcome");
            } else if (rows.getString(3) == null) {
                Instant storedAt = rows.getObject(8, OffsetDateTime.class).toInstant();
                if (retentionCutoff.isPresent() && storedAt.isBefore(retentionCutoff.get())) {
                    beyondRetention[0]++;
                } else {
                    outcomes.difference(transaction + " (account " + rows.getString(7) + "): stored outcome " + storedEvent
                            + " (" + rows.getString(6) + ", " + storedAt + ") is on no outcome topic");
                }
            } else if (!storedEvent.equals(rows.getString(3))) {
                outcomes.difference(transaction + ": published " + rows.getString(4) + " but stored " + storedEvent);
            }
        });
        if (beyondRetention[0] > 0) {
            outcomes.note(beyondRetention[0] + " stored outcomes older than the topics' retention");
        }
    }

    /** Catches what the gateway stored (and answered 202 for) but never published, or published without an outcome. */
    private void gatewayRequests(AuditReport.Findings gateway, Optional<Instant> retentionCutoff) throws SQLException {
        query("""
                select r.transaction_id, r.user_id, r.account_id, r.published, r.requested_at, a.transaction_id
                from gateway.transaction_request r
                     left join (select distinct transaction_id from audit_outcome) a on a.transaction_id = r.transaction_id
                where %s
                order by r.requested_at, r.transaction_id""".formatted(scoped("starts_with(r.user_id, ?)")), rows -> {
            Instant requestedAt = rows.getObject(5, OffsetDateTime.class).toInstant();
            if (retentionCutoff.isPresent() && requestedAt.isBefore(retentionCutoff.get())) {
                return;
            }
            gateway.checked();
            if (rows.getString(6) == null) {
                gateway.difference("transaction " + rows.getString(1) + " (user " + rows.getString(2) + ", account " + rows.getString(3)
                        + ", requested " + requestedAt + "): " + (rows.getBoolean(4)
                        ? "published by the gateway, no outcome on the topics" : "stored by the gateway, never published"));
            }
        });
    }

    /** A row handler that may fail as JDBC does. */
    private interface Rows {
        void next(ResultSet rows) throws SQLException;
    }

    private void query(String sql, Rows handler) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            // Streamed (inside the snapshot's transaction) rather than loaded whole: a ledger can have millions of keys.
            statement.setFetchSize(5000);
            for (int i = 1; i <= statement.getParameterMetaData().getParameterCount(); i++) {
                statement.setString(i, usersPrefix);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    handler.next(rows);
                }
            }
        }
    }

    private String scoped(String condition) {
        return usersPrefix.isEmpty() ? "true" : condition;
    }

    private boolean exists(String table) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement("select to_regclass(?) is not null")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static BigDecimal orZero(BigDecimal amount) {
        return amount == null ? BigDecimal.ZERO : amount;
    }

    private static String orNone(BigDecimal amount) {
        return amount == null ? "none" : amount.toPlainString();
    }
}
