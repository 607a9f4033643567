package dev.kantor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kantor.platform.MirrorMakerPart;
import dev.kantor.topology.Topology;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.strimzi.api.kafka.model.common.authentication.KafkaClientAuthenticationScramSha512;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.mirrormaker2.KafkaMirrorMaker2;
import io.strimzi.api.kafka.model.mirrormaker2.KafkaMirrorMaker2ClusterSpec;
import io.strimzi.api.kafka.model.mirrormaker2.KafkaMirrorMaker2MirrorSpec;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;

/**
 * The fleet overlay (k8s/overlays/fleet: the dev platform plus k8s/components/fleet) read with Strimzi's own typed
 * model of the pinned release (pom.xml strimzi.version): vessel1's cluster and topics as the vessel topology declares
 * them, MirrorMaker 2 configured as the launcher runs it (MirrorMakerPart), each login allowed what it needs, and the
 * fleet's workloads bounded like every other.
 */
class FleetManifestsTest {

    static List<HasMetadata> documents;

    @BeforeAll
    static void build() throws Exception {
        documents = KubernetesManifestsTest.build("fleet");
    }

    static <T> List<T> strimzi(String kind, Class<T> type) {
        return documents.stream().filter(d -> d instanceof GenericKubernetesResource && kind.equals(d.getKind()))
                .map(d -> Serialization.unmarshal(Serialization.asJson(d), type)).toList();
    }

    static <T extends HasMetadata> T named(List<T> resources, String name) {
        return resources.stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " among " + resources.stream().map(r -> r.getMetadata().getName()).toList()));
    }

    @Test
    void vesselTopicsAreWhatTheVesselTopologyDeclares() throws Exception {
        String generated = TopologyManifests.vesselTopics();
        if (Boolean.getBoolean("kantor.k8s.write")) {
            Files.writeString(KubernetesManifestsTest.ROOT.resolve(TopologyManifests.VESSEL_TOPICS), generated);
        }
        assertEquals(generated, Files.readString(KubernetesManifestsTest.ROOT.resolve(TopologyManifests.VESSEL_TOPICS)),
                TopologyManifests.VESSEL_TOPICS + " is out of date: run ./mvnw -pl k8s test -Dkantor.k8s.write=true and commit it");
        Map<String, KafkaTopic> onBoard = strimzi("KafkaTopic", KafkaTopic.class).stream()
                .filter(t -> "vessel1".equals(t.getMetadata().getLabels().get("strimzi.io/cluster")))
                .collect(Collectors.toMap(t -> t.getSpec().getTopicName(), t -> t, (a, b) -> a, TreeMap::new));
        assertEquals(Topology.vessel().topics().stream().map(Topology.TopicSpec::name).sorted().toList(), List.copyOf(onBoard.keySet()));
        for (Topology.TopicSpec spec : Topology.vessel().topics()) {
            KafkaTopic topic = onBoard.get(spec.name());
            assertEquals(spec.partitions(), topic.getSpec().getPartitions(), spec.name());
            assertEquals(3, topic.getSpec().getReplicas(), spec.name() + ": the dev overlay's single broker is the shore's, not the vessel's");
            assertEquals("2", String.valueOf(topic.getSpec().getConfig().get("min.insync.replicas")), spec.name());
        }
    }

    @Test
    void theVesselHasThreeBrokersAtReplicationThreeAndMinIsrTwo() {
        Kafka vessel = named(strimzi("Kafka", Kafka.class), "vessel1");
        KafkaNodePool nodes = strimzi("KafkaNodePool", KafkaNodePool.class).stream()
                .filter(p -> "vessel1".equals(p.getMetadata().getLabels().get("strimzi.io/cluster"))).findFirst().orElseThrow();
        assertEquals(3, nodes.getSpec().getReplicas());
        Map<String, Object> config = vessel.getSpec().getKafka().getConfig();
        assertEquals(3, ((Number) config.get("default.replication.factor")).intValue());
        assertEquals(2, ((Number) config.get("min.insync.replicas")).intValue());
        assertEquals(false, config.get("auto.create.topics.enable"), "topics only as declared");
    }

    @Test
    void mirrorMakerRunsAsTheLauncherRunsIt() {
        KafkaMirrorMaker2 mirror = named(strimzi("KafkaMirrorMaker2", KafkaMirrorMaker2.class), "vessel1-to-shore");
        Map<String, KafkaMirrorMaker2ClusterSpec> clusters = mirror.getSpec().getClusters().stream()
                .collect(Collectors.toMap(KafkaMirrorMaker2ClusterSpec::getAlias, c -> c));
        assertEquals("shore", mirror.getSpec().getConnectCluster(), "the workers run by the target");
        assertEquals("vessel1-kafka-bootstrap:9092", clusters.get("vessel1").getBootstrapServers(), "Strimzi's bootstrap Service of vessel1");
        assertEquals("kantor-kafka-bootstrap:9092", clusters.get("shore").getBootstrapServers(), "the exchange's cluster is the shore");
        assertEquals(1, mirror.getSpec().getMirrors().size());
        KafkaMirrorMaker2MirrorSpec flow = mirror.getSpec().getMirrors().get(0);
        assertEquals("vessel1", flow.getSourceCluster());
        assertEquals("shore", flow.getTargetCluster());
        assertEquals(MirrorMakerPart.TOPICS, flow.getTopicsPattern(), "the same topics as the launcher's MirrorMaker");
        assertEquals("read_committed", clusters.get("vessel1").getConfig().get("consumer.isolation.level"), "only what the edge committed");
        assertEquals("enabled", clusters.get("shore").getConfig().get("exactly.once.source.support"));
        assertEquals("required", flow.getSourceConnector().getConfig().get("exactly.once.support"));
        assertEquals("mm2-status.vessel1.internal", clusters.get("shore").getConfig().get("status.storage.topic"),
                "the status topic the launcher's supervisor reads, by the same name");
        assertTrue(flow.getSourceConnector().getAutoRestart().isEnabled(), "failed connectors restarted (KAFKA-12798)");
        for (KafkaMirrorMaker2ClusterSpec cluster : clusters.values()) {
            assertNull(cluster.getConfig() == null ? null : cluster.getConfig().get("replication.policy.class"),
                    "the default replication policy: topics ashore named vessel1.<topic>");
        }
        assertNull(flow.getSourceConnector().getConfig().get("replication.policy.class"));

        KafkaClientAuthenticationScramSha512 login = (KafkaClientAuthenticationScramSha512) clusters.get("shore").getAuthentication();
        KafkaUser user = named(strimzi("KafkaUser", KafkaUser.class), login.getUsername());
        assertEquals("kantor", user.getMetadata().getLabels().get("strimzi.io/cluster"));
        assertEquals(user.getMetadata().getName(), login.getPasswordSecret().getSecretName(), "the Secret the User Operator writes");
        assertTrue(user.getSpec().getAuthentication() instanceof KafkaUserScramSha512ClientAuthentication);
        assertTrue(allows(user, "vessel1.", "Write"), "writes vessel1.* ashore");
        assertTrue(!allows(user, "transactions", "Read") && !allows(user, "", "Read"), "reads nothing of the exchange");

        GenericKubernetesResource shore = (GenericKubernetesResource) documents.stream()
                .filter(d -> "Kafka".equals(d.getKind()) && "kantor".equals(d.getMetadata().getName())).findFirst().orElseThrow();
        Kafka shoreKafka = Serialization.unmarshal(Serialization.asJson(shore), Kafka.class);
        assertTrue(shoreKafka.getSpec().getKafka().getListeners().get(0).getNetworkPolicyPeers().stream()
                .anyMatch(peer -> "KafkaMirrorMaker2".equals(peer.getPodSelector().getMatchLabels().get("strimzi.io/kind"))),
                "the shore's listener lets MirrorMaker in");
    }

    /**
     * The vessel's schemas are registered by a Job of their own (the exchange's registers only the exchange's), in
     * the same registry, by the same release's image; the edge starts only once the schemas of what it writes are.
     */
    @Test
    void theVesselsSchemasAreRegisteredBeforeTheEdgeWritesThem() {
        List<Job> jobs = KubernetesManifestsTest.typed(documents, Job.class);
        Container exchange = named(jobs, "register-schemas").getSpec().getTemplate().getSpec().getContainers().get(0);
        Container vessel = named(jobs, "register-vessel-schemas").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(exchange.getImage(), vessel.getImage(), "one release of the platform image");
        assertTrue(exchange.getImage().matches("kantor/platform:.+"), exchange.getImage());
        assertEquals(List.of("schemas", "--registry", exchange.getArgs().get(2), "--topology", "vessel"), vessel.getArgs());
        assertEquals("register-schemas", named(jobs, "register-vessel-schemas").getSpec().getTemplate().getMetadata().getLabels()
                .get("app.kubernetes.io/name"), "the label the network policies let reach the registry");
        KubernetesManifestsTest.assertContainerIsBounded("register-vessel-schemas", vessel);

        Deployment edge = named(KubernetesManifestsTest.typed(documents, Deployment.class), "fleet-edge");
        Container await = edge.getSpec().getTemplate().getSpec().getInitContainers().get(0);
        assertEquals(exchange.getImage(), await.getImage());
        assertEquals(List.of("schemas", "--registry", exchange.getArgs().get(2), "--topology", "vessel", "--await"), await.getArgs().subList(0, 6));
        // What EdgeTopology writes: its window summaries and cold-chain alerts, each a vessel topic with a value schema.
        List<String> artifacts = List.of(await.getArgs().get(6).split(","));
        assertEquals(List.of("reefer-summaries-value", "reefer-alerts-value"), artifacts);
        Map<String, Topology.TopicSpec> topics = Topology.vessel().topics().stream().collect(Collectors.toMap(Topology.TopicSpec::valueArtifactId, t -> t));
        artifacts.forEach(a -> assertTrue(topics.containsKey(a) && topics.get(a).valueSchemaName().isPresent(), a + " is a vessel schema"));
        KubernetesManifestsTest.assertContainerIsBounded("fleet-edge await-schemas", await);
    }

    /** Whether a simple-authorization user may do the operation on the topic (literal name, or a prefix of it). */
    static boolean allows(KafkaUser user, String topic, String operation) {
        for (AclRule rule : ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
            if (rule.getResource() instanceof AclRuleTopicResource resource && rule.getOperations().stream().anyMatch(o -> o.toValue().equals(operation))) {
                boolean prefix = resource.getPatternType() == AclResourcePatternType.PREFIX;
                if (prefix ? topic.startsWith(resource.getName()) && !topic.isEmpty() : topic.equals(resource.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void twoAnalyticsInstancesTellEachOtherWhereTheyAnswerAndReadEveryVesselsTopics() {
        StatefulSet analytics = named(KubernetesManifestsTest.typed(documents, StatefulSet.class), "fleet-analytics");
        assertEquals(2, analytics.getSpec().getReplicas(), "any key answered by either, standbys on the other");
        Container container = analytics.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        assertEquals("status.podIP", env.get("POD_IP").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("$(POD_IP):8080", env.get("KANTOR_FLEET_ANALYTICS_SERVER").getValue(), "host and port of this instance");
        assertNotNull(env.get("QUARKUS_KAFKA_STREAMS_SASL_JAAS_CONFIG"), "Kafka Streams logs in to the SCRAM listener");
        KafkaUser user = named(strimzi("KafkaUser", KafkaUser.class), "fleet-analytics");
        assertEquals("fleet-analytics", env.get("KAFKA_PASSWORD").getValueFrom().getSecretKeyRef().getName());
        assertTrue(allows(user, "vessel1.reefer-summaries", "Read") && allows(user, "vessel1.reefer-alerts", "Read"));
        assertTrue(allows(user, "fleet-analytics-container-status-changelog", "Write"), "its changelogs");
        assertTrue(!allows(user, "transactions", "Read"), "nothing of the exchange");

        Deployment edge = named(KubernetesManifestsTest.typed(documents, Deployment.class), "fleet-edge");
        Map<String, String> edgeEnv = edge.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertEquals("vessel1-kafka-bootstrap:9092", edgeEnv.get("KAFKA_BOOTSTRAP_SERVERS"), "the edge works on board");
        assertEquals(1, edge.getSpec().getReplicas());

        KubernetesManifestsTest.assertContainerIsBounded("fleet-analytics", container);
        KubernetesManifestsTest.assertContainerIsBounded("fleet-edge", edge.getSpec().getTemplate().getSpec().getContainers().get(0));
        for (Container c : List.of(container, edge.getSpec().getTemplate().getSpec().getContainers().get(0))) {
            assertNotNull(c.getReadinessProbe(), c.getName());
            assertNotNull(c.getLivenessProbe(), c.getName());
        }
    }
}
