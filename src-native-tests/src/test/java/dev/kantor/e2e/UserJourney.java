package dev.kantor.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.events.RateQuoted;
import dev.kantor.testsupport.GatewayClient;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.SseClient;

/**
 * One user's whole journey through the gateway only, as the web page makes it: sign in, open an account, watch the
 * outcome and wallet streams, deposit (and retry the deposit), exchange at live rates both ways, withdraw, and be
 * refused a withdrawal beyond the balance. The user's own model of the balances follows the outcomes: every exchange
 * must be at a rate the rate service published, rounded HALF_EVEN to the bought currency's minor units, and the
 * wallet (by GET and by its stream) must end equal to the model.
 */
final class UserJourney {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    /** One request of the journey and what the user expects of it. */
    record Step(String kind, String amount, String currency, String targetCurrency, String expectedStatus) {
    }

    static final List<Step> STEPS = List.of(
            new Step("DEPOSIT", "500.00", "EUR", null, "APPROVED"),
            new Step("EXCHANGE", "120.00", "EUR", "USD", "APPROVED"),
            new Step("EXCHANGE", "80.00", "EUR", "CHF", "APPROVED"),
            new Step("WITHDRAWAL", "30.00", "EUR", null, "APPROVED"),
            new Step("EXCHANGE", "10.00", "USD", "EUR", "APPROVED"),
            new Step("WITHDRAWAL", "10000.00", "EUR", null, "REJECTED"));

    final String user;
    final List<String> transactionIds = new ArrayList<>();
    private final GatewayClient client;
    private final Map<String, BigDecimal> model = new TreeMap<>();

    UserJourney(URI gateway, String user) {
        this.user = user;
        this.client = GatewayClient.signIn(gateway, user);
    }

    /** Runs every step and checks each outcome, the wallet and the streams against the model. */
    void run(KafkaTestClient.Tail rates) {
        String account = client.openAccount("EUR", "Journey of " + user);
        try (SseClient outcomes = client.stream("transactions"); SseClient wallet = client.stream("wallet");
             SseClient liveRates = client.stream("rates")) {
            await().atMost(WAIT).until(() -> outcomes.status() == 200 && wallet.status() == 200 && liveRates.status() == 200);
            for (Step step : STEPS) {
                Map<String, String> body = new LinkedHashMap<>(Map.of("accountId", account, "kind", step.kind(), "amount", step.amount(),
                        "currency", step.currency()));
                if (step.targetCurrency() != null) {
                    body.put("targetCurrency", step.targetCurrency());
                }
                String key = UUID.randomUUID().toString();
                String id = client.transact(body, key, 202).get("transactionId").asText();
                assertEquals(id, client.transact(body, key, 202).get("transactionId").asText(), "a retried key is the same transaction");
                transactionIds.add(id);
                JsonNode outcome = read(outcomes.await(e -> e.data().contains(id), WAIT).data());
                assertEquals(step.expectedStatus(), outcome.get("status").asText(), step + " -> " + outcome);
                assertEquals(step.expectedStatus(), client.get("/api/transactions/" + id, 200).get("status").asText());
                if (outcome.get("status").asText().equals("APPROVED")) {
                    apply(step, outcome, rates);
                } else {
                    assertEquals("INSUFFICIENT_FUNDS", outcome.get("reason").asText(), outcome.toString());
                }
            }
            // 404 until the wallet service has published the user's first wallet.
            await().atMost(WAIT).ignoreExceptions().until(() -> balances(client.get("/api/wallet", 200)).equals(model));
            await().atMost(WAIT).until(() -> !wallet.events().isEmpty()
                    && balances(read(wallet.events().get(wallet.events().size() - 1).data())).equals(model));
            Map<String, Long> perTransaction = outcomes.events().stream().map(e -> read(e.data()).get("transactionId").asText())
                    .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
            assertEquals(Set.copyOf(transactionIds), perTransaction.keySet(), "the stream carries this user's outcomes, and only those");
            assertTrue(perTransaction.values().stream().allMatch(n -> n == 1), "one outcome per transaction on the stream: " + perTransaction);
            liveRates.await(e -> e.data().contains("\"EUR/USD\""), WAIT);
        }
    }

    /** What the model expects of an approved step, checked against the outcome, then applied. */
    private void apply(Step step, JsonNode outcome, KafkaTestClient.Tail rates) {
        BigDecimal amount = new BigDecimal(step.amount());
        switch (step.kind()) {
            case "DEPOSIT" -> add(step.currency(), amount);
            case "WITHDRAWAL" -> add(step.currency(), amount.negate());
            default -> {
                assertEquals(0, amount.compareTo(money(outcome.get("debited"), step.currency())), outcome.toString());
                BigDecimal rate = new BigDecimal(outcome.get("rate").asText());
                assertTrue(published(rate, step.currency(), step.targetCurrency(), rates), "the rate " + rate + " of " + outcome
                        + " was published by the rate service");
                BigDecimal bought = amount.multiply(rate).setScale(2, RoundingMode.HALF_EVEN);
                assertEquals(bought, money(outcome.get("credited"), step.targetCurrency()), outcome.toString());
                add(step.currency(), amount.negate());
                add(step.targetCurrency(), bought);
            }
        }
        for (JsonNode balance : outcome.get("balancesAfter")) {
            assertEquals(0, model.get(balance.get("currency").asText()).compareTo(new BigDecimal(balance.get("amount").asText())),
                    "balance after " + step + ": " + outcome);
        }
    }

    /** A quote of the pair, or the inverse of a quote of the opposite pair at the ledger's 10 decimals. */
    private static boolean published(BigDecimal rate, String sold, String bought, KafkaTestClient.Tail rates) {
        return rates.await(RateQuoted.class, q -> {
            if (q.getPair().equals(sold + "/" + bought)) {
                return q.getRate().compareTo(rate) == 0;
            }
            return q.getPair().equals(bought + "/" + sold)
                    && BigDecimal.ONE.divide(q.getRate(), 10, RoundingMode.HALF_EVEN).compareTo(rate) == 0;
        }, 1, WAIT).size() == 1;
    }

    private void add(String currency, BigDecimal amount) {
        model.merge(currency, amount, BigDecimal::add);
        model.computeIfPresent(currency, (c, v) -> v.setScale(2, RoundingMode.UNNECESSARY));
    }

    private static BigDecimal money(JsonNode money, String currency) {
        assertEquals(currency, money.get("currency").asText(), money.toString());
        return new BigDecimal(money.get("amount").asText());
    }

    /** The non-zero balances of a wallet document, by currency. */
    private static Map<String, BigDecimal> balances(JsonNode wallet) {
        Map<String, BigDecimal> balances = new TreeMap<>();
        for (JsonNode balance : wallet.path("balances")) {
            BigDecimal amount = new BigDecimal(balance.get("amount").asText()).setScale(2, RoundingMode.UNNECESSARY);
            if (amount.signum() != 0) {
                balances.put(balance.get("currency").asText(), amount);
            }
        }
        return balances;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
