package dev.kantor.transaction.domain;

import java.math.BigDecimal;
import java.util.Optional;

/** The one outcome of a request: approved with the movements to apply, or rejected with a reason. */
public sealed interface Decision {

    /** Approved: what leaves and what enters the account (either may be absent), and the rate used for an exchange. */
    record Approved(Optional<Amount> debited, Optional<Amount> credited, Optional<BigDecimal> rate) implements Decision {
    }

    /** Rejected: nothing changes. */
    record Rejected(Reason reason, String detail) implements Decision {
    }
}
