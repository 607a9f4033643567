package dev.kantor.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kantor.platform.Ports;

/**
 * A real headless Chromium driven through ChromeDriver's W3C WebDriver protocol (plain HTTP, no driver library):
 * enough to open a page, fill in fields, click and read text. Debian's chromium and chromium-driver are installed
 * with apt-get when missing, so a fresh machine needs nothing else.
 */
public final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process driver;
    private final URI session;

    private Browser(Process driver, URI session) {
        this.driver = driver;
        this.session = session;
    }

    /** Installs Debian's chromium and chromium-driver if they are missing (the tests run as root on CI machines). */
    public static void ensureInstalled() {
        DebianPackages.ensure(() -> Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER), "chromium", "chromium-driver");
    }

    /** A new headless browser with a phone-sized window and an empty profile. */
    public static Browser start() {
        ensureInstalled();
        int port = Ports.any();
        try {
            Path profile = Files.createTempDirectory("kantor-chromium");
            Process driver = new ProcessBuilder(DRIVER.toString(), "--port=" + port).redirectErrorStream(true)
                    .redirectOutput(Path.of(System.getProperty("java.io.tmpdir"), "chromedriver-" + port + ".log").toFile()).start();
            URI base = URI.create("http://127.0.0.1:" + port);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> call("GET", base.resolve("/status"), null).path("value").path("ready").asBoolean());
            // The flags keep Chromium off the network this machine does not have (see the machine notes in README).
            Map<String, Object> options = Map.of("binary", CHROMIUM.toString(), "args", List.of("--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--window-size=390,844", "--user-data-dir=" + profile));
            JsonNode created = call("POST", base.resolve("/session"), Map.of("capabilities",
                    Map.of("alwaysMatch", Map.of("browserName", "chrome", "goog:chromeOptions", options))));
            return new Browser(driver, base.resolve("/session/" + created.path("value").path("sessionId").asText() + "/"));
        } catch (IOException e) {
            throw new IllegalStateException("could not start chromedriver", e);
        }
    }

    public void open(String url) {
        call("POST", session.resolve("url"), Map.of("url", url));
    }

    public void click(String css) {
        call("POST", session.resolve("element/" + element(css) + "/click"), Map.of());
    }

    /** Clears a field and types into it. */
    public void type(String css, String text) {
        String element = element(css);
        call("POST", session.resolve("element/" + element + "/clear"), Map.of());
        call("POST", session.resolve("element/" + element + "/value"), Map.of("text", text));
    }

    /** Chooses an option of a select by its value. */
    public void select(String css, String value) {
        click(css + " option[value='" + value + "']");
    }

    public String text(String css) {
        return call("GET", session.resolve("element/" + element(css) + "/text"), null).path("value").asText();
    }

    public boolean present(String css) {
        return !call("POST", session.resolve("elements"), Map.of("using", "css selector", "value", css)).path("value").isEmpty();
    }

    /** Waits until an element's text satisfies the condition, and returns it. */
    public String awaitText(String css, java.util.function.Predicate<String> condition, Duration timeout) {
        String[] last = {null};
        org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> condition.test(last[0] = text(css)));
        return last[0];
    }

    private String element(String css) {
        return call("POST", session.resolve("element"), Map.of("using", "css selector", "value", css)).path("value").path(ELEMENT).asText();
    }

    private static JsonNode call(String method, URI uri, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json");
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = JSON.readTree(response.body());
            if (response.statusCode() >= 400) {
                throw new IllegalStateException(method + " " + uri + ": " + json.path("value").path("message").asText(response.body()));
            }
            return json;
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            call("DELETE", URI.create(session.toString().replaceFirst("/$", "")), null);
        } finally {
            driver.destroy();
        }
    }
}
