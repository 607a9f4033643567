package dev.kantor.service.rest;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An RFC 7807 problem body, the one error shape of every Kantor HTTP API: what went wrong, and with which field
 * when a field is to blame. Registered for reflection because Jackson writes it in a native image too.
 */
@RegisterForReflection
public record Problem(String type, String title, int status, String detail, String field) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail, String field) {
        return new Problem("about:blank", title, status, detail, field);
    }
}
