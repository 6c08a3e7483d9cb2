package io.wschat.hub;

import jakarta.websocket.CloseReason;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds dead connections: pings every connection each interval and closes those whose pongs stopped.
 *
 * <p>Why: a client that vanished without closing (a laptop lid, a dropped mobile network) leaves a
 * half-open TCP connection that costs a slot and memory until the OS gives up, hours later; and
 * proxies drop idle connections (nginx after 60 s), so a steady ping shorter than that also keeps
 * live ones open. Browsers and most clients answer pings by themselves.
 *
 * <p>A connection is closed with 1001 "no pong" once it has not sent a pong for
 * {@code interval + timeout}; since the check runs once per interval, that happens at most one interval
 * later. Pings are queued in each connection's {@link Outbox}, never written from this thread. One that
 * is overdue and already closed by this server (an earlier round, a slow consumer, a failed write) but
 * still registered gets its endpoint's clean-up from here ({@link Connection#lost()}).
 */
public final class Heartbeat implements Runnable {

    static final CloseReason NO_PONG = new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "no pong");

    private static final Logger LOG = Logger.getLogger(Heartbeat.class.getName());

    private final Registry registry;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final LongSupplier nanoClock;

    public Heartbeat(Registry registry, long intervalMillis, long timeoutMillis, LongSupplier nanoClock) {
        this.registry = registry;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.timeoutNanos = timeoutMillis * 1_000_000L;
        this.nanoClock = nanoClock;
    }

    @Override
    public void run() {
        long now = nanoClock.getAsLong();
        for (Connection c : registry.connections()) {
            try {
                check(c, now);
            } catch (RuntimeException e) {
                // A periodic task that throws is never run again: one connection's failure must not end
                // the heartbeat of all the others.
                LOG.log(Level.WARNING, "heartbeat of " + c + " failed", e);
            }
        }
    }

    private void check(Connection c, long now) {
        if (now - c.lastPongNanos() > intervalNanos + timeoutNanos) {
            if (c.isOpen()) {
                c.abort(NO_PONG);
            } else {
                c.lost(); // closed by this server a round or more ago, and still registered
            }
        } else {
            c.ping();
        }
    }
}
