package dev.kantor.gateway.rest;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The API's request and response bodies as OpenAPI documents them. The resources read bodies as bytes (JsonBody, so
 * that every refusal names its field) and answer maps written from the events (domain.EventJson); these records say
 * what those are, so that Swagger's "Try it out" sends a real body. Every decimal is a string, never a JSON number.
 */
public final class ApiSchemas {

    private ApiSchemas() {
    }

    /** Dev-only sign-in. */
    @Schema(name = "SignIn")
    public record SignIn(@Schema(required = true, examples = "alice") String user) {
    }

    /** A signed-in demo user's bearer token. */
    @Schema(name = "SignedIn")
    public record SignedIn(String token, String user) {
    }

    /** An account to open. */
    @Schema(name = "OpeningRequest")
    public record Opening(@Schema(required = true, examples = "EUR", description = "one of the supported ISO 4217 codes") String baseCurrency,
            @Schema(required = true, examples = "Savings", maxLength = 64) String displayName) {
    }

    /** An opening taken: the account follows on GET /api/accounts once opened. */
    @Schema(name = "OpeningAccepted")
    public record OpeningAccepted(String accountId, String requestId, @Schema(enumeration = "OPENING") String status) {
    }

    /** One of the caller's accounts. */
    @Schema(name = "Account")
    public record Account(String accountId, String baseCurrency, String displayName,
            @Schema(enumeration = {"OPEN", "OPENING"}) String status,
            @Schema(format = "date-time", description = "when it was opened; absent while opening") String openedAt) {
    }

    /** A transaction to make. */
    @Schema(name = "TransactionRequest")
    public record TransactionBody(@Schema(required = true) String accountId,
            @Schema(required = true, enumeration = {"DEPOSIT", "WITHDRAWAL", "EXCHANGE"}) String kind,
            @Schema(required = true, examples = "12.50", pattern = "^[0-9]+(\\.[0-9]+)?$",
                    description = "a decimal string: digits and at most one point, no more decimals than the currency has") String amount,
            @Schema(required = true, examples = "EUR") String currency,
            @Schema(examples = "USD", description = "for an EXCHANGE only: the currency bought") String targetCurrency,
            @Schema(description = "for an EXCHANGE only: a quote from GET /api/quotes") String quoteId,
            @Schema(examples = "0.005", pattern = "^[0-9]+(\\.[0-9]+)?$",
                    description = "with a quoteId: how much worse than the quote the rate may get, a fraction") String tolerance) {
    }

    /** A transaction taken: its outcome follows on the stream and by GET. */
    @Schema(name = "TransactionAccepted")
    public record TransactionAccepted(String transactionId, @Schema(enumeration = "PENDING") String status,
            @Schema(examples = "/api/transactions/{transactionId}") String self,
            @Schema(examples = "/api/stream/transactions") String stream) {
    }

    /** An amount of a currency, in its minor units, as a decimal string. */
    @Schema(name = "Money")
    public record Money(@Schema(examples = "12.50") String amount, @Schema(examples = "EUR") String currency) {
    }

    /** A transaction as the caller sees it: pending, approved (with amounts) or rejected (with the reason). */
    @Schema(name = "Transaction")
    public record Transaction(String transactionId, String accountId,
            @Schema(enumeration = {"PENDING", "APPROVED", "REJECTED"}) String status,
            @Schema(enumeration = {"DEPOSIT", "WITHDRAWAL", "EXCHANGE"}) String kind,
            @Schema(description = "approved: what left the account") Money debited,
            @Schema(description = "approved: what entered the account") Money credited,
            @Schema(examples = "1.085", description = "approved exchange: the rate it was made at") String rate,
            String quoteId, @Schema(examples = "1.085") String quotedRate,
            @Schema(description = "approved: the account's balances after it") List<Money> balancesAfter,
            @Schema(description = "pending or rejected: the amount asked for") Money amount, String targetCurrency,
            @Schema(description = "rejected: the reason's code", examples = "INSUFFICIENT_FUNDS") String reason,
            @Schema(description = "rejected: the reason in words") String detail,
            @Schema(format = "date-time") String decidedAt, @Schema(format = "date-time") String requestedAt) {
    }

    /** A page of the caller's history. */
    @Schema(name = "TransactionPage")
    public record TransactionPage(List<Transaction> items, int page, int size,
            @Schema(description = "how many transactions match, on every page") long total) {
    }

    /** The caller's wallet. */
    @Schema(name = "Wallet")
    public record Wallet(String userId, String baseCurrency, List<Money> balances, Money valuation, List<String> unvaluedCurrencies,
            @Schema(format = "date-time") String asOf) {
    }

    /** The latest rate of a pair. */
    @Schema(name = "Rate")
    public record Rate(@Schema(examples = "EUR/USD") String pair, String base, String quote, @Schema(examples = "1.085") String rate,
            @Schema(format = "date-time") String quotedAt) {
    }

    /** A firm quote. */
    @Schema(name = "Quote")
    public record QuoteAnswer(String quoteId, String from, String to, @Schema(examples = "100.00") String amount,
            @Schema(examples = "1.085") String rate, @Schema(examples = "108.50") String amountReceived,
            @Schema(format = "date-time") String rateQuotedAt, long rateAgeMillis, @Schema(format = "date-time") String expiresAt) {
    }

    /** A pair's recent rates, oldest first. */
    @Schema(name = "RateHistory")
    public record RateHistory(@Schema(examples = "EUR/USD") String pair, List<RatePoint> points) {
    }

    /** One rate of a pair at a time. */
    @Schema(name = "RatePoint")
    public record RatePoint(@Schema(examples = "1.085") String rate, @Schema(format = "date-time") String quotedAt) {
    }
}
