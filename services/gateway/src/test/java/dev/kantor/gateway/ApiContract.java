package dev.kantor.gateway;

import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The gateway's API contract as its documentation states it, written from the documentation and not from the
 * gateway's code: which inputs are valid, and which fields are to blame when they are not. ApiFuzzIT holds the
 * running gateway to it. A request is accepted exactly when no field is to blame; when some are, the answer must name
 * one of them.
 */
final class ApiContract {

    /** The currencies the platform trades, with their minor units (ISO 4217). */
    static final Map<String, Integer> CURRENCIES = Map.of("EUR", 2, "USD", 2, "GBP", 2, "CHF", 2, "PLN", 2, "JPY", 0, "SEK", 2,
            "NOK", 2, "CZK", 2, "BHD", 3);
    static final Set<String> KINDS = Set.of("DEPOSIT", "WITHDRAWAL", "EXCHANGE");
    static final Set<String> TRANSACTION_FIELDS = Set.of("accountId", "kind", "amount", "currency", "targetCurrency", "quoteId",
            "tolerance");
    static final Set<String> OPENING_FIELDS = Set.of("baseCurrency", "displayName");
    static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000");
    static final int DISPLAY_NAME_MAX = 64;
    /** kantor.gateway.quote.max-tolerance as documented (0.05); a tolerance has ten decimals at most, like a rate. */
    static final BigDecimal MAX_TOLERANCE = new BigDecimal("0.05");

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern DECIMAL_TEXT = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

    /** A field left out of the body. */
    enum Absent { FIELD }

    /** A field present as JSON null: for the API the same as left out. */
    enum JsonNull { NULL }

    /** A JSON number written exactly as its text says (1e3, -0, 12.50), which is what a client may send. */
    record JsonNumber(String text) {
        BigDecimal value() {
            return new BigDecimal(text);
        }
    }

    private ApiContract() {
    }

    static boolean isId(Object value) {
        return value instanceof String s && ID.matcher(s).matches();
    }

    /** The Idempotency-Key header as the server receives it (HTTP trims surrounding blanks): absent, or an id. */
    static boolean validKey(String header) {
        return header == null || isId(header.strip());
    }

    /** Last-Event-ID: absent or blank, or a non-negative event id in ASCII digits. */
    static boolean validLastEventId(String header) {
        if (header == null || header.isBlank()) {
            return true;
        }
        String id = header.strip();
        return id.matches("[0-9]{1,18}");
    }

    /** The fields to blame in an account opening (empty: valid). */
    static Set<String> openingBlame(Map<String, Object> body) {
        Set<String> blame = unknownFields(body, OPENING_FIELDS);
        Object currency = body.getOrDefault("baseCurrency", Absent.FIELD);
        Object name = body.getOrDefault("displayName", Absent.FIELD);
        if (!(currency instanceof String c && CURRENCIES.containsKey(c))) {
            blame.add("baseCurrency");
        }
        if (!(name instanceof String n && wellFormed(n) && !n.isBlank() && n.strip().length() <= DISPLAY_NAME_MAX
                && n.codePoints().noneMatch(ApiContract::hidden))) {
            blame.add("displayName");
        }
        return blame;
    }

    /** The fields to blame in a transaction request (empty: valid as far as the body goes; the account is another matter). */
    static Set<String> transactionBlame(Map<String, Object> body) {
        Set<String> blame = unknownFields(body, TRANSACTION_FIELDS);
        Object kind = body.getOrDefault("kind", Absent.FIELD);
        Object currency = body.getOrDefault("currency", Absent.FIELD);
        Object target = body.getOrDefault("targetCurrency", Absent.FIELD);
        if (!isId(body.getOrDefault("accountId", Absent.FIELD))) {
            blame.add("accountId");
        }
        boolean kindValid = kind instanceof String k && KINDS.contains(k);
        if (!kindValid) {
            blame.add("kind");
        }
        boolean currencyValid = currency instanceof String c && CURRENCIES.containsKey(c);
        if (!currencyValid) {
            blame.add("currency");
        }
        if (body.get("amount") instanceof JsonNumber n && amount(n) == null) {
            blame.add("body"); // a number out of any decimal's range: the JSON reader itself refuses the body
        }
        BigDecimal amount = amount(body.getOrDefault("amount", Absent.FIELD));
        if (amount == null || amount.signum() <= 0 || amount.compareTo(MAX_AMOUNT) > 0
                || (currencyValid && amount.stripTrailingZeros().scale() > CURRENCIES.get((String) currency))) {
            blame.add("amount");
        }
        boolean targetText = target == Absent.FIELD || target == JsonNull.NULL || (target instanceof String t && wellFormed(t));
        if (!targetText) {
            blame.add("targetCurrency"); // a wrong type is wrong whatever the kind
        } else if (kindValid && currencyValid) {
            boolean present = target instanceof String;
            if ("EXCHANGE".equals(kind) ? !(present && CURRENCIES.containsKey(target) && !target.equals(currency)) : present) {
                blame.add("targetCurrency");
            }
        }
        blameQuote(body, kindValid ? (String) kind : null, blame);
        return blame;
    }

    /**
     * Contract v2: a quoteId is an id, and only for an EXCHANGE; a tolerance goes with a quoteId and is a fraction from
     * 0 to {@link #MAX_TOLERANCE}. Whether the quote exists (404) or fits (422) is not the body's matter.
     */
    private static void blameQuote(Map<String, Object> body, String kind, Set<String> blame) {
        Object tolerance = body.getOrDefault("tolerance", Absent.FIELD);
        if (quoted(body) && (!isId(body.get("quoteId")) || kind != null && !"EXCHANGE".equals(kind))) {
            blame.add("quoteId");
        }
        if (tolerance == Absent.FIELD || tolerance == JsonNull.NULL) {
            return;
        }
        if (tolerance instanceof JsonNumber n && amount(n) == null) {
            blame.add("body");
        }
        BigDecimal fraction = amount(tolerance);
        if (!quoted(body) || fraction == null || fraction.signum() < 0 || fraction.compareTo(MAX_TOLERANCE) > 0
                || fraction.stripTrailingZeros().scale() > 10) {
            blame.add("tolerance");
        }
    }

    /** Whether the body names a quote (null is the same as none). */
    static boolean quoted(Map<String, Object> body) {
        Object quote = body.getOrDefault("quoteId", Absent.FIELD);
        return quote != Absent.FIELD && quote != JsonNull.NULL;
    }

    /** The amount a client meant, or null when it is no decimal: a string of digits with one point at most, or a JSON number. */
    static BigDecimal amount(Object value) {
        if (value instanceof String s && DECIMAL_TEXT.matcher(s).matches()) {
            return new BigDecimal(s);
        }
        if (value instanceof JsonNumber n) {
            try {
                return n.value();
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** What makes a retry the same transaction: the same account, kind, amount (by value), currencies, and quote. */
    static String fingerprint(Map<String, Object> body) {
        Object target = body.get("targetCurrency");
        String plain = body.get("accountId") + "|" + body.get("kind") + "|" + amount(body.get("amount")).stripTrailingZeros().toPlainString()
                + "|" + body.get("currency") + "|" + (target instanceof String t ? t : "");
        if (!quoted(body)) {
            return plain;
        }
        Object tolerance = body.getOrDefault("tolerance", Absent.FIELD);
        BigDecimal fraction = tolerance == Absent.FIELD || tolerance == JsonNull.NULL ? BigDecimal.ZERO : amount(tolerance);
        return plain + "|" + body.get("quoteId") + "|" + fraction.stripTrailingZeros().toPlainString();
    }

    private static Set<String> unknownFields(Map<String, Object> body, Set<String> known) {
        Set<String> blame = new LinkedHashSet<>();
        body.keySet().stream().filter(name -> !known.contains(name)).forEach(blame::add);
        return blame;
    }

    /** Text that is Unicode: no half of a surrogate pair on its own. */
    static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Characters a display name may not hold: controls, and invisible formatting other than the emoji joiner. */
    static boolean hidden(int c) {
        return Character.isISOControl(c) || (Character.getType(c) == Character.FORMAT && c != 0x200D);
    }
}
