package dev.kantor.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwk.RsaJwkGenerator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.events.AccountOpeningRequested;
import dev.kantor.events.TransactionRequested;
import dev.kantor.gateway.ApiContract.Absent;
import dev.kantor.gateway.ApiContract.JsonNull;
import dev.kantor.gateway.ApiContract.JsonNumber;
import dev.kantor.platform.ServicePart;
import dev.kantor.testsupport.GatewayClient;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.PackagedServices;
import io.smallrye.jwt.util.KeyUtils;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The gateway's whole API fuzzed by properties (jqwik), against the packaged gateway and account service on the real
 * broker, database and registry: bodies of every shape and encoding, every field of every type, the Idempotency-Key,
 * Last-Event-ID and Authorization headers, path segments, query strings, methods and media types.
 * <p>
 * For every request: no 5xx; every 4xx a problem body (RFC 7807) whose status matches, naming a field to blame
 * according to ApiContract (written from the documentation, not from the code); a request is accepted exactly when
 * the contract finds nothing to blame. Everything accepted reaches its topic exactly as the contract reads it, and
 * nothing else of this run's users reaches a topic at all (checked per request, then swept at the end).
 * <p>
 * A failure is shrunk to a smallest input, and jqwik prints it with the seed that reproduces it.
 */
class ApiFuzzIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    static final Duration WAIT = Duration.ofSeconds(60);
    /** Every user of this run starts with it: the sweep at the end looks at nobody else's records. */
    static final String RUN = "fuzz-" + UUID.randomUUID().toString().substring(0, 8);

    static PackagedServices services;
    static URI base;
    static KafkaTestClient kafka;
    static KafkaTestClient.Tail openingTopic;
    static KafkaTestClient.Tail transactionTopic;
    static String token;
    static final Map<String, String> ownAccounts = new LinkedHashMap<>();
    static String foreignAccount;
    static String foreignTransaction;

    static final Map<String, String> openingKeys = new ConcurrentHashMap<>();
    static final Map<String, String> openingByKey = new ConcurrentHashMap<>();
    static final Map<String, String> transactionKeys = new ConcurrentHashMap<>();
    static final Map<String, String> transactionByKey = new ConcurrentHashMap<>();
    /** What was accepted, as the contract reads it: account id -> "currency|name"; transaction id -> fingerprint. */
    static final Map<String, String> acceptedOpenings = new ConcurrentHashMap<>();
    static final Map<String, String> acceptedTransactions = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> statuses = new TreeMap<>();
    static final AtomicInteger streamUsers = new AtomicInteger();

    @BeforeContainer
    static void start() {
        services = new PackagedServices(List.of("account", "gateway"));
        base = URI.create(services.url("gateway"));
        token = signIn(RUN);
        GatewayClient me = GatewayClient.withToken(base, token);
        for (String currency : List.of("EUR", "JPY", "BHD")) {
            ownAccounts.put(currency, me.openAccount(currency, "Fuzz " + currency));
        }
        GatewayClient other = GatewayClient.withToken(base, signIn(RUN + "-other"));
        foreignAccount = other.openAccount("EUR", "Not yours");
        foreignTransaction = other.transact(Map.of("accountId", foreignAccount, "kind", "DEPOSIT", "amount", "5.00", "currency", "EUR"),
                UUID.randomUUID().toString(), 202).get("transactionId").asText();
        kafka = new KafkaTestClient(services.endpoints());
        openingTopic = kafka.tail("account-requests");
        transactionTopic = kafka.tail("transaction-requests");
    }

    /** Nothing of this run's users reached a topic that was not accepted, and everything accepted did, as accepted. */
    @AfterContainer
    static void sweepAndStop() {
        try {
            if (openingTopic != null) {
                List<AccountOpeningRequested> openings = openingTopic.seen(AccountOpeningRequested.class, r -> r.getUserId().startsWith(RUN));
                Map<String, String> published = new TreeMap<>();
                openings.forEach(r -> published.put(r.getAccountId(), r.getBaseCurrency() + "|" + r.getDisplayName()));
                assertEquals(new TreeMap<>(acceptedOpenings), published, "account openings on the topic = those answered 202");
                List<TransactionRequested> requests = transactionTopic.seen(TransactionRequested.class, r -> r.getUserId().startsWith(RUN));
                Map<String, String> sent = new TreeMap<>();
                requests.forEach(r -> sent.put(r.getTransactionId(), fingerprint(r)));
                assertEquals(new TreeMap<>(acceptedTransactions), sent, "transaction requests on the topic = those answered 202");
                System.out.printf("ApiFuzzIT: %d openings and %d transactions accepted and published; answers by status: %s%n",
                        published.size(), sent.size(), statuses);
            }
        } finally {
            if (openingTopic != null) {
                openingTopic.close();
                transactionTopic.close();
                kafka.close();
            }
            if (services != null) {
                services.close();
            }
        }
    }

    // ---------------------------------------------------------------- properties

    @Property(tries = 400)
    void anOpeningIsAcceptedExactlyWhenTheContractFindsNothingToBlame(@ForAll("openingBodies") Map<String, Object> body,
            @ForAll("idempotencyKeys") String key) {
        Set<String> blame = ApiContract.openingBlame(body);
        if (!ApiContract.validKey(key)) {
            blame.add("Idempotency-Key");
        }
        Answer answer = send("POST", "/api/accounts", headers("Content-Type", "application/json", "Idempotency-Key", key), write(body));
        if (!blame.isEmpty()) {
            answer.assertProblem(400, blame);
            return;
        }
        String expected = body.get("baseCurrency") + "|" + ((String) body.get("displayName")).strip();
        String k = key == null ? null : key.strip();
        if (k != null && openingKeys.containsKey(k) && !openingKeys.get(k).equals(expected)) {
            answer.assertProblem(422, Set.of("Idempotency-Key"));
            return;
        }
        if (ApiContract.quoted(body) && !liveQuotes.contains(body.get("quoteId"))) {
            // An id GET /api/quotes never gave.
            answer.assertProblem(404, Set.of("quoteId"));
            return;
        }
        answer.assertStatus(202);
        String accountId = answer.json().get("accountId").asText();
        if (k != null && openingKeys.containsKey(k)) {
            assertEquals(openingByKey.get(k), accountId, "a retry with the same key is the same opening");
            return;
        }
        if (k != null) {
            openingKeys.put(k, expected);
            openingByKey.put(k, accountId);
        }
        acceptedOpenings.put(accountId, expected);
        AccountOpeningRequested published = openingTopic.await(AccountOpeningRequested.class, r -> r.getAccountId().equals(accountId), 1, WAIT)
                .get(0);
        assertEquals(RUN, published.getUserId());
        assertEquals(expected, published.getBaseCurrency() + "|" + published.getDisplayName(), "published as accepted");
    }

    @Property(tries = 600)
    void aTransactionIsAcceptedExactlyWhenTheContractFindsNothingToBlame(@ForAll("transactionBodies") Map<String, Object> body,
            @ForAll("idempotencyKeys") String key) {
        judgeTransaction(body, key);
    }

    /** Contract v2 in depth: exchanges that name a quote (live, made up or malformed) with every kind of tolerance. */
    @Property(tries = 200)
    void aQuotedExchangeIsAcceptedExactlyWhenTheContractFindsNothingToBlame(@ForAll("quotedExchanges") Map<String, Object> body,
            @ForAll("idempotencyKeys") String key) {
        judgeTransaction(body, key);
    }

    private void judgeTransaction(Map<String, Object> body, String key) {
        Set<String> blame = ApiContract.transactionBlame(body);
        if (!ApiContract.validKey(key)) {
            blame.add("Idempotency-Key");
        }
        Answer answer = send("POST", "/api/transactions", headers("Content-Type", "application/json", "Idempotency-Key", key), write(body));
        if (!blame.isEmpty()) {
            answer.assertProblem(400, blame);
            return;
        }
        if (!ownAccounts.containsValue((String) body.get("accountId"))) {
            answer.assertProblem(404, Set.of("accountId"));
            return;
        }
        String fingerprint = ApiContract.fingerprint(body);
        String k = key == null ? null : key.strip();
        if (k != null && transactionKeys.containsKey(k) && !transactionKeys.get(k).equals(fingerprint)) {
            answer.assertProblem(422, Set.of("Idempotency-Key"));
            return;
        }
        if (ApiContract.quoted(body) && !liveQuotes.contains(body.get("quoteId"))) {
            // An id GET /api/quotes never gave.
            answer.assertProblem(404, Set.of("quoteId"));
            return;
        }
        answer.assertStatus(202);
        String transactionId = answer.json().get("transactionId").asText();
        if (k != null && transactionKeys.containsKey(k)) {
            assertEquals(transactionByKey.get(k), transactionId, "a retry with the same key is the same transaction");
            return;
        }
        if (k != null) {
            transactionKeys.put(k, fingerprint);
            transactionByKey.put(k, transactionId);
        }
        acceptedTransactions.put(transactionId, fingerprint);
        TransactionRequested published = transactionTopic.await(TransactionRequested.class,
                r -> r.getTransactionId().equals(transactionId), 1, WAIT).get(0);
        assertEquals(RUN, published.getUserId());
        assertEquals(fingerprint, fingerprint(published), "published exactly as accepted");
    }

    @Property(tries = 300)
    void aTransactionIsReadByItsOwnerOnly(@ForAll("transactionIds") String id) {
        String path = "/api/transactions/" + encodeSegment(id);
        Answer answer = send("GET", path, headers(), null);
        if (overTheLineLimit("GET", path)) {
            answer.assertStatus(414);
            return;
        }
        if (acceptedTransactions.containsKey(id)) {
            answer.assertStatus(200);
            assertEquals(id, answer.json().get("transactionId").asText());
            return;
        }
        // A segment the HTTP layer resolves into another path (a slash, a dot segment) finds no resource at all, except
        // "." (and a slash that the HTTP layer folds away): /api/transactions/ itself, the caller's history.
        if (otherPath(id)) {
            if (answer.status() == 200) {
                assertTrue(answer.json().get("items").isArray() && answer.json().get("page").asInt() == 0, answer.toString());
                assertTrue(id.equals(".") || id.startsWith("/") || id.endsWith("/"), "only a path that resolves to the list: " + answer);
                return;
            }
            answer.assertProblemForAnotherPath();
            return;
        }
        answer.assertProblem(404, Set.of("transactionId"));
    }

    @Property(tries = 200)
    void aStreamOpensExactlyForAKnownNameAndAValidLastEventId(@ForAll("streamNames") String name,
            @ForAll("lastEventIds") String lastEventId) throws Exception {
        // A user per try: the per-user stream cap is not what this property is about.
        String streamToken = signIn(RUN + "-s" + streamUsers.incrementAndGet());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/stream/" + encodeSegment(name)))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + streamToken).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = clientFor("GET", "/api/stream/" + encodeSegment(name)).send(request.GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (overTheLineLimit("GET", "/api/stream/" + encodeSegment(name))) {
            response.body().close();
            assertEquals(414, response.statusCode());
            return;
        }
        boolean known = List.of("transactions", "wallet", "rates").contains(name);
        if (known && ApiContract.validLastEventId(lastEventId)) {
            try (InputStream ignored = response.body()) {
                assertEquals(200, response.statusCode(), name + " Last-Event-ID " + lastEventId);
                assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            }
            return;
        }
        Answer answer;
        try (InputStream in = response.body()) {
            answer = Answer.of("GET /api/stream/" + name + " Last-Event-ID " + lastEventId, response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        if (!known) {
            if (otherPath(name)) {
                answer.assertProblemForAnotherPath();
            } else {
                answer.assertProblem(404, Set.of("stream"));
            }
        } else {
            answer.assertProblem(400, Set.of("Last-Event-ID"));
        }
    }

    @Property(tries = 200)
    void onlyTheIdentityProvidersUnalteredTokenGetsIn(@ForAll("authorizations") String authorization) {
        Answer answer = send("GET", "/api/accounts", authorization == null ? Map.of() : Map.of("Authorization", authorization), null, false);
        if (("Bearer " + token).equals(authorization)) {
            answer.assertStatus(200);
            return;
        }
        answer.assertProblem(401, Set.of("Authorization"));
        assertTrue(answer.wwwAuthenticate, "a 401 says how to authenticate (WWW-Authenticate)");
    }

    @Property(tries = 300)
    void everyMethodAndMediaTypeGetsAnAnswerAndEveryRefusalAProblem(@ForAll("routes") String path, @ForAll("methods") String method,
            @ForAll("mediaTypes") String contentType, @ForAll("mediaTypes") String accept) {
        // A body that is JSON but no valid request: whatever gets through to a resource is refused there, and nothing is published.
        byte[] body = Set.of("POST", "PUT", "PATCH").contains(method) ? "{}".getBytes(StandardCharsets.UTF_8) : null;
        Answer answer = send(method, path, headers("Content-Type", contentType, "Accept", accept), body);
        if (answer.status >= 400) {
            answer.assertProblem(answer.status, null);
        }
        assertFalse(answer.status == 202, "nothing valid was sent, nothing may be accepted: " + answer);
    }

    @Property(tries = 200)
    void queryStringsChangeNothing(@ForAll("readRoutes") String path, @ForAll("queries") String query) {
        Answer plain = send("GET", path, headers(), null);
        Answer queried = send("GET", path + "?" + query, headers(), null);
        assertEquals(plain.status, queried.status, queried.toString());
        if (queried.status >= 400) {
            queried.assertProblem(queried.status, null);
        }
    }

    @Property(tries = 200)
    void aDevSignInIsGivenExactlyToAValidUserName(@ForAll("signInBodies") Map<String, Object> body) {
        Answer answer = send("POST", "/api/sign-in", Map.of("Content-Type", "application/json"), write(body), false);
        Set<String> blame = new java.util.HashSet<>(body.keySet());
        blame.remove("user");
        Object user = body.getOrDefault("user", Absent.FIELD);
        // The platform runs the test gateway with kantor.gateway.demo-users=* : any name of lower-case letters, digits, dashes.
        if (!(user instanceof String u && u.matches("[a-z0-9-]{1,64}"))) {
            blame.add("user");
        }
        if (!blame.isEmpty()) {
            answer.assertProblem(400, blame);
            return;
        }
        answer.assertStatus(200);
        assertEquals(user, answer.json().get("user").asText());
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<Map<String, Object>> openingBodies() {
        return Combinators.combine(field(currencies()), field(displayNames()), unknownFields()).as((currency, name, extra) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            put(body, "baseCurrency", currency);
            put(body, "displayName", name);
            body.putAll(extra);
            return body;
        });
    }

    /** Quotes GET /api/quotes gave this run's user for EUR to USD (live for 30 s: each is used as soon as it is given). */
    static final Set<Object> liveQuotes = ConcurrentHashMap.newKeySet();

    @Provide
    Arbitrary<Map<String, Object>> quotedExchanges() {
        Arbitrary<Object> quotes = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.create(ApiFuzzIT::liveQuote)),
                Tuple.of(2, Arbitraries.create(() -> (Object) java.util.UUID.randomUUID().toString())),
                Tuple.of(1, hostileText().map(s -> (Object) s)),
                Tuple.of(1, Arbitraries.<Object>of(Absent.FIELD, JsonNull.NULL, Boolean.TRUE, List.of(), new JsonNumber("7"))));
        Arbitrary<Object> tolerances = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(Absent.FIELD)),
                Tuple.of(4, Arbitraries.integers().between(2, 12).flatMap(scale -> Arbitraries.bigDecimals()
                        .between(new BigDecimal("-0.01"), new BigDecimal("0.08")).ofScale(scale)).map(d -> (Object) d.toPlainString())),
                Tuple.of(1, Arbitraries.<Object>of("0.05", "0.0500000000", "0.050000000001", "0.0500000001", "-0", "5e-3", "", " 0.01",
                        new JsonNumber("0.01"), new JsonNumber("1e-2"), new JsonNumber("1e999999999999"), JsonNull.NULL, Boolean.TRUE)),
                Tuple.of(1, hostileText().map(s -> (Object) s)));
        Arbitrary<Object> kinds = Arbitraries.<Object>of("EXCHANGE", "EXCHANGE", "EXCHANGE", "DEPOSIT", "WITHDRAWAL");
        return Combinators.combine(quotes, tolerances, kinds).as((quote, tolerance, kind) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("accountId", ownAccounts.get("EUR"));
            body.put("kind", kind);
            body.put("amount", "1.00");
            body.put("currency", "EUR");
            if ("EXCHANGE".equals(kind)) {
                body.put("targetCurrency", "USD");
            }
            put(body, "quoteId", quote);
            put(body, "tolerance", tolerance);
            return body;
        });
    }

    /** A quote the gateway gives now, or a made-up id while it has no EUR/USD rate yet. */
    static Object liveQuote() {
        Answer answer = send("GET", "/api/quotes?from=EUR&to=USD&amount=1.00", headers(), null);
        if (answer.status() != 200) {
            answer.assertProblem(404, Set.of("to"));
            return java.util.UUID.randomUUID().toString();
        }
        String quoteId = answer.json().get("quoteId").asText();
        liveQuotes.add(quoteId);
        return quoteId;
    }

    @Provide
    Arbitrary<Map<String, Object>> transactionBodies() {
        Arbitrary<Object> accounts = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of(new ArrayList<Object>(ownAccounts.values()))),
                Tuple.of(1, Arbitraries.just(foreignAccount)),
                Tuple.of(1, Arbitraries.strings().withChars("abcXYZ019._:-").ofMinLength(1).ofMaxLength(70).map(s -> (Object) s)));
        Arbitrary<Object> kinds = Arbitraries.<Object>of("DEPOSIT", "DEPOSIT", "WITHDRAWAL", "EXCHANGE", "EXCHANGE", "deposit", "Transfer", "DEPOSIT ");
        Arbitrary<Object> targets = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(Absent.FIELD)), Tuple.of(4, currencies()),
                Tuple.of(1, Arbitraries.just(JsonNull.NULL)));
        // Mostly no quote (contract v1 bodies), else a made-up id, a tolerance with or without one, or hostile values.
        Arbitrary<Object> quotes = Arbitraries.frequencyOf(Tuple.of(16, Arbitraries.just(Absent.FIELD)),
                Tuple.of(2, Arbitraries.create(() -> (Object) java.util.UUID.randomUUID().toString())),
                Tuple.of(1, hostileText().map(s -> (Object) s)),
                Tuple.of(1, Arbitraries.<Object>of(JsonNull.NULL, Boolean.TRUE, List.of(), Map.of("$ne", ""), new JsonNumber("7"))));
        Arbitrary<Object> tolerances = Arbitraries.frequencyOf(Tuple.of(16, Arbitraries.just(Absent.FIELD)),
                Tuple.of(2, Arbitraries.<Object>of("0", "0.005", "0.05", "0.0500", "0.051", "0.055", "-0.001", "1", "0.00000000001", "5e-3", "",
                        " 0.01", "0.01%")),
                Tuple.of(1, Arbitraries.<Object>of(new ApiContract.JsonNumber("0.01"), new ApiContract.JsonNumber("1e-3"),
                        new ApiContract.JsonNumber("1e999999999999"), JsonNull.NULL)));
        Arbitrary<Map<String, Object>> bodies = Combinators.combine(field(accounts), field(kinds), field(amounts()), field(currencies()),
                field(targets), quotes, tolerances, unknownFields())
                .as((account, kind, amount, currency, target, quote, tolerance, extra) -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    put(body, "accountId", account);
                    put(body, "kind", kind);
                    put(body, "amount", amount);
                    put(body, "currency", currency);
                    put(body, "targetCurrency", target);
                    put(body, "quoteId", quote);
                    put(body, "tolerance", tolerance);
                    body.putAll(extra);
                    return body;
                });
        // Half the time the target agrees with the kind, as a real client's would: requests then get past the rules
        // often enough for the accepted path (the store, the key, the topic) to be fuzzed too.
        return Combinators.combine(bodies, Arbitraries.of(true, false)).as((body, coherent) -> {
            if (coherent && body.get("kind") instanceof String kind && body.get("currency") instanceof String currency) {
                body.remove("targetCurrency");
                if ("EXCHANGE".equals(kind)) {
                    body.put("targetCurrency", "EUR".equals(currency) ? "USD" : "EUR");
                }
            }
            return body;
        });
    }

    @Provide
    Arbitrary<Map<String, Object>> signInBodies() {
        Arbitrary<Object> users = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.strings().withChars("abcxyz0189-").ofMinLength(1).ofMaxLength(70).map(s -> (Object) (RUN + s))),
                Tuple.of(1, Arbitraries.of("alice", "Alice", "", "a b", "bob\u0000", "carol;drop")));
        return Combinators.combine(field(users), unknownFields()).as((user, extra) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            put(body, "user", user);
            body.putAll(extra);
            return body;
        });
    }

    /** A field's value: mostly the kind of value it takes, sometimes anything a hostile or careless client sends. */
    static Arbitrary<Object> field(Arbitrary<Object> good) {
        return Arbitraries.frequencyOf(Tuple.of(12, good), Tuple.of(2, hostileText().map(s -> (Object) s)),
                Tuple.of(1, Arbitraries.<Object>of(Absent.FIELD, JsonNull.NULL, Boolean.TRUE, List.of(), Map.of(), List.of("EUR"),
                        Map.of("$ne", ""), new JsonNumber("7"))));
    }

    static Arbitrary<Object> currencies() {
        return Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.of(new ArrayList<Object>(ApiContract.CURRENCIES.keySet()))),
                Tuple.of(1, Arbitraries.of("eur", "XXX", "EURO", " EUR", "ＥＵＲ", "BTC")));
    }

    static Arbitrary<Object> displayNames() {
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.strings().alpha().numeric().withChars(" -'").ofMinLength(1).ofMaxLength(70)),
                Tuple.of(2, Arbitraries.strings().ofMinLength(1).ofMaxLength(70)),
                Tuple.of(2, Arbitraries.of("Oszczędności", "貯金", "😀 Fun", "👩‍💻 Work", "a\u202Eb", "x\u200By", "tab\there", "  padded  ",
                        "x".repeat(64), "x".repeat(65), " " + "y".repeat(64) + " ", "\uD83D", "\uDE00x", "nul\u0000")))
                .map(s -> (Object) s);
    }

    static Arbitrary<Object> amounts() {
        Arbitrary<BigDecimal> decimals = Arbitraries.integers().between(0, 4).flatMap(scale ->
                Arbitraries.bigDecimals().between(BigDecimal.ONE.movePointLeft(scale), new BigDecimal("1000000")).ofScale(scale));
        return Arbitraries.frequencyOf(
                Tuple.of(6, decimals.map(d -> (Object) d.toPlainString())),
                Tuple.of(2, decimals.map(d -> (Object) new JsonNumber(d.toPlainString()))),
                Tuple.of(1, Arbitraries.of("1e3", "1E+2", "5e-1", "1e-400000000", "1e400000000", "-0", "0.0", "-5", "1e999999999999",
                        "123456789012345678901234567890", "1000000000", "1000000000.01", "1e9", "1.0e9", "0.1e1").map(t -> (Object) new JsonNumber(t))),
                Tuple.of(1, Arbitraries.of(" 5 ", "1,50", "+5", ".5", "5.", "0x10", "NaN", "Infinity", "-1", "0", "0.00", "1e3", "١٢", "５",
                        "1_000", "12.5.1", "", "1000000000", "1000000000.0001", "0.001", "0.0001", "12.50", "007.10")));
    }

    static Arbitrary<Map<String, Object>> unknownFields() {
        Arbitrary<String> names = Arbitraries.of("ammount", "userId", "admin", "__proto__", "constructor", "status", "Amount", "");
        return Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.just(Map.<String, Object>of())),
                Tuple.of(1, Combinators.combine(names, field(currencies())).as((n, v) -> {
                    Map<String, Object> extra = new LinkedHashMap<>();
                    put(extra, n, v == Absent.FIELD ? JsonNull.NULL : v);
                    return extra;
                })));
    }

    /** Text as hostile clients write it: any Unicode, controls, lone surrogates, injections, look-alikes, very long. */
    static Arbitrary<String> hostileText() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.strings().ofMinLength(0).ofMaxLength(80)),
                Tuple.of(2, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(80)),
                Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u001F').ofMinLength(1).ofMaxLength(4)),
                Tuple.of(2, Arbitraries.of("", " ", "\u0000", "\u202Eevil", "\uD800", "\uDC00x", "null", "true", "0", "-1", "../..", "%00",
                        "' OR 1=1 --", "<script>alert(1)</script>", "${jndi:ldap://x/a}", "A".repeat(65), "A".repeat(64), "\t x \n",
                        "x".repeat(5000))));
    }

    @Provide
    Arbitrary<String> idempotencyKeys() {
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.strings().withChars("0123456789abcdef-").ofLength(32)),
                Tuple.of(2, Arbitraries.of("k1", "k2", "k3", "order-7", "order-8")), // reused, to meet earlier requests
                Tuple.of(2, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(80)),
                Tuple.of(1, Arbitraries.of("", " ", "x".repeat(64), "x".repeat(65), " k1 ", "k 1", "é")))
                .injectNull(0.3);
    }

    @Provide
    Arbitrary<String> transactionIds() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(List.copyOf(acceptedTransactions.keySet().isEmpty()
                        ? Set.of(foreignTransaction) : acceptedTransactions.keySet()))),
                Tuple.of(2, Arbitraries.just(foreignTransaction)),
                Tuple.of(2, Arbitraries.create(() -> UUID.randomUUID().toString())),
                Tuple.of(3, hostileText().filter(s -> !s.isEmpty())),
                Tuple.of(1, Arbitraries.of("/", ".", "..", "a/b", "%", "%2F", "\u0000", "x".repeat(2000))));
    }

    @Provide
    Arbitrary<String> streamNames() {
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of("transactions", "wallet", "rates")),
                Tuple.of(1, Arbitraries.of("Wallet", "wallets", "transactions ", "..", ".", "a/b", "\u0000", "rates%00")),
                Tuple.of(1, hostileText().filter(s -> !s.isEmpty())));
    }

    @Provide
    Arbitrary<String> lastEventIds() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.longs().between(0, 1_000_000).map(Object::toString)),
                Tuple.of(2, Arbitraries.of("-1", "+5", " 7 ", "abc", "1e3", "0x10", "9999999999999999999", "999999999999999999", "", "  ",
                        "00012", "1.0")),
                Tuple.of(1, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40)))
                .injectNull(0.3);
    }

    @Provide
    Arbitrary<String> authorizations() {
        String valid = "Bearer " + token;
        String[] parts = token.split("\\.");
        return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(valid)),
                Tuple.of(3, Arbitraries.integers().between(0, parts[1].length() - 2).map(i -> "Bearer " + parts[0] + "." + flip(parts[1], i) + "." + parts[2])),
                Tuple.of(1, Arbitraries.of("Bearer " + unsigned(), "Bearer " + signedByAStranger(), "Bearer " + expired(), "Bearer " + parts[0] + "."
                        + parts[1] + ".", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", token, "Bearer " + token + "x", "Bearer  " + token + ".x")),
                Tuple.of(2, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(200).map(s -> "Bearer " + s)),
                Tuple.of(1, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(200)))
                .injectNull(0.1);
    }

    /** Every route but the streams, which never end by themselves (aStreamOpens... covers them). */
    @Provide
    Arbitrary<String> routes() {
        return Arbitraries.of("/api/accounts", "/api/transactions", "/api/transactions/" + foreignTransaction, "/api/wallet", "/api/rates",
                "/api/sign-in", "/api/quotes", "/api", "/api/accounts/x", "/q/openapi", "/nothing");
    }

    @Provide
    Arbitrary<String> readRoutes() {
        return Arbitraries.of("/api/accounts", "/api/rates", "/api/transactions/" + foreignTransaction);
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND");
    }

    @Provide
    Arbitrary<String> mediaTypes() {
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of("application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
                        "application/json; charset=latin1", "text/plain", "application/xml", "*/*", "text/event-stream", "application/problem+json",
                        "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "", "application/", "/", ";;;", "*/*;q=0")),
                Tuple.of(1, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60)))
                .injectNull(0.2);
    }

    @Provide
    Arbitrary<String> queries() {
        Arbitrary<String> part = Arbitraries.strings().ofMaxLength(30).map(ApiFuzzIT::encodeQueryPart);
        return Combinators.combine(part, part, Arbitraries.of("=", "", "=="), Arbitraries.of("&", "&&", ";", "")).as((k, v, eq, sep) -> k + eq + v + sep + k);
    }

    // ---------------------------------------------------------------- HTTP and tokens

    /** An answer with what the properties check on it. */
    record Answer(String request, int status, String contentType, String body, boolean wwwAuthenticate) {

        static Answer of(String request, int status, String contentType, String body) {
            return new Answer(request, status, contentType, body, false);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + this, e);
            }
        }

        void assertStatus(int expected) {
            assertEquals(expected, status, toString());
        }

        /** A problem body of this status; naming one of {@code fields} when given (null: any field or none). */
        void assertProblem(int expected, Set<String> fields) {
            assertEquals(expected, status, toString());
            assertTrue(contentType.startsWith("application/problem+json"), "a problem body: " + this);
            JsonNode problem = json();
            assertEquals(status, problem.path("status").asInt(), "its status: " + this);
            assertFalse(problem.path("title").asText("").isBlank(), "a title: " + this);
            assertFalse(problem.path("detail").asText("").isBlank(), "a detail: " + this);
            assertNotNull(problem.get("type"), "a type: " + this);
            if (fields != null) {
                String field = problem.path("field").isTextual() ? problem.get("field").asText() : null;
                assertTrue(fields.contains(field), "names one of " + fields + ": " + this);
            }
        }

        /** A segment that the HTTP layer resolved into another path: no such resource (404) or not with this method (405). */
        void assertProblemForAnotherPath() {
            assertTrue(status == 404 || status == 405, toString());
            assertProblem(status, null);
        }

        @Override
        public String toString() {
            return request + " -> " + status + " " + contentType + " " + (body.length() > 400 ? body.substring(0, 400) + "..." : body);
        }
    }

    static Map<String, String> headers(String... namesAndValues) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                headers.put(namesAndValues[i], namesAndValues[i + 1]);
            }
        }
        return headers;
    }

    static Answer send(String method, String path, Map<String, String> headers, byte[] body) {
        return send(method, path, headers, body, true);
    }

    static Answer send(String method, String path, Map<String, String> headers, byte[] body, boolean signedIn) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (signedIn) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        String described = method + " " + path + " " + headers.keySet().stream().filter(h -> !h.equals("Authorization"))
                .map(h -> h + "=" + headers.get(h)).toList() + (body == null ? "" : " " + new String(body, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = clientFor(method, path).send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            statuses.computeIfAbsent(method + " " + response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
            assertTrue(response.statusCode() < 500, "never a server error: " + described + " -> " + response.statusCode() + " " + response.body());
            return new Answer(described, response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body(),
                    response.headers().firstValue("WWW-Authenticate").isPresent());
        } catch (IOException e) {
            throw new AssertionError("no answer to " + described, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A path segment that is no name once decoded: a slash or a dot segment takes the request to another path. */
    static boolean otherPath(String segment) {
        return segment.contains("/") || segment.equals(".") || segment.equals("..");
    }

    /**
     * Whether the request line is longer than quarkus.http.limits.max-initial-line-length: the HTTP codec then answers
     * 414 before any routing, without a body (the only such refusal; see application.properties).
     */
    static boolean overTheLineLimit(String method, String path) {
        return (method + " " + path + " HTTP/1.1").length() > 4096;
    }

    /**
     * The shared client, except for a request the codec refuses: it closes that connection after its 414, and a pooled
     * connection closed under the shared client would fail the next request with no answer at all.
     */
    static HttpClient clientFor(String method, String path) {
        return overTheLineLimit(method, path) ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build() : HTTP;
    }

    static String signIn(String user) {
        Answer answer = send("POST", "/api/sign-in", Map.of("Content-Type", "application/json"),
                ("{\"user\": \"" + user + "\"}").getBytes(StandardCharsets.UTF_8), false);
        answer.assertStatus(200);
        return answer.json().get("token").asText();
    }

    /** The JSON a client would send for this body, each string escaped so that any char (a lone surrogate too) goes as written. */
    static byte[] write(Map<String, Object> body) {
        StringBuilder json = new StringBuilder("{");
        body.forEach((name, value) -> {
            if (value == Absent.FIELD) {
                return;
            }
            if (json.length() > 1) {
                json.append(',');
            }
            string(json, name);
            json.append(':');
            value(json, value);
        });
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void value(StringBuilder json, Object value) {
        if (value instanceof String s) {
            string(json, s);
        } else if (value instanceof JsonNumber n) {
            json.append(n.text());
        } else if (value == JsonNull.NULL) {
            json.append("null");
        } else if (value instanceof Boolean b) {
            json.append(b);
        } else if (value instanceof List<?> list) {
            json.append('[');
            for (int i = 0; i < list.size(); i++) {
                json.append(i == 0 ? "" : ",");
                value(json, list.get(i));
            }
            json.append(']');
        } else if (value instanceof Map<?, ?> map) {
            json.append('{');
            map.forEach((k, v) -> {
                json.append(json.charAt(json.length() - 1) == '{' ? "" : ",");
                string(json, (String) k);
                json.append(':');
                value(json, v);
            });
            json.append('}');
        } else {
            throw new IllegalArgumentException("no JSON for " + value);
        }
    }

    private static void string(StringBuilder json, String s) {
        json.append('"');
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) && !ApiContract.wellFormed(s)) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }

    private static void put(Map<String, Object> body, String name, Object value) {
        if (value != Absent.FIELD) {
            body.put(name, value);
        }
    }

    private static String fingerprint(TransactionRequested r) {
        BigDecimal amount = r.getAmount().getAmount();
        String plain = r.getAccountId() + "|" + r.getKind() + "|" + amount.stripTrailingZeros().toPlainString() + "|" + r.getAmount().getCurrency()
                + "|" + (r.getTargetCurrency() == null ? "" : r.getTargetCurrency());
        return r.getQuoteId() == null ? plain : plain + "|" + r.getQuoteId() + "|" + r.getQuoteTolerance().stripTrailingZeros().toPlainString();
    }

    /** A path segment percent-encoded byte by byte (UTF-8, lone surrogates as the encoder replaces them). */
    static String encodeSegment(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    static String encodeQueryPart(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String flip(String text, int index) {
        char c = text.charAt(index);
        return text.substring(0, index) + (c == 'A' ? 'B' : 'A') + text.substring(index + 1);
    }

    private static String unsigned() {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        return header + "." + token.split("\\.")[1] + ".";
    }

    private static String signedByAStranger() {
        try {
            return sign(RsaJwkGenerator.generateJwk(2048).getPrivateKey(), NumericDate.now(), 10);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signed with the key this gateway trusts (the dev key), but expired ten minutes ago: past any clock skew. */
    private static String expired() {
        try {
            PrivateKey devKey = KeyUtils.decodePrivateKey(Files.readString(ServicePart.devKeys().resolve("private.pem")));
            NumericDate issued = NumericDate.now();
            issued.addSeconds(-3600);
            return sign(devKey, issued, -10);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(PrivateKey key, NumericDate issuedAt, int expiresInMinutes) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("https://kantor.dev/local");
        claims.setSubject(RUN);
        claims.setClaim("upn", RUN);
        claims.setStringListClaim("groups", "user");
        claims.setIssuedAt(issuedAt);
        claims.setExpirationTimeMinutesInTheFuture(expiresInMinutes);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }
}
