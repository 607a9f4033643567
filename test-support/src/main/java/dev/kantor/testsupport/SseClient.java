package dev.kantor.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A Server-Sent Events client for tests: it collects the events of one stream until closed. */
public final class SseClient implements AutoCloseable {

    /** One event: its id, name and data. */
    public record Event(String id, String name, String data) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile int status;
    private volatile Stream<String> body;

    /** Connects with the given headers (an Authorization, a Last-Event-ID). */
    public SseClient(URI uri, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
        // Async: the body is read on the client's executor until the stream ends or close() closes it.
        response.thenAcceptAsync(r -> {
            status = r.statusCode();
            body = r.body();
            String[] id = {null};
            String[] name = {null};
            List<String> data = new ArrayList<>();
            r.body().forEach(line -> {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(id[0], name[0], String.join("\n", data)));
                    }
                    data.clear();
                    name[0] = null;
                } else if (line.startsWith("id:")) {
                    id[0] = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    name[0] = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.add(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
                }
            });
        });
    }

    /** The HTTP status, once the response started (0 before). */
    public int status() {
        return status;
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    /** Waits until an event matches, and returns it. */
    public Event await(Predicate<Event> match, Duration timeout) {
        org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(() -> events.stream().anyMatch(match));
        return events.stream().filter(match).findFirst().orElseThrow();
    }

    /** The id of the last event received, for a reconnect with Last-Event-ID. */
    public String lastEventId() {
        return events.isEmpty() ? null : events.get(events.size() - 1).id();
    }

    @Override
    public void close() {
        Stream<String> lines = body;
        if (lines != null) {
            lines.close();
        }
        response.cancel(true);
    }
}
