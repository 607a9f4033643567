package dev.kantor.platform;

import dev.kantor.topology.Topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
            assertEquals(subject.schema(), new Schema.Parser().parse(latest.content()), subject.artifactId());
        }
        // And the contracts in this checkout still pass against what is registered.
        assertEquals(List.of(), new SchemaGate(registry).check(SchemaGate.subjects(Topology.load())));
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

    private SchemaGate.Subject subject(String json) {
        return new SchemaGate.Subject(artifact, new Schema.Parser().parse(json));
    }
}
