package dev.kantor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The one list of services and ports agrees with the services themselves: no service missing, no port written twice differently. */
class ServicesTest {

    @Test
    void everyServiceOfTheCheckoutIsListedWithItsOwnPort() throws IOException {
        Path services = ProjectRoot.find().resolve("services");
        TreeMap<String, Integer> declared = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(services)) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("src/main/resources/application.properties"))).toList()) {
                Properties properties = new Properties();
                try (Reader reader = Files.newBufferedReader(dir.resolve("src/main/resources/application.properties"))) {
                    properties.load(reader);
                }
                if (properties.getProperty("quarkus.http.port") != null) {
                    declared.put(dir.getFileName().toString(), Integer.valueOf(properties.getProperty("quarkus.http.port")));
                }
            }
        }
        TreeMap<String, Integer> listed = new TreeMap<>(Services.PORTS);
        listed.putAll(Services.FLEET_PORTS);
        assertEquals(declared, listed);
    }
}
