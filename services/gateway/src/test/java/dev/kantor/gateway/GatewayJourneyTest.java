package dev.kantor.gateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.kantor.events.RateQuoted;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionRequested;
import dev.kantor.events.WalletUpdated;
import dev.kantor.testsupport.CatalogueMetrics;
import dev.kantor.testsupport.Browser;
import dev.kantor.testsupport.GatewayClient;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.KantorPlatformResource;
import dev.kantor.testsupport.PackagedServices;
import dev.kantor.testsupport.SseClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The gateway against the running platform and the packaged account, transaction and wallet services: the whole
 * journey through REST and SSE, idempotent retries, resuming a stream, who may see what, and invalid input.
 */
@QuarkusTest
@QuarkusTestResource(KantorPlatformResource.class)
class GatewayJourneyTest {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    static PackagedServices services;
    static KafkaTestClient kafka;

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    static void services() {
        services = new PackagedServices(List.of("account", "transaction", "wallet"));
        kafka = new KafkaTestClient(services.endpoints());
    }

    @AfterAll
    static void stop() {
        services.close();
        kafka.close();
    }

    /**
     * One user holds at most eight streams at once (kantor.gateway.max-streams-per-user): the ninth is answered 429 with
     * a problem body, another user is not affected, and a stream the client closes is given back.
     */
    @Test
    void aUserHoldsAtMostEightOpenStreamsAndGetsOneBackWhenItCloses() {
        GatewayClient carol = GatewayClient.signIn(base, "streams-" + UUID.randomUUID().toString().substring(0, 8));
        GatewayClient dave = GatewayClient.signIn(base, "streams-" + UUID.randomUUID().toString().substring(0, 8));
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                SseClient stream = carol.stream(i % 2 == 0 ? "rates" : "transactions");
                open.add(stream);
                await().atMost(WAIT).until(() -> stream.status() == 200);
            }
            JsonNode refused = carol.get("/api/stream/wallet", 429);
            assertEquals(429, refused.get("status").asInt());
            assertTrue(refused.get("detail").asText().contains("at most 8 open streams"), refused.toString());
            try (SseClient others = dave.stream("rates")) {
                await().atMost(WAIT).until(() -> others.status() == 200);
            }
            open.remove(0).close();
            // The server sees the connection close a moment later: until then the ninth is still refused.
            await().atMost(WAIT).until(() -> {
                SseClient again = carol.stream("wallet");
                await().atMost(WAIT).until(() -> again.status() != 0);
                if (again.status() == 200) {
                    open.add(again);
                    return true;
                }
                again.close();
                return false;
            });
        } finally {
            open.forEach(SseClient::close);
        }
    }

    @Test
    void theWholeJourneyThroughRestAndSse() throws Exception {
        // A user of its own, so that the wallet starts empty (the demo users keep theirs across runs).
        String user = "journey-" + UUID.randomUUID().toString().substring(0, 8);
        GatewayClient alice = GatewayClient.signIn(base, user);
        kafka.send("rates", "EUR/USD", rate("EUR", "USD", "1.0850"));
        String account = alice.openAccount("EUR", "Journey " + UUID.randomUUID());

        try (SseClient outcomes = alice.stream("transactions"); SseClient wallet = alice.stream("wallet");
             KafkaTestClient.Tail requests = kafka.tail("transaction-requests");
             KafkaTestClient.Tail decided = kafka.tail("transactions"); KafkaTestClient.Tail wallets = kafka.tail("wallets")) {
            await().atMost(WAIT).until(() -> outcomes.status() == 200 && wallet.status() == 200);
            String key = UUID.randomUUID().toString();
            // The client's own trace (unsampled, as locally nothing is recorded): every record the deposit causes carries it.
            String trace = UUID.randomUUID().toString().replace("-", "");
            JsonNode accepted = alice.transact(Map.of("accountId", account, "kind", "DEPOSIT", "amount", "100.00", "currency", "EUR"), key,
                    "00-" + trace + "-" + trace.substring(0, 16) + "-00", 202);
            String deposit = accepted.get("transactionId").asText();
            JsonNode retried = alice.transact(Map.of("accountId", account, "kind", "DEPOSIT", "amount", "100.00", "currency", "EUR"), key, 202);
            assertEquals(deposit, retried.get("transactionId").asText(), "a retry with the same key is the same transaction");

            SseClient.Event approved = outcomes.await(e -> e.data().contains(deposit), WAIT);
            assertTrue(approved.data().contains("\"APPROVED\""), approved.data());
            assertEquals("APPROVED", alice.get("/api/transactions/" + deposit, 200).get("status").asText());
            wallet.await(e -> e.data().contains("\"100.00\""), WAIT);
            assertEquals(1, requests.seen(TransactionRequested.class, r -> r.getTransactionId().equals(deposit)).size(),
                    "the retry published nothing");
            assertInTrace(trace, requests.awaitRecords(TransactionRequested.class, r -> r.getTransactionId().equals(deposit), 1, WAIT));
            assertInTrace(trace, decided.awaitRecords(TransactionApproved.class, t -> t.getTransactionId().equals(deposit), 1, WAIT));
            assertInTrace(trace, wallets.awaitRecords(WalletUpdated.class, w -> w.getUserId().equals(user)
                    && w.getBalances().stream().anyMatch(m -> m.getAmount().compareTo(new BigDecimal("100")) == 0), 1, WAIT));

            String exchange = alice.transact(Map.of("accountId", account, "kind", "EXCHANGE", "amount", "50.00", "currency", "EUR",
                    "targetCurrency", "USD"), UUID.randomUUID().toString(), 202).get("transactionId").asText();
            SseClient.Event exchanged = outcomes.await(e -> e.data().contains(exchange), WAIT);
            // At the rate the transaction service holds when it decides: 1.0850, or a newer one another test sent.
            JsonNode made = JSON.readTree(exchanged.data());
            assertEquals("APPROVED", made.path("status").asText(), exchanged.data());
            BigDecimal bought = new BigDecimal("50.00").multiply(new BigDecimal(made.get("rate").asText())).setScale(2, RoundingMode.HALF_EVEN);
            assertEquals("USD", made.get("credited").get("currency").asText(), exchanged.data());
            assertEquals(bought.toPlainString(), made.get("credited").get("amount").asText(), exchanged.data());

            String tooMuch = alice.transact(Map.of("accountId", account, "kind", "WITHDRAWAL", "amount", "1000.00", "currency", "EUR"),
                    UUID.randomUUID().toString(), 202).get("transactionId").asText();
            SseClient.Event rejected = outcomes.await(e -> e.data().contains(tooMuch), WAIT);
            assertTrue(rejected.data().contains("INSUFFICIENT_FUNDS"), rejected.data());
            wallet.await(e -> e.data().contains("\"" + bought.toPlainString() + "\""), WAIT);
        }
    }

    /** The records of {@code events} carry a W3C traceparent of trace {@code trace} (each hop's own span under it). */
    private static void assertInTrace(String trace, List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> records) {
        assertFalse(records.isEmpty());
        for (var record : records) {
            String header = KafkaTestClient.header(record, "traceparent");
            assertEquals(1L, java.util.stream.StreamSupport.stream(record.headers().headers("traceparent").spliterator(), false).count(),
                    "one traceparent, not two");
            assertTrue(header != null && header.matches("00-" + trace + "-[0-9a-f]{16}-0[01]"),
                    "traceparent " + header + " is not in trace " + trace);
        }
    }

    @Test
    void aReconnectingClientGetsTheOutcomesItMissed() {
        GatewayClient alice = GatewayClient.signIn(base, "alice");
        String account = alice.openAccount("USD", "Resume " + UUID.randomUUID());
        String lastId;
        try (SseClient outcomes = alice.stream("transactions")) {
            await().atMost(WAIT).until(() -> outcomes.status() == 200);
            String first = alice.transact(Map.of("accountId", account, "kind", "DEPOSIT", "amount", "10.00", "currency", "USD"),
                    UUID.randomUUID().toString(), 202).get("transactionId").asText();
            outcomes.await(e -> e.data().contains(first), WAIT);
            lastId = outcomes.lastEventId();
        }
        // Away: two outcomes happen while no stream is open.
        List<String> missed = new ArrayList<>();
        for (String amount : List.of("1.00", "2.00")) {
            missed.add(alice.transact(Map.of("accountId", account, "kind", "DEPOSIT", "amount", amount, "currency", "USD"),
                    UUID.randomUUID().toString(), 202).get("transactionId").asText());
        }
        for (String id : missed) {
            await().atMost(WAIT).until(() -> alice.get("/api/transactions/" + id, 200).get("status").asText().equals("APPROVED"));
        }
        try (SseClient resumed = alice.stream("transactions", "Last-Event-ID", lastId)) {
            for (String id : missed) {
                resumed.await(e -> e.data().contains(id), WAIT);
            }
            assertTrue(resumed.events().stream().allMatch(e -> Long.parseLong(e.id()) > Long.parseLong(lastId)), "nothing before the last id");
        }
    }

    @Test
    void nobodySeesOrTouchesAnotherUsersAccountsTransactionsOrStreams() {
        GatewayClient alice = GatewayClient.signIn(base, "alice");
        GatewayClient bob = GatewayClient.signIn(base, "bob");
        String account = alice.openAccount("EUR", "Private " + UUID.randomUUID());
        try (SseClient bobsOutcomes = bob.stream("transactions"); SseClient bobsWallet = bob.stream("wallet");
             SseClient alicesOutcomes = alice.stream("transactions")) {
            await().atMost(WAIT).until(() -> bobsOutcomes.status() == 200 && alicesOutcomes.status() == 200);
            String deposit = alice.transact(Map.of("accountId", account, "kind", "DEPOSIT", "amount", "5.00", "currency", "EUR"),
                    UUID.randomUUID().toString(), 202).get("transactionId").asText();
            alicesOutcomes.await(e -> e.data().contains(deposit), WAIT);

            bob.transact(Map.of("accountId", account, "kind", "WITHDRAWAL", "amount", "5.00", "currency", "EUR"),
                    UUID.randomUUID().toString(), 404);
            bob.get("/api/transactions/" + deposit, 404);
            assertFalse(bob.get("/api/accounts", 200).toString().contains(account));
            assertTrue(bobsOutcomes.events().stream().noneMatch(e -> e.data().contains(deposit)), "bob's stream carries only bob's events");
            assertTrue(bobsWallet.events().stream().noneMatch(e -> e.data().contains("\"alice\"")), "bob's wallet stream is bob's");
        }
        GatewayClient anonymous = GatewayClient.anonymous(base);
        for (String path : List.of("/api/accounts", "/api/wallet", "/api/rates", "/api/transactions/x", "/api/stream/transactions",
                "/api/quotes?from=EUR&to=USD&amount=1")) {
            anonymous.get(path, 401);
        }
        GatewayClient forged = GatewayClient.withToken(base, "eyJhbGciOiJub25lIn0.eyJ1cG4iOiJhbGljZSJ9.");
        forged.get("/api/accounts", 401);
    }

    @Test
    void theApiIsDocumentedWithOpenApiAndSwaggerUi() {
        GatewayClient anonymous = GatewayClient.anonymous(base);
        String openapi = anonymous.getText("/q/openapi?format=json", 200);
        for (String path : List.of("/api/sign-in", "/api/accounts", "/api/transactions", "/api/transactions/{transactionId}",
                "/api/wallet", "/api/rates", "/api/stream/{stream}", "/api/quotes")) {
            assertTrue(openapi.contains("\"" + path + "\""), path + " is documented");
        }
        assertTrue(anonymous.getText("/q/swagger-ui/", 200).contains("swagger"), "Swagger UI is served");
    }

    /**
     * The OpenAPI document says what the API really takes and answers: typed request bodies (no plain string), the
     * real status codes with problem bodies, and every decimal a string.
     */
    @Test
    void theOpenApiDocumentHasTypedBodiesRealStatusesAndDecimalStrings() throws Exception {
        JsonNode doc = JSON.readTree(GatewayClient.anonymous(base).getText("/q/openapi?format=json", 200));
        JsonNode paths = doc.get("paths");
        JsonNode schemas = doc.get("components").get("schemas");
        Map<String, List<String>> statuses = Map.of(
                "post /api/transactions", List.of("202", "400", "401", "403", "404", "413", "422", "503"),
                "get /api/transactions", List.of("200", "400", "401", "403"),
                "get /api/transactions/{transactionId}", List.of("200", "401", "403", "404"),
                "post /api/accounts", List.of("202", "400", "401", "403", "413", "422", "503"),
                "get /api/accounts", List.of("200", "401", "403"),
                "get /api/quotes", List.of("200", "400", "401", "403", "404"),
                "get /api/wallet", List.of("200", "401", "403", "404"),
                "get /api/rates/history", List.of("200", "400", "401", "403"),
                "get /api/stream/{stream}", List.of("200", "400", "401", "403", "404", "429"),
                "post /api/sign-in", List.of("200", "400", "404"));
        for (Map.Entry<String, List<String>> e : statuses.entrySet()) {
            String[] methodPath = e.getKey().split(" ");
            JsonNode operation = paths.get(methodPath[1]).get(methodPath[0]);
            List<String> documented = new ArrayList<>();
            operation.get("responses").fieldNames().forEachRemaining(documented::add);
            assertEquals(e.getValue().stream().sorted().toList(), documented.stream().sorted().toList(), e.getKey());
            for (String status : documented) {
                JsonNode content = operation.get("responses").get(status).get("content");
                if (status.startsWith("4") || status.startsWith("5")) {
                    assertEquals("#/components/schemas/Problem", content.get("application/problem+json").get("schema").get("$ref").asText(),
                            e.getKey() + " " + status + " is a problem body");
                } else {
                    assertTrue(content != null && content.size() > 0 && !content.toString().contains("OutboundSseEvent"),
                            e.getKey() + " " + status + " has a schema: " + content);
                }
            }
            if (methodPath[0].equals("post")) {
                JsonNode schema = operation.get("requestBody").get("content").get("application/json").get("schema");
                assertTrue(schema.has("$ref"), e.getKey() + " takes a typed body, not " + schema);
            }
        }
        JsonNode transaction = schemas.get("TransactionRequest").get("properties");
        assertEquals("string", transaction.get("amount").get("type").asText());
        assertEquals(List.of("accountId", "amount", "currency", "kind"),
                JSON.convertValue(schemas.get("TransactionRequest").get("required"), List.class).stream().sorted().toList());
        // Decimals are strings everywhere: no schema of the API has a JSON number.
        for (String decimal : List.of("Money.amount", "Transaction.rate", "Transaction.quotedRate", "Rate.rate", "Quote.rate",
                "Quote.amountReceived", "TransactionRequest.tolerance")) {
            String[] at = decimal.split("\\.");
            assertEquals("string", schemas.get(at[0]).get("properties").get(at[1]).get("type").asText(), decimal);
        }
        assertFalse(schemas.toString().contains("\"number\""), "no JSON number anywhere: " + schemas);
        assertFalse(paths.toString().contains("OutboundSseEvent") || schemas.has("OutboundSseEvent"), "no framework types");
    }

    /** SSE frames carry only standard fields, and the first events of a new rates stream have distinct ids (or none). */
    @Test
    void sseFramesAreCleanAndTheirIdsDistinct() throws Exception {
        kafka.send("rates", "EUR/USD", rate("EUR", "USD", "1.0850"));
        kafka.send("rates", "EUR/GBP", rate("EUR", "GBP", "0.8500"));
        GatewayClient dave = GatewayClient.signIn(base, "sse-" + UUID.randomUUID().toString().substring(0, 8));
        await().atMost(WAIT).until(() -> dave.get("/api/rates", 200).size() >= 2);
        try (SseClient rates = dave.stream("rates")) {
            await().atMost(WAIT).until(() -> rates.events().size() >= 2);
            for (SseClient.Event event : rates.events()) {
                assertTrue(JSON.readTree(event.data()).path("pair").isTextual(), "data is the rate's JSON object: " + event.data());
            }
            List<String> ids = rates.events().stream().map(SseClient.Event::id).filter(java.util.Objects::nonNull).toList();
            assertEquals(ids.size(), new java.util.HashSet<>(ids).size(), "distinct ids: " + ids);
        }
        java.net.http.HttpResponse<java.io.InputStream> raw = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(base.resolve("/api/stream/rates")).header("Authorization", "Bearer " + dave.token())
                        .header("Accept", "text/event-stream").build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        List<String> lines = new ArrayList<>();
        try (java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(raw.body(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line; lines.stream().filter(l -> l.startsWith("data:")).count() < 2 && (line = reader.readLine()) != null; ) {
                lines.add(line);
            }
        }
        for (String line : lines) {
            assertTrue(line.isEmpty() || line.matches("^(id|event|data|retry):.*") || line.startsWith(":"), "a standard SSE line: " + line);
        }
    }


    /**
     * A client that retries before the first attempt answered (a double click, a proxy's retry): the same key sent
     * twelve times at once is one transaction for every answer and one stored request, for a deposit and for an
     * exchange at a firm quote (whose losing retries must not be told the quote expired), and the same key with
     * another amount is refused 422.
     */
    @Test
    void concurrentRetriesWithOneKeyAreOneTransaction() throws Exception {
        GatewayClient erin = GatewayClient.signIn(base, "retry-" + UUID.randomUUID().toString().substring(0, 8));
        kafka.send("rates", "EUR/USD", rate("EUR", "USD", "1.0850"));
        String account = erin.openAccount("EUR", "Retries " + UUID.randomUUID());
        String key = UUID.randomUUID().toString();
        String deposit = concurrently(erin, Map.of("accountId", account, "kind", "DEPOSIT", "amount", "3.00", "currency", "EUR"), key);
        erin.transact(Map.of("accountId", account, "kind", "DEPOSIT", "amount", "4.00", "currency", "EUR"), key, 422);
        await().atMost(WAIT).until(() -> erin.get("/api/transactions/" + deposit, 200).get("status").asText().equals("APPROVED"));

        String quoteId = await().atMost(WAIT).ignoreExceptions().until(() -> erin.get("/api/quotes?from=EUR&to=USD&amount=1.00", 200),
                q -> q.has("quoteId")).get("quoteId").asText();
        String exchange = concurrently(erin, Map.of("accountId", account, "kind", "EXCHANGE", "amount", "1.00", "currency", "EUR",
                "targetCurrency", "USD", "quoteId", quoteId, "tolerance", "0.01"), UUID.randomUUID().toString());
        await().atMost(WAIT).until(() -> !erin.get("/api/transactions/" + exchange, 200).get("status").asText().equals("PENDING"));
        JsonNode history = erin.get("/api/transactions?accountId=" + account, 200);
        assertEquals(2, history.get("total").asInt(), "one stored request each: " + history);
    }

    /** Sends one request twelve times at once with one key; every answer must be 202 with the same transaction. */
    private static String concurrently(GatewayClient client, Map<String, String> body, String key) {
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.CompletableFuture<String>> answers = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 12; i++) {
                answers.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return client.transact(body, key, 202).get("transactionId").asText();
                }, threads));
            }
            start.countDown();
            List<String> ids = answers.stream().map(java.util.concurrent.CompletableFuture::join).distinct().toList();
            assertEquals(1, ids.size(), "every concurrent retry got the same transaction: " + ids);
            return ids.get(0);
        }
    }

    @Test
    void invalidInputIsAnsweredWithTheFieldNamedAndNothingIsPublished() {
        GatewayClient alice = GatewayClient.signIn(base, "alice");
        String account = alice.openAccount("EUR", "Invalid " + UUID.randomUUID());
        Object[][] cases = {
                {Map.of("accountId", account, "kind", "DEPOSIT", "amount", "0", "currency", "EUR"), "amount"},
                {Map.of("accountId", account, "kind", "DEPOSIT", "amount", "-1.00", "currency", "EUR"), "amount"},
                {Map.of("accountId", account, "kind", "DEPOSIT", "amount", "1.001", "currency", "EUR"), "amount"},
                {Map.of("accountId", account, "kind", "DEPOSIT", "amount", "ten", "currency", "EUR"), "amount"},
                {Map.of("accountId", account, "kind", "DEPOSIT", "amount", "1e3", "currency", "EUR"), "amount"},
                {Map.of("accountId", account, "kind", "DEPOSIT", "amount", " 5 ", "currency", "EUR"), "amount"},
                {Map.of("accountId", account, "kind", "DEPOSIT", "amount", "1,50", "currency", "EUR"), "amount"},
                {Map.of("accountId", account, "kind", "DEPOSIT", "currency", "EUR"), "amount"},
                {Map.of("accountId", account, "kind", "DEPOSIT", "amount", "1.00", "currency", "XYZ"), "currency"},
                {Map.of("accountId", account, "kind", "EXCHANGE", "amount", "1.00", "currency", "EUR", "targetCurrency", "EUR"), "targetCurrency"},
                {Map.of("accountId", account, "kind", "LOAN", "amount", "1.00", "currency", "EUR"), "kind"},
                {Map.of("kind", "DEPOSIT", "amount", "1.00", "currency", "EUR"), "accountId"},
                {"{\"accountId\": ", "body"},
                {"[1, 2]", "body"},
                {Map.of("accountId", account, "kind", "DEPOSIT", "amount", "1.00", "currency", 978), "currency"},
        };
        try (KafkaTestClient.Tail requests = kafka.tail("transaction-requests")) {
            for (Object[] c : cases) {
                JsonNode problem = c[0] instanceof String raw ? alice.postRaw("/api/transactions", raw, 400)
                        : alice.transact(castMap(c[0]), UUID.randomUUID().toString(), 400);
                assertEquals(c[1], problem.get("field").asText(), c[0] + " -> " + problem);
                assertEquals(400, problem.get("status").asInt());
            }
            alice.postRaw("/api/transactions", "{\"pad\": \"" + "x".repeat(20_000) + "\"}", 413);
            String valid = alice.transact(Map.of("accountId", account, "kind", "DEPOSIT", "amount", "1.00", "currency", "EUR"),
                    UUID.randomUUID().toString(), 202).get("transactionId").asText();
            requests.await(TransactionRequested.class, r -> r.getTransactionId().equals(valid), 1, WAIT);
            assertEquals(List.of(valid), requests.seen(TransactionRequested.class, r -> r.getAccountId().equals(account)).stream()
                    .map(r -> r.getTransactionId()).toList(), "only the valid request reached the topic");
        }
    }

    /**
     * An exchange at a firm quote (contract v2): made at the transaction service's rate while that is not worse for
     * the user than the quote beyond the tolerance, rejected with RATE_MOVED, naming both rates, once it is. EUR/GBP
     * is this test's own pair, so that moving it disturbs no other test.
     */
    @Test
    void anExchangeAtAFirmQuoteIsHonouredUntilTheRateMovesAgainstTheUser() {
        GatewayClient bob = GatewayClient.signIn(base, "quote-" + UUID.randomUUID().toString().substring(0, 8));
        kafka.send("rates", "EUR/GBP", rate("EUR", "GBP", "0.8500"));
        String account = bob.openAccount("EUR", "Quotes " + UUID.randomUUID());
        String deposit = bob.transact(Map.of("accountId", account, "kind", "DEPOSIT", "amount", "100.00", "currency", "EUR"),
                UUID.randomUUID().toString(), 202).get("transactionId").asText();
        await().atMost(WAIT).until(() -> "APPROVED".equals(bob.get("/api/transactions/" + deposit, 200).path("status").asText()));

        JsonNode quote = await().atMost(WAIT).ignoreExceptions()
                .until(() -> bob.get("/api/quotes?from=EUR&to=GBP&amount=50.00", 200), q -> q.get("rate").asText().equals("0.85"));
        assertEquals("42.50", quote.get("amountReceived").asText());
        assertTrue(quote.get("rateAgeMillis").asLong() >= 0 && Instant.parse(quote.get("expiresAt").asText()).isAfter(Instant.now()), quote.toString());
        String quoteId = quote.get("quoteId").asText();

        try (KafkaTestClient.Tail requests = kafka.tail("transaction-requests"); KafkaTestClient.Tail approvals = kafka.tail("transactions")) {
            String honoured = bob.transact(Map.of("accountId", account, "kind", "EXCHANGE", "amount", "50.00", "currency", "EUR",
                    "targetCurrency", "GBP", "quoteId", quoteId, "tolerance", "0.001"), UUID.randomUUID().toString(), 202)
                    .get("transactionId").asText();
            TransactionRequested sent = requests.await(TransactionRequested.class, r -> r.getTransactionId().equals(honoured), 1, WAIT).get(0);
            assertEquals(quoteId, sent.getQuoteId());
            assertEquals(0, new BigDecimal("0.85").compareTo(sent.getQuotedRate()));
            assertEquals(0, new BigDecimal("0.001").compareTo(sent.getQuoteTolerance()));
            TransactionApproved approved = approvals.await(TransactionApproved.class, a -> a.getTransactionId().equals(honoured), 1, WAIT).get(0);
            assertEquals(quoteId, approved.getQuoteId(), "the approval says which quote it honoured");
            assertEquals(new BigDecimal("42.5000"), approved.getCredited().getAmount());
        }

        // The market moves against the user (0.83 < 0.85 less 0.1 %): once the transaction service has the new rate
        // (a probe exchange without a quote is made at it), the quote is no longer honoured.
        JsonNode second = bob.get("/api/quotes?from=EUR&to=GBP&amount=10.00", 200);
        kafka.send("rates", "EUR/GBP", rate("EUR", "GBP", "0.8300"));
        await().atMost(WAIT).until(() -> {
            String probe = bob.transact(Map.of("accountId", account, "kind", "EXCHANGE", "amount", "1.00", "currency", "EUR",
                    "targetCurrency", "GBP"), UUID.randomUUID().toString(), 202).get("transactionId").asText();
            JsonNode outcome = await().atMost(WAIT).until(() -> bob.get("/api/transactions/" + probe, 200),
                    o -> !o.path("status").asText().equals("PENDING"));
            return "0.83".equals(outcome.path("rate").asText());
        });
        String moved = bob.transact(Map.of("accountId", account, "kind", "EXCHANGE", "amount", "10.00", "currency", "EUR",
                "targetCurrency", "GBP", "quoteId", second.get("quoteId").asText(), "tolerance", "0.001"), UUID.randomUUID().toString(), 202)
                .get("transactionId").asText();
        JsonNode rejected = await().atMost(WAIT).until(() -> bob.get("/api/transactions/" + moved, 200),
                o -> !o.path("status").asText().equals("PENDING"));
        assertEquals("REJECTED", rejected.get("status").asText(), rejected.toString());
        assertEquals("RATE_MOVED", rejected.get("reason").asText());
        assertTrue(rejected.get("detail").asText().contains("0.83") && rejected.get("detail").asText().contains("0.85"), rejected.toString());
    }

    @Test
    void aQuoteIsForOneUserOnePairAndAnExchangeOnlyAndUntilItExpires() throws Exception {
        GatewayClient carol = GatewayClient.signIn(base, "quote-" + UUID.randomUUID().toString().substring(0, 8));
        GatewayClient dave = GatewayClient.signIn(base, "quote-" + UUID.randomUUID().toString().substring(0, 8));
        kafka.send("rates", "EUR/GBP", rate("EUR", "GBP", "0.8500"));
        String account = carol.openAccount("EUR", "Quotes " + UUID.randomUUID());
        String quoteId = await().atMost(WAIT).ignoreExceptions().until(() -> carol.get("/api/quotes?from=EUR&to=GBP&amount=5.00", 200),
                q -> q.has("quoteId")).get("quoteId").asText();
        Object[][] cases = {
                {Map.of("accountId", account, "kind", "DEPOSIT", "amount", "1.00", "currency", "EUR", "quoteId", quoteId), 400, "quoteId"},
                {Map.of("accountId", account, "kind", "EXCHANGE", "amount", "1.00", "currency", "EUR", "targetCurrency", "GBP",
                        "quoteId", quoteId, "tolerance", "0.5"), 400, "tolerance"},
                {Map.of("accountId", account, "kind", "EXCHANGE", "amount", "1.00", "currency", "EUR", "targetCurrency", "GBP",
                        "tolerance", "0.01"), 400, "tolerance"},
                {Map.of("accountId", account, "kind", "EXCHANGE", "amount", "1.00", "currency", "EUR", "targetCurrency", "GBP",
                        "quoteId", UUID.randomUUID().toString()), 404, "quoteId"},
                {Map.of("accountId", account, "kind", "EXCHANGE", "amount", "1.00", "currency", "EUR", "targetCurrency", "USD",
                        "quoteId", quoteId), 422, "quoteId"},
        };
        for (Object[] c : cases) {
            JsonNode problem = carol.transact(castMap(c[0]), UUID.randomUUID().toString(), (int) c[1]);
            assertEquals(c[2], problem.get("field").asText(), c[0] + " -> " + problem);
        }
        // Time passes (the quote's expiry moved into the past by the operator's hand, rather than waiting 30 s).
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(services.endpoints().jdbcUrl(),
                services.endpoints().postgresUser(), services.endpoints().postgresPassword());
             java.sql.PreparedStatement expire = db.prepareStatement(
                     "UPDATE gateway.quote SET expires_at = now() - interval '1 second' WHERE quote_id = ?")) {
            expire.setString(1, quoteId);
            assertEquals(1, expire.executeUpdate());
        }
        JsonNode expired = carol.transact(Map.of("accountId", account, "kind", "EXCHANGE", "amount", "1.00", "currency", "EUR",
                "targetCurrency", "GBP", "quoteId", quoteId), UUID.randomUUID().toString(), 422);
        assertEquals("quoteId", expired.get("field").asText());
        assertTrue(expired.get("detail").asText().contains("expired"), expired.toString());
        // Past its retention (kantor.gateway.quote.retention, 1 h), the next quote anyone asks for sweeps it away.
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(services.endpoints().jdbcUrl(),
                services.endpoints().postgresUser(), services.endpoints().postgresPassword());
             java.sql.PreparedStatement expire = db.prepareStatement(
                     "UPDATE gateway.quote SET expires_at = now() - interval '61 minutes' WHERE quote_id = ?");
             java.sql.PreparedStatement count = db.prepareStatement("SELECT count(*) FROM gateway.quote WHERE quote_id = ?")) {
            expire.setString(1, quoteId);
            assertEquals(1, expire.executeUpdate());
            String fresh = dave.get("/api/quotes?from=EUR&to=GBP&amount=5.00", 200).get("quoteId").asText();
            count.setString(1, quoteId);
            try (java.sql.ResultSet rows = count.executeQuery()) {
                assertTrue(rows.next() && rows.getInt(1) == 0, "the expired quote was swept");
            }
            count.setString(1, fresh);
            try (java.sql.ResultSet rows = count.executeQuery()) {
                assertTrue(rows.next() && rows.getInt(1) == 1, "the new quote is kept");
            }
        }
        JsonNode swept = carol.transact(Map.of("accountId", account, "kind", "EXCHANGE", "amount", "1.00", "currency", "EUR",
                "targetCurrency", "GBP", "quoteId", quoteId), UUID.randomUUID().toString(), 404);
        assertEquals("quoteId", swept.get("field").asText(), swept.toString());
        String daveAccount = dave.openAccount("EUR", "Not Carol's " + UUID.randomUUID());
        JsonNode foreign = dave.transact(Map.of("accountId", daveAccount, "kind", "EXCHANGE", "amount", "1.00", "currency", "EUR",
                "targetCurrency", "GBP", "quoteId", quoteId), UUID.randomUUID().toString(), 404);
        assertEquals("quoteId", foreign.get("field").asText(), "another user's quote does not exist for this one");
        assertEquals("from", carol.get("/api/quotes?from=XXX&to=GBP&amount=5.00", 400).get("field").asText());
        assertEquals("to", carol.get("/api/quotes?from=EUR&to=EUR&amount=5.00", 400).get("field").asText());
        assertEquals("amount", carol.get("/api/quotes?from=EUR&to=GBP&amount=-5", 400).get("field").asText());
        assertEquals("amount", carol.get("/api/quotes?from=EUR&to=GBP&amount=1.001", 400).get("field").asText());
    }

    @Test
    void theWebPageInARealBrowser() {
        kafka.send("rates", "EUR/USD", rate("EUR", "USD", "1.0850"));
        String name = "Browser " + UUID.randomUUID().toString().substring(0, 8);
        try (Browser browser = Browser.start()) {
            browser.open(base.toString());
            signIn(browser, "page-" + UUID.randomUUID().toString().substring(0, 8));

            // An opening's error is said in the accounts section, at its field, not under "Move money".
            browser.type("#open-name", " ");
            browser.click("#open-button");
            browser.awaitText("#open-name-error", text -> text.startsWith("The name is required"), WAIT);
            assertEquals("true", browser.attribute("#open-name", "aria-invalid"));
            assertEquals("", browser.text("#tx-status"), "nothing said under Move money");

            browser.select("#open-currency", "EUR");
            browser.type("#open-name", name);
            browser.click("#open-button");
            browser.awaitScript("return document.getElementById('open-name-error').textContent === ''"
                    + " && !document.getElementById('open-name').hasAttribute('aria-invalid')", WAIT);
            String account = openedAccount(browser, name);

            String valueBefore = browser.text("#valuation");
            browser.select("#tx-kind", "DEPOSIT");
            browser.type("#tx-amount", "25.00");
            browser.select("#tx-currency", "EUR");
            browser.click("#tx-button");
            browser.awaitText("#outcomes", text -> text.contains("25.00 EUR") && text.contains("Approved"), WAIT);
            browser.awaitText("#valuation", text -> !text.equals(valueBefore) && text.endsWith("EUR"), WAIT);
            // The account's own balance, from its latest approved transaction.
            browser.awaitText("#account-" + account, text -> text.contains(" EUR"), WAIT);

            // An exchange: a firm quote first, then confirmed.
            browser.select("#tx-kind", "EXCHANGE");
            browser.type("#tx-amount", "10.00");
            browser.select("#tx-target", "USD");
            assertEquals("Get quote", browser.text("#tx-button"));
            browser.click("#tx-button");
            browser.awaitText("#quote-text", text -> text.equals("10.00 EUR → 10.85 USD at 1.085"), WAIT);
            assertTrue(browser.text("#quote-expiry").matches("This rate is yours for [0-9]+ s\\."), browser.text("#quote-expiry"));
            browser.click("#quote-confirm");
            browser.awaitText("#outcomes", text -> text.contains("10.00 EUR → 10.85 USD") && text.contains("at 1.085 (quoted 1.085)"), WAIT);
            assertFalse(browser.present("#quote:not([hidden])"), "the quote is gone once confirmed");
            browser.awaitText("#balances", text -> text.contains("USD"), WAIT);
            // A quote left to expire cannot be confirmed (its expiry moved into the past, rather than waiting 30 s).
            browser.type("#tx-amount", "1.00");
            browser.click("#tx-button");
            browser.awaitText("#quote-text", text -> text.startsWith("1.00 EUR → "), WAIT);
            browser.script("quote.expiresAt = Date.now() - 1000;");
            browser.awaitText("#quote-expiry", text -> text.startsWith("This quote expired at"), WAIT);
            assertEquals("true", browser.attribute("#quote-confirm", "disabled"));
            browser.click("#quote-cancel");

            // Errors at their field, in the API's words, cleared by the next submission.
            browser.select("#tx-kind", "DEPOSIT");
            browser.type("#tx-amount", "1.001");
            browser.click("#tx-button");
            browser.awaitText("#tx-amount-error", text -> text.contains("more than the 2 decimals of EUR"), WAIT);
            assertEquals("true", browser.attribute("#tx-amount", "aria-invalid"));
            assertEquals("polite", browser.attribute("#tx-status", "aria-live"));
            browser.type("#tx-amount", "1,000.00");
            browser.click("#tx-button");
            browser.awaitText("#tx-amount-error", text -> text.contains("without thousands separators"), WAIT);
            // A rejection says why in words, not as the reason's enum.
            browser.select("#tx-kind", "WITHDRAWAL");
            browser.type("#tx-amount", "5000");
            browser.click("#tx-button");
            browser.awaitScript("return document.getElementById('tx-amount-error').textContent === ''"
                    + " && !document.getElementById('tx-amount').hasAttribute('aria-invalid')", WAIT);
            String rejected = browser.awaitText("#outcomes tr.REJECTED", text -> text.contains("Rejected"), WAIT);
            assertFalse(rejected.contains("INSUFFICIENT_FUNDS"), rejected);
            assertTrue(rejected.contains("5000.00 EUR"), rejected);

            browser.awaitText("#rates", text -> text.contains("EUR/USD") && text.contains("1.0850"), WAIT);
            // The rates' chart: two moves of EUR/USD, the last one down, drawn from the rates of the last minutes.
            kafka.send("rates", "EUR/USD", rate("EUR", "USD", "1.0990"));
            browser.awaitText("#rate-EUR-USD", text -> text.contains("1.0990") && text.contains("up"), WAIT);
            kafka.send("rates", "EUR/USD", rate("EUR", "USD", "1.0850"));
            browser.awaitText("#rate-EUR-USD", text -> text.contains("1.0850") && text.contains("down"), WAIT);
            assertTrue(browser.present("#rate-EUR-USD svg.chart polyline"), "a chart of the recent minutes");
            assertTrue(browser.attribute("#rate-EUR-USD svg.chart", "aria-label").contains("to 1.085"),
                    browser.attribute("#rate-EUR-USD svg.chart", "aria-label"));
            assertTrue(browser.present("#outcomes tr[data-status='APPROVED'] td[data-label='Time']"), "outcome rows show their time");
            assertEquals(name, browser.text("#outcomes tr[data-status='APPROVED'] td[data-label='Account']"), "and their account");
            screenshots(browser, "journey");
        }
    }

    /**
     * A double click on Send is one request (the button is disabled while it is in flight), the amount is cleared
     * once it is accepted, and sending the same form again after an answer that never arrived reuses its
     * Idempotency-Key: the gateway takes it as the same transaction. "25,50" is read as 25.50.
     */
    @Test
    void aDoubleClickOnSendMovesMoneyOnceAndARetryIsTheSameRequest() {
        String user = "double-" + UUID.randomUUID().toString().substring(0, 8);
        GatewayClient api = GatewayClient.signIn(base, user);
        try (Browser browser = Browser.start(); KafkaTestClient.Tail requests = kafka.tail("transaction-requests")) {
            browser.viewport(1280, 900);
            browser.open(base.toString());
            signIn(browser, user);
            browser.type("#open-name", "Double");
            browser.click("#open-button");
            String account = openedAccount(browser, "Double");

            browser.select("#tx-kind", "DEPOSIT");
            browser.select("#tx-currency", "EUR");
            browser.type("#tx-amount", "25,50");
            browser.doubleClick("#tx-button");
            browser.awaitText("#outcomes", text -> text.contains("25.50 EUR") && text.contains("Approved"), WAIT);
            assertEquals("", browser.script("return document.getElementById('tx-amount').value;").asText(), "the amount is cleared");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
                    requests.seen(TransactionRequested.class, r -> r.getAccountId().equals(account)).size() == 1);
            JsonNode approved = api.get("/api/transactions?accountId=" + account, 200);
            assertEquals(1, approved.get("total").asInt(), approved.toString());
            assertEquals("APPROVED", approved.get("items").get(0).get("status").asText());

            // The first answer is lost on its way back (the request itself reached the gateway): the page says sending
            // again is safe, and the second click sends the same key.
            browser.script("window.sentKeys = []; const real = window.fetch; let lost = false;"
                    + "window.fetch = async (path, init) => { const answer = await real(path, init);"
                    + " if (path === '/api/transactions' && init.method === 'POST') { window.sentKeys.push(init.headers['Idempotency-Key']);"
                    + "  if (!lost) { lost = true; throw new TypeError('network'); } }"
                    + " return answer; };");
            browser.type("#tx-amount", "3.00");
            browser.click("#tx-button");
            browser.awaitText("#tx-status", text -> text.contains("Sending again is safe"), WAIT);
            assertEquals("3.00", browser.script("return document.getElementById('tx-amount').value;").asText(), "kept for the retry");
            browser.click("#tx-button");
            browser.awaitText("#outcomes", text -> text.contains("3.00 EUR"), WAIT);
            JsonNode keys = browser.script("return window.sentKeys;");
            assertEquals(2, keys.size(), keys.toString());
            assertEquals(keys.get(0).asText(), keys.get(1).asText(), "the retry carries the same Idempotency-Key");
            await().atMost(WAIT).until(() -> api.get("/api/transactions?status=APPROVED&accountId=" + account, 200).get("total").asInt() == 2);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() ->
                    requests.seen(TransactionRequested.class, r -> r.getAccountId().equals(account)).size() == 2);
            screenshots(browser, "double-click");
        }
    }

    /**
     * The history comes from GET /api/transactions (also what happened before this page was opened), a reload keeps
     * the session and the history, and signing out ends it (a reload then stays signed out). At 390 px nothing is
     * wider than the screen.
     */
    @Test
    void theHistorySurvivesAReloadAndSigningOutEndsTheSession() {
        String user = "history-" + UUID.randomUUID().toString().substring(0, 8);
        GatewayClient api = GatewayClient.signIn(base, user);
        String account = api.openAccount("EUR", "A rather long account name for a narrow phone screen");
        List<String> ids = new ArrayList<>();
        for (String amount : List.of("1.00", "2.00", "3.00")) {
            ids.add(api.transact(Map.of("accountId", account, "kind", "DEPOSIT", "amount", amount, "currency", "EUR"),
                    UUID.randomUUID().toString(), 202).get("transactionId").asText());
        }
        ids.add(api.transact(Map.of("accountId", account, "kind", "WITHDRAWAL", "amount", "100.00", "currency", "EUR"),
                UUID.randomUUID().toString(), 202).get("transactionId").asText());
        for (String id : ids) {
            await().atMost(WAIT).until(() -> !"PENDING".equals(api.get("/api/transactions/" + id, 200).get("status").asText()));
        }
        try (Browser browser = Browser.start()) {
            browser.open(base.toString());
            signIn(browser, user);
            for (String id : ids) {
                browser.awaitText("#tx-" + id, text -> !text.isEmpty(), WAIT);
            }
            assertEquals(4, browser.script("return document.querySelectorAll('#outcomes tr').length;").asInt());
            assertTrue(browser.text("#outcomes tr:first-child").contains("100.00 EUR"), "newest first");

            browser.reload();
            browser.awaitText("#who", user::equals, WAIT);
            for (String id : ids) {
                browser.awaitText("#tx-" + id, text -> !text.isEmpty(), WAIT);
            }
            browser.awaitText("#account-" + account, text -> text.contains("6.00 EUR"), WAIT);
            browser.viewport(390, 844);
            browser.awaitScript("return window.innerWidth === 390", WAIT);
            assertNoOverflow(browser, "history");
            screenshots(browser, "history");

            browser.click("#signout-button");
            browser.awaitScript("return !document.getElementById('signin').hidden && document.getElementById('app').hidden", WAIT);
            assertTrue(browser.script("return sessionStorage.getItem('kantor.session') === null"
                    + " && document.querySelectorAll('#outcomes tr').length === 0;").asBoolean(), "nothing of the session is left");
            browser.reload();
            browser.awaitScript("return document.readyState === 'complete' && !document.getElementById('signin').hidden"
                    + " && document.getElementById('app').hidden", WAIT);
        }
    }

    @Test
    void theHistoryIsPagedFilteredAndTheCallersOnly() {
        GatewayClient erin = GatewayClient.signIn(base, "paged-" + UUID.randomUUID().toString().substring(0, 8));
        GatewayClient frank = GatewayClient.signIn(base, "paged-" + UUID.randomUUID().toString().substring(0, 8));
        String first = erin.openAccount("EUR", "First");
        String second = erin.openAccount("USD", "Second");
        List<String> ids = new ArrayList<>();
        for (String[] t : new String[][] {{first, "DEPOSIT", "1.00", "EUR"}, {first, "DEPOSIT", "2.00", "EUR"},
                {second, "DEPOSIT", "3.00", "USD"}, {first, "WITHDRAWAL", "50.00", "EUR"}, {first, "DEPOSIT", "4.00", "EUR"}}) {
            ids.add(erin.transact(Map.of("accountId", t[0], "kind", t[1], "amount", t[2], "currency", t[3]),
                    UUID.randomUUID().toString(), 202).get("transactionId").asText());
        }
        await().atMost(WAIT).until(() -> erin.get("/api/transactions?status=PENDING", 200).get("total").asInt() == 0);

        List<String> all = new ArrayList<>();
        for (int page = 0; page < 3; page++) {
            JsonNode answer = erin.get("/api/transactions?size=2&page=" + page, 200);
            assertEquals(5, answer.get("total").asInt(), answer.toString());
            assertEquals(page, answer.get("page").asInt());
            answer.get("items").forEach(item -> all.add(item.get("transactionId").asText()));
        }
        assertEquals(ids.reversed(), all, "every transaction once, newest first");
        assertEquals(0, erin.get("/api/transactions?size=2&page=3", 200).get("items").size());

        JsonNode ofSecond = erin.get("/api/transactions?accountId=" + second, 200);
        assertEquals(1, ofSecond.get("total").asInt());
        assertEquals(ids.get(2), ofSecond.get("items").get(0).get("transactionId").asText());
        JsonNode rejected = erin.get("/api/transactions?status=REJECTED&accountId=" + first, 200);
        assertEquals(1, rejected.get("total").asInt());
        JsonNode refusal = rejected.get("items").get(0);
        assertEquals(ids.get(3), refusal.get("transactionId").asText());
        assertEquals("INSUFFICIENT_FUNDS", refusal.get("reason").asText());
        assertFalse(refusal.get("detail").asText().isBlank(), refusal.toString());
        assertEquals("50.00", refusal.get("amount").get("amount").asText(), "amounts are strings");
        JsonNode approved = erin.get("/api/transactions?status=APPROVED", 200);
        assertEquals(4, approved.get("total").asInt());
        assertTrue(approved.get("items").get(0).get("balancesAfter").isArray(), approved.toString());
        assertTrue(approved.get("items").get(0).get("credited").get("amount").isTextual());

        // Somebody else's history is not there, even asked for by account.
        assertEquals(0, frank.get("/api/transactions", 200).get("total").asInt());
        assertEquals(0, frank.get("/api/transactions?accountId=" + first, 200).get("total").asInt());

        for (String[] bad : new String[][] {{"page=-1", "page"}, {"page=abc", "page"}, {"size=0", "size"},
                {"size=101", "size"}, {"size=1e2", "size"}, {"status=approved", "status"}, {"accountId=%20", "accountId"}}) {
            JsonNode problem = erin.get("/api/transactions?" + bad[0], 400);
            assertEquals(bad[1], problem.get("field").asText(), bad[0] + " -> " + problem);
            assertEquals(400, problem.get("status").asInt());
        }
        GatewayClient.anonymous(base).get("/api/transactions", 401);
    }

    /** GET /api/rates/history: a pair's recent rates from the feed, the last of each 30 seconds, oldest first. */
    @Test
    void theRecentRatesOfAPairAreServedOldestFirst() {
        GatewayClient ivan = GatewayClient.signIn(base, "rates-" + UUID.randomUUID().toString().substring(0, 8));
        kafka.send("rates", "CHF/PLN", rate("CHF", "PLN", "4.5000"));
        await().atMost(WAIT).until(() -> ivan.get("/api/rates", 200).toString().contains("CHF/PLN"));
        kafka.send("rates", "CHF/PLN", rate("CHF", "PLN", "4.5100"));
        JsonNode pair = await().atMost(WAIT).until(() -> {
            for (JsonNode h : ivan.get("/api/rates/history?minutes=5", 200)) {
                if (h.get("pair").asText().equals("CHF/PLN")) {
                    return h;
                }
            }
            return null;
        }, h -> h != null && h.get("points").get(h.get("points").size() - 1).get("rate").asText().equals("4.51"));
        JsonNode last = pair.get("points").get(pair.get("points").size() - 1);
        assertTrue(last.get("rate").isTextual() && Instant.parse(last.get("quotedAt").asText()).isAfter(Instant.now().minusSeconds(300)), pair.toString());
        for (String bad : List.of("0", "61", "x", "-5")) {
            assertEquals("minutes", ivan.get("/api/rates/history?minutes=" + bad, 400).get("field").asText(), bad);
        }
        GatewayClient.anonymous(base).get("/api/rates/history", 401);
    }

    /**
     * The gateway's own metrics: requests taken by kind (a retry apart), SSE clients connected, events delivered, and
     * the feed's delay from stored to broadcast.
     */
    @Test
    void theGatewayCountsItsRequestsStreamsAndDeliveries() {
        GatewayClient judy = GatewayClient.signIn(base, "metrics-" + UUID.randomUUID().toString().substring(0, 8));
        GatewayClient anonymous = GatewayClient.anonymous(base);
        String account = judy.openAccount("EUR", "Metrics");
        double deposits = metric(anonymous, "kantor_gateway_requests_total{kind=\"deposit\",result=\"new\"}");
        double retries = metric(anonymous, "kantor_gateway_requests_total{kind=\"deposit\",result=\"retry\"}");
        double delivered = metric(anonymous, "kantor_gateway_events_delivered_total{stream=\"transactions\"}");
        double delays = metric(anonymous, "kantor_gateway_feed_delay_seconds_count");
        try (SseClient outcomes = judy.stream("transactions")) {
            await().atMost(WAIT).until(() -> outcomes.status() == 200);
            assertTrue(metric(anonymous, "kantor_gateway_sse_clients{stream=\"transactions\"}") >= 1, "a client connected");
            String key = UUID.randomUUID().toString();
            Map<String, String> body = Map.of("accountId", account, "kind", "DEPOSIT", "amount", "3.00", "currency", "EUR");
            String deposit = judy.transact(body, key, 202).get("transactionId").asText();
            judy.transact(body, key, 202);
            outcomes.await(e -> e.data().contains(deposit), WAIT);
            assertEquals(deposits + 1, metric(anonymous, "kantor_gateway_requests_total{kind=\"deposit\",result=\"new\"}"));
            assertEquals(retries + 1, metric(anonymous, "kantor_gateway_requests_total{kind=\"deposit\",result=\"retry\"}"));
            assertTrue(metric(anonymous, "kantor_gateway_events_delivered_total{stream=\"transactions\"}") > delivered);
            assertTrue(metric(anonymous, "kantor_gateway_feed_delay_seconds_count") > delays);
        }
        // What the dashboards and alerts of k8s/ read of this service, now that it has taken requests and delivered events.
        CatalogueMetrics.awaitExposed("gateway", java.net.URI.create(base.toString()).resolve("/q/metrics"), WAIT);
    }

    /** A value of the Prometheus scrape, 0 when the series is not there yet. */
    private static double metric(GatewayClient client, String series) {
        for (String line : client.getText("/q/metrics", 200).split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).strip());
            }
        }
        return 0;
    }

    /** The same Idempotency-Key for another opening is 422 naming the key; for the same opening, the same account. */
    @Test
    void anOpeningsKeyReusedForAnotherOpeningIsRefused() {
        GatewayClient grace = GatewayClient.signIn(base, "opening-" + UUID.randomUUID().toString().substring(0, 8));
        String key = UUID.randomUUID().toString();
        String account = grace.post("/api/accounts", Map.of("baseCurrency", "EUR", "displayName", "Once"), key, 202)
                .get("accountId").asText();
        assertEquals(account, grace.post("/api/accounts", Map.of("baseCurrency", "EUR", "displayName", "Once"), key, 202)
                .get("accountId").asText());
        JsonNode conflict = grace.post("/api/accounts", Map.of("baseCurrency", "USD", "displayName", "Once"), key, 422);
        assertEquals("Idempotency-Key", conflict.get("field").asText(), conflict.toString());
        assertEquals(422, conflict.get("status").asInt());
        assertEquals("Idempotency-Key", grace.post("/api/accounts", Map.of("baseCurrency", "EUR", "displayName", "Twice"), key, 422)
                .get("field").asText());
    }

    /** Signs in on the page as any user (the test profile's sign-in takes any name; the page offers the demo users). */
    private static void signIn(Browser browser, String user) {
        browser.script("const o = document.createElement('option'); o.value = o.textContent = arguments[0];"
                + " document.getElementById('user').appendChild(o);", user);
        browser.select("#user", user);
        browser.click("#signin-button");
        browser.awaitText("#who", user::equals, WAIT);
    }

    /** Waits until the account of that name is open and offered under Move money; its id. */
    private static String openedAccount(Browser browser, String name) {
        browser.awaitText("#accounts", text -> text.contains(name) && text.contains("Open") && !text.contains("Opening"), WAIT);
        browser.awaitText("#tx-account", text -> text.contains(name), WAIT);
        return browser.script("return [...document.querySelectorAll('#tx-account option')].find(o => o.textContent.startsWith(arguments[0])).value;",
                name).asText();
    }

    /** At 390 px nothing is wider than the screen; the message names what sticks out. */
    private static void assertNoOverflow(Browser browser, String name) {
        int width = browser.script("return document.documentElement.scrollWidth;").asInt();
        assertTrue(width <= 390, name + ": the page is " + width + " px wide at 390 px; sticking out: " + browser.script(
                "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390)"
                        + ".slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));"));
    }

    /** The page at 1280 and at 390 px wide, under target/screenshots for review; at 390 nothing may overflow. */
    private static void screenshots(Browser browser, String name) {
        Path folder = Path.of("target", "screenshots");
        browser.viewport(1280, 900);
        browser.awaitScript("return window.innerWidth === 1280", WAIT);
        browser.screenshot(folder.resolve(name + "-1280.png"));
        browser.viewport(390, 844);
        browser.awaitScript("return window.innerWidth === 390", WAIT);
        assertNoOverflow(browser, name);
        browser.screenshot(folder.resolve(name + "-390.png"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> castMap(Object map) {
        return (Map<String, ?>) map;
    }

    static RateQuoted rate(String base, String quote, String rate) {
        return RateQuoted.newBuilder().setEventId(UUID.randomUUID().toString()).setPair(base + "/" + quote).setBaseCurrency(base)
                .setQuoteCurrency(quote).setRate(new BigDecimal(rate).setScale(10, RoundingMode.UNNECESSARY))
                .setQuotedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).setSource("test").build();
    }
}
