package io.wschat.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline: the tests' only way to wait for something to happen. */
public final class Await {

    private static final long POLL_MILLIS = 10;

    private Await() {
    }

    public static void until(String what, BooleanSupplier condition) {
        until(() -> what, WsClient.TIMEOUT, condition);
    }

    /** Fails with {@code what} (evaluated only then, so it may describe the state at the deadline). */
    public static void until(Supplier<String> what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what.get());
            }
            try {
                Thread.sleep(POLL_MILLIS); // the polling interval of a bounded wait, not a stand-in for one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
