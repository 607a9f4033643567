package dev.kantor.transaction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.kantor.events.Amounts;
import dev.kantor.events.AccountOpened;
import dev.kantor.events.RejectionReason;
import dev.kantor.events.TransactionApproved;
import dev.kantor.events.TransactionKind;
import dev.kantor.events.TransactionRejected;
import dev.kantor.events.TransactionRequested;
import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.Ports;
import dev.kantor.platform.ServicePart;
import dev.kantor.testsupport.KafkaTestClient;
import dev.kantor.testsupport.OutcomeCollector;

/**
 * The ledger against requests that Kafka's partitioning no longer serializes, as a non-Java producer (another
 * partitioner), a grown topic or a zombie instance deliver them: one account's withdrawals on every partition at once,
 * two packaged instances in different consumer groups deciding the same requests, and partitions added under load.
 * Every account holds 1,000.00 EUR and asks for 300 withdrawals of 10.00: exactly 100 may be approved, the balance
 * must end at zero and equal the sum of the account's ledger entries.
 */
class LedgerIsolationIT {

    static final int ACCOUNTS = 3;
    static final int WITHDRAWALS = 300;
    static final BigDecimal DEPOSIT = new BigDecimal("1000.00");
    static final BigDecimal WITHDRAWAL = new BigDecimal("10.00");
    static final Duration WAIT = Duration.ofMinutes(2);

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String topic = "ledger-it-" + run;
    final List<ServicePart> services = new ArrayList<>();
    final List<String> groups = new ArrayList<>();
    Endpoints endpoints;
    Admin admin;

    @BeforeEach
    void topic() throws Exception {
        endpoints = LocalPlatform.fromEnvironment().ensureRunning();
        admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafkaBootstrapServers()));
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        services.forEach(ServicePart::stop);
        admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        admin.close();
    }

    @Test
    void oneAccountsRequestsOnEveryPartitionAtOnceMoveOnlyTheMoneyThatExists() throws Exception {
        start("a");
        try (Run test = new Run()) {
            test.withdraw(0, WITHDRAWALS, 3);
            test.awaitOutcomes(1);
            test.assertInvariants();
        }
    }

    @Test
    void twoInstancesInDifferentGroupsDecidingTheSameRequestsApplyEachOnce() throws Exception {
        start("a");
        start("b");
        try (Run test = new Run()) {
            test.withdraw(0, WITHDRAWALS, 3);
            // Both instances decide every request: one applies it, the other finds it processed and re-publishes it.
            test.awaitOutcomes(2);
            test.assertInvariants();
        }
    }

    @Test
    void partitionsAddedUnderLoadChangeNothingButWhereRequestsArrive() throws Exception {
        start("a");
        try (Run test = new Run()) {
            test.withdraw(0, WITHDRAWALS / 2, 3);
            admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(6))).all().get(30, TimeUnit.SECONDS);
            // The service rebalances onto the new partitions while it works through the first half; the second half
            // goes out once they are its (sent at once, the test's own idempotent producer lost records to partitions
            // whose leader was not ready yet: NOT_LEADER_OR_FOLLOWER, then OUT_OF_ORDER_SEQUENCE_NUMBER).
            Awaitility.await().atMost(WAIT).until(() -> assigned(groups.get(0)) == 6);
            test.withdraw(WITHDRAWALS / 2, WITHDRAWALS, 6);
            test.awaitOutcomes(1);
            assertEquals(6, admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size());
            test.assertInvariants();
        }
    }

    /** How many partitions of this test's topic the group's members hold. */
    private int assigned(String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group).members().stream()
                .mapToInt(m -> (int) m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topic)).count()).sum();
    }

    /** A packaged transaction service reading this test's topic in consumer groups of its own. */
    private void start(String instance) {
        String group = topic + "-" + instance;
        groups.add(group);
        ServicePart service = new ServicePart("transaction", Ports.any(), endpoints,
                Path.of("target", "ledger-it-" + instance + ".log").toAbsolutePath(), Map.of(
                        "mp.messaging.incoming.transaction-requests.topic", topic,
                        "mp.messaging.incoming.transaction-requests.group.id", group,
                        "mp.messaging.incoming.accounts.group.id", group + "-accounts",
                        "mp.messaging.incoming.rates.group.id", group + "-rates",
                        // New partitions are seen within a second instead of 30 s.
                        "mp.messaging.incoming.transaction-requests.metadata.max.age.ms", "1000",
                        "kantor.transaction.max-rate-age", "PT1H"));
        service.start();
        services.add(service);
        service.awaitHealthy(Duration.ofSeconds(120));
    }

    /** One run's accounts, funded, with the clients that send their requests and watch their outcomes. */
    private final class Run implements AutoCloseable {

        final KafkaTestClient kafka = new KafkaTestClient(endpoints);
        final OutcomeCollector outcomes = new OutcomeCollector(endpoints);
        final Connection db = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.postgresUser(), endpoints.postgresPassword());
        final List<String> accounts = new ArrayList<>();
        final Set<String> withdrawals = new LinkedHashSet<>();
        final Map<String, String> accountOf = new HashMap<>();
        final Map<String, Integer> partitionOf = new HashMap<>();
        final List<java.util.concurrent.Future<?>> sent = new ArrayList<>();

        Run() throws Exception {
            Set<String> deposits = new LinkedHashSet<>();
            for (int i = 0; i < ACCOUNTS; i++) {
                String account = "ledger-" + run + "-" + i;
                accounts.add(account);
                kafka.send("accounts", account, AccountOpened.newBuilder().setEventId(UUID.randomUUID().toString())
                        .setRequestId(UUID.randomUUID().toString()).setAccountId(account).setUserId("user-" + account)
                        .setBaseCurrency("EUR").setDisplayName("ledger test").setOpenedAt(now()).build());
            }
            for (String account : accounts) {
                TransactionRequested deposit = request(account, TransactionKind.DEPOSIT, DEPOSIT);
                deposits.add(deposit.getTransactionId());
                send(deposit, 0);
            }
            kafka.flush();
            outcomes.awaitAll(deposits, WAIT);
            for (String id : deposits) {
                assertTrue(outcomes.outcome(id).event instanceof TransactionApproved, "deposit " + outcomes.outcome(id).event);
            }
        }

        /** Withdrawals {@code from} until {@code to} (exclusive) of every account, the i-th on partition i % partitions. */
        void withdraw(int from, int to, int partitions) {
            for (int i = from; i < to; i++) {
                for (String account : accounts) {
                    TransactionRequested withdrawal = request(account, TransactionKind.WITHDRAWAL, WITHDRAWAL);
                    withdrawals.add(withdrawal.getTransactionId());
                    accountOf.put(withdrawal.getTransactionId(), account);
                    partitionOf.put(withdrawal.getTransactionId(), i % partitions);
                    sent.add(send(withdrawal, i % partitions));
                }
            }
            kafka.flush();
            for (java.util.concurrent.Future<?> send : sent) {
                try {
                    send.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError("a withdrawal did not reach the broker", e);
                }
            }
        }

        /** Every withdrawal has an outcome, published at least {@code instances} times (once per instance deciding it). */
        void awaitOutcomes(int instances) {
            try {
                outcomes.awaitAll(withdrawals, WAIT);
                Awaitility.await().atMost(WAIT).until(() -> withdrawals.stream()
                        .allMatch(id -> outcomes.outcome(id).deliveries >= instances));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(whereTheyStopped(instances), e);
            }
        }

        /** Which partitions the missing outcomes' requests are on, and how far each instance's group got there. */
        private String whereTheyStopped(int instances) {
            Map<Integer, Integer> missing = new java.util.TreeMap<>();
            withdrawals.stream().filter(id -> outcomes.outcome(id) == null || outcomes.outcome(id).deliveries < instances)
                    .forEach(id -> missing.merge(partitionOf.get(id), 1, Integer::sum));
            StringBuilder report = new StringBuilder("withdrawals without outcome, by partition: " + missing);
            try {
                report.append("; end offsets ").append(kafka.endOffsets(topic));
                for (String group : groups) {
                    report.append("; group ").append(group).append(" committed ")
                            .append(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS))
                            .append(", members ").append(admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                                    .get(group).members().stream().map(m -> m.assignment().topicPartitions()).toList());
                }
            } catch (Exception e) {
                report.append("; (could not read the groups: ").append(e).append(')');
            }
            return report.toString();
        }

        void assertInvariants() throws Exception {
            Map<String, Integer> approved = new HashMap<>();
            for (String id : withdrawals) {
                OutcomeCollector.Outcome outcome = outcomes.outcome(id);
                assertEquals(1, outcome.eventIds.size(), "transaction " + id + " has outcome event ids " + outcome.eventIds);
                if (outcome.event instanceof TransactionApproved) {
                    approved.merge(accountOf.get(id), 1, Integer::sum);
                } else {
                    assertEquals(RejectionReason.INSUFFICIENT_FUNDS, ((TransactionRejected) outcome.event).getReason(), id);
                }
            }
            for (String account : accounts) {
                BigDecimal balance = amount("select amount from transaction.balance where account_id = ? and currency = 'EUR'", account);
                BigDecimal ledger = amount("select coalesce(sum(amount), 0) from transaction.ledger_entry where account_id = ?"
                        + " and currency = 'EUR'", account);
                assertEquals(0, ledger.compareTo(balance), account + ": balance " + balance + " but ledger entries sum to " + ledger);
                assertEquals(0, BigDecimal.ZERO.compareTo(balance), account + ": balance " + balance);
                assertEquals(100, approved.getOrDefault(account, 0), account + ": approved withdrawals of 10.00 from 1,000.00");
            }
        }

        private BigDecimal amount(String sql, String account) throws Exception {
            try (PreparedStatement query = db.prepareStatement(sql)) {
                query.setString(1, account);
                try (ResultSet rows = query.executeQuery()) {
                    assertTrue(rows.next(), sql + " for " + account);
                    return rows.getBigDecimal(1);
                }
            }
        }

        private java.util.concurrent.Future<?> send(TransactionRequested request, int partition) {
            return kafka.sendAsync(topic, partition, request.getAccountId(), kafka.encode("transaction-requests", request),
                    KafkaTestClient.headersOf(request));
        }

        private TransactionRequested request(String account, TransactionKind kind, BigDecimal amount) {
            return TransactionRequested.newBuilder().setEventId(UUID.randomUUID().toString())
                    .setTransactionId(UUID.randomUUID().toString()).setAccountId(account).setUserId("user-" + account)
                    .setKind(kind).setAmount(Amounts.money(amount, "EUR"))
                    .setRequestedAt(now()).build();
        }

        @Override
        public void close() throws Exception {
            db.close();
            outcomes.close();
            kafka.close();
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
