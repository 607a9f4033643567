package dev.kantor.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.smallrye.config.ConfigMapping;

/** The gateway's settings (kantor.gateway.*). */
@ConfigMapping(prefix = "kantor.gateway")
public interface GatewayConfig {

    /** ISO 4217 codes clients may use. */
    Set<String> currencies();

    int displayNameMax();

    /** The dev-only sign-in (POST /api/sign-in): on for the local platform, off in production. */
    boolean devSignIn();

    /** Who may sign in through the dev-only sign-in; "*" lets any lower-case id in (tests use fresh users). */
    List<String> demoUsers();

    /** The issuer written into, and required of, tokens. */
    String issuer();

    Duration tokenLifetime();

    /** How long a reconnecting SSE client can be away and still get every event it missed (Feed prunes older rows). */
    Duration feedRetention();

    /** First pause before retrying a transient failure (database or broker down); doubles up to retryMax. */
    Duration retryInitial();

    Duration retryMax();
}
