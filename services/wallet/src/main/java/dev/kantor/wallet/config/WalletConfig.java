package dev.kantor.wallet.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** The wallet service's settings (kantor.wallet.*). */
@ConfigMapping(prefix = "kantor.wallet")
public interface WalletConfig {

    /** At most one WalletUpdated per wallet per interval, however fast balances and rates change. */
    Duration publishInterval();

    /** How often due wallets are looked for: a change waits at most about one interval plus one tick. */
    Duration publishTick();

    /** How many dirty wallets one publication round claims. */
    int publishBatch();
}
