package dev.kantor.e2e;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.events.Amounts;
import dev.kantor.events.AccountOpened;
import dev.kantor.events.AccountOpeningRequested;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionKind;
import dev.kantor.events.TransactionRequested;
import dev.kantor.testsupport.GatewayClient;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.OutcomeCollector;

/**
 * Users with one EUR account each, and deposits to them: produced to transaction-requests as the gateway would, or
 * posted to the gateway as a client would. The reference model is independent of timing: a user's wallet must hold
 * the sum of the deposits approved for them, every request must have exactly one outcome event id (none lost, none
 * applied twice).
 */
final class Workload {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One deposit the model counts, however it was sent. */
    record Deposit(String transactionId, String user, String account, BigDecimal amount) {
    }

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final List<String> accounts = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Every deposit by transaction id. */
    final Map<String, Deposit> sent = new ConcurrentHashMap<>();
    /** The records this workload produced itself, for re-sending them. */
    final Map<String, TransactionRequested> produced = new ConcurrentHashMap<>();
    private final Map<String, String> owners = new ConcurrentHashMap<>();
    private final Map<String, GatewayClient> clients = new ConcurrentHashMap<>();
    private final KafkaTestClient kafka;
    private final Random random = new Random(11);
    /**
     * Every how many deposits one is written as an older producer writes it, with v1 of the schema by its registry
     * version (0: none, 1: every one, 2: every other).
     */
    volatile int v1Every;
    /** The deposits written with the v1 schema. */
    final java.util.Set<String> sentAsV1 = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong deposits = new java.util.concurrent.atomic.AtomicLong();

    Workload(KafkaTestClient kafka) {
        this.kafka = kafka;
    }

    String user(String account) {
        return owners.get(account);
    }

    /** Opens the accounts through account-requests and waits until each is announced. */
    void openAccounts(int count, Duration timeout) {
        try (KafkaTestClient.Tail opened = kafka.tail("accounts")) {
            List<String> requested = requestAccounts(count);
            kafka.flush();
            opened.await(AccountOpened.class, a -> requested.contains(a.getAccountId()), count, timeout);
            accounts.addAll(requested);
        }
    }

    /** Asks for accounts without waiting; they join the workload's accounts once {@link #adopt} is called. */
    List<String> requestAccounts(int count) {
        List<String> requested = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String account = run + "-" + owners.size();
            owners.put(account, Scenario.USERS + account);
            requested.add(account);
            kafka.sendAsync("account-requests", account, AccountOpeningRequested.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setRequestId(UUID.randomUUID().toString()).setAccountId(account).setUserId(user(account))
                    .setBaseCurrency("EUR").setDisplayName("e2e").setRequestedAt(now()).build());
        }
        return requested;
    }

    void adopt(List<String> opened) {
        accounts.addAll(opened);
    }

    /** Signs users in at the gateway and opens one EUR account each through it, waiting until each is open. */
    void openAccountsThroughGateway(URI gateway, int count) {
        for (int i = 0; i < count; i++) {
            String user = Scenario.USERS + run + "-gw-" + i;
            accounts.add(openThroughGateway(GatewayClient.signIn(gateway, user), user));
        }
    }

    /**
     * Opens {@code count} EUR accounts through the gateway, spread over {@code users} signed-in users, {@code parallel}
     * at a time, and deposits into each through the gateway the moment the gateway shows it OPEN. Answers the
     * transaction ids of those first deposits; the accounts join the workload once their first deposit is accepted.
     */
    List<String> openAndDepositThroughGateway(URI gateway, int count, int users, int parallel, Duration timeout) throws Exception {
        List<String> names = new ArrayList<>();
        List<GatewayClient> signedIn = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            names.add(Scenario.USERS + run + "-fresh-" + i);
            signedIn.add(GatewayClient.signIn(gateway, names.get(i)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<String>> first = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int user = i % users;
                first.add(pool.submit(() -> {
                    String account = openThroughGateway(signedIn.get(user), names.get(user));
                    String transactionId = depositThroughGateway(account, timeout).transactionId();
                    accounts.add(account);
                    return transactionId;
                }));
            }
            List<String> transactionIds = new ArrayList<>();
            for (Future<String> deposit : first) {
                transactionIds.add(deposit.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            }
            return transactionIds;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Opens an account as the signed-in user and waits until the gateway shows it OPEN; it is not yet in {@link #accounts}. */
    private String openThroughGateway(GatewayClient client, String user) {
        String account = client.openAccount("EUR", "e2e " + user);
        owners.put(account, user);
        clients.put(account, client);
        return account;
    }

    /** Sends one deposit to a random account of this workload, without waiting. */
    TransactionRequested deposit() {
        return deposit(accounts.get(random.nextInt(accounts.size())));
    }

    TransactionRequested deposit(String account) {
        BigDecimal amount = amount();
        TransactionRequested request = TransactionRequested.newBuilder().setEventId(UUID.randomUUID().toString())
                .setTransactionId(UUID.randomUUID().toString()).setAccountId(account).setUserId(user(account))
                .setKind(TransactionKind.DEPOSIT).setAmount(Amounts.money(amount, "EUR"))
                .setRequestedAt(now()).build();
        sent.put(request.getTransactionId(), new Deposit(request.getTransactionId(), user(account), account, amount));
        produced.put(request.getTransactionId(), request);
        if (v1Every > 0 && deposits.incrementAndGet() % v1Every == 0) {
            org.apache.avro.generic.GenericRecord v1 = asV1(request, v1Schema());
            sentAsV1.add(request.getTransactionId());
            kafka.sendAsync("transaction-requests", account, KafkaTestClient.encode(v1Schema(), v1), KafkaTestClient.headersOf(v1));
        } else {
            kafka.sendAsync("transaction-requests", account, request);
        }
        return request;
    }

    private volatile KafkaTestClient.RegisteredSchema v1;

    /**
     * TransactionRequested as producers that have not moved to v2 write it: version 1 of its subject, taken from the
     * registry (whether the registry holds it as v1's own gate registered it, or in canonical form).
     */
    private KafkaTestClient.RegisteredSchema v1Schema() {
        if (v1 == null) {
            v1 = kafka.registered("transaction-requests", 1);
        }
        return v1;
    }

    /** The same deposit as a v1 producer writes it: the fields v1 has (v2 only added optional ones). */
    static org.apache.avro.generic.GenericRecord asV1(TransactionRequested request, KafkaTestClient.RegisteredSchema schema) {
        org.apache.avro.generic.GenericRecord v1 = new org.apache.avro.generic.GenericData.Record(schema.schema());
        for (org.apache.avro.Schema.Field field : schema.schema().getFields()) {
            Object value = request.get(field.name());
            if (value instanceof Enum<?> symbol) {
                value = new org.apache.avro.generic.GenericData.EnumSymbol(field.schema(), symbol.name());
            } else if (value instanceof dev.kantor.events.Money money) {
                org.apache.avro.generic.GenericRecord amount = new org.apache.avro.generic.GenericData.Record(field.schema());
                amount.put("amount", money.getAmount());
                amount.put("currency", money.getCurrency());
                value = amount;
            }
            v1.put(field.name(), value);
        }
        return v1;
    }

    /**
     * One deposit posted to the gateway by the account's owner, retried with the same Idempotency-Key until the
     * gateway accepts it, whatever happens to the gateway meanwhile.
     */
    Deposit depositThroughGateway(Duration timeout) {
        return depositThroughGateway(accounts.get(random.nextInt(accounts.size())), timeout);
    }

    Deposit depositThroughGateway(String account, Duration timeout) {
        BigDecimal amount = amount();
        String transactionId = clients.get(account).transactUntilAccepted(Map.of("accountId", account, "kind", "DEPOSIT",
                "amount", amount.setScale(2, RoundingMode.UNNECESSARY).toPlainString(), "currency", "EUR"),
                UUID.randomUUID().toString(), timeout).get("transactionId").asText();
        Deposit deposit = new Deposit(transactionId, user(account), account, amount);
        if (sent.putIfAbsent(transactionId, deposit) != null) {
            throw new AssertionError("two keys were given the same transaction " + transactionId);
        }
        return deposit;
    }

    /** The signed-in owner of an account opened through the gateway. */
    GatewayClient client(String account) {
        return clients.get(account);
    }

    private BigDecimal amount() {
        return BigDecimal.valueOf(random.nextInt(10_000) + 1, 2).setScale(4, RoundingMode.UNNECESSARY);
    }

    /** Requests with no outcome at all. */
    long lost(OutcomeCollector outcomes) {
        return sent.keySet().stream().filter(id -> outcomes.outcome(id) == null).count();
    }

    /** Requests with more than one distinct outcome event id: decided twice. */
    long appliedTwice(OutcomeCollector outcomes) {
        return sent.keySet().stream().filter(id -> outcomes.outcome(id) != null && outcomes.outcome(id).eventIds.size() > 1).count();
    }

    /** Per user, the EUR the wallet must hold: the sum of the approved deposits. */
    Map<String, BigDecimal> expectedWallets(OutcomeCollector outcomes) {
        Map<String, BigDecimal> expected = new TreeMap<>();
        accounts.forEach(a -> expected.put(user(a), BigDecimal.ZERO.setScale(2)));
        sent.forEach((id, deposit) -> {
            if (outcomes.outcome(id) != null && outcomes.outcome(id).event instanceof TransactionApproved) {
                expected.merge(deposit.user(), deposit.amount().setScale(2, RoundingMode.UNNECESSARY), BigDecimal::add);
            }
        });
        return expected;
    }

    /** Per user, the EUR the wallet service answers (0.00 when it holds none). */
    Map<String, BigDecimal> actualWallets(String walletService) {
        Map<String, BigDecimal> actual = new TreeMap<>();
        accounts.stream().map(this::user).distinct().forEach(user -> actual.put(user, eur(walletService, user)));
        return actual;
    }

    private static BigDecimal eur(String walletService, String user) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(walletService + "/wallets/" + user)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return BigDecimal.ZERO.setScale(2);
            }
            for (JsonNode balance : JSON.readTree(response.body()).get("balances")) {
                if (balance.get("currency").asText().equals("EUR")) {
                    return new BigDecimal(balance.get("amount").asText());
                }
            }
            return BigDecimal.ZERO.setScale(2);
        } catch (Exception e) {
            throw new IllegalStateException("the wallet of " + user, e);
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
