package dev.kantor.gateway.rest;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.SecretKey;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

/**
 * Verifies a bearer token once a minute instead of on every request. A client sends the same token with every
 * request, and checking its RSA signature and claims again was 17% of the gateway's CPU at the front door (README,
 * "Benchmarks"). A token is remembered only after smallrye-jwt accepted it. It is remembered by its exact text, for
 * {@link #HOLD} at most and never past its own expiry. A token the verifier refuses is never remembered, so a refusal
 * costs the same as before. The hold bounds how long a token signed by a key the identity provider has since
 * withdrawn is still accepted.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {

    static final Duration HOLD = Duration.ofSeconds(60);
    static final int CAPACITY = 10_000;

    private record Verified(JsonWebToken token, long untilMillis) {
    }

    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();
    private final JWTParser verifier;
    private final Clock clock;

    @Inject
    public VerifiedTokens(DefaultJWTParser verifier) {
        this(verifier, Clock.systemUTC());
    }

    VerifiedTokens(JWTParser verifier, Clock clock) {
        this.verifier = verifier;
        this.clock = clock;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        long now = clock.millis();
        Verified known = verified.get(token);
        if (known != null && now < known.untilMillis()) {
            return known.token();
        }
        JsonWebToken fresh = verifier.parse(token);
        long expiresMillis = fresh.getExpirationTime() * 1000;
        long until = Math.min(now + HOLD.toMillis(), expiresMillis);
        if (until > now) {
            if (verified.size() >= CAPACITY) {
                // Crude but bounded: whoever holds this many valid tokens at once pays one verification each again.
                verified.clear();
            }
            verified.put(token, new Verified(fresh, until));
        } else if (known != null) {
            verified.remove(token);
        }
        return fresh;
    }

    /** How many tokens are remembered (for tests). */
    int size() {
        return verified.size();
    }

    // Everything else is the verifier's, unchanged: only the one call every request makes is worth remembering.

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
