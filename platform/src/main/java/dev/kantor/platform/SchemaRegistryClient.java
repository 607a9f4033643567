package dev.kantor.platform;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The few calls of the Apicurio Registry v3 API that schema governance needs, over plain HTTP. */
public final class SchemaRegistryClient {

    /** The group the 2.x serdes use when the artifact resolver names none. */
    public static final String GROUP = "default";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String api;

    /** @param registryUrl the registry's base URL, e.g. http://127.0.0.1:8081 */
    public SchemaRegistryClient(String registryUrl) {
        this.api = registryUrl.replaceAll("/+$", "") + "/apis/registry/v3";
    }

    /** A registered version of an artifact. */
    public record Version(String version, long globalId, long contentId, String content) {
    }

    /** Sets the global COMPATIBILITY rule, whether it was absent or different. */
    public void setGlobalCompatibility(String level) {
        ObjectNode rule = JSON.createObjectNode().put("ruleType", "COMPATIBILITY").put("config", level);
        HttpResponse<String> current = send("GET", "/admin/rules/COMPATIBILITY", null);
        if (current.statusCode() == 404) {
            expect(send("POST", "/admin/rules", rule), 204, "create the global COMPATIBILITY rule");
        } else if (!level.equals(read(current).path("config").asText())) {
            expect(send("PUT", "/admin/rules/COMPATIBILITY", rule), 200, "update the global COMPATIBILITY rule");
        }
    }

    /** Sets an artifact's own COMPATIBILITY rule (the artifact must exist). */
    public void setArtifactCompatibility(String artifactId, String level) {
        ObjectNode rule = JSON.createObjectNode().put("ruleType", "COMPATIBILITY").put("config", level);
        HttpResponse<String> current = send("GET", artifact(artifactId) + "/rules/COMPATIBILITY", null);
        if (current.statusCode() == 404) {
            expect(send("POST", artifact(artifactId) + "/rules", rule), 204, "create the COMPATIBILITY rule of " + artifactId);
        } else if (!level.equals(read(current).path("config").asText())) {
            expect(send("PUT", artifact(artifactId) + "/rules/COMPATIBILITY", rule), 200, "update the COMPATIBILITY rule of " + artifactId);
        }
    }

    /** An artifact's own COMPATIBILITY rule, NONE when it has none. */
    public String artifactCompatibility(String artifactId) {
        HttpResponse<String> current = send("GET", artifact(artifactId) + "/rules/COMPATIBILITY", null);
        return current.statusCode() == 404 ? "NONE" : read(current).path("config").asText();
    }

    /** The content of every version of an artifact, oldest first. */
    public List<String> versions(String artifactId) {
        JsonNode list = read(expect(send("GET", artifact(artifactId) + "/versions?order=asc&orderby=createdOn&limit=100", null), 200,
                "list the versions of " + artifactId));
        List<String> contents = new ArrayList<>();
        for (JsonNode v : list.path("versions")) {
            contents.add(expect(send("GET", artifact(artifactId) + "/versions/" + v.path("version").asText() + "/content", null), 200,
                    "read a version of " + artifactId).body());
        }
        return contents;
    }

    public String globalCompatibility() {
        HttpResponse<String> current = send("GET", "/admin/rules/COMPATIBILITY", null);
        return current.statusCode() == 404 ? "NONE" : read(current).path("config").asText();
    }

    public Optional<Version> latest(String artifactId) {
        HttpResponse<String> meta = send("GET", artifact(artifactId) + "/versions/branch=latest", null);
        if (meta.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode node = read(expect(meta, 200, "read the latest version of " + artifactId));
        HttpResponse<String> content = expect(send("GET", artifact(artifactId) + "/versions/branch=latest/content", null),
                200, "read the latest schema of " + artifactId);
        return Optional.of(new Version(node.path("version").asText(), node.path("globalId").asLong(),
                node.path("contentId").asLong(), content.body()));
    }

    /**
     * Asks the registry whether a candidate would pass its rules, storing nothing.
     * @return the registry's causes when it would refuse, empty when it would accept
     */
    public List<String> dryRun(String artifactId, String schema) {
        HttpResponse<String> response = send("POST", artifact(artifactId) + "/versions?dryRun=true", versionBody(schema));
        if (response.statusCode() == 200) {
            return List.of();
        }
        if (response.statusCode() == 400 || response.statusCode() == 409) {
            JsonNode body = read(response);
            List<String> causes = new ArrayList<>();
            body.path("causes").forEach(c -> causes.add(c.path("description").asText() + " at " + c.path("context").asText()));
            if (causes.isEmpty()) {
                causes.add(body.path("detail").asText(response.body()));
            }
            return causes;
        }
        throw new PlatformException("registry answered " + response.statusCode() + " to a dry run of " + artifactId
                + ": " + response.body());
    }

    /** Registers the schema unless an identical version exists; returns the version that now holds it. */
    public Version register(String artifactId, String schema) {
        ObjectNode body = JSON.createObjectNode().put("artifactId", artifactId).put("artifactType", "AVRO");
        body.set("firstVersion", versionBody(schema));
        HttpResponse<String> response = expect(send("POST",
                "/groups/" + GROUP + "/artifacts?ifExists=FIND_OR_CREATE_VERSION&canonical=true", body),
                200, "register " + artifactId);
        JsonNode version = read(response).path("version");
        return new Version(version.path("version").asText(), version.path("globalId").asLong(),
                version.path("contentId").asLong(), schema);
    }

    /** Removes an artifact and all its versions (tests use throw-away artifacts). */
    public void delete(String artifactId) {
        HttpResponse<String> response = send("DELETE", artifact(artifactId), null);
        if (response.statusCode() != 204 && response.statusCode() != 404 && response.statusCode() != 405) {
            throw new PlatformException("could not delete " + artifactId + ": " + response.statusCode() + " " + response.body());
        }
    }

    private static ObjectNode versionBody(String schema) {
        ObjectNode version = JSON.createObjectNode();
        version.putObject("content").put("content", schema).put("contentType", "application/json");
        return version;
    }

    private static String artifact(String artifactId) {
        return "/groups/" + GROUP + "/artifacts/" + URLEncoder.encode(artifactId, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PlatformException("the schema registry at " + api + " is unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted while calling the schema registry", e);
        }
    }

    private static HttpResponse<String> expect(HttpResponse<String> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new PlatformException("could not " + what + ": registry answered " + response.statusCode() + " "
                    + response.body());
        }
        return response;
    }

    private static JsonNode read(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new PlatformException("unreadable registry answer: " + response.body(), e);
        }
    }
}
