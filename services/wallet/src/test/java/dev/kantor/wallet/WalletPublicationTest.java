package dev.kantor.wallet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.kantor.platform.Endpoints;
import dev.kantor.platform.LocalPlatform;
import dev.kantor.service.messaging.MessageContext;
import dev.kantor.testsupport.KantorPlatformResource;
import dev.kantor.wallet.domain.WalletState;
import dev.kantor.wallet.persistence.WalletStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;

/**
 * Marking wallets published never waits for a row the consumer holds: waiting deadlocked with the consumer's batch,
 * which locks wallets in another order, and every round was refused while a user's wallet never went out.
 */
@QuarkusTest
@QuarkusTestResource(KantorPlatformResource.class)
class WalletPublicationTest {

    @Inject
    WalletStore store;

    @Inject
    Vertx vertx;

    @Test
    void aWalletLockedByTheConsumerStaysDirtyAndTheOthersAreMarkedWithoutWaiting() throws Exception {
        Endpoints endpoints = LocalPlatform.fromEnvironment().ensureRunning();
        String locked = "locked-" + UUID.randomUUID();
        String free = "free-" + UUID.randomUUID();
        Instant now = Instant.now();
        try (Connection db = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.postgresUser(), endpoints.postgresPassword());
             Connection consumer = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.postgresUser(), endpoints.postgresPassword())) {
            // No base currency yet: the service's own publisher does not claim such wallets, so only this test marks them.
            try (PreparedStatement insert = db.prepareStatement(
                    "INSERT INTO wallet.wallet (user_id, version, dirty, changed_at) VALUES (?, 3, true, now())")) {
                for (String user : List.of(locked, free)) {
                    insert.setString(1, user);
                    insert.executeUpdate();
                }
            }
            // The consumer's batch holds one of the two rows, as its upsert does until it commits.
            consumer.setAutoCommit(false);
            try (PreparedStatement hold = consumer.prepareStatement("SELECT 1 FROM wallet.wallet WHERE user_id = ? FOR UPDATE")) {
                hold.setString(1, locked);
                hold.executeQuery().close();
            }
            List<WalletStore.Claimed> claimed = List.of(claimed(locked, now), claimed(free, now));
            MessageContext.detached(vertx).transaction(() -> store.published(claimed))
                    .await().atMost(Duration.ofSeconds(10));
            assertEquals(true, dirty(db, locked), "the wallet the consumer holds keeps its mark for a later round");
            assertEquals(false, dirty(db, free), "the other wallet's published version is marked");
            consumer.rollback();
        }
    }

    private static WalletStore.Claimed claimed(String user, Instant now) {
        return new WalletStore.Claimed(new WalletState(user, "EUR", new TreeMap<>(), null, 3, now), now, null);
    }

    private static boolean dirty(Connection db, String user) throws Exception {
        try (PreparedStatement read = db.prepareStatement("SELECT dirty FROM wallet.wallet WHERE user_id = ?")) {
            read.setString(1, user);
            try (ResultSet row = read.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }
}
