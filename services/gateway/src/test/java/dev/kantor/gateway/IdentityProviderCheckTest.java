package dev.kantor.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kantor.gateway.config.IdentityProviderCheck;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The start-up check's rules without starting anything: every way the prod profile could end up trusting the
 * repository's dev key (path, copied file, inline PEM, JWK set, the dev issuer, the dev sign-in) is named, and the dev
 * and test profiles are left alone. GatewayIdentityIT shows the packaged gateway refusing to start.
 */
class IdentityProviderCheckTest {

    static final Path DEV_KEYS = Path.of("dev-keys");
    static final String JWKS_URL = "https://idp.example.com/realms/kantor/protocol/openid-connect/certs";

    @Test
    void theFingerprintIsTheDevPublicKeys() throws Exception {
        assertEquals(IdentityProviderCheck.DEV_KEY_SHA256,
                IdentityProviderCheck.fingerprint(KeyUtils.decodePublicKey(Files.readString(DEV_KEYS.resolve("public.pem")))),
                "dev-keys/public.pem changed: update IdentityProviderCheck.DEV_KEY_SHA256 (and k8s/overlays/dev/gateway-dev-keys)");
    }

    @Test
    void aProperIdentityProviderPasses() {
        assertEquals(List.of(), problems(List.of("prod"), prod()));
    }

    @Test
    void theDevAndTestProfilesAreLeftAlone() {
        Map<String, String> dev = Map.of("mp.jwt.verify.publickey.location", "dev-keys/public.pem",
                "smallrye.jwt.sign.key.location", "dev-keys/private.pem", "kantor.gateway.dev-sign-in", "true");
        assertEquals(List.of(), problems(List.of("dev"), dev));
        assertEquals(List.of(), problems(List.of("test"), dev));
        assertFalse(problems(List.of("dev", "prod"), dev).isEmpty(), "prod wins over dev");
        assertFalse(problems(List.of("staging"), dev).isEmpty(), "any other profile is checked like prod");
    }

    @Test
    void noIssuerNoKeyOrTheDevIssuerIsRefused() {
        Map<String, String> config = prod();
        config.remove("mp.jwt.verify.issuer");
        assertNamed(problems(List.of("prod"), config), "mp.jwt.verify.issuer");
        config.put("mp.jwt.verify.issuer", " ");
        assertNamed(problems(List.of("prod"), config), "mp.jwt.verify.issuer");
        config.put("mp.jwt.verify.issuer", IdentityProviderCheck.DEV_ISSUER);
        assertNamed(problems(List.of("prod"), config), "mp.jwt.verify.issuer");

        Map<String, String> noKey = prod();
        noKey.remove("mp.jwt.verify.publickey.location");
        assertNamed(problems(List.of("prod"), noKey), "mp.jwt.verify.publickey.location");
    }

    @Test
    void theDevKeyIsRefusedByPathAndByContent(@TempDir Path dir) throws Exception {
        Map<String, String> config = prod();
        for (String location : List.of("dev-keys/public.pem", "file:/etc/kantor/dev-keys/public.pem",
                "https://example.com/dev-keys/public.pem")) {
            config.put("mp.jwt.verify.publickey.location", location);
            assertNamed(problems(List.of("prod"), config), "mp.jwt.verify.publickey.location");
        }
        // Copied under another name, as PEM and as a JWK set: recognised by its key material.
        String pem = Files.readString(DEV_KEYS.resolve("public.pem"));
        Path copy = Files.writeString(dir.resolve("idp.pem"), pem);
        config.put("mp.jwt.verify.publickey.location", copy.toString());
        assertNamed(problems(List.of("prod"), config), "mp.jwt.verify.publickey.location");
        PublicJsonWebKey devJwk = PublicJsonWebKey.Factory.newPublicJwk(KeyUtils.decodePublicKey(pem));
        Path jwks = Files.writeString(dir.resolve("certs.json"), new JsonWebKeySet(devJwk).toJson());
        config.put("mp.jwt.verify.publickey.location", "file:" + jwks);
        assertNamed(problems(List.of("prod"), config), "mp.jwt.verify.publickey.location");
        config.remove("mp.jwt.verify.publickey.location");
        config.put("mp.jwt.verify.publickey", pem);
        assertNamed(problems(List.of("prod"), config), "mp.jwt.verify.publickey");

        // Another key in a file passes.
        Path other = Files.writeString(dir.resolve("other.json"), new JsonWebKeySet(RsaJwkGenerator.generateJwk(2048)).toJson());
        config.remove("mp.jwt.verify.publickey");
        config.put("mp.jwt.verify.publickey.location", other.toString());
        assertEquals(List.of(), problems(List.of("prod"), config));
        config.put("mp.jwt.verify.publickey.location", dir.resolve("missing.pem").toString());
        assertNamed(problems(List.of("prod"), config), "mp.jwt.verify.publickey.location");
    }

    @Test
    void theDevSignInAndASigningKeyAreRefused() {
        Map<String, String> config = prod();
        config.put("kantor.gateway.dev-sign-in", "true");
        assertNamed(problems(List.of("prod"), config), "kantor.gateway.dev-sign-in");
        config.put("kantor.gateway.dev-sign-in", "false");
        config.put("smallrye.jwt.sign.key.location", "/somewhere/private.pem");
        assertNamed(problems(List.of("prod"), config), "smallrye.jwt.sign.key.location");
    }

    private static void assertNamed(List<String> problems, String property) {
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(property + " ")), property + " named in " + problems);
    }

    private static Map<String, String> prod() {
        Map<String, String> config = new HashMap<>();
        config.put("mp.jwt.verify.issuer", "https://idp.example.com/realms/kantor");
        config.put("mp.jwt.verify.publickey.location", JWKS_URL);
        config.put("kantor.gateway.dev-sign-in", "false");
        return config;
    }

    private static List<String> problems(List<String> profiles, Map<String, String> config) {
        return IdentityProviderCheck.problems(profiles, name -> Optional.ofNullable(config.get(name)));
    }
}
