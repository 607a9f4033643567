package dev.kantor.wallet;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.events.Amounts;
import dev.kantor.events.AccountOpened;
import dev.kantor.events.Money;
import dev.kantor.events.RateQuoted;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionKind;

/** The wallet service's inputs as the other services publish them, and its REST API, for the wallet tests. */
final class WalletFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;

    WalletFixtures(URI base) {
        this.base = base;
    }

    static AccountOpened account(String user, String accountId, String baseCurrency, Instant openedAt) {
        return AccountOpened.newBuilder().setEventId(UUID.randomUUID().toString()).setAccountId(accountId)
                .setRequestId(UUID.randomUUID().toString()).setUserId(user).setBaseCurrency(baseCurrency)
                .setDisplayName("test").setOpenedAt(openedAt.truncatedTo(ChronoUnit.MILLIS)).build();
    }

    /** An approved transaction; {@code debited} and {@code credited} are "12.34 EUR" or null. */
    static TransactionApproved approved(String accountId, String user, TransactionKind kind, String debited, String credited) {
        return TransactionApproved.newBuilder().setEventId(UUID.randomUUID().toString())
                .setRequestEventId(UUID.randomUUID().toString()).setTransactionId(UUID.randomUUID().toString())
                .setAccountId(accountId).setUserId(user).setKind(kind).setDebited(money(debited)).setCredited(money(credited))
                .setBalancesAfter(java.util.List.of()).setApprovedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
    }

    /**
     * The same transaction under a new event id. Built field by field: Avro's copy builder deep-copies through the
     * default SpecificData, which under @QuarkusTest loads a second copy of the enum class.
     */
    /** The same transaction under a new event id (a functional duplicate). */
    static TransactionApproved retold(TransactionApproved t) {
        return copy(t, UUID.randomUUID().toString(), t.getTransactionId());
    }

    /** The same event id under a new transaction id (a technical duplicate that lies about its business key). */
    static TransactionApproved reissued(TransactionApproved t) {
        return copy(t, t.getEventId(), UUID.randomUUID().toString());
    }

    private static TransactionApproved copy(TransactionApproved t, String eventId, String transactionId) {
        return TransactionApproved.newBuilder().setEventId(eventId).setRequestEventId(t.getRequestEventId())
                .setTransactionId(transactionId).setAccountId(t.getAccountId()).setUserId(t.getUserId()).setKind(t.getKind())
                .setDebited(t.getDebited()).setCredited(t.getCredited()).setRate(t.getRate()).setBalancesAfter(t.getBalancesAfter())
                .setApprovedAt(t.getApprovedAt()).build();
    }

    static RateQuoted rate(String base, String quote, String rate) {
        return RateQuoted.newBuilder().setEventId(UUID.randomUUID().toString()).setPair(base + "/" + quote)
                .setBaseCurrency(base).setQuoteCurrency(quote).setRate(new BigDecimal(rate).setScale(10, RoundingMode.UNNECESSARY))
                .setQuotedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setSource("test").build();
    }

    static Money money(String amountAndCurrency) {
        if (amountAndCurrency == null) {
            return null;
        }
        String[] parts = amountAndCurrency.split(" ");
        return Amounts.money(parts[0], parts[1]);
    }

    /** The wallet of a user as GET /wallets/{user} answers it, or empty on 404. */
    Optional<JsonNode> wallet(String user) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/wallets/" + user)).GET().build());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(json(response, 200));
    }

    /** Balances of a wallet answer as currency to amount, amounts as the API writes them. */
    static Map<String, String> balances(JsonNode wallet) {
        Map<String, String> balances = new TreeMap<>();
        wallet.get("balances").forEach(b -> balances.put(b.get("currency").asText(), b.get("amount").asText()));
        return balances;
    }

    /** POST /admin/wallets/rebuild; returns the new generation. */
    long rebuild() {
        return json(send(HttpRequest.newBuilder(base.resolve("/admin/wallets/rebuild"))
                .POST(HttpRequest.BodyPublishers.noBody()).build()), 202).get("generation").asLong();
    }

    /** The offsets the projection has consumed, keyed "topic-partition" like KafkaTestClient.endOffsets. */
    Map<String, Long> consumed() {
        JsonNode progress = json(send(HttpRequest.newBuilder(base.resolve("/admin/wallets/rebuild")).GET().build()), 200);
        Map<String, Long> offsets = new TreeMap<>();
        progress.get("offsets").forEach(o -> offsets.put(o.get("topic").asText() + "-" + o.get("partition").asInt(),
                o.get("nextOffset").asLong()));
        return offsets;
    }

    /** Whether the projection has consumed every record up to the given end offsets (an empty partition needs nothing). */
    boolean caughtUp(Map<String, Long> ends) {
        Map<String, Long> consumed = consumed();
        return ends.entrySet().stream().allMatch(e -> e.getValue() == 0 || consumed.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(request.uri() + " failed", e);
        }
    }

    private static JsonNode json(HttpResponse<String> response, int expected) {
        if (response.statusCode() != expected) {
            throw new AssertionError(response.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
