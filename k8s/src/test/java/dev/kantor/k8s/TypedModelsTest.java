package dev.kantor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.topic.KafkaTopic;

/**
 * Every document of every overlay is what its operator's model says it may be: core kinds by fabric8's Kubernetes
 * model, kafka.strimzi.io by Strimzi's (the pinned strimzi.version), monitoring.coreos.com by fabric8's
 * monitoring model, CloudNativePG's Cluster by CloudNativePgCluster; a field any of them does not know fails the build,
 * as the API server would refuse it (or, worse, drop it) on apply.
 */
class TypedModelsTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "fleet"})
    void everyDocumentIsReadByItsOperatorsModelWithNoUnknownField(String overlay) throws Exception {
        Map<String, Integer> kinds = new TreeMap<>();
        for (String document : KubernetesManifestsTest.documents(KubernetesManifestsTest.kustomize(overlay))) {
            HasMetadata parsed = Serialization.unmarshal(new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)));
            Object typed = StrictModels.read(YAML.readTree(document), StrictModels.modelOf(parsed));
            assertTrue(!(typed instanceof GenericKubernetesResource), parsed.getKind() + " read untyped");
            kinds.merge(parsed.getKind(), 1, Integer::sum);
            if (!parsed.getKind().equals("Namespace")) {
                assertEquals("kantor", parsed.getMetadata().getNamespace(), parsed.getKind() + " " + parsed.getMetadata().getName() + "'s namespace");
            }
        }
        for (String kind : List.of("Deployment", "Service", "Job", "ConfigMap", "NetworkPolicy", "Kafka", "KafkaNodePool", "KafkaTopic",
                "KafkaUser", "Cluster")) {
            assertTrue(kinds.containsKey(kind), overlay + " has a " + kind + ": " + kinds);
        }
        if (overlay.equals("prod")) {
            for (String kind : List.of("Ingress", "PodDisruptionBudget", "PrometheusRule", "PodMonitor")) {
                assertTrue(kinds.containsKey(kind), "prod has a " + kind + ": " + kinds);
            }
        }
        if (overlay.equals("fleet")) {
            assertTrue(kinds.containsKey("KafkaMirrorMaker2") && kinds.containsKey("StatefulSet"), kinds.toString());
        }
    }

    @Test
    void aMisspelledFieldOfACoreKindIsRefusedAtAnyDepth() throws Exception {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replicas: 1
                  template:
                    spec:
                      containers:
                        - name: x
                          image: x
                          resources: {%s: {cpu: 100m}}
                """;
        assertEquals(1, StrictModels.read(YAML.readTree(deployment.formatted("limits")), Deployment.class).getSpec().getReplicas());
        // The lenient model takes the misspelling into additionalProperties and says nothing.
        Deployment lenient = Serialization.unmarshal(deployment.formatted("limit"), Deployment.class);
        assertEquals(Map.of("limit", Map.of("cpu", "100m")),
                lenient.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getAdditionalProperties());
        AssertionError refused = assertThrows(AssertionError.class,
                () -> StrictModels.read(YAML.readTree(deployment.formatted("limit")), Deployment.class));
        assertTrue(refused.getMessage().contains("\"limit\"") && refused.getMessage().contains("ResourceRequirements"), refused.getMessage());
        assertThrows(AssertionError.class, () -> StrictModels.read(YAML.readTree(deployment.formatted("limits")
                .replace("replicas", "replica")), Deployment.class));
    }

    @Test
    void aMisspelledFieldOfAStrimziKindIsRefused() throws Exception {
        String topic = "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\nmetadata: {name: t}\nspec: {%s: 3, replicas: 3}\n";
        assertEquals(3, StrictModels.read(YAML.readTree(topic.formatted("partitions")), KafkaTopic.class).getSpec().getPartitions());
        assertTrue(assertThrows(AssertionError.class, () -> StrictModels.read(YAML.readTree(topic.formatted("partition")), KafkaTopic.class))
                .getMessage().contains("partition"));
        String kafka = """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: k}
                spec:
                  kafka:
                    listeners:
                      - {name: scram, port: 9092, type: internal, tls: false, %s: [{podSelector: {}}]}
                """;
        assertInstanceOf(Kafka.class, StrictModels.read(YAML.readTree(kafka.formatted("networkPolicyPeers")), Kafka.class));
        assertThrows(AssertionError.class, () -> StrictModels.read(YAML.readTree(kafka.formatted("networkPolicyPeer")), Kafka.class));
    }

    @Test
    void aMisspelledFieldOfTheCloudNativePgClusterIsRefused() throws Exception {
        String cluster = """
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: db}
                spec:
                  instances: 3
                  managed:
                    roles: [{name: r, login: true, %s: {name: s}}]
                """;
        assertEquals("s", StrictModels.read(YAML.readTree(cluster.formatted("passwordSecret")), CloudNativePgCluster.class).spec()
                .managed().roles().get(0).passwordSecret().name());
        assertThrows(AssertionError.class, () -> StrictModels.read(YAML.readTree(cluster.formatted("passwordSecrets")), CloudNativePgCluster.class));
    }
}
