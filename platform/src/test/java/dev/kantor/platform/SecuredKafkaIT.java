package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kantor.topology.Topology;
import dev.kantor.topology.Services;
import dev.kantor.topology.ServiceChannels;

/**
 * A broker with SASL/SCRAM and the standard authorizer, its users and ACLs made from the services' channels (the
 * same declarations as the Kubernetes KafkaUsers): a service does what its channels need and is refused the rest.
 */
class SecuredKafkaIT {

    static KafkaCluster cluster;
    static final Map<String, String> PASSWORDS = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = SecuredBroker.get();
        Map<String, ServiceChannels> services = new LinkedHashMap<>();
        for (String service : Services.PORTS.keySet()) {
            services.put(service, ServiceChannels.of(service));
            PASSWORDS.put(service, service + "-secret");
        }
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            // Idempotent, as the broker is shared with TopologyCommandIT, which may have made the topics already.
            new TopologyApplier(admin, ReplicationProfile.forBrokers(1)).apply(Topology.load());
            KafkaAcls.apply(admin, services, PASSWORDS);
        }
    }

    @Test
    void aServiceWritesItsOwnTopicsAndIsRefusedAnyOther() throws Exception {
        try (KafkaProducer<String, String> account = producer("account", PASSWORDS.get("account"))) {
            account.send(new ProducerRecord<>("accounts", "acc-1", "allowed")).get(30, TimeUnit.SECONDS);
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> account.send(new ProducerRecord<>("transactions", "acc-1", "not allowed")).get(30, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, refused.getCause(), refused.toString());
        }
    }

    @Test
    void aServiceReadsOnlyInItsOwnConsumerGroup() {
        try (KafkaConsumer<String, String> own = consumer("account", PASSWORDS.get("account"), "account-service")) {
            own.subscribe(List.of("account-requests"));
            own.poll(Duration.ofSeconds(5)); // allowed: no exception
        }
        try (KafkaConsumer<String, String> foreign = consumer("account", PASSWORDS.get("account"), "wallet-service")) {
            foreign.subscribe(List.of("account-requests"));
            assertThrows(GroupAuthorizationException.class, () -> {
                for (int i = 0; i < 10; i++) {
                    foreign.poll(Duration.ofSeconds(2));
                }
            });
        }
        try (KafkaConsumer<String, String> otherTopic = consumer("account", PASSWORDS.get("account"), "account-service")) {
            otherTopic.subscribe(List.of("transaction-requests"));
            assertThrows(TopicAuthorizationException.class, () -> {
                for (int i = 0; i < 10; i++) {
                    otherTopic.poll(Duration.ofSeconds(2));
                }
            });
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        try (KafkaProducer<String, String> impostor = producer("transaction", "guess")) {
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> impostor.send(new ProducerRecord<>("transactions", "acc-1", "x")).get(30, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, refused.getCause(), refused.toString());
        }
    }

    private static KafkaProducer<String, String> producer(String user, String password) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.putAll(KafkaAcls.saslConfig(user, password));
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String user, String password, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putAll(KafkaAcls.saslConfig(user, password));
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }
}
