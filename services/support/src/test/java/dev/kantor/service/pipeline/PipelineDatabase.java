package dev.kantor.service.pipeline;

import java.util.Map;

import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The platform's real PostgreSQL for the pipeline's tests, in the server's {@code postgres} database, so that the
 * test ledger's table stays out of the services' schemas.
 */
public class PipelineDatabase implements QuarkusTestResourceLifecycleManager {

    static Endpoints endpoints;

    @Override
    public Map<String, String> start() {
        endpoints = LocalPlatform.fromEnvironment().ensureRunning();
        return Map.of(
                "quarkus.datasource.reactive.url", "postgresql://" + endpoints.postgresHost() + ":" + endpoints.postgresPort() + "/postgres",
                "quarkus.datasource.username", endpoints.postgresUser(),
                "quarkus.datasource.password", endpoints.postgresPassword());
    }

    static String jdbcUrl() {
        return "jdbc:postgresql://" + endpoints.postgresHost() + ":" + endpoints.postgresPort() + "/postgres";
    }

    @Override
    public void stop() {
        // The platform outlives the test class on purpose, as for every other module's tests.
    }
}
