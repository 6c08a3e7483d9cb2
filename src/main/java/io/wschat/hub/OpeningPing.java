package io.wschat.hub;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Pings every connection the moment it opens, and closes it (1001 "no pong") if no pong has come back
 * within the pong timeout.
 *
 * <p>Why: the container may lose the end of a connection that ends while it is being opened. Tyrus in
 * a servlet container (Payara, GlassFish) reads the socket from before the endpoint's {@code onOpen}
 * has returned, and an end of stream (a client's FIN) or a reset (RST) seen in that window is
 * dropped: {@code TyrusHttpUpgradeHandler.onAllDataRead}/{@code onError} find no connection yet and
 * the close fails quietly. The session then stays open with nobody behind it, a ghost in the registry
 * and in {@code /health}, until the {@link Heartbeat} finds it, an interval plus a timeout later (40 s
 * by default). Any live client answers a ping at once (browsers and WebSocket libraries do so by
 * themselves), so a connection that does not answer its first ping within the pong timeout is gone,
 * whatever the container. On Tomcat, which does see those ends, this costs one ping per connection.
 */
public final class OpeningPing {

    private final ScheduledExecutorService scheduler;
    private final long timeoutMillis;

    public OpeningPing(ScheduledExecutorService scheduler, long timeoutMillis) {
        this.scheduler = scheduler;
        this.timeoutMillis = timeoutMillis;
    }

    /** Pings the newly opened (registered and joined) connection now and schedules the check of its answer. */
    public void watch(Connection c) {
        long openedAt = c.lastPongNanos();
        c.ping();
        try {
            scheduler.schedule(() -> {
                if (c.isOpen() && c.lastPongNanos() == openedAt) {
                    c.abort(Heartbeat.NO_PONG);
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: every connection is being closed anyway
        }
    }
}
