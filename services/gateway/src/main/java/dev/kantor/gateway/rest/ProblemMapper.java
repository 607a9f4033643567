package dev.kantor.gateway.rest;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.kantor.gateway.domain.FieldError;
import dev.kantor.service.rest.Problems;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.Response;

/**
 * The gateway's own refusals as RFC 7807 problem bodies naming the field to blame, and the security layer's (no or a
 * bad token, a token that does not allow it). The framework's (an unknown path, method or media type) are the support
 * module's Problems, as in every service; what the HTTP layer refuses before routing is HttpProblems'.
 */
public class ProblemMapper {

    static final String AUTHORIZATION = "Authorization";

    @ServerExceptionMapper
    public Response invalid(FieldError e) {
        return problem(400, "Bad Request", e.getMessage(), e.field());
    }

    @ServerExceptionMapper
    public Response conflict(IdempotencyConflict e) {
        return problem(422, "Unprocessable Content", e.getMessage(), "Idempotency-Key");
    }

    @ServerExceptionMapper
    public Response tooManyStreams(TooManyStreams e) {
        return Response.fromResponse(problem(429, "Too Many Requests", e.getMessage(), null)).header("Retry-After", "5").build();
    }

    @ServerExceptionMapper
    public Response overloaded(InFlightLimit.Overloaded e) {
        return Response.fromResponse(problem(503, "Service Unavailable", e.getMessage(), null)).header("Retry-After", "1").build();
    }

    // Authentication is lazy (quarkus.http.auth.proactive=false), so a missing or bad token reaches these mappers.
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated() {
        return Response.fromResponse(problem(401, "Unauthorized", "a valid bearer token is required", AUTHORIZATION))
                .header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return problem(403, "Forbidden", "this token does not allow it", AUTHORIZATION);
    }

    static Response problem(int status, String title, String detail, String field) {
        return Problems.response(status, title, detail, field);
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
}
