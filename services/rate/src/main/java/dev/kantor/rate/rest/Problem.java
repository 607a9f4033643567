package dev.kantor.rate.rest;

/** An RFC 7807 problem body: what went wrong, and with which field when a field is to blame. */
public record Problem(String type, String title, int status, String detail, String field) {

    public static final String MEDIA_TYPE = "application/problem+json";

    static Problem of(int status, String title, String detail, String field) {
        return new Problem("about:blank", title, status, detail, field);
    }
}
