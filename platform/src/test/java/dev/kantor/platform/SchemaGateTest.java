package dev.kantor.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import dev.kantor.topology.Topology;

class SchemaGateTest {

    private static final Schema V1 = parse("""
            {"type":"record","name":"Payment","namespace":"t","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":{"type":"record","name":"Amount","fields":[
                 {"name":"value","type":"string"},{"name":"currency","type":"string"}]}}]}""");

    @Test
    void addingAnOptionalFieldWithADefaultIsCompatible() {
        Schema v2 = parse("""
                {"type":"record","name":"Payment","namespace":"t","fields":[
                  {"name":"id","type":"string"},
                  {"name":"amount","type":{"type":"record","name":"Amount","fields":[
                     {"name":"value","type":"string"},{"name":"currency","type":"string"}]}},
                  {"name":"note","type":["null","string"],"default":null}]}""");
        assertEquals(List.of(), SchemaGate.incompatibilities(v2, V1));
    }

    @Test
    void removingAFieldWithoutDefaultIsRefusedNamingTheField() {
        Schema v2 = parse("""
                {"type":"record","name":"Payment","namespace":"t","fields":[
                  {"name":"amount","type":{"type":"record","name":"Amount","fields":[
                     {"name":"value","type":"string"},{"name":"currency","type":"string"}]}}]}""");
        List<String> problems = SchemaGate.incompatibilities(v2, V1);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("field 'id' was removed"), problems.get(0));
    }

    @Test
    void changingANestedFieldTypeIsRefusedNamingItsPath() {
        Schema v2 = parse("""
                {"type":"record","name":"Payment","namespace":"t","fields":[
                  {"name":"id","type":"string"},
                  {"name":"amount","type":{"type":"record","name":"Amount","fields":[
                     {"name":"value","type":"int"},{"name":"currency","type":"string"}]}}]}""");
        List<String> problems = SchemaGate.incompatibilities(v2, V1);
        assertTrue(problems.stream().anyMatch(p -> p.contains("field 'amount.value'")), problems.toString());
    }

    @Test
    void addingARequiredFieldIsRefused() {
        Schema v2 = parse("""
                {"type":"record","name":"Payment","namespace":"t","fields":[
                  {"name":"id","type":"string"},
                  {"name":"amount","type":{"type":"record","name":"Amount","fields":[
                     {"name":"value","type":"string"},{"name":"currency","type":"string"}]}},
                  {"name":"payer","type":"string"}]}""");
        List<String> problems = SchemaGate.incompatibilities(v2, V1);
        assertTrue(problems.stream().anyMatch(p -> p.contains("field 'payer' was added without a default")), problems.toString());
    }

    @Test
    void everyTopicOfTheTopologyHasAKnownValueSchema() {
        List<SchemaGate.Subject> subjects = SchemaGate.subjects(Topology.load());
        assertEquals(7, subjects.size());
        assertTrue(subjects.stream().anyMatch(s -> s.artifactId().equals("transactions-value")
                && s.schema().getName().equals("TransactionApproved")));
    }

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }
}
