package dev.kantor.k8s;

import java.util.Map;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.strimzi.api.kafka.model.bridge.KafkaBridge;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.mirrormaker2.KafkaMirrorMaker2;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.rebalance.KafkaRebalance;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;

/**
 * Reads a manifest into the operators' own typed models and refuses any field those models do not know. fabric8's
 * and Strimzi's classes catch unknown fields in an {@code additionalProperties} any-setter (so that a newer server's
 * fields survive a round trip), which would let a misspelled field through silently; this mapper takes every
 * any-setter away, so an unknown field is Jackson's UnrecognizedPropertyException, naming the field and its path.
 */
final class StrictModels {

    /** The Strimzi kinds (kafka.strimzi.io) of the pinned release, strimzi.version in the parent pom. */
    static final Map<String, Class<? extends HasMetadata>> STRIMZI = Map.of(
            "Kafka", Kafka.class, "KafkaNodePool", KafkaNodePool.class, "KafkaTopic", KafkaTopic.class, "KafkaUser", KafkaUser.class,
            "KafkaMirrorMaker2", KafkaMirrorMaker2.class, "KafkaConnect", KafkaConnect.class, "KafkaConnector", KafkaConnector.class,
            "KafkaBridge", KafkaBridge.class, "KafkaRebalance", KafkaRebalance.class);

    /** The Prometheus Operator's kinds (monitoring.coreos.com/v1), by fabric8's model of them. */
    static final Map<String, Class<? extends HasMetadata>> MONITORING = Map.of(
            "PrometheusRule", io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class,
            "PodMonitor", io.fabric8.openshift.api.model.monitoring.v1.PodMonitor.class,
            "ServiceMonitor", io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor.class);

    private static final ObjectMapper MAPPER = mapper();

    private StrictModels() {
    }

    private static ObjectMapper mapper() {
        SimpleModule noCatchAll = new SimpleModule("no-additional-properties");
        noCatchAll.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description, BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                builder.setIgnoreUnknownProperties(false);
                return builder;
            }
        });
        // fabric8's own mapper (IntOrString, Quantity, polymorphic fields), made strict.
        return Serialization.jsonMapper().copy().registerModule(noCatchAll).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** The typed object of the document, or an exception naming the first unknown field. */
    static <T> T read(JsonNode document, Class<T> type) {
        try {
            return MAPPER.treeToValue(document, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(document.path("kind").asText() + " " + document.path("metadata").path("name").asText() + ": "
                    + e.getOriginalMessage() + " at " + e.getLocation() + " " + path(e), e);
        }
    }

    private static String path(com.fasterxml.jackson.core.JsonProcessingException e) {
        return e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping ? mapping.getPathReference() : "";
    }

    /**
     * The class that models a built document: fabric8's for every core kind (and any kind whose model is on the class
     * path, e.g. monitoring.coreos.com), Strimzi's for kafka.strimzi.io, CloudNativePgCluster for CloudNativePG's Cluster.
     */
    static Class<?> modelOf(HasMetadata parsed) {
        if (!(parsed instanceof GenericKubernetesResource)) {
            return parsed.getClass();
        }
        String group = parsed.getApiVersion().contains("/") ? parsed.getApiVersion().substring(0, parsed.getApiVersion().indexOf('/')) : "";
        if (group.equals("kafka.strimzi.io") && STRIMZI.containsKey(parsed.getKind())) {
            return STRIMZI.get(parsed.getKind());
        }
        if (group.equals("monitoring.coreos.com") && MONITORING.containsKey(parsed.getKind())) {
            return MONITORING.get(parsed.getKind());
        }
        if (parsed.getApiVersion().equals(CloudNativePgCluster.API_VERSION) && parsed.getKind().equals("Cluster")) {
            return CloudNativePgCluster.class;
        }
        throw new AssertionError("no typed model for " + parsed.getApiVersion() + " " + parsed.getKind() + " " + parsed.getMetadata().getName());
    }
}
