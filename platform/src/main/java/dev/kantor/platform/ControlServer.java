package dev.kantor.platform;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback-only HTTP endpoint of the supervisor, so that `kantor down`, `kantor status` and failure tests can stop,
 * start or restart one part (the database, the registry, a broker) while the rest keeps running.
 *
 * <pre>
 * GET  /status                  part, healthy, pid per line
 * POST /parts/{name}/stop|kill|start|restart
 * POST /links/{vessel}/up|down|blackhole|throttle[?bytes=N]
 * POST /shutdown
 * </pre>
 */
final class ControlServer {

    private final HttpServer server;
    private final Supervisor supervisor;

    ControlServer(int port, Supervisor supervisor) {
        this.supervisor = supervisor;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 8);
        } catch (IOException e) {
            throw new PlatformException("control port " + port + " unavailable: " + e.getMessage(), e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> new Thread(r, "kantor-control")));
        server.createContext("/status", this::status);
        server.createContext("/parts/", this::part);
        server.createContext("/links/", this::link);
        server.createContext("/shutdown", this::shutdown);
    }

    void start() {
        server.start();
    }

    void stop() {
        server.stop(0);
    }

    private void status(HttpExchange exchange) throws IOException {
        Map<String, Part> parts = supervisor.parts();
        String body = parts.values().stream()
                .map(p -> p.name() + " " + (p.healthy() ? "healthy" : "DOWN") + " " + p.pid().orElse(-1))
                .collect(Collectors.joining("\n", "", "\n"));
        StringBuilder links = new StringBuilder();
        supervisor.links().forEach((vessel, state) -> links.append("link-").append(vessel).append(' ').append(state).append('\n'));
        respond(exchange, 200, body + links);
    }

    private void part(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, "POST only\n");
            return;
        }
        String[] path = exchange.getRequestURI().getPath().split("/");
        if (path.length != 4) {
            respond(exchange, 404, "use /parts/{name}/stop|kill|start|restart\n");
            return;
        }
        String name = path[2];
        try {
            switch (path[3]) {
                case "stop" -> supervisor.stopPart(name);
                case "kill" -> supervisor.killPart(name);
                case "start" -> supervisor.startPart(name);
                case "restart" -> {
                    supervisor.stopPart(name);
                    supervisor.startPart(name);
                }
                default -> {
                    respond(exchange, 404, "unknown action " + path[3] + "\n");
                    return;
                }
            }
            respond(exchange, 200, name + " " + path[3] + " done\n");
        } catch (PlatformException e) {
            respond(exchange, 409, e.getMessage() + "\n");
        }
    }

    private void link(HttpExchange exchange) throws IOException {
        String[] path = exchange.getRequestURI().getPath().split("/");
        if (!"POST".equals(exchange.getRequestMethod()) || path.length != 4) {
            respond(exchange, 404, "use POST /links/{vessel}/up|down|blackhole|throttle[?bytes=N]\n");
            return;
        }
        LinkProxy.Mode mode = switch (path[3]) {
            case "up" -> LinkProxy.Mode.UP;
            case "down", "reset" -> LinkProxy.Mode.RESET;
            case "blackhole" -> LinkProxy.Mode.BLACKHOLE;
            case "throttle" -> LinkProxy.Mode.THROTTLE;
            default -> null;
        };
        if (mode == null) {
            respond(exchange, 404, "unknown link mode " + path[3] + ": up, down, blackhole or throttle\n");
            return;
        }
        String query = exchange.getRequestURI().getQuery();
        long bytes = 8 * 1024;
        if (query != null && query.startsWith("bytes=")) {
            try {
                bytes = Long.parseLong(query.substring("bytes=".length()));
            } catch (NumberFormatException e) {
                respond(exchange, 400, "bytes must be a number of bytes per second, was " + query.substring(6) + "\n");
                return;
            }
        }
        try {
            respond(exchange, 200, "link-" + path[2] + " " + supervisor.link(path[2], mode, bytes) + "\n");
        } catch (PlatformException e) {
            respond(exchange, 409, e.getMessage() + "\n");
        }
    }

    private void shutdown(HttpExchange exchange) throws IOException {
        respond(exchange, 202, "stopping\n");
        supervisor.stopAsync();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
