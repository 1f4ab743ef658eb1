package dev.portico.core;

/**
 * How many bad command lines (unknown verbs, over-long lines, bad line endings) one session may
 * send before it is closed, so that garbage cannot go on for ever. One per session; spent only
 * by {@link CommandTable}.
 */
public final class CommandBudget {

    private final int allowed;
    private int spent;

    /** @param allowed bad lines tolerated; the next one closes the session. {@link Integer#MAX_VALUE}: no limit */
    public CommandBudget(int allowed) {
        if (allowed < 0) throw new IllegalArgumentException("allowed must not be negative");
        this.allowed = allowed;
    }

    /** No limit; shared, since it never counts. */
    public static final CommandBudget UNLIMITED = new CommandBudget(Integer.MAX_VALUE);

    /** Counts one bad line; false once the budget is used up. */
    boolean spend() {
        if (allowed == Integer.MAX_VALUE) return true;
        return ++spent <= allowed;
    }

    public int spent() {
        return spent;
    }
}
