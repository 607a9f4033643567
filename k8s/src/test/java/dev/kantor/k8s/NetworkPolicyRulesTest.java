package dev.kantor.k8s;

import static dev.kantor.k8s.KubernetesManifestsTest.generic;
import static dev.kantor.k8s.KubernetesManifestsTest.spec;
import static dev.kantor.k8s.KubernetesManifestsTest.typed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.kantor.topology.Services;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Who may connect to whom, as the NetworkPolicies of a built overlay say: the pods of its Deployments, StatefulSets and
 * Jobs (their template labels and named ports), the pods Strimzi and CloudNativePG make of its Kafka, KafkaNodePool,
 * KafkaMirrorMaker2 and Cluster resources (the labels those operators set), the operators and other clients in their own namespaces, and addresses
 * that are no pod (a client from the internet, the Kubernetes API server). A small evaluator of the NetworkPolicy
 * semantics the manifests use: policies are additive allow-lists per direction once a pod is selected by any policy of
 * that direction; a connection needs the egress of its source and the ingress of its destination; podSelector and
 * namespaceSelector (matchLabels, matchExpressions), ports by number or name, protocols.
 */
class NetworkPolicyRulesTest {

    static final String NAMESPACE = "kantor";
    static final int POSTGRES = 5432;
    static final int POSTGRES_STATUS = 8000;
    static final int KRAFT_CONTROL_PLANE = 9090;
    static final int KAFKA_REPLICATION = 9091;
    static final int KAFKA_AGENT = 8443;
    static final int DNS = 53;

    /**
     * The matrix: a row per source, a column per destination and port; + allowed, . denied. One pod stands for all the
     * pods of its Deployment or pool, a second one of the same kind (gateway → gateway, kantor-brokers-0 →
     * kantor-brokers-1) is another replica. "dns:53" is UDP and TCP both. ~: neither end is in the namespace, so
     * these policies say nothing. d: allowed in dev only: there the gateway's port is open to anywhere (hence the
     * operators too); prod has an Ingress, and only its controller reaches the gateway (and Prometheus, its metrics).
     */
    static final String MATRIX = """
            from \\ to                 gateway:http wallet:http transaction:http registry:http brokers:client brokers:9091 brokers:9090 brokers:8443 db:5432 db:8000 dns:53 kube-apiserver:443 otel-collector:4317
            gateway                               .           .                .             +              +            .            .            .       +       .      +                  .                  +
            wallet                                .           .                .             +              +            .            .            .       +       .      +                  .                  +
            wallet-canary                         .           .                .             +              +            .            .            .       +       .      +                  .                  +
            transaction                           .           .                .             +              +            .            .            .       +       .      +                  .                  +
            rate                                  .           .                .             +              +            .            .            .       .       .      +                  .                  +
            registry                              .           .                .             .              .            .            .            .       +       .      +                  .                  .
            register-schemas                      .           .                .             +              .            .            .            .       .       .      +                  .                  .
            kantor-brokers-0                      .           .                .             .              +            +            +            +       .       .      +                  .                  .
            kantor-entity-operator                .           .                .             .              +            +            +            +       .       .      +                  +                  .
            kantor-db-2                           .           .                .             .              .            .            .            .       +       +      +                  +                  .
            kantor-db-3-join                      .           .                .             .              .            .            .            .       +       +      +                  +                  .
            strimzi-cluster-operator              d           .                .             .              .            +            +            +       .       .      ~                  ~                  ~
            cnpg-operator                         d           .                .             .              .            .            .            .       +       +      ~                  ~                  ~
            ingress-controller                    +           .                .             .              .            .            .            .       .       .      ~                  ~                  ~
            prometheus                            +           +                +             .              .            .            .            .       .       .      ~                  ~                  ~
            elsewhere                             d           .                .             .              .            .            .            .       .       .      ~                  ~                  ~
            internet                              d           .                .             .              .            .            .            .       .       .      ~                  ~                  ~
            """;

    /** A pod, or with no namespace an address that is no pod; ports by name. */
    record Endpoint(String name, String namespace, Map<String, String> labels, Map<String, Integer> ports) {
        boolean isPod() {
            return namespace != null;
        }

        int port(String nameOrNumber) {
            if (nameOrNumber.matches("\\d+")) {
                return Integer.parseInt(nameOrNumber);
            }
            Integer port = ports.get(nameOrNumber);
            assertNotNull(port, name + " has no port " + nameOrNumber + ": " + ports);
            return port;
        }
    }

    /** Everything that may connect, the namespaces' labels and the policies in force. */
    record Network(Map<String, Endpoint> endpoints, Map<String, Map<String, String>> namespaces, List<NetworkPolicy> policies) {

        Endpoint get(String name) {
            Endpoint endpoint = endpoints.get(name);
            assertNotNull(endpoint, "no endpoint " + name + " among " + endpoints.keySet());
            return endpoint;
        }

        boolean allows(Endpoint source, Endpoint target, int port, String protocol) {
            return allowedBy(source, "Egress", target, target, port, protocol) && allowedBy(target, "Ingress", source, target, port, protocol);
        }

        /** Whether the policies that select pod in the direction let it talk to peer (target: whose named ports count). */
        private boolean allowedBy(Endpoint pod, String direction, Endpoint peer, Endpoint target, int port, String protocol) {
            if (!pod.isPod()) {
                return true;
            }
            List<NetworkPolicy> selecting = policies.stream()
                    .filter(p -> p.getMetadata().getNamespace().equals(pod.namespace()))
                    .filter(p -> types(p).contains(direction))
                    .filter(p -> selects(p.getSpec().getPodSelector(), pod.labels()))
                    .toList();
            if (selecting.isEmpty()) {
                return true; // not isolated in this direction
            }
            for (NetworkPolicy policy : selecting) {
                List<Rule> rules = direction.equals("Ingress")
                        ? nullToEmpty(policy.getSpec().getIngress()).stream().map(r -> new Rule(r.getFrom(), r.getPorts())).toList()
                        : nullToEmpty(policy.getSpec().getEgress()).stream().map(r -> new Rule(r.getTo(), r.getPorts())).toList();
                for (Rule rule : rules) {
                    if (anyPeer(rule.peers(), policy.getMetadata().getNamespace(), peer) && anyPort(rule.ports(), target, port, protocol)) {
                        return true;
                    }
                }
            }
            return false;
        }

        private static List<String> types(NetworkPolicy policy) {
            List<String> types = nullToEmpty(policy.getSpec().getPolicyTypes());
            if (!types.isEmpty()) {
                return types;
            }
            // The API server's default: Ingress always, Egress if there are egress rules.
            return nullToEmpty(policy.getSpec().getEgress()).isEmpty() ? List.of("Ingress") : List.of("Ingress", "Egress");
        }

        private boolean anyPeer(List<NetworkPolicyPeer> peers, String policyNamespace, Endpoint endpoint) {
            if (peers == null || peers.isEmpty()) {
                return true; // every source or destination, pods or not
            }
            for (NetworkPolicyPeer peer : peers) {
                assertNull(peer.getIpBlock(), "ipBlock is not evaluated here");
                if (!endpoint.isPod()) {
                    continue;
                }
                boolean namespace = peer.getNamespaceSelector() == null
                        ? endpoint.namespace().equals(policyNamespace)
                        : selects(peer.getNamespaceSelector(), namespaces.get(endpoint.namespace()));
                if (namespace && (peer.getPodSelector() == null || selects(peer.getPodSelector(), endpoint.labels()))) {
                    return true;
                }
            }
            return false;
        }

        private static boolean anyPort(List<NetworkPolicyPort> ports, Endpoint target, int port, String protocol) {
            if (ports == null || ports.isEmpty()) {
                return true;
            }
            for (NetworkPolicyPort allowed : ports) {
                if (!protocol.equals(allowed.getProtocol() == null ? "TCP" : allowed.getProtocol())) {
                    continue;
                }
                if (allowed.getPort() == null) {
                    return true;
                }
                if (allowed.getPort().getIntVal() != null) {
                    int first = allowed.getPort().getIntVal();
                    int last = allowed.getEndPort() == null ? first : allowed.getEndPort();
                    if (port >= first && port <= last) {
                        return true;
                    }
                } else if (target.isPod() && Integer.valueOf(port).equals(target.ports().get(allowed.getPort().getStrVal()))) {
                    return true;
                }
            }
            return false;
        }

        static boolean selects(LabelSelector selector, Map<String, String> labels) {
            if (selector == null) {
                return true;
            }
            for (Map.Entry<String, String> label : nullToEmpty(selector.getMatchLabels()).entrySet()) {
                if (!label.getValue().equals(labels.get(label.getKey()))) {
                    return false;
                }
            }
            for (LabelSelectorRequirement requirement : nullToEmpty(selector.getMatchExpressions())) {
                String value = labels.get(requirement.getKey());
                boolean matches = switch (requirement.getOperator()) {
                    case "In" -> value != null && requirement.getValues().contains(value);
                    case "NotIn" -> value == null || !requirement.getValues().contains(value);
                    case "Exists" -> value != null;
                    case "DoesNotExist" -> value == null;
                    default -> throw new IllegalArgumentException(requirement.getOperator());
                };
                if (!matches) {
                    return false;
                }
            }
            return true;
        }
    }

    record Rule(List<NetworkPolicyPeer> peers, List<NetworkPolicyPort> ports) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theConnectionMatrixIsLeastPrivilege(String overlay) throws Exception {
        assertMatrix(overlay, network(overlay), MATRIX);
    }

    /**
     * The fleet's share (k8s/components/fleet/network-policies.yaml on the dev platform): the edge reaches only
     * vessel1's brokers and the registry; MirrorMaker only the two clusters' client listeners and its own workers;
     * the analytics only the shore's brokers, the registry and each other, and take queries from anywhere; the vessel's
     * nodes only each other (and the Kubernetes API); nothing of the exchange reaches the vessel.
     */
    static final String FLEET_MATRIX = """
            from \\ to                  vessel1-brokers:client vessel1-brokers:9091 brokers:client registry:http fleet-analytics:http vessel1-to-shore:rest fleet-edge:http db:5432 gateway:http dns:53 kube-apiserver:443
            fleet-edge                                   +                    .              .             +                    .                     .               .       .            .      +                  .
            fleet-analytics                              .                    .              +             +                    +                     .               .       .            .      +                  .
            vessel1-to-shore-mirrormaker2-0              +                    .              +             .                    .                     +               .       .            .      +                  .
            vessel1-vessel1-nodes-0                      +                    +              .             .                    .                     .               .       .            .      +                  +
            vessel1-entity-operator                      +                    +              .             .                    .                     .               .       .            .      +                  +
            gateway                                      .                    .              +             +                    .                     .               .       +            .      +                  .
            wallet                                       .                    .              +             +                    .                     .               .       +            .      +                  .
            registry                                     .                    .              .             .                    .                     .               .       +            .      +                  .
            register-vessel-schemas                      .                    .              .             +                    .                     .               .       .            .      +                  .
            strimzi-cluster-operator                     .                    +              .             .                    +                     +               .       .            +      ~                  ~
            prometheus                                   .                    .              .             .                    +                     .               .       .            +      ~                  ~
            internet                                     .                    .              .             .                    +                     .               .       .            +      ~                  ~
            """;

    @org.junit.jupiter.api.Test
    void theFleetsConnectionMatrixIsLeastPrivilege() throws Exception {
        assertMatrix("fleet", network("fleet"), FLEET_MATRIX);
    }

    private static void assertMatrix(String overlay, Network network, String matrix) {
        List<String> lines = matrix.lines().toList();
        List<String> columns = List.of(lines.get(0).split("\\s+")).subList(3, lines.get(0).split("\\s+").length);
        StringBuilder actual = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.trim().split("\\s+");
            Endpoint source = network.get(cells[0]);
            assertEquals(columns.size() + 1, cells.length, line);
            for (int i = 0; i < columns.size(); i++) {
                String[] destination = columns.get(i).split(":");
                Endpoint target = network.get(destination[0]);
                boolean governed = NAMESPACE.equals(source.namespace()) || NAMESPACE.equals(target.namespace());
                boolean allowed = destination[1].equals(String.valueOf(DNS))
                        ? network.allows(source, target, DNS, "UDP") && network.allows(source, target, DNS, "TCP")
                        : network.allows(source, target, target.port(destination[1]), "TCP");
                String cell = cells[i + 1].equals("d") ? (overlay.equals("prod") ? "." : "+") : cells[i + 1];
                expected.append(cells[0]).append(" -> ").append(columns.get(i)).append(' ').append(cell).append('\n');
                actual.append(cells[0]).append(" -> ").append(columns.get(i)).append(' ').append(!governed ? "~" : allowed ? "+" : ".").append('\n');
            }
        }
        assertEquals(expected.toString(), actual.toString(), overlay + ": the connection matrix");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "fleet"})
    void theNamespaceDeniesByDefaultAndEveryPodResolvesNames(String overlay) throws Exception {
        Network network = network(overlay);
        assertTrue(network.policies().stream().anyMatch(p -> p.getSpec().getPodSelector().getMatchLabels().isEmpty()
                && nullToEmpty(p.getSpec().getPodSelector().getMatchExpressions()).isEmpty()
                && p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                && nullToEmpty(p.getSpec().getIngress()).isEmpty() && nullToEmpty(p.getSpec().getEgress()).isEmpty()),
                "a default deny of ingress and egress for every pod of the namespace");
        Endpoint dns = network.get("dns");
        for (Endpoint pod : pods(network)) {
            assertTrue(network.allows(pod, dns, DNS, "UDP") && network.allows(pod, dns, DNS, "TCP"), pod.name() + " → DNS");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void onlyTheGatewayTakesTrafficFromOutsideTheNamespace(String overlay) throws Exception {
        Network network = network(overlay);
        int gatewayPort = network.get("gateway").port("http");
        for (String outside : List.of("internet", "elsewhere", "ingress-controller")) {
            for (Endpoint pod : pods(network)) {
                for (int port : pod.ports().values()) {
                    // In prod only the ingress controller: users come in through the Ingress.
                    boolean gateway = "gateway".equals(pod.labels().get("app.kubernetes.io/name")) && port == gatewayPort
                            && (!overlay.equals("prod") || outside.equals("ingress-controller"));
                    assertEquals(gateway, network.allows(network.get(outside), pod, port, "TCP"), outside + " → " + pod.name() + ":" + port);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void servicesReachBrokersRegistryAndTheirDatabaseOnlyAndNeverEachOther(String overlay) throws Exception {
        List<HasMetadata> documents = KubernetesManifestsTest.build(overlay);
        Network network = network(documents);
        Endpoint broker = network.get("brokers");
        Endpoint registry = network.get("registry");
        Endpoint database = network.get("db");
        List<Deployment> services = typed(documents, Deployment.class).stream()
                .filter(d -> Services.PORTS.containsKey(d.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/name")))
                .toList();
        assertFalse(services.isEmpty());
        for (Deployment deployment : services) {
            Endpoint service = network.get(deployment.getMetadata().getName());
            boolean hasSchema = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                    .anyMatch(e -> e.getName().equals("QUARKUS_DATASOURCE_REACTIVE_URL"));
            assertTrue(network.allows(service, broker, broker.port("client"), "TCP"), service.name() + " → the client listener");
            for (int port : List.of(KAFKA_REPLICATION, KRAFT_CONTROL_PLANE, KAFKA_AGENT)) {
                assertFalse(network.allows(service, broker, port, "TCP"), service.name() + " → broker " + port);
            }
            assertTrue(network.allows(service, registry, registry.port("http"), "TCP"), service.name() + " → registry");
            assertEquals(hasSchema, network.allows(service, database, POSTGRES, "TCP"), service.name() + " → database iff it has a schema");
            for (Endpoint other : pods(network)) {
                if (other != service && "service".equals(other.labels().get("app.kubernetes.io/component"))) {
                    assertFalse(network.allows(service, other, other.port("http"), "TCP"), service.name() + " → " + other.name());
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theRegistryTakesOnlyTheServicesAndTheSchemaJob(String overlay) throws Exception {
        Network network = network(overlay);
        Endpoint registry = network.get("registry");
        for (Endpoint endpoint : network.endpoints().values()) {
            boolean client = NAMESPACE.equals(endpoint.namespace()) && ("service".equals(endpoint.labels().get("app.kubernetes.io/component"))
                    || "register-schemas".equals(endpoint.labels().get("app.kubernetes.io/name")));
            assertEquals(client, network.allows(endpoint, registry, registry.port("http"), "TCP"), endpoint.name() + " → registry");
        }
    }

    // --- The network of an overlay ---

    static Network network(String overlay) throws Exception {
        return network(KubernetesManifestsTest.build(overlay));
    }

    static Network network(List<HasMetadata> documents) {
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        for (Deployment deployment : typed(documents, Deployment.class)) {
            add(endpoints, pod(deployment.getMetadata().getName(), deployment.getMetadata().getNamespace(), deployment.getSpec().getTemplate()));
        }
        for (Job job : typed(documents, Job.class)) {
            add(endpoints, pod(job.getMetadata().getName(), job.getMetadata().getNamespace(), job.getSpec().getTemplate()));
        }
        List<NetworkPolicy> policies = new ArrayList<>(typed(documents, NetworkPolicy.class));
        policies.forEach(p -> assertEquals(NAMESPACE, p.getMetadata().getNamespace(), p.getMetadata().getName()));

        for (Deployment deployment : typed(documents, StatefulSet.class).stream().map(NetworkPolicyRulesTest::asDeployment).toList()) {
            add(endpoints, pod(deployment.getMetadata().getName(), deployment.getMetadata().getNamespace(), deployment.getSpec().getTemplate()));
        }

        // Strimzi, for each Kafka cluster: a pod per node of each pool (two stand for any number), the entity operator,
        // and the policy Strimzi generates for the brokers (<cluster>-network-policy-kafka; it widens ingress, so it
        // takes part). The exchange's cluster is "kantor"; its brokers are aliased "brokers", another's "<cluster>-brokers".
        Map<String, GenericKubernetesResource> kafkas = generic(documents, "Kafka");
        assertTrue(kafkas.containsKey("kantor"), "the exchange's Kafka cluster");
        for (GenericKubernetesResource kafka : kafkas.values()) {
            String cluster = kafka.getMetadata().getName();
            List<Map<String, Object>> listeners = listeners(kafka);
            Map<String, Integer> brokerPorts = new LinkedHashMap<>();
            brokerPorts.put("tcp-ctrlplane", KRAFT_CONTROL_PLANE);
            brokerPorts.put("tcp-replication", KAFKA_REPLICATION);
            brokerPorts.put("tcp-kafkaagent", KAFKA_AGENT);
            listeners.forEach(l -> brokerPorts.put((String) l.get("name"), (Integer) l.get("port")));
            // "client": the listener the services use (the port of KAFKA_BOOTSTRAP_SERVERS); another cluster's first.
            brokerPorts.put("client", cluster.equals("kantor") ? clientPort(documents, listeners) : (Integer) listeners.get(0).get("port"));
            List<GenericKubernetesResource> pools = generic(documents, "KafkaNodePool").values().stream()
                    .filter(pool -> cluster.equals(pool.getMetadata().getLabels().get("strimzi.io/cluster"))).toList();
            assertFalse(pools.isEmpty(), cluster + " has a node pool");
            Endpoint lastBroker = null;
            for (GenericKubernetesResource pool : pools) {
                @SuppressWarnings("unchecked")
                List<String> roles = (List<String>) spec(pool).get("roles");
                for (int node = 0; node < 2; node++) {
                    Map<String, String> labels = new LinkedHashMap<>(strimziLabels(cluster, cluster + "-kafka", "kafka", "Kafka"));
                    labels.put("strimzi.io/component-type", "kafka");
                    labels.put("strimzi.io/pool-name", pool.getMetadata().getName());
                    labels.put("strimzi.io/controller", "strimzipodset");
                    labels.put("strimzi.io/controller-name", cluster + "-" + pool.getMetadata().getName());
                    labels.put("strimzi.io/broker-role", String.valueOf(roles.contains("broker")));
                    labels.put("strimzi.io/controller-role", String.valueOf(roles.contains("controller")));
                    String name = cluster + "-" + pool.getMetadata().getName() + "-" + node;
                    labels.put("strimzi.io/pod-name", name);
                    Endpoint broker = new Endpoint(name, NAMESPACE, labels, brokerPorts);
                    add(endpoints, broker);
                    lastBroker = roles.contains("broker") ? broker : lastBroker;
                }
            }
            assertNotNull(lastBroker, cluster + " has brokers");
            endpoints.put(cluster.equals("kantor") ? "brokers" : cluster + "-brokers", lastBroker);
            assertNotNull(spec(kafka).get("entityOperator"), "the entity operator (topics, users)");
            // No ports of its own here: Strimzi opens its health checks (8080, 8081) to all in a policy of its own, for
            // the kubelet; nothing else connects to it.
            add(endpoints, new Endpoint(cluster + "-entity-operator", NAMESPACE,
                    strimziLabels(cluster, cluster + "-entity-operator", "entity-operator", "Kafka"), Map.of()));
            policies.add(strimziKafkaPolicy(cluster, listeners));
        }
        // MirrorMaker 2: two Connect workers (they talk to each other on the REST port 8083). Strimzi's own policy for
        // them opens 8083 to the workers and its operator only, as the fleet's policy does: it would add nothing here.
        for (GenericKubernetesResource mirror : generic(documents, "KafkaMirrorMaker2").values()) {
            String name = mirror.getMetadata().getName();
            for (int worker = 0; worker < 2; worker++) {
                add(endpoints, new Endpoint(name + "-mirrormaker2-" + worker, NAMESPACE,
                        strimziLabels(name, name + "-mirrormaker2", "kafka-mirror-maker-2", "KafkaMirrorMaker2"), Map.of("rest", 8083)));
            }
            endpoints.put(name, endpoints.get(name + "-mirrormaker2-1"));
        }

        // CloudNativePG: the primary, a replica and the Job that clones a new replica from the primary.
        for (GenericKubernetesResource database : generic(documents, "Cluster").values()) {
            String name = database.getMetadata().getName();
            Map<String, Integer> ports = Map.of("postgresql", POSTGRES, "status", POSTGRES_STATUS);
            add(endpoints, new Endpoint(name + "-1", NAMESPACE, cnpgLabels(name, Map.of("cnpg.io/instanceName", name + "-1",
                    "cnpg.io/podRole", "instance", "cnpg.io/instanceRole", "primary", "role", "primary")), ports));
            add(endpoints, new Endpoint(name + "-2", NAMESPACE, cnpgLabels(name, Map.of("cnpg.io/instanceName", name + "-2",
                    "cnpg.io/podRole", "instance", "cnpg.io/instanceRole", "replica", "role", "replica")), ports));
            add(endpoints, new Endpoint(name + "-3-join", NAMESPACE, cnpgLabels(name, Map.of("cnpg.io/instanceName", name + "-3",
                    "cnpg.io/jobRole", "join")), Map.of()));
            endpoints.put("db", endpoints.get(name + "-1"));
        }

        // Outside the namespace.
        Map<String, Map<String, String>> namespaces = new LinkedHashMap<>();
        for (String namespace : List.of(NAMESPACE, "kube-system", "strimzi", "cnpg-system", "ingress-nginx", "monitoring", "elsewhere")) {
            namespaces.put(namespace, Map.of("kubernetes.io/metadata.name", namespace));
        }
        add(endpoints, new Endpoint("dns", "kube-system", Map.of("k8s-app", "kube-dns"), Map.of("dns", DNS)));
        add(endpoints, new Endpoint("strimzi-cluster-operator", "strimzi",
                Map.of("name", "strimzi-cluster-operator", "strimzi.io/kind", "cluster-operator"), Map.of()));
        add(endpoints, new Endpoint("cnpg-operator", "cnpg-system", Map.of("app.kubernetes.io/name", "cloudnative-pg"), Map.of()));
        add(endpoints, new Endpoint("ingress-controller", "ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"), Map.of()));
        add(endpoints, new Endpoint("prometheus", "monitoring", Map.of("app.kubernetes.io/name", "prometheus"), Map.of()));
        add(endpoints, new Endpoint("otel-collector", "monitoring", Map.of("app.kubernetes.io/name", "opentelemetry-collector"),
                Map.of("otlp-grpc", 4317)));
        add(endpoints, new Endpoint("elsewhere", "elsewhere", Map.of("app", "shell"), Map.of()));
        add(endpoints, new Endpoint("internet", null, Map.of(), Map.of()));
        add(endpoints, new Endpoint("kube-apiserver", null, Map.of(), Map.of()));
        endpoints.values().stream().filter(Endpoint::isPod)
                .forEach(e -> assertTrue(namespaces.containsKey(e.namespace()), e.name() + " in a known namespace"));
        return new Network(endpoints, namespaces, policies);
    }

    private static void add(Map<String, Endpoint> endpoints, Endpoint endpoint) {
        assertNull(endpoints.put(endpoint.name(), endpoint), "one endpoint named " + endpoint.name());
    }

    private static Endpoint pod(String name, String namespace, PodTemplateSpec template) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        template.getSpec().getContainers().forEach(c -> nullToEmpty(c.getPorts()).stream().filter(p -> p.getName() != null)
                .forEach((ContainerPort p) -> ports.put(p.getName(), p.getContainerPort())));
        return new Endpoint(name, namespace, Map.copyOf(template.getMetadata().getLabels()), ports);
    }

    /** A StatefulSet's pods as a Deployment's: only the name, namespace and pod template count here. */
    private static Deployment asDeployment(StatefulSet set) {
        return new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder().withMetadata(set.getMetadata()).withNewSpec()
                .withTemplate(set.getSpec().getTemplate()).endSpec().build();
    }

    /** The pods of the namespace, each once (the aliases brokers and db left out). */
    private static List<Endpoint> pods(Network network) {
        return network.endpoints().entrySet().stream()
                .filter(e -> NAMESPACE.equals(e.getValue().namespace()) && e.getKey().equals(e.getValue().name()))
                .map(Map.Entry::getValue).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> listeners(GenericKubernetesResource kafka) {
        return (List<Map<String, Object>>) ((Map<String, Object>) spec(kafka).get("kafka")).get("listeners");
    }

    private static int clientPort(List<HasMetadata> documents, List<Map<String, Object>> listeners) {
        String bootstrap = documents.stream().filter(d -> d.getKind().equals("ConfigMap") && d.getMetadata().getName().startsWith("kantor-config"))
                .map(d -> ((io.fabric8.kubernetes.api.model.ConfigMap) d).getData().get("KAFKA_BOOTSTRAP_SERVERS"))
                .findFirst().orElseThrow();
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        assertTrue(listeners.stream().anyMatch(l -> l.get("port").equals(port)), "the services' bootstrap port " + port + " is a listener");
        return port;
    }

    /** The labels Strimzi (0.4x, KRaft, node pools) sets on the pods of a Kafka cluster. */
    private static Map<String, String> strimziLabels(String cluster, String name, String kubernetesName, String kind) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("strimzi.io/cluster", cluster);
        labels.put("strimzi.io/kind", kind);
        labels.put("strimzi.io/name", name);
        labels.put("app.kubernetes.io/name", kubernetesName);
        labels.put("app.kubernetes.io/instance", cluster);
        labels.put("app.kubernetes.io/part-of", "strimzi-" + cluster);
        labels.put("app.kubernetes.io/managed-by", "strimzi-cluster-operator");
        return labels;
    }

    /** The labels CloudNativePG (1.2x) sets on the pods of a Cluster. */
    private static Map<String, String> cnpgLabels(String cluster, Map<String, String> own) {
        Map<String, String> labels = new LinkedHashMap<>(own);
        labels.put("cnpg.io/cluster", cluster);
        labels.put("app.kubernetes.io/name", "postgresql");
        labels.put("app.kubernetes.io/component", "database");
        labels.put("app.kubernetes.io/instance", cluster);
        labels.put("app.kubernetes.io/managed-by", "cloudnative-pg");
        return labels;
    }

    /**
     * What Strimzi's cluster operator (in another namespace, STRIMZI_OPERATOR_NAMESPACE_LABELS unset) creates for the
     * brokers: KRaft control plane from the nodes and the operator, replication from those and the entity operator,
     * the agent from the operator, every listener from its networkPolicyPeers or, without them, from anywhere.
     */
    private static NetworkPolicy strimziKafkaPolicy(String cluster, List<Map<String, Object>> listeners) {
        Map<String, String> nodes = Map.of("strimzi.io/cluster", cluster, "strimzi.io/name", cluster + "-kafka", "strimzi.io/kind", "Kafka");
        NetworkPolicyPeer operator = new NetworkPolicyPeerBuilder().withNewPodSelector().addToMatchLabels("strimzi.io/kind", "cluster-operator")
                .endPodSelector().withNewNamespaceSelector().endNamespaceSelector().build();
        NetworkPolicyPeer kafka = new NetworkPolicyPeerBuilder().withNewPodSelector().addToMatchLabels(nodes).endPodSelector().build();
        NetworkPolicyPeer entityOperator = new NetworkPolicyPeerBuilder().withNewPodSelector()
                .addToMatchLabels("strimzi.io/name", cluster + "-entity-operator").endPodSelector().build();
        List<NetworkPolicyIngressRule> rules = new ArrayList<>();
        rules.add(ingress(KRAFT_CONTROL_PLANE, List.of(kafka, operator)));
        rules.add(ingress(KAFKA_REPLICATION, List.of(operator, kafka, entityOperator)));
        rules.add(ingress(KAFKA_AGENT, List.of(operator)));
        for (Map<String, Object> listener : listeners) {
            Object peers = listener.get("networkPolicyPeers");
            List<NetworkPolicyPeer> from = peers == null ? List.of()
                    : ((List<?>) peers).stream().map(p -> Serialization.jsonMapper().convertValue(p, NetworkPolicyPeer.class)).toList();
            rules.add(ingress((Integer) listener.get("port"), from));
        }
        return new NetworkPolicyBuilder().withNewMetadata().withName(cluster + "-network-policy-kafka").withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().withNewPodSelector().addToMatchLabels(nodes).endPodSelector().withPolicyTypes("Ingress").withIngress(rules).endSpec()
                .build();
    }

    private static NetworkPolicyIngressRule ingress(int port, List<NetworkPolicyPeer> from) {
        return new NetworkPolicyIngressRuleBuilder().addNewPort().withNewPort(port).withProtocol("TCP").endPort().withFrom(from).build();
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> nullToEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
