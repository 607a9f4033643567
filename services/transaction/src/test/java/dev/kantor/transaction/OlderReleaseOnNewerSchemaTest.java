package dev.kantor.transaction;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;

/**
 * A release must start on a schema the next release has already migrated (its canary migrated it; then a stable pod
 * restarts, or the rollout is rolled back). Flyway, as this service configures it, against the platform's real
 * PostgreSQL, in a scratch schema: the next release's extra migration applied first, then this release's migrations
 * run again with this service's settings, and without them.
 */
class OlderReleaseOnNewerSchemaTest {

    @TempDir
    Path nextRelease;

    private Endpoints endpoints;
    private String schema;

    @BeforeEach
    void newerSchema() throws Exception {
        endpoints = LocalPlatform.fromEnvironment().ensureRunning();
        schema = "rollback_check_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        // The next release: this one's migrations and one more, which only adds.
        Files.writeString(nextRelease.resolve("V999__next_release.sql"), "CREATE TABLE next_release_table (id INT);");
        flyway().locations("classpath:db/migration", "filesystem:" + nextRelease).load().migrate();
    }

    @AfterEach
    void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.postgresUser(), endpoints.postgresPassword());
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Test
    void thisReleaseStartsOnTheNextReleasesSchemaWithItsOwnSettings() throws Exception {
        String patterns = serviceSetting("quarkus.flyway.ignore-migration-patterns");
        var migrated = assertDoesNotThrow(
                () -> flyway().locations("classpath:db/migration").ignoreMigrationPatterns(patterns).load().migrate());
        assertEquals(0, migrated.migrationsExecuted, "nothing of this release's is applied again");
    }

    @Test
    void withoutThemFlywayRefusesToStart() {
        FlywayValidateException refused = assertThrows(FlywayValidateException.class,
                () -> flyway().locations("classpath:db/migration").ignoreMigrationPatterns(new String[0]).load().migrate());
        assertTrue(refused.getMessage().contains("not resolved locally"), refused.getMessage());
    }

    @Test
    void everyServiceWithADatabaseCarriesTheSameSetting() throws Exception {
        String key = "quarkus.flyway.ignore-migration-patterns";
        for (String service : java.util.List.of("account", "gateway", "wallet")) {
            Properties properties = new Properties();
            // Surefire runs in this module's directory: the other services are its siblings.
            try (InputStream in = Files.newInputStream(Path.of("..", service, "src/main/resources/application.properties"))) {
                properties.load(in);
            }
            assertEquals(serviceSetting(key), properties.getProperty(key), service);
        }
    }

    private FluentConfiguration flyway() {
        return Flyway.configure().dataSource(endpoints.jdbcUrl(), endpoints.postgresUser(), endpoints.postgresPassword())
                .schemas(schema).createSchemas(true);
    }

    /** The value the packaged service runs with: its application.properties. */
    private static String serviceSetting(String key) throws Exception {
        Properties properties = new Properties();
        try (InputStream in = OlderReleaseOnNewerSchemaTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        String value = properties.getProperty(key);
        if (value == null) {
            throw new AssertionError(key + " is not set in the service's application.properties");
        }
        return value;
    }
}
