package dev.kantor.k8s;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A container registry on 127.0.0.1 without a container engine (Debian's docker-registry, the distribution registry
 * 2.8): what Jib pushes the images to in ImagesIT, and where the test reads each image's manifest, config and layers
 * back, as a cluster's node would pull them.
 */
final class LocalImageRegistry implements AutoCloseable {

    private static final String MANIFEST_TYPES = "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private LocalImageRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts one on a free port of 42000-42999 with its storage in {@code dir}, and waits until it answers. */
    static LocalImageRegistry start(Path dir) throws IOException {
        Path binary = Path.of("/usr/bin/docker-registry");
        // A fresh machine has none: installed as the browser tests install Chromium, so the README's command suffices.
        dev.kantor.testsupport.DebianPackages.ensure(() -> Files.isExecutable(binary), "docker-registry");
        int port = freePort();
        Files.createDirectories(dir.resolve("data"));
        Path config = dir.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log: {level: warn}
                storage:
                  filesystem: {rootdirectory: %s}
                http: {addr: "127.0.0.1:%d"}
                """.formatted(dir.resolve("data"), port));
        Process process = new ProcessBuilder(binary.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        LocalImageRegistry registry = new LocalImageRegistry(process, port);
        await("the registry on port " + port).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> process.isAlive() && registry.answers());
        return registry;
    }

    private static int freePort() throws IOException {
        for (int port = 42000 + (int) (ProcessHandle.current().pid() % 900); port < 43000; port++) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // the next one
            }
        }
        throw new IOException("no free port in 42000-42999");
    }

    private boolean answers() {
        try {
            return get("/v2/", "application/json", HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** host:port, the registry part of an image reference. */
    String host() {
        return "localhost:" + port;
    }

    /** The manifest of repository:tag (schema 2 or OCI): its config digest and layers. */
    JsonNode manifest(String repository, String tag) throws IOException {
        HttpResponse<byte[]> response = get("/v2/" + repository + "/manifests/" + tag, MANIFEST_TYPES, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new AssertionError(host() + "/" + repository + ":" + tag + " is not in the registry (HTTP " + response.statusCode() + ")");
        }
        return JSON.readTree(response.body());
    }

    /** The image's configuration ("config": entrypoint, user, ports, labels, environment). */
    JsonNode config(String repository, String tag) throws IOException {
        String digest = manifest(repository, tag).path("config").path("digest").asText();
        return JSON.readTree(get("/v2/" + repository + "/blobs/" + digest, "*/*", HttpResponse.BodyHandlers.ofByteArray()).body());
    }

    /**
     * Which of {@code wanted} (paths in the image, without the leading slash) some layer holds. The layers are read
     * newest first, and reading stops once all are found: the application's layers are the small, last ones.
     */
    Set<String> filesAmong(String repository, String tag, Set<String> wanted) throws IOException {
        List<JsonNode> layers = new ArrayList<>();
        manifest(repository, tag).path("layers").forEach(layers::add);
        Set<String> found = new HashSet<>();
        for (int i = layers.size() - 1; i >= 0 && found.size() < wanted.size(); i--) {
            HttpResponse<InputStream> blob = get("/v2/" + repository + "/blobs/" + layers.get(i).path("digest").asText(), "*/*",
                    HttpResponse.BodyHandlers.ofInputStream());
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(blob.body()))) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    String name = entry.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
                    if (wanted.contains(name)) {
                        found.add(name);
                    }
                }
            }
        }
        return found;
    }

    private <T> HttpResponse<T> get(String path, String accept, HttpResponse.BodyHandler<T> body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Accept", accept)
                .timeout(Duration.ofSeconds(60)).build();
        try {
            return http.send(request, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
