package dev.kantor.service.rest;

/**
 * A request a service refuses by its own rules, with the status to answer and the field to blame: every service
 * throws this rather than mapping its own, and {@link Problems} answers it as a problem body.
 */
public class ClientError extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;

    public ClientError(int status, String title, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.title = title;
        this.field = field;
    }

    public static ClientError badRequest(String field, String message) {
        return new ClientError(400, "Bad Request", field, message);
    }

    /** Something that does not exist (for this user: another's is answered the same). */
    public static ClientError notFound(String field, String message) {
        return new ClientError(404, "Not Found", field, message);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }
}
