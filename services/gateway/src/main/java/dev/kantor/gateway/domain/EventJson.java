package dev.kantor.gateway.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.events.Money;
import dev.kantor.events.RateQuoted;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionRejected;
import dev.kantor.events.WalletUpdated;

/**
 * The events as clients see them, in JSON: amounts are strings in the currency's minor units (never a JSON number,
 * which JavaScript would turn into a double). The REST answers and the SSE events carry the same documents.
 */
public final class EventJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventJson() {
    }

    public static Map<String, Object> approved(TransactionApproved t) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("transactionId", t.getTransactionId());
        json.put("accountId", t.getAccountId());
        json.put("status", "APPROVED");
        json.put("kind", t.getKind().name());
        json.put("debited", money(t.getDebited()));
        json.put("credited", money(t.getCredited()));
        json.put("rate", t.getRate() == null ? null : t.getRate().stripTrailingZeros().toPlainString());
        if (t.getQuoteId() != null) {
            json.put("quoteId", t.getQuoteId());
            json.put("quotedRate", t.getQuotedRate() == null ? null : t.getQuotedRate().stripTrailingZeros().toPlainString());
        }
        List<Object> balances = new ArrayList<>();
        t.getBalancesAfter().forEach(m -> balances.add(money(m)));
        json.put("balancesAfter", balances);
        json.put("decidedAt", t.getApprovedAt().toString());
        return json;
    }

    public static Map<String, Object> rejected(TransactionRejected t) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("transactionId", t.getTransactionId());
        json.put("accountId", t.getAccountId());
        json.put("status", "REJECTED");
        json.put("kind", t.getKind().name());
        json.put("amount", money(t.getAmount()));
        json.put("targetCurrency", t.getTargetCurrency());
        json.put("reason", t.getReason().name());
        json.put("detail", t.getDetail());
        json.put("decidedAt", t.getRejectedAt().toString());
        return json;
    }

    public static Map<String, Object> wallet(WalletUpdated w) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("userId", w.getUserId());
        json.put("baseCurrency", w.getBaseCurrency());
        List<Object> balances = new ArrayList<>();
        w.getBalances().forEach(m -> balances.add(money(m)));
        json.put("balances", balances);
        json.put("valuation", money(w.getValuation()));
        json.put("unvaluedCurrencies", new ArrayList<>(w.getUnvaluedCurrencies()));
        json.put("asOf", w.getAsOf().toString());
        return json;
    }

    public static Map<String, Object> rate(RateQuoted r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pair", r.getPair());
        json.put("base", r.getBaseCurrency());
        json.put("quote", r.getQuoteCurrency());
        json.put("rate", r.getRate().stripTrailingZeros().toPlainString());
        json.put("quotedAt", r.getQuotedAt().toString());
        return json;
    }

    public static Map<String, String> money(Money money) {
        if (money == null) {
            return null;
        }
        int minor = java.util.Currency.getInstance(money.getCurrency()).getDefaultFractionDigits();
        BigDecimal amount = money.getAmount().setScale(Math.max(minor, 0), RoundingMode.HALF_EVEN);
        Map<String, String> json = new LinkedHashMap<>();
        json.put("amount", amount.toPlainString());
        json.put("currency", money.getCurrency());
        return json;
    }

    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
