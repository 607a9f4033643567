package dev.kantor.platform;

import java.util.List;

/**
 * Where a running platform can be reached: what the launcher writes to its state file and what
 * test support hands to a service under test.
 */
public record Endpoints(
        long supervisorPid,
        int brokers,
        String kafkaBootstrapServers,
        String registryUrl,
        String postgresHost,
        int postgresPort,
        String postgresUser,
        String postgresPassword,
        String database,
        int controlPort,
        List<PartState> parts,
        boolean kafkaSecured) {

    /** One process of the platform, for status output and for the clean-up of an abandoned run. */
    public record PartState(String name, String address, long pid) {
    }

    /** The Apicurio v2 API, which the 2.x serdes of the Quarkus platform speak. */
    public String registryApiV2() {
        return registryUrl + "/apis/registry/v2";
    }

    public String registryApiV3() {
        return registryUrl + "/apis/registry/v3";
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + postgresHost + ":" + postgresPort + "/" + database;
    }

    /** The URL form Hibernate Reactive / the Vert.x PostgreSQL client expects. */
    public String reactiveUrl() {
        return "postgresql://" + postgresHost + ":" + postgresPort + "/" + database;
    }
}
