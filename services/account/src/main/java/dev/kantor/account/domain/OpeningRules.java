package dev.kantor.account.domain;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** What makes an opening request valid; the first violation found names its field. */
public final class OpeningRules {

    private static final int ID_MAX = 64;
    private static final int USER_MAX = 128;
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@:-]+");

    private final Set<String> currencies;
    private final int displayNameMax;

    public OpeningRules(Set<String> currencies, int displayNameMax) {
        this.currencies = Set.copyOf(currencies);
        this.displayNameMax = displayNameMax;
    }

    /** Empty when the request may open an account; otherwise "field: why". */
    public Optional<String> violation(Opening opening) {
        Optional<String> ids = id("requestId", opening.requestId()).or(() -> id("accountId", opening.accountId()));
        if (ids.isPresent()) {
            return ids;
        }
        String user = opening.userId();
        if (user == null || user.isBlank()) {
            return Optional.of("userId: must not be blank");
        }
        if (user.length() > USER_MAX || !USER_ID.matcher(user).matches()) {
            return Optional.of("userId: at most " + USER_MAX + " of the characters A-Z a-z 0-9 . _ @ : -");
        }
        if (opening.baseCurrency() == null || !currencies.contains(opening.baseCurrency())) {
            return Optional.of("baseCurrency: " + opening.baseCurrency() + " is not one of " + currencies.stream().sorted().toList());
        }
        String name = opening.displayName() == null ? "" : opening.displayName().strip();
        if (name.isEmpty()) {
            return Optional.of("displayName: must not be blank");
        }
        if (name.codePointCount(0, name.length()) > displayNameMax) {
            return Optional.of("displayName: at most " + displayNameMax + " characters");
        }
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            return Optional.of("displayName: must not contain control characters");
        }
        return Optional.empty();
    }

    /** The name as it is stored: without surrounding white space. */
    public static String displayName(Opening opening) {
        return opening.displayName().strip();
    }

    private static Optional<String> id(String field, String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(field + ": must not be blank");
        }
        if (value.length() > ID_MAX) {
            return Optional.of(field + ": at most " + ID_MAX + " characters");
        }
        return Optional.empty();
    }
}
