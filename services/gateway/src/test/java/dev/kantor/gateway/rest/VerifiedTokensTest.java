package dev.kantor.gateway.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;

/**
 * The remembered verifications: with smallrye-jwt's own verifier and real RSA keys, a token is verified once per hold,
 * never past its expiry, and a refused token (forged, or signed by another key) is refused every time.
 */
class VerifiedTokensTest {

    private static final String ISSUER = "https://kantor.test/issuer";

    private final KeyPair keys = rsa();
    private final AtomicInteger verifications = new AtomicInteger();
    private final MovableClock clock = new MovableClock(Instant.now());
    private final VerifiedTokens tokens = new VerifiedTokens(counting(new DefaultJWTParser(new JWTAuthContextInfo(keys.getPublic(), ISSUER))), clock);

    @Test
    void aTokenIsVerifiedOncePerHold() throws Exception {
        String token = Jwt.issuer(ISSUER).upn("alice").expiresIn(Duration.ofHours(1)).sign(keys.getPrivate());
        JsonWebToken first = tokens.parse(token);
        assertEquals("alice", first.getName());
        assertSame(first, tokens.parse(token));
        assertEquals(1, verifications.get());

        clock.advance(VerifiedTokens.HOLD.plusSeconds(1));
        assertEquals("alice", tokens.parse(token).getName());
        assertEquals(2, verifications.get(), "after the hold the token is verified again");
    }

    @Test
    void aTokenIsNeverServedFromMemoryPastItsExpiry() throws Exception {
        String token = Jwt.issuer(ISSUER).upn("bob").expiresIn(Duration.ofSeconds(20)).sign(keys.getPrivate());
        tokens.parse(token);
        clock.advance(Duration.ofSeconds(21)); // within the hold, past the token's exp
        tokens.parse(token); // the verifier, on the real clock, still accepts it: what matters is that it was asked
        assertEquals(2, verifications.get());
    }

    @Test
    void aRefusedTokenIsRefusedEveryTimeAndNeverRemembered() {
        String otherKey = Jwt.issuer(ISSUER).upn("mallory").expiresIn(Duration.ofHours(1)).sign(rsa().getPrivate());
        String unsigned = "eyJhbGciOiJub25lIn0.eyJ1cG4iOiJtYWxsb3J5IiwiaXNzIjoiaHR0cHM6Ly9rYW50b3IudGVzdC9pc3N1ZXIifQ.";
        for (String token : new String[] {otherKey, unsigned, otherKey, unsigned}) {
            assertThrows(ParseException.class, () -> tokens.parse(token));
        }
        assertEquals(4, verifications.get());
        assertEquals(0, tokens.size());
    }

    @Test
    void anAlreadyExpiredTokenIsRefusedAndNotRemembered() {
        String token = Jwt.issuer(ISSUER).upn("carol").issuedAt(Instant.now().minusSeconds(7200))
                .expiresAt(Instant.now().minusSeconds(3600)).sign(keys.getPrivate());
        assertThrows(ParseException.class, () -> tokens.parse(token));
        assertThrows(ParseException.class, () -> tokens.parse(token));
        assertEquals(2, verifications.get());
        assertEquals(0, tokens.size());
    }

    private JWTParser counting(DefaultJWTParser parser) {
        return new DefaultJWTParser() {
            @Override
            public JsonWebToken parse(String token) throws ParseException {
                verifications.incrementAndGet();
                return parser.parse(token);
            }
        };
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
