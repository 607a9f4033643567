package dev.kantor.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.platform.PlatformException;
import dev.kantor.platform.Ports;
import dev.kantor.platform.ServicePart;
import dev.kantor.testsupport.GatewayClient;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The packaged gateway in the prod profile, configured as k8s/overlays/prod configures it: an issuer, a JWKS URL (an
 * identity provider played by this test, with a key pair of its own) and an audience. A token signed with the
 * repository's dev key is refused whoever it names, the dev sign-in is not there, and the provider's tokens work. A
 * prod gateway without an issuer, or given the dev key, does not start. And the packaged artifact holds no private key.
 */
class GatewayIdentityIT {

    static final String ISSUER = "https://idp.test/realms/kantor";
    static final String AUDIENCE = "kantor-gateway";
    static final Path QUARKUS_APP = Path.of("target", "quarkus-app").toAbsolutePath();
    static final Path DEV_KEYS = ServicePart.devKeys();
    /**
     * The only PEM private keys allowed in a library: Netty's probe key pairs (OpenSsl, SslUtils.PROBING_KEY,
     * JdkSslServerContext), published in its source and used only to test what the SSL engine supports. No other
     * entry of any jar may hold one.
     */
    static final java.util.Set<String> NETTY_PROBE_KEYS = java.util.Set.of("io/netty/handler/ssl/OpenSsl.class",
            "io/netty/handler/ssl/SslUtils.class", "io/netty/handler/ssl/JdkSslServerContext.class");

    static Endpoints endpoints;
    static HttpServer identityProvider;
    static RsaJsonWebKey providerKey;
    static String jwksUrl;
    static ServicePart gateway;
    static URI base;

    @BeforeAll
    static void start() throws Exception {
        LocalPlatform platform = LocalPlatform.fromEnvironment();
        endpoints = platform.ensureRunning();
        platform.stopOwnInstance("gateway");

        providerKey = RsaJwkGenerator.generateJwk(2048);
        providerKey.setKeyId("idp-" + UUID.randomUUID());
        byte[] jwks = new JsonWebKeySet(providerKey).toJson().getBytes(StandardCharsets.UTF_8); // public parts only
        identityProvider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        identityProvider.createContext("/realms/kantor/protocol/openid-connect/certs", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        identityProvider.start();
        jwksUrl = "http://127.0.0.1:" + identityProvider.getAddress().getPort() + "/realms/kantor/protocol/openid-connect/certs";

        gateway = prodGateway("prod", prodConfig());
        gateway.start();
        gateway.awaitHealthy(Duration.ofSeconds(180));
        base = URI.create("http://127.0.0.1:" + gateway.port());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.stop();
        }
        if (identityProvider != null) {
            identityProvider.stop(0);
        }
    }

    @Test
    void aTokenSignedWithTheDevKeyIsRefusedAndTheProvidersIsAccepted() throws Exception {
        PrivateKey devKey = KeyUtils.decodePrivateKey(Files.readString(DEV_KEYS.resolve("private.pem")));
        for (String user : List.of("alice", "bob")) {
            // The forger's best guess: the prod issuer and audience, and the dev issuer for good measure.
            GatewayClient.withToken(base, sign(devKey, null, ISSUER, user)).get("/api/accounts", 401);
            GatewayClient.withToken(base, sign(devKey, null, "https://kantor.dev/local", user)).get("/api/accounts", 401);
        }
        GatewayClient.anonymous(base).postRaw("/api/sign-in", "{\"user\": \"alice\"}", 404);

        String user = "idp-" + UUID.randomUUID().toString().substring(0, 8);
        GatewayClient signedIn = GatewayClient.withToken(base, sign(providerKey.getPrivateKey(), providerKey.getKeyId(), ISSUER, user));
        assertEquals(0, signedIn.get("/api/accounts", 200).size(), "a new user of the identity provider has no accounts");
        // The provider's key, but another issuer: refused too.
        GatewayClient.withToken(base, sign(providerKey.getPrivateKey(), providerKey.getKeyId(), "https://elsewhere.test", user))
                .get("/api/accounts", 401);
    }

    @Test
    void aProdGatewayWithoutAnIssuerOrWithTheDevKeyDoesNotStart() throws IOException {
        Map<String, String> noIssuer = prodConfig();
        noIssuer.remove("mp.jwt.verify.issuer");
        assertRefused("no-issuer", noIssuer, "mp.jwt.verify.issuer");

        // The dev public key copied where its path does not give it away: recognised by its key material.
        Path copy = Files.createDirectories(Path.of("target", "identity-it")).resolve("idp-public.pem").toAbsolutePath();
        Files.copy(DEV_KEYS.resolve("public.pem"), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<String, String> devKey = prodConfig();
        devKey.put("mp.jwt.verify.publickey.location", copy.toString());
        assertRefused("dev-key", devKey, "mp.jwt.verify.publickey.location");

        Map<String, String> signIn = prodConfig();
        signIn.put("kantor.gateway.dev-sign-in", "true");
        assertRefused("dev-sign-in", signIn, "kantor.gateway.dev-sign-in");
    }

    @Test
    void thePackagedGatewayHoldsNoPrivateKey() throws IOException {
        assertTrue(Files.isRegularFile(QUARKUS_APP.resolve("quarkus-run.jar")), "packaged first: " + QUARKUS_APP);
        String devPrivate = pemBody(Files.readString(DEV_KEYS.resolve("private.pem")));
        String devPublic = pemBody(Files.readString(DEV_KEYS.resolve("public.pem")));
        byte[] devPrivateDer = Base64.getDecoder().decode(devPrivate);
        // A PEM private key with its body; libraries may name the PEM headers in their code, but never carry a key.
        Pattern pemKey = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----\\s*[A-Za-z0-9+/=\\s]{64,}-----END");
        List<String> found = new ArrayList<>();
        int[] scanned = {0};
        try (Stream<Path> files = Files.walk(QUARKUS_APP)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String where = QUARKUS_APP.relativize(file).toString();
                // The app's own code and resources, and the project's own libraries: not even the words.
                boolean ours = where.startsWith("app/") || where.startsWith("quarkus/") || file.getFileName().toString().startsWith("dev.kantor.");
                byte[] bytes = Files.readAllBytes(file);
                scan(where, bytes, ours, pemKey, devPrivate, devPublic, devPrivateDer, found);
                scanned[0]++;
                if (where.endsWith(".jar")) {
                    try (JarInputStream jar = new JarInputStream(new java.io.ByteArrayInputStream(bytes))) {
                        for (JarEntry entry; (entry = jar.getNextJarEntry()) != null; ) {
                            scan(where + "!/" + entry.getName(), jar.readAllBytes(), ours, pemKey, devPrivate, devPublic, devPrivateDer, found);
                            scanned[0]++;
                        }
                    }
                }
            }
        }
        assertTrue(scanned[0] > 1000, "scanned the application and its libraries: " + scanned[0]);
        assertEquals(List.of(), found, "private keys or dev key material in the packaged gateway");
    }

    private static void scan(String where, byte[] bytes, boolean ours, Pattern pemKey, String devPrivate, String devPublic,
            byte[] devPrivateDer, List<String> found) {
        String name = where.substring(where.lastIndexOf('/') + 1);
        if (name.equals("private.pem") || where.contains("dev-keys")) {
            found.add(where + " (its name)");
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (ours && text.contains("PRIVATE KEY")) {
            found.add(where + " (\"PRIVATE KEY\")");
        }
        if (pemKey.matcher(text).find() && !NETTY_PROBE_KEYS.contains(where.replaceFirst("^lib/main/io\\.netty\\.netty-handler-[^!]*!/", ""))) {
            found.add(where + " (a PEM private key)");
        }
        String flat = text.replaceAll("\\s", "");
        // From the middle of the bodies: the first few dozen characters are the same for every RSA key of that size.
        if (flat.contains(devPrivate.substring(200, 264)) || flat.contains(devPublic.substring(100, 164)) || indexOf(bytes, devPrivateDer) >= 0) {
            found.add(where + " (the dev key)");
        }
    }

    private static String pemBody(String pem) {
        return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void assertRefused(String label, Map<String, String> config, String property) throws IOException {
        Path log = Path.of("target", "identity-it-gateway-refused-" + label + ".log").toAbsolutePath();
        Files.deleteIfExists(log); // the log is appended to: only this run's lines count
        ServicePart refused = prodGateway("refused-" + label, config);
        refused.start();
        try {
            PlatformException error = assertThrows(PlatformException.class, () -> refused.awaitHealthy(Duration.ofSeconds(180)),
                    label + ": the gateway must not start");
            assertTrue(error.getMessage().contains("exited with code 1"), error.getMessage());
            String output = Files.readString(log);
            assertTrue(output.contains("The gateway refuses to start") && output.contains(property), label + " names " + property + ":\n" + output);
            assertFalse(refused.alive());
        } finally {
            refused.kill();
        }
    }

    /** What k8s/overlays/prod gives the gateway (gateway-identity.env), with this test's identity provider. */
    private static Map<String, String> prodConfig() {
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.profile", "prod");
        config.put("mp.jwt.verify.issuer", ISSUER);
        config.put("mp.jwt.verify.publickey.location", jwksUrl);
        config.put("mp.jwt.verify.audiences", AUDIENCE);
        config.put("kantor.gateway.dev-sign-in", "false");
        return config;
    }

    private static ServicePart prodGateway(String label, Map<String, String> config) {
        return new ServicePart("gateway", Ports.any(), endpoints, Path.of("target", "identity-it-gateway-" + label + ".log").toAbsolutePath(),
                config);
    }

    /** A token as an identity provider issues it: RS256, for the gateway's audience, in the user's name. */
    private static String sign(PrivateKey key, String keyId, String issuer, String user) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(AUDIENCE);
        claims.setSubject(user);
        claims.setClaim("upn", user);
        claims.setStringListClaim("groups", "user");
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(10);
        claims.setGeneratedJwtId();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        if (keyId != null) {
            jws.setKeyIdHeaderValue(keyId);
        }
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }
}
