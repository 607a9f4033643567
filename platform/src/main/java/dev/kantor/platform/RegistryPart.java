package dev.kantor.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/** The Apicurio Registry, from its Maven Central distribution, storing schemas in PostgreSQL so ids survive restarts. */
public final class RegistryPart implements Part {

    private final Path workDir;
    private final Path log;
    private final int port;
    private final String jdbcUrl;
    private final Supplier<DatabaseRoles.Login> login;
    private ManagedProcess process;

    /** @param login what it logs in to its database as, asked at each start: its own role once PostgreSQL made it */
    public RegistryPart(Path workDir, Path log, int port, String jdbcUrl, Supplier<DatabaseRoles.Login> login) {
        this.workDir = workDir;
        this.log = log;
        this.port = port;
        this.jdbcUrl = jdbcUrl;
        this.login = login;
    }

    @Override
    public String name() {
        return "registry";
    }

    @Override
    public String address() {
        return url() + " (management :" + managementPort() + ")";
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    int managementPort() {
        return port + 1000;
    }

    static Path distribution() {
        Path jar = Classpath.distributionDir().resolve("registry").resolve("quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new PlatformException("the Apicurio Registry distribution is missing at " + jar
                    + ": build the launcher first (./mvnw -pl platform -am package -DskipTests)");
        }
        return jar;
    }

    @Override
    public void start() {
        Path jar = distribution();
        DatabaseRoles.Login database = login.get();
        process = new ManagedProcess(name(), List.of(ManagedProcess.javaExecutable(),
                "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort(),
                "-Dapicurio.storage.kind=sql",
                "-Dapicurio.storage.sql.kind=postgresql",
                "-Dapicurio.datasource.url=" + jdbcUrl,
                "-Dapicurio.datasource.username=" + database.user(),
                "-Dapicurio.datasource.password=" + database.password(),
                "-Dapicurio.datasource.jdbc.initial-size=2",
                "-Dapicurio.datasource.jdbc.min-size=2",
                "-Dapicurio.datasource.jdbc.max-size=10",
                "-jar", jar.toString()),
                workDir, log, Map.of());
        process.start();
    }

    @Override
    public void awaitHealthy(Duration timeout) {
        process.awaitHealthy(timeout, this::answers);
    }

    @Override
    public boolean healthy() {
        return process != null && process.alive() && answers();
    }

    private boolean answers() {
        return Ports.answersOk("http://127.0.0.1:" + managementPort() + "/health/ready");
    }

    @Override
    public void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(20));
        }
    }

    @Override
    public OptionalLong pid() {
        return process == null ? OptionalLong.empty() : process.pid();
    }
}
