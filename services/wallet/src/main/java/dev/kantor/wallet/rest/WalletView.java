package dev.kantor.wallet.rest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.kantor.wallet.domain.WalletState;
import io.quarkus.runtime.annotations.RegisterForReflection;
import dev.kantor.wallet.persistence.ConsumedOffset;
import dev.kantor.wallet.persistence.WalletStore;

/**
 * A wallet as clients read it. Amounts are strings in the currency's minor units, so that no JSON reader turns
 * money into a floating-point number; the offsets say which events the answer reflects. Registered for reflection
 * because it travels inside a Response, which Quarkus REST does not inspect for native images.
 */
@RegisterForReflection(targets = {WalletView.class, WalletView.MoneyView.class, WalletView.OffsetView.class})
public record WalletView(String userId, String baseCurrency, List<MoneyView> balances, MoneyView valuation,
        List<String> unvaluedCurrencies, Instant asOf, Instant changedAt, List<OffsetView> offsets) {

    /** An amount of one currency. */
    public record MoneyView(String amount, String currency) {
    }

    /** The next offset of a partition consumed into the projection. */
    public record OffsetView(String topic, int partition, long nextOffset) {
    }

    static WalletView of(WalletStore.Read read, Instant asOf) {
        WalletState state = read.state();
        List<MoneyView> balances = new ArrayList<>();
        state.balances().forEach((currency, amount) -> balances.add(new MoneyView(amount.toPlainString(), currency)));
        MoneyView valuation = state.valuation() == null ? null
                : new MoneyView(state.valuation().total().toPlainString(), state.baseCurrency());
        return new WalletView(state.userId(), state.baseCurrency(), balances, valuation,
                state.valuation() == null ? List.of() : state.valuation().unvalued(), asOf, state.changedAt(), offsets(read.offsets()));
    }

    static List<OffsetView> offsets(List<ConsumedOffset> offsets) {
        return offsets.stream().map(o -> new OffsetView(o.topic, o.partitionNo, o.nextOffset)).toList();
    }
}
