package dev.kantor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.kantor.platform.DatabaseRoles;
import dev.kantor.topology.ProjectRoot;
import dev.kantor.topology.ServiceChannels;
import dev.kantor.topology.Services;
import dev.kantor.topology.Topology;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Every overlay of k8s/ as kubectl builds it, read with the fabric8 Kubernetes model: probes, resources and security
 * on every workload, the topology and the ACLs exactly as declared, the rollout rules of the money path and canaries,
 * whom the gateway trusts: its identity provider in prod, the dev key pair in dev only, and which database role each
 * workload is: its own, owning only its schema.
 */
class KubernetesManifestsTest {

    static final Path ROOT = ProjectRoot.find();

    @Test
    void topicsAndUsersAreWhatTheTopologyAndTheServicesDeclare() throws IOException {
        String topics = TopologyManifests.topics();
        String users = TopologyManifests.users(ROOT);
        if (Boolean.getBoolean("kantor.k8s.write")) {
            Files.writeString(ROOT.resolve("k8s/base/kafka/topics.yaml"), topics);
            Files.writeString(ROOT.resolve("k8s/base/kafka/users.yaml"), users);
        }
        String fix = " is out of date: run ./mvnw -pl k8s test -Dkantor.k8s.write=true and commit it";
        assertEquals(topics, Files.readString(ROOT.resolve("k8s/base/kafka/topics.yaml")), "k8s/base/kafka/topics.yaml" + fix);
        assertEquals(users, Files.readString(ROOT.resolve("k8s/base/kafka/users.yaml")), "k8s/base/kafka/users.yaml" + fix);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyWorkloadHasProbesResourcesAndANonRootReadOnlySecurityContext(String overlay) throws Exception {
        List<HasMetadata> documents = build(overlay);
        List<Deployment> deployments = typed(documents, Deployment.class);
        assertFalse(deployments.isEmpty());
        for (Deployment deployment : deployments) {
            String name = deployment.getMetadata().getName();
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertTrue(Boolean.TRUE.equals(pod.getSecurityContext().getRunAsNonRoot()), name + " runs as non-root");
            for (Container container : pod.getContainers()) {
                assertNotNull(container.getLivenessProbe(), name + " liveness");
                assertNotNull(container.getReadinessProbe(), name + " readiness");
                assertNotNull(container.getStartupProbe(), name + " startup");
                assertContainerIsBounded(name, container);
            }
            nullToEmpty(pod.getInitContainers()).forEach(init -> assertContainerIsBounded(name + " " + init.getName(), init));
        }
        for (Job job : typed(documents, Job.class)) {
            PodSpec pod = job.getSpec().getTemplate().getSpec();
            assertTrue(Boolean.TRUE.equals(pod.getSecurityContext().getRunAsNonRoot()), job.getMetadata().getName() + " runs as non-root");
            pod.getContainers().forEach(container -> assertContainerIsBounded(job.getMetadata().getName(), container));
        }
    }

    static void assertContainerIsBounded(String workload, Container container) {
        assertFalse(container.getResources().getRequests().isEmpty(), workload + " requests");
        assertTrue(container.getResources().getLimits().containsKey("memory"), workload + " memory limit");
        assertTrue(container.getResources().getLimits().containsKey("cpu"), workload + " cpu limit");
        assertTrue(Boolean.TRUE.equals(container.getSecurityContext().getReadOnlyRootFilesystem()), workload + " read-only root");
        assertTrue(Boolean.FALSE.equals(container.getSecurityContext().getAllowPrivilegeEscalation()), workload + " no escalation");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyTopicOfTheTopologyIsAKafkaTopicWithItsSettings(String overlay) throws Exception {
        Map<String, GenericKubernetesResource> topics = generic(build(overlay), "KafkaTopic");
        int replicas = overlay.equals("dev") ? 1 : 3;
        for (Topology.TopicSpec topic : Topology.load().topics()) {
            GenericKubernetesResource resource = topics.remove(topic.name());
            assertNotNull(resource, topic.name());
            Map<String, Object> spec = spec(resource);
            assertEquals(topic.partitions(), spec.get("partitions"), topic.name());
            assertEquals(replicas, spec.get("replicas"), topic.name());
            @SuppressWarnings("unchecked")
            Map<String, Object> config = (Map<String, Object>) spec.get("config");
            topic.config().forEach((key, value) -> assertEquals(value, String.valueOf(config.get(key)), topic.name() + " " + key));
            assertEquals(String.valueOf(replicas == 1 ? 1 : 2), String.valueOf(config.get("min.insync.replicas")), topic.name());
        }
        assertTrue(topics.isEmpty(), "topics not in the topology: " + topics.keySet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceHasAKafkaUserAllowedExactlyItsChannels(String overlay) throws Exception {
        List<HasMetadata> documents = build(overlay);
        Map<String, GenericKubernetesResource> users = generic(documents, "KafkaUser");
        for (String service : Services.PORTS.keySet()) {
            ServiceChannels channels = ServiceChannels.of(service, ROOT.resolve("services/" + service + "/src/main/resources/application.properties"));
            GenericKubernetesResource user = users.get(service);
            assertNotNull(user, "KafkaUser " + service);
            Set<String> granted = new TreeSet<>();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> acls = (List<Map<String, Object>>) ((Map<String, Object>) spec(user).get("authorization")).get("acls");
            for (Map<String, Object> acl : acls) {
                @SuppressWarnings("unchecked")
                Map<String, Object> resource = (Map<String, Object>) acl.get("resource");
                assertEquals("literal", resource.get("patternType"), service + ": no wildcard grants");
                granted.add(resource.get("type") + ":" + resource.get("name") + ":" + acl.get("operations"));
            }
            Set<String> expected = new TreeSet<>();
            channels.reads().forEach(t -> expected.add("topic:" + t + ":[Read, Describe]"));
            channels.writes().forEach(t -> expected.add("topic:" + t + ":[Write, Describe]"));
            channels.groups().forEach(g -> expected.add("group:" + g + ":[Read]"));
            assertEquals(expected, granted, service);
            // The Deployment logs in as this user, with the password the User Operator writes to the Secret of its name.
            Deployment deployment = typed(documents, Deployment.class).stream().filter(d -> d.getMetadata().getName().equals(service))
                    .findFirst().orElseThrow();
            String jaas = env(deployment, "KAFKA_SASL_JAAS_CONFIG");
            assertTrue(jaas.contains("username=\"" + service + "\""), jaas);
        }
        assertEquals(new TreeSet<>(Services.PORTS.keySet()), new TreeSet<>(users.keySet()), "one KafkaUser per service");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theMoneyPathNeverRunsTwoVersionsAndCanariesShareTheStableConsumerGroup(String overlay) throws Exception {
        List<Deployment> deployments = typed(build(overlay), Deployment.class);
        Map<String, Deployment> byName = deployments.stream().collect(Collectors.toMap(d -> d.getMetadata().getName(), d -> d));
        Deployment transaction = byName.get("transaction");
        assertEquals("Recreate", transaction.getSpec().getStrategy().getType(), "stop-then-start");
        assertEquals(1, transaction.getSpec().getReplicas());
        assertFalse(byName.containsKey("transaction-canary"), "no canary of the money path");
        for (String service : List.of("account", "rate", "wallet", "gateway")) {
            Deployment stable = byName.get(service);
            Deployment canary = byName.get(service + "-canary");
            assertNotNull(canary, service + "-canary");
            assertEquals(0, canary.getSpec().getReplicas(), "a canary starts with no replicas");
            Container stableContainer = stable.getSpec().getTemplate().getSpec().getContainers().get(0);
            Container canaryContainer = canary.getSpec().getTemplate().getSpec().getContainers().get(0);
            // Same configuration, so the same consumer group and Kafka user; only the track label (and image, in a rollout) differ.
            assertEquals(stableContainer.getEnv(), canaryContainer.getEnv(), service);
            assertEquals(stableContainer.getEnvFrom(), canaryContainer.getEnvFrom(), service);
            assertEquals(stable.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/name"),
                    canary.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/name"));
            assertEquals("canary", canary.getSpec().getSelector().getMatchLabels().get("kantor.dev/track"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void imagesAndConfigurationNamesAreConsistent(String overlay) throws Exception {
        List<HasMetadata> documents = build(overlay);
        Set<String> configMaps = documents.stream().filter(d -> d.getKind().equals("ConfigMap")).map(d -> d.getMetadata().getName())
                .collect(Collectors.toSet());
        Set<String> tags = new HashSet<>();
        for (Deployment deployment : typed(documents, Deployment.class)) {
            String app = deployment.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/name");
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            if (Services.PORTS.containsKey(app)) {
                assertTrue(container.getImage().startsWith("kantor/" + app + ":"), deployment.getMetadata().getName() + ": " + container.getImage());
                tags.add(container.getImage().substring(container.getImage().indexOf(':') + 1));
                container.getEnvFrom().forEach(from -> assertTrue(configMaps.contains(from.getConfigMapRef().getName()),
                        "config map " + from.getConfigMapRef().getName() + " exists"));
            }
        }
        for (Deployment deployment : typed(documents, Deployment.class)) {
            nullToEmpty(deployment.getSpec().getTemplate().getSpec().getInitContainers())
                    .forEach(init -> tags.add(init.getImage().replaceFirst("^[^:]+:", "")));
        }
        for (Job job : typed(documents, Job.class)) {
            tags.add(job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage().replaceFirst("^[^:]+:", ""));
        }
        assertEquals(1, tags.size(), "one version of everything per overlay: " + tags);
        assertTrue(Services.PORTS.keySet().stream().allMatch(s -> documents.stream()
                .anyMatch(d -> d.getKind().equals("Service") && d.getMetadata().getName().equals(s))), "a Service per service");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceAndTheRegistryLogInToPostgresAsARoleOfTheirOwnOwningOnlyTheirSchema(String overlay) throws Exception {
        List<HasMetadata> documents = build(overlay);
        // The services with a database are those whose application.properties migrate a schema: DatabaseRoles knows them all.
        for (String service : Services.PORTS.keySet()) {
            java.util.Properties properties = new java.util.Properties();
            try (var in = Files.newBufferedReader(ROOT.resolve("services/" + service + "/src/main/resources/application.properties"))) {
                properties.load(in);
            }
            assertEquals(properties.getProperty("quarkus.flyway.schemas"), DatabaseRoles.SCHEMAS.get(service), service + " schema");
        }
        GenericKubernetesResource cluster = generic(documents, "Cluster").get("kantor-db");
        assertNotNull(cluster, "Cluster kantor-db");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> roles = (List<Map<String, Object>>) ((Map<String, Object>) spec(cluster).get("managed")).get("roles");
        Map<String, String> secretOfRole = new java.util.TreeMap<>();
        for (Map<String, Object> role : roles) {
            String name = (String) role.get("name");
            assertEquals(true, role.get("login"), name);
            for (String power : List.of("superuser", "createdb", "createrole", "replication", "bypassrls")) {
                assertFalse(Boolean.TRUE.equals(role.get(power)), name + " " + power);
            }
            assertFalse(role.containsKey("inRoles"), name + " is a member of nothing");
            @SuppressWarnings("unchecked")
            String secret = (String) ((Map<String, Object>) role.get("passwordSecret")).get("name");
            assertNull(secretOfRole.put(name, secret), "role " + name + " declared once");
        }
        Map<String, String> expected = new java.util.TreeMap<>();
        DatabaseRoles.owners().forEach(owner -> expected.put(DatabaseRoles.role(owner), "kantor-db-" + owner));
        assertEquals(expected, secretOfRole, "a managed role, with its own Secret, per service with a database and the registry");

        // Bootstrap: each schema made by and for its role; nobody gets CREATE on the database or another's schema.
        @SuppressWarnings("unchecked")
        List<String> bootstrap = (List<String>) ((Map<String, Object>) ((Map<String, Object>) spec(cluster).get("bootstrap"))
                .get("initdb")).get("postInitApplicationSQL");
        Map<String, String> schemas = new java.util.TreeMap<>(DatabaseRoles.SCHEMAS);
        schemas.put(DatabaseRoles.REGISTRY, "registry");
        schemas.forEach((owner, schema) -> assertTrue(bootstrap.contains("CREATE SCHEMA " + schema + " AUTHORIZATION "
                + DatabaseRoles.role(owner)), owner + " owns " + schema + ": " + bootstrap));
        assertTrue(bootstrap.contains("REVOKE ALL ON DATABASE kantor FROM PUBLIC"), bootstrap.toString());
        bootstrap.forEach(statement -> {
            assertFalse(statement.toUpperCase().matches(".*GRANT\\s+(ALL|CREATE|USAGE).*"), statement);
            assertFalse(statement.toUpperCase().contains("SUPERUSER") || statement.toUpperCase().contains("CREATEDB"), statement);
        });

        // Each workload logs in with its own Secret, stable and canary alike, and no two applications share one.
        Map<String, String> appOfSecret = new java.util.HashMap<>();
        for (Deployment deployment : typed(documents, Deployment.class)) {
            String app = deployment.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/name");
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            String prefix = app.equals("registry") ? "APICURIO_DATASOURCE_" : "QUARKUS_DATASOURCE_";
            Set<String> secrets = new TreeSet<>();
            container.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                    .filter(e -> e.getValueFrom().getSecretKeyRef().getName().startsWith("kantor-db"))
                    .forEach(e -> {
                        secrets.add(e.getValueFrom().getSecretKeyRef().getName());
                        assertTrue(e.getName().startsWith(prefix), deployment.getMetadata().getName() + " " + e.getName());
                    });
            String name = deployment.getMetadata().getName();
            if (DatabaseRoles.hasDatabase(app) || app.equals(DatabaseRoles.REGISTRY)) {
                assertEquals(Set.of("kantor-db-" + app), secrets, name + " logs in as its own role");
                assertEquals("username", secretKey(container, prefix + "USERNAME"), name);
                assertEquals("password", secretKey(container, prefix + "PASSWORD"), name);
                String schema = DatabaseRoles.SCHEMAS.getOrDefault(app, "registry");
                String jdbc = env(deployment, prefix.equals("APICURIO_DATASOURCE_") ? "APICURIO_DATASOURCE_URL" : "QUARKUS_DATASOURCE_JDBC_URL");
                assertTrue(jdbc.endsWith("?currentSchema=" + schema), name + ": " + jdbc);
            } else {
                assertEquals(Set.of(), secrets, name + " has no database");
            }
            for (String secret : secrets) {
                String previous = appOfSecret.putIfAbsent(secret, app);
                assertTrue(previous == null || previous.equals(app), secret + " shared by " + previous + " and " + app);
            }
        }
        assertFalse(appOfSecret.containsKey("kantor-db-app"), "no workload is the database owner");

        // Dev generates the Secrets (dev passwords); in prod they are the operator's, so none is committed.
        Map<String, Secret> secrets = typed(documents, Secret.class).stream().filter(s -> s.getMetadata().getName().startsWith("kantor-db-"))
                .collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s));
        if (overlay.equals("dev")) {
            assertEquals(new TreeSet<>(expected.values()), new TreeSet<>(secrets.keySet()));
            expected.forEach((role, secret) -> {
                assertEquals("kubernetes.io/basic-auth", secrets.get(secret).getType(), secret);
                assertEquals(role, decode(secrets.get(secret).getData().get("username")), secret + " is the role's");
                assertFalse(decode(secrets.get(secret).getData().get("password")).isBlank(), secret);
            });
            assertEquals(expected.size(), secrets.values().stream().map(s -> s.getData().get("password")).distinct().count(),
                    "a password per role");
        } else {
            assertEquals(Map.of(), secrets, "no database password committed for prod");
        }
    }

    /**
     * No service starts before the register-schemas Job has registered what it writes: its pod's init container (the
     * Job's image, so this release's schemas) waits for exactly the value artifacts of the topics its channels write,
     * at the registry the Job registers them in. The cluster enforces the order; no retry loop in the service does.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceStartsOnlyOnceTheSchemasItWritesAreRegistered(String overlay) throws Exception {
        List<HasMetadata> documents = build(overlay);
        Job job = typed(documents, Job.class).stream().filter(j -> j.getMetadata().getName().equals("register-schemas")).findFirst().orElseThrow();
        Container register = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(List.of("schemas", "--registry"), register.getArgs().subList(0, 2), "the Job runs the schema gate");
        String registry = register.getArgs().get(2);
        Map<String, Topology.TopicSpec> topics = Topology.load().topics().stream().collect(Collectors.toMap(Topology.TopicSpec::name, t -> t));
        List<Deployment> services = typed(documents, Deployment.class).stream()
                .filter(d -> Services.PORTS.containsKey(d.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/name"))).toList();
        assertEquals(Services.PORTS.size() * 2 - 1, services.size(), "every service, and every canary but transaction's");
        for (Deployment deployment : services) {
            String service = deployment.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/name");
            List<Container> inits = nullToEmpty(deployment.getSpec().getTemplate().getSpec().getInitContainers());
            assertEquals(1, inits.size(), deployment.getMetadata().getName() + " init containers");
            Container await = inits.get(0);
            assertEquals(register.getImage(), await.getImage(), deployment.getMetadata().getName() + ": the schemas of the Job's release");
            assertEquals(List.of("schemas", "--registry", registry, "--await"), await.getArgs().subList(0, 4), deployment.getMetadata().getName());
            Set<String> expected = new TreeSet<>();
            ServiceChannels.of(service, ROOT.resolve("services/" + service + "/src/main/resources/application.properties")).writes()
                    .forEach(topic -> topics.get(topic).valueSchemaName().ifPresent(schema -> expected.add(topics.get(topic).valueArtifactId())));
            assertFalse(expected.isEmpty(), service + " writes events");
            assertEquals(expected, new TreeSet<>(List.of(await.getArgs().get(4).split(","))), deployment.getMetadata().getName() + " awaits what it writes");
            assertEquals(5, await.getArgs().size());
        }
    }

    /**
     * A node drain never takes every replica: each workload of more than one replica is covered by exactly one
     * PodDisruptionBudget (the eviction API refuses pods under two) that lets at most one of its pods go at a time.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod", "fleet"})
    void everyMultiReplicaWorkloadHasADisruptionBudgetOfOne(String overlay) throws Exception {
        List<HasMetadata> documents = build(overlay);
        List<io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget> budgets =
                typed(documents, io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class);
        Map<String, io.fabric8.kubernetes.api.model.PodTemplateSpec> workloads = new java.util.TreeMap<>();
        Map<String, Integer> replicas = new java.util.TreeMap<>();
        typed(documents, Deployment.class).forEach(d -> {
            workloads.put(d.getMetadata().getName(), d.getSpec().getTemplate());
            replicas.put(d.getMetadata().getName(), d.getSpec().getReplicas());
        });
        typed(documents, io.fabric8.kubernetes.api.model.apps.StatefulSet.class).forEach(d -> {
            workloads.put(d.getMetadata().getName(), d.getSpec().getTemplate());
            replicas.put(d.getMetadata().getName(), d.getSpec().getReplicas());
        });
        int multi = 0;
        for (Map.Entry<String, io.fabric8.kubernetes.api.model.PodTemplateSpec> workload : workloads.entrySet()) {
            List<io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget> covering = budgets.stream()
                    .filter(b -> NetworkPolicyRulesTest.Network.selects(b.getSpec().getSelector(), workload.getValue().getMetadata().getLabels()))
                    .toList();
            if (replicas.get(workload.getKey()) > 1) {
                multi++;
                assertEquals(1, covering.size(), workload.getKey() + " (" + replicas.get(workload.getKey()) + " replicas) budgets");
                io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget budget = covering.get(0);
                assertEquals("kantor", budget.getMetadata().getNamespace(), budget.getMetadata().getName());
                assertEquals(1, budget.getSpec().getMaxUnavailable().getIntVal(), workload.getKey() + ": one at a time");
                assertNull(budget.getSpec().getMinAvailable());
            }
            assertTrue(covering.size() <= 1, workload.getKey() + " is under " + covering.size() + " budgets");
        }
        assertEquals(Map.of("dev", 0, "prod", 5, "fleet", 1).get(overlay), multi, overlay + ": multi-replica workloads");
    }

    /**
     * Users come in through the prod Ingress: HTTPS (a TLS Secret for the host it routes), to the gateway's Service
     * by its named port, with nginx passing Server-Sent Events on at once and keeping a quiet stream open.
     */
    @Test
    void prodLetsUsersInThroughAnHttpsIngressToTheGatewayFitForServerSentEvents() throws Exception {
        List<HasMetadata> prod = build("prod");
        List<io.fabric8.kubernetes.api.model.networking.v1.Ingress> ingresses =
                typed(prod, io.fabric8.kubernetes.api.model.networking.v1.Ingress.class);
        assertEquals(1, ingresses.size());
        io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress = ingresses.get(0);
        assertEquals("kantor", ingress.getMetadata().getNamespace());
        assertEquals("nginx", ingress.getSpec().getIngressClassName());
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        assertEquals("off", annotations.get("nginx.ingress.kubernetes.io/proxy-buffering"), "each event passed on at once");
        assertTrue(Integer.parseInt(annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout")) >= 600, "a quiet stream stays open");
        assertEquals("true", annotations.get("nginx.ingress.kubernetes.io/ssl-redirect"));
        assertEquals(1, ingress.getSpec().getTls().size());
        var tls = ingress.getSpec().getTls().get(0);
        assertFalse(tls.getSecretName().isBlank());
        assertEquals(1, ingress.getSpec().getRules().size());
        var rule = ingress.getSpec().getRules().get(0);
        assertEquals(List.of(rule.getHost()), tls.getHosts(), "the certificate is for the host routed");
        assertEquals(1, rule.getHttp().getPaths().size());
        var path = rule.getHttp().getPaths().get(0);
        assertEquals("/", path.getPath());
        assertEquals("Prefix", path.getPathType());
        io.fabric8.kubernetes.api.model.Service gateway = typed(prod, io.fabric8.kubernetes.api.model.Service.class).stream()
                .filter(s -> s.getMetadata().getName().equals(path.getBackend().getService().getName())).findFirst().orElseThrow();
        assertEquals("gateway", gateway.getSpec().getSelector().get("app.kubernetes.io/name"));
        assertTrue(gateway.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(path.getBackend().getService().getPort().getName())),
                "the Service's port, by name");
        assertTrue(typed(prod, Secret.class).stream().noneMatch(s -> s.getMetadata().getName().equals(tls.getSecretName())),
                "the certificate is the operator's, not committed");
        assertTrue(typed(build("dev"), io.fabric8.kubernetes.api.model.networking.v1.Ingress.class).isEmpty(), "dev: port-forward");
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String secretKey(Container container, String variable) {
        return container.getEnv().stream().filter(e -> e.getName().equals(variable)).findFirst().orElseThrow(() -> new AssertionError(variable))
                .getValueFrom().getSecretKeyRef().getKey();
    }

    @Test
    void prodTrustsOnlyTheConfiguredIdentityProviderAndOnlyDevHasTheDevKeys() throws Exception {
        List<HasMetadata> prod = build("prod");
        List<Deployment> prodGateways = gateways(prod);
        assertEquals(2, prodGateways.size(), "gateway and gateway-canary");
        for (Deployment gateway : prodGateways) {
            String name = gateway.getMetadata().getName();
            Map<String, String> env = effectiveEnv(prod, gateway);
            assertTrue(env.getOrDefault("MP_JWT_VERIFY_ISSUER", "").startsWith("https://"), name + " issuer: " + env);
            assertTrue(env.getOrDefault("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "").startsWith("https://"), name + " JWKS URL: " + env);
            assertFalse(env.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION").contains("dev-keys"), name);
            assertFalse(env.getOrDefault("MP_JWT_VERIFY_AUDIENCES", "").isBlank(), name + " audience");
            assertEquals("false", env.get("KANTOR_GATEWAY_DEV_SIGN_IN"), name);
            // The prod profile (the jar's default) is what makes the gateway refuse the dev key and the dev sign-in.
            assertFalse(env.containsKey("QUARKUS_PROFILE"), name + " runs the prod profile");
            assertFalse(env.containsKey("KANTOR_GATEWAY_DEV_KEYS"), name);
            assertFalse(env.keySet().stream().anyMatch(k -> k.startsWith("SMALLRYE_JWT_SIGN")), name + " signs nothing");
            assertTrue(gateway.getSpec().getTemplate().getSpec().getVolumes().stream().allMatch(v -> v.getSecret() == null),
                    name + " mounts no secret");
        }
        for (Secret secret : typed(prod, Secret.class)) {
            assertFalse(secret.getMetadata().getName().startsWith("gateway-dev-keys"), "no dev keys in prod");
            secret.getData().values().forEach(value -> assertFalse(decode(value).contains("PRIVATE KEY"), secret.getMetadata().getName()));
        }

        List<HasMetadata> dev = build("dev");
        Secret keys = typed(dev, Secret.class).stream().filter(s -> s.getMetadata().getName().startsWith("gateway-dev-keys"))
                .findFirst().orElseThrow();
        // The same pair as the local platform's, so IdentityProviderCheck's fingerprint of the dev key covers both.
        for (String file : List.of("public.pem", "private.pem")) {
            assertEquals(Files.readString(ROOT.resolve("services/gateway/dev-keys").resolve(file)), decode(keys.getData().get(file)), file);
        }
        List<Deployment> devGateways = gateways(dev);
        assertEquals(2, devGateways.size(), "gateway and gateway-canary");
        for (Deployment gateway : devGateways) {
            String name = gateway.getMetadata().getName();
            Map<String, String> env = effectiveEnv(dev, gateway);
            assertEquals("dev", env.get("QUARKUS_PROFILE"), name);
            assertEquals("true", env.get("KANTOR_GATEWAY_DEV_SIGN_IN"), name);
            PodSpec pod = gateway.getSpec().getTemplate().getSpec();
            String volume = pod.getVolumes().stream().filter(v -> v.getSecret() != null
                    && v.getSecret().getSecretName().equals(keys.getMetadata().getName())).findFirst().orElseThrow().getName();
            assertTrue(pod.getContainers().get(0).getVolumeMounts().stream()
                    .anyMatch(m -> m.getName().equals(volume) && m.getMountPath().equals(env.get("KANTOR_GATEWAY_DEV_KEYS"))),
                    name + " mounts the dev keys where it reads them");
        }
    }

    private static List<Deployment> gateways(List<HasMetadata> documents) {
        return typed(documents, Deployment.class).stream()
                .filter(d -> "gateway".equals(d.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/name"))).toList();
    }

    /** The variables the container sees: its ConfigMaps (envFrom), overridden by its own env values. */
    private static Map<String, String> effectiveEnv(List<HasMetadata> documents, Deployment deployment) {
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, ConfigMap> configMaps = typed(documents, ConfigMap.class).stream()
                .collect(Collectors.toMap(c -> c.getMetadata().getName(), c -> c));
        Map<String, String> env = new java.util.TreeMap<>();
        container.getEnvFrom().forEach(from -> env.putAll(configMaps.get(from.getConfigMapRef().getName()).getData()));
        container.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
        return env;
    }

    private static String decode(String base64) {
        // MIME: kubectl folds long values over lines.
        return new String(java.util.Base64.getMimeDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private static String env(Deployment deployment, String name) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals(name)).findFirst().orElseThrow().getValue();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }

    static Map<String, GenericKubernetesResource> generic(List<HasMetadata> documents, String kind) {
        Map<String, GenericKubernetesResource> found = new java.util.TreeMap<>();
        documents.stream().filter(d -> d.getKind().equals(kind))
                .forEach(d -> found.put(d.getMetadata().getName(), (GenericKubernetesResource) d));
        return found;
    }

    static <T> List<T> typed(List<HasMetadata> documents, Class<T> type) {
        return documents.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** kubectl kustomize k8s/overlays/NAME, every document parsed by the fabric8 model. */
    static List<HasMetadata> build(String overlay) throws Exception {
        List<HasMetadata> documents = new ArrayList<>();
        for (String document : documents(kustomize(overlay))) {
            documents.add(Serialization.unmarshal(new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8))));
        }
        return documents;
    }

    /** The documents of a multi-document YAML stream as kubectl prints it. */
    static List<String> documents(String yaml) {
        return java.util.Arrays.stream(yaml.split("(?m)^---$")).filter(d -> !d.isBlank()).toList();
    }

    /** kubectl kustomize k8s/overlays/NAME: the YAML kubectl apply -k would send. */
    static String kustomize(String overlay) throws Exception {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", ROOT.resolve("k8s/overlays/" + overlay).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String yaml = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, kubectl.waitFor(), "kubectl kustomize k8s/overlays/" + overlay);
        return yaml;
    }
}
