package dev.kantor.transaction.persistence;

/**
 * A request names an account this service's view does not hold, and the view is not known to be complete: deciding
 * now could refuse, as unknown, an account opened just before the request. The batch is rolled back to wait for the
 * view instead.
 */
public class AccountViewBehindException extends RuntimeException {

    public AccountViewBehindException(String accountId) {
        super("account " + accountId + " is not in the accounts view yet", null, false, false);
    }
}
