package dev.kantor.gateway.rest;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The SSE streams each user holds open on this replica, so that one client cannot open streams without end: each
 * holds a connection and a feed subscription. Per replica: a user spread over several replicas may hold that many on
 * each, which still bounds what one replica gives one user.
 */
@ApplicationScoped
public class StreamQuota {

    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    /** Counts one more stream for the user, unless the user already holds {@code max}; answers whether it did. */
    public boolean tryOpen(String user, int max) {
        boolean[] opened = {false};
        open.compute(user, (key, count) -> {
            int current = count == null ? 0 : count;
            if (current >= max) {
                return count;
            }
            opened[0] = true;
            return current + 1;
        });
        return opened[0];
    }

    /** One of the user's streams ended (closed by the client, cancelled, failed). */
    public void close(String user) {
        open.computeIfPresent(user, (key, count) -> count <= 1 ? null : count - 1);
    }

    /** How many streams the user holds now. */
    public int held(String user) {
        return open.getOrDefault(user, 0);
    }
}
