package dev.kantor.gateway.rest;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.kantor.gateway.domain.FieldError;
import dev.kantor.service.rest.Problem;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;

/** Client errors as RFC 7807 problem bodies naming the field. */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response invalid(FieldError e) {
        return problem(400, "Bad Request", e.getMessage(), e.field());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return problem(404, "Not Found", e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response conflict(IdempotencyConflict e) {
        return problem(422, "Unprocessable Content", e.getMessage(), "Idempotency-Key");
    }

    @ServerExceptionMapper
    public Response tooManyStreams(TooManyStreams e) {
        return Response.fromResponse(problem(429, "Too Many Requests", e.getMessage(), null)).header("Retry-After", "5").build();
    }

    static Response problem(int status, String title, String detail, String field) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status, title, detail, field)).build();
    }

    /** An idempotency key reused for a different request. */
    public static final class IdempotencyConflict extends RuntimeException {
        public IdempotencyConflict(String message) {
            super(message);
        }
    }

    /** A user who already holds as many open streams as one may. */
    public static final class TooManyStreams extends RuntimeException {
        public TooManyStreams(String message) {
            super(message);
        }
    }

    /** Something that does not exist for this user (or belongs to another: the answer is the same). */
    public static NotFoundException notFound(String what) {
        return new NotFoundException(what);
    }
}
