package dev.kantor.gateway.domain;

import java.math.BigDecimal;
import java.util.Set;
import java.util.regex.Pattern;

/** The edge's validation, without Quarkus: every rule names the field it is about. */
public final class RequestRules {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Set<String> KINDS = Set.of("DEPOSIT", "WITHDRAWAL", "EXCHANGE");
    /** No single request moves more than this; larger amounts are a typo more often than a trade. */
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000");

    private final Set<String> currencies;
    private final int displayNameMax;

    public RequestRules(Set<String> currencies, int displayNameMax) {
        this.currencies = Set.copyOf(currencies);
        this.displayNameMax = displayNameMax;
    }

    /** Whether a text has the shape of the ids this API gives out and takes (accounts, transactions, keys). */
    public static boolean isId(String text) {
        return text != null && ID.matcher(text).matches();
    }

    /**
     * A transaction that may name a firm quote (an exchange only) and how much worse than it the rate may get, a
     * fraction from 0 up to {@code maxTolerance}; without a tolerance the quote is exact.
     */
    public TransactionForm transaction(String accountId, String kind, BigDecimal amount, String currency, String targetCurrency,
            String quoteId, BigDecimal tolerance, BigDecimal maxTolerance) {
        TransactionForm form = transaction(accountId, kind, amount, currency, targetCurrency);
        if (quoteId == null) {
            if (tolerance != null) {
                throw new FieldError("tolerance", "tolerance goes with a quoteId");
            }
            return form;
        }
        if (!"EXCHANGE".equals(kind)) {
            throw new FieldError("quoteId", "a quote is only for an EXCHANGE");
        }
        if (!isId(quoteId)) {
            throw new FieldError("quoteId", "quoteId must be an id given by GET /api/quotes");
        }
        BigDecimal allowed = tolerance == null ? BigDecimal.ZERO : tolerance;
        if (allowed.signum() < 0 || allowed.compareTo(maxTolerance) > 0 || allowed.stripTrailingZeros().scale() > 10) {
            throw new FieldError("tolerance", "tolerance must be a fraction from 0 to " + maxTolerance.toPlainString()
                    + " (0.005 is half a percent), with at most 10 decimals");
        }
        return new TransactionForm(form.accountId(), kind, amount, currency, targetCurrency, quoteId, allowed);
    }

    /** A quote's question: two supported currencies that differ, and an amount of the first as a transaction takes it. */
    public void quote(String from, String to, BigDecimal amount) {
        currency(from, "from");
        currency(to, "to");
        if (from.equals(to)) {
            throw new FieldError("to", "to must differ from from");
        }
        transaction("quote", "EXCHANGE", amount, from, to);
    }

    public TransactionForm transaction(String accountId, String kind, BigDecimal amount, String currency, String targetCurrency) {
        if (accountId == null || !ID.matcher(accountId).matches()) {
            throw new FieldError("accountId", "accountId is required: 1 to 64 letters, digits or ._:-");
        }
        if (kind == null || !KINDS.contains(kind)) {
            throw new FieldError("kind", "kind must be one of DEPOSIT, WITHDRAWAL, EXCHANGE");
        }
        currency(currency, "currency");
        if (amount == null) {
            throw new FieldError("amount", "amount is required, as a decimal string such as \"12.50\"");
        }
        if (amount.signum() <= 0) {
            throw new FieldError("amount", "amount must be positive, was " + amount.toPlainString());
        }
        if (amount.compareTo(MAX_AMOUNT) > 0) {
            throw new FieldError("amount", "amount must be at most " + MAX_AMOUNT.toPlainString());
        }
        int minor = java.util.Currency.getInstance(currency).getDefaultFractionDigits();
        if (amount.stripTrailingZeros().scale() > minor) {
            throw new FieldError("amount", "amount has more than the " + minor + " decimals of " + currency);
        }
        if ("EXCHANGE".equals(kind)) {
            currency(targetCurrency, "targetCurrency");
            if (targetCurrency.equals(currency)) {
                throw new FieldError("targetCurrency", "targetCurrency must differ from currency in an exchange");
            }
        } else if (targetCurrency != null) {
            throw new FieldError("targetCurrency", "targetCurrency is only for an EXCHANGE");
        }
        return new TransactionForm(accountId, kind, amount, currency, targetCurrency);
    }

    public void opening(String baseCurrency, String displayName) {
        currency(baseCurrency, "baseCurrency");
        if (displayName == null || displayName.isBlank() || displayName.strip().length() > displayNameMax
                || displayName.codePoints().anyMatch(RequestRules::hidden)) {
            throw new FieldError("displayName", "displayName is required: 1 to " + displayNameMax
                    + " characters, no control or direction-changing characters");
        }
    }

    public void idempotencyKey(String key) {
        if (key != null && !ID.matcher(key).matches()) {
            throw new FieldError("Idempotency-Key", "Idempotency-Key must be 1 to 64 letters, digits or ._:-");
        }
    }

    /**
     * Characters a name must not hide behind: controls, and invisible formatting such as right-to-left overrides
     * (U+202E) that make a name read differently from what it is; the zero-width joiner of emoji sequences is fine.
     */
    private static boolean hidden(int c) {
        return Character.isISOControl(c) || (Character.getType(c) == Character.FORMAT && c != 0x200D);
    }

    private void currency(String code, String field) {
        if (code == null || !currencies.contains(code)) {
            throw new FieldError(field, field + " must be one of " + currencies.stream().sorted().toList() + ", was " + code);
        }
    }
}
