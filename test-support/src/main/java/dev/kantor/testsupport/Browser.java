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

    /** A real double click (two presses of the mouse button at the element, as the W3C actions API performs them). */
    public void doubleClick(String css) {
        Map<String, Object> origin = Map.of(ELEMENT, element(css));
        List<Map<String, Object>> actions = List.of(
                Map.of("type", "pointerMove", "duration", 0, "origin", origin, "x", 0, "y", 0),
                Map.of("type", "pointerDown", "button", 0), Map.of("type", "pointerUp", "button", 0),
                Map.of("type", "pointerDown", "button", 0), Map.of("type", "pointerUp", "button", 0));
        call("POST", session.resolve("actions"), Map.of("actions", List.of(Map.of("type", "pointer", "id", "mouse",
                "parameters", Map.of("pointerType", "mouse"), "actions", actions))));
        call("DELETE", session.resolve("actions"), null);
    }

    /** Runs JavaScript in the page (its arguments as {@code arguments[i]}) and answers what it returns, as JSON. */
    public JsonNode script(String javascript, Object... arguments) {
        return call("POST", session.resolve("execute/sync"), Map.of("script", javascript, "args", List.of(arguments))).path("value");
    }

    /** Waits until a script answers true. */
    public void awaitScript(String javascript, Duration timeout) {
        org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> script(javascript).asBoolean());
    }

    /** An attribute of an element, or null without it. */
    public String attribute(String css, String name) {
        JsonNode value = call("GET", session.resolve("element/" + element(css) + "/attribute/" + name), null).path("value");
        return value.isNull() || value.isMissingNode() ? null : value.asText();
    }

    /** Reloads the page, as the browser's reload button does. */
    public void reload() {
        call("POST", session.resolve("refresh"), Map.of());
    }

    /** Sets the window's size (headless Chromium keeps a window at least 500 px wide: see {@link #viewport}). */
    public void resize(int width, int height) {
        call("POST", session.resolve("window/rect"), Map.of("width", width, "height", height));
    }

    /**
     * Makes the page's viewport exactly this size, as a phone's would be (Chromium's device metrics override through
     * ChromeDriver's DevTools bridge): a headless window does not get narrower than 500 px.
     */
    public void viewport(int width, int height) {
        cdp("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
        // As on a phone, whose scrollbars float over the page rather than take 15 px of it.
        cdp("Emulation.setScrollbarsHidden", Map.of("hidden", true));
    }

    /** Saves a PNG of the whole page (as tall as its content, at the viewport's width) to a file. */
    public Path screenshot(Path file) {
        try {
            String png = cdp("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true)).path("data").asText();
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, java.util.Base64.getDecoder().decode(png));
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("could not save " + file, e);
        }
    }

    private JsonNode cdp(String command, Map<String, Object> parameters) {
        return call("POST", session.resolve("goog/cdp/execute"), Map.of("cmd", command, "params", parameters)).path("value");
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
