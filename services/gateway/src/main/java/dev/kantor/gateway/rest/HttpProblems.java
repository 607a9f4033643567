package dev.kantor.gateway.rest;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.kantor.service.rest.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The client errors the HTTP layer raises before any resource is chosen (a body over the size limit, a query string
 * that is not valid percent-encoding) answered as problem bodies too, like ProblemMapper's. Only the connection's
 * own codec answers without one: a request line or headers over their limits (414, 431) are refused before routing.
 */
@Singleton
public class HttpProblems {

    /** quarkus.http.limits.max-body-size, which on its own refuses larger bodies without a body of its own. */
    private final long maxBody;

    HttpProblems(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBody) {
        this.maxBody = maxBody.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::bodySize);
        router.route().order(Integer.MIN_VALUE).failureHandler(this::answer);
        // What the router itself refuses (routes outside the REST resources, such as /q/*).
        for (int status : new int[] {400, 401, 403, 404, 405, 406, 413, 415}) {
            router.errorHandler(status, this::answer);
        }
    }

    /** A declared Content-Length over the limit, refused here first; a chunked body over it is cut by Quarkus (413). */
    private void bodySize(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && length.length() < 19 && length.chars().allMatch(Character::isDigit) && Long.parseLong(length) > maxBody) {
            context.response().putHeader(HttpHeaders.CONNECTION, "close");
            context.fail(413);
            return;
        }
        context.next();
    }

    private void answer(RoutingContext context) {
        int status = context.statusCode();
        if (status < 400 || status >= 500 || context.response().headWritten()) {
            context.next();
            return;
        }
        String field = switch (status) {
            case 413 -> "body";
            case 415 -> "Content-Type";
            case 406 -> "Accept";
            case 401, 403 -> "Authorization";
            default -> null;
        };
        String detail = switch (status) {
            case 413 -> "the body is larger than this API takes (" + maxBody / 1024 + " KiB)";
            case 400 -> "the request could not be read";
            default -> io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
        };
        String title = io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(Json.encode(Problem.of(status, title, detail, field)));
    }
}
