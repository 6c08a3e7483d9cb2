package io.wschat.security;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Logs refusals at most once per second, counting the ones it left out.
 *
 * <p>Why: each refused handshake deserves a line saying what to change, but a flood of them
 * (1,000 connections from one address) must not become a flood of log lines.
 */
final class RefusalLog {

    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final Logger log;
    private final AtomicLong nextAllowed = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    RefusalLog(Logger log) {
        this.log = log;
    }

    void log(String line) {
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if (now - next >= 0 && nextAllowed.compareAndSet(next, now + INTERVAL_NANOS)) {
            long left = suppressed.getAndSet(0);
            log.warning(left == 0 ? line : line + " (and " + left + " more like it in the last second)");
        } else {
            suppressed.incrementAndGet();
        }
    }
}
