package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kantor.events.EventCatalog;
import dev.kantor.events.TransactionRequested;
import dev.kantor.topology.Topology;

/** The compatibility gate against the real registry: what passes registers, what fails names the field. */
class SchemaGateIT {

    static SchemaRegistryClient registry;
    final String artifact = "gate-test-" + UUID.randomUUID() + "-value";

    static final String V1 = """
            {"type":"record","name":"Quote","namespace":"gate","fields":[
              {"name":"pair","type":"string"},{"name":"rate","type":"string"}]}""";

    @BeforeAll
    static void registry() {
        registry = new SchemaRegistryClient(LocalPlatform.fromEnvironment().ensureRunning().registryUrl());
    }

    @AfterEach
    void cleanUp() {
        registry.delete(artifact);
    }

    @Test
    void theLauncherSetTheBackwardRuleAndRegisteredEveryEvent() {
        assertEquals("BACKWARD", registry.globalCompatibility());
        for (SchemaGate.Subject subject : SchemaGate.subjects(Topology.load())) {
            SchemaRegistryClient.Version latest = registry.latest(subject.artifactId()).orElseThrow();
            assertEquals(EventCatalog.canonical(subject.schema()), EventCatalog.canonical(new Schema.Parser().parse(latest.content())),
                    subject.artifactId());
            assertFalse(latest.content().contains("avro.java.string"), "what other languages write, not Java's own property");
            assertEquals("BACKWARD", registry.artifactCompatibility(subject.artifactId()), "the rule on the subject itself");
        }
        // And the contracts in this checkout still pass against what is registered.
        assertEquals(List.of(), new SchemaGate(registry).check(SchemaGate.subjects(Topology.load())));
    }

    @Test
    void theRegistryHoldsEveryReleasedVersionBeforeTheCurrentOne() {
        // A v1 producer still writes TransactionRequested by its v1 id while v2 is current (issue: contracts v2).
        List<String> versions = registry.versions("transaction-requests-value");
        List<String> expected = new ArrayList<>();
        EventCatalog.released("dev.kantor.events.TransactionRequested").forEach(v -> expected.add(EventCatalog.canonical(v)));
        expected.add(EventCatalog.canonical(TransactionRequested.getClassSchema()));
        assertTrue(expected.size() >= 2, "v1 is released and v2 current");
        List<String> held = versions.stream().map(v -> EventCatalog.canonical(new Schema.Parser().parse(v))).toList();
        assertTrue(held.containsAll(expected), "held " + held.size() + " versions");
        assertTrue(held.indexOf(expected.get(0)) < held.lastIndexOf(expected.get(expected.size() - 1)), "v1 before v2");
    }

    @Test
    void aConfluentCompatibleClientSeesTheRuleOnEverySubject() throws Exception {
        String base = LocalPlatform.fromEnvironment().ensureRunning().registryUrl();
        for (SchemaGate.Subject subject : SchemaGate.subjects(Topology.load())) {
            java.net.http.HttpResponse<String> config = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/apis/ccompat/v7/config/" + subject.artifactId())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, config.statusCode(), config.body());
            assertTrue(config.body().contains("\"BACKWARD\""), subject.artifactId() + ": " + config.body());
        }
    }

    @Test
    void anOptionalFieldWithADefaultPassesAndIsRegistered() {
        SchemaGate gate = new SchemaGate(registry);
        gate.checkAndRegister(List.of(subject(V1)));
        List<SchemaRegistryClient.Version> v2 = gate.checkAndRegister(List.of(subject("""
                {"type":"record","name":"Quote","namespace":"gate","fields":[
                  {"name":"pair","type":"string"},{"name":"rate","type":"string"},
                  {"name":"source","type":"string","default":"simulated"}]}""")));
        assertEquals("2", v2.get(0).version());
        assertEquals("2", registry.latest(artifact).orElseThrow().version());
    }

    @Test
    void removingAFieldWithoutDefaultFailsNamingSchemaAndField() {
        SchemaGate gate = new SchemaGate(registry);
        gate.checkAndRegister(List.of(subject(V1)));
        SchemaGate.IncompatibleSchemaException error = assertThrows(SchemaGate.IncompatibleSchemaException.class,
                () -> gate.checkAndRegister(List.of(subject("""
                        {"type":"record","name":"Quote","namespace":"gate","fields":[
                          {"name":"pair","type":"string"}]}"""))));
        assertTrue(error.getMessage().contains(artifact), error.getMessage());
        assertTrue(error.getMessage().contains("field 'rate' was removed"), error.getMessage());
        assertEquals("1", registry.latest(artifact).orElseThrow().version());
    }

    @Test
    void changingATypeFailsAndTheRegistryAgrees() {
        SchemaGate gate = new SchemaGate(registry);
        gate.checkAndRegister(List.of(subject(V1)));
        String v2 = """
                {"type":"record","name":"Quote","namespace":"gate","fields":[
                  {"name":"pair","type":"string"},{"name":"rate","type":"double"}]}""";
        SchemaGate.IncompatibleSchemaException error = assertThrows(SchemaGate.IncompatibleSchemaException.class,
                () -> gate.checkAndRegister(List.of(subject(v2))));
        assertTrue(error.getMessage().contains("field 'rate'"), error.getMessage());
        assertTrue(error.getMessage().contains("TYPE_MISMATCH"), error.getMessage());
        // The registry's own BACKWARD rule refuses it too, so the gate cannot be bypassed by a client.
        assertTrue(!registry.dryRun(artifact, v2).isEmpty());
        assertEquals("1", registry.latest(artifact).orElseThrow().version());
    }

    /**
     * What the services' init containers on Kubernetes wait on (kantor schemas --await): an artifact is missing until
     * the schema of this release is registered under it, an older version being there not being enough.
     */
    @Test
    void anArtifactIsMissingUntilThisReleasesSchemaIsRegistered() {
        SchemaGate gate = new SchemaGate(registry);
        SchemaGate.Subject v1 = subject(V1);
        SchemaGate.Subject v2 = subject("""
                {"type":"record","name":"Quote","namespace":"gate","fields":[
                  {"name":"pair","type":"string"},{"name":"rate","type":"string"},
                  {"name":"source","type":"string","default":"simulated"}]}""");
        assertEquals(List.of(artifact), gate.missing(List.of(v1)), "nothing registered");
        gate.checkAndRegister(List.of(v1));
        assertEquals(List.of(), gate.missing(List.of(v1)));
        assertEquals(List.of(artifact), gate.missing(List.of(v2)), "only an earlier release's schema registered");
        gate.checkAndRegister(List.of(v2));
        assertEquals(List.of(), gate.missing(List.of(v1, v2)));

        // The launcher's gate registered every schema of the topology: the command returns at once.
        String url = LocalPlatform.fromEnvironment().ensureRunning().registryUrl();
        assertEquals(List.of(), gate.missing(SchemaGate.subjects(Topology.load())));
        assertEquals(0, PlatformMain.run(new String[] {"schemas", "--registry", url, "--await", "accounts-value,transaction-requests-value"}));
        assertEquals(2, PlatformMain.run(new String[] {"schemas", "--registry", url, "--await", "no-such-topic-value"}), "not of the topology");
        assertEquals(2, PlatformMain.run(new String[] {"schemas", "--registry", url, "--topology", "vessel", "--await", "accounts-value"}),
                "not of the vessel's topology");
        assertEquals(2, PlatformMain.run(new String[] {"schemas", "--registry", url, "--topology", "ship"}), "no such topology");
    }

    private SchemaGate.Subject subject(String json) {
        return new SchemaGate.Subject(artifact, new Schema.Parser().parse(json));
    }
}
