package dev.kantor.gateway.rest;

import java.util.List;

import dev.kantor.gateway.domain.FieldError;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * The Idempotency-Key header as the client sent it: absent, or exactly one value. An empty value is a key that
 * RequestRules refuses, not a missing one: a client that meant to send a key must not silently lose its protection
 * against doubled requests.
 */
final class IdempotencyKey {

    static final String HEADER = "Idempotency-Key";

    private IdempotencyKey() {
    }

    static String of(HttpHeaders headers) {
        List<String> values = headers.getRequestHeader(HEADER);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new FieldError(HEADER, "send one Idempotency-Key, not " + values.size());
        }
        return values.get(0) == null ? "" : values.get(0).strip();
    }
}
