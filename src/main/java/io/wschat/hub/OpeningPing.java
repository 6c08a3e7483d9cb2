package io.wschat.hub;

import jakarta.websocket.WebSocketContainer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where the container needs it (not on Tomcat, see below), pings every connection twice as it opens,
 * the moment it opens and again one pong timeout later, and closes it (1001 "no pong") if a ping goes
 * unanswered for the pong timeout. One this server has closed by then, for that or any other reason,
 * gets its endpoint's clean-up a pong timeout later if the container has not reported the close.
 *
 * <p>Why: the container may lose the end of a connection that ends while it is being opened. Tyrus in
 * a servlet container (Payara, GlassFish) reads the socket from before the endpoint's {@code onOpen}
 * has returned: the frames read in that window wait for the connection and are handled, but an end of
 * stream (a client's FIN) or a reset (RST) seen in it is dropped, since
 * {@code TyrusHttpUpgradeHandler.onAllDataRead}/{@code onError} find no connection yet. The session then
 * stays open with nobody behind it, a ghost in the registry and in {@code /health}, until the
 * {@link Heartbeat} finds it, an interval plus a timeout later (40 s by default). Any live client
 * answers a ping at once (browsers and WebSocket libraries do so by themselves), so a connection that
 * does not answer is gone, whatever the container.
 *
 * <p>One ping is not enough: it is queued in {@code onOpen} and written by a ping thread right after,
 * inside that window, and a client that
 * leaves at once (reads its welcome, answers the ping, closes) can have its pong handled and its end
 * dropped. The second ping goes out a pong timeout later, long after the window, to a socket whose end
 * has already been lost, so it goes unanswered.
 *
 * <p>Tomcat's own WebSocket implementation sees those ends, so its connections are not pinged: two pings
 * and two pongs are four socket operations of the dozen or so a connection costs to open. Every other
 * container, Tyrus or one not known here, gets the pings.
 */
public final class OpeningPing {

    private static final int PINGS = 2;

    private final ScheduledExecutorService scheduler;
    private final long timeoutMillis;
    private final boolean needed;

    private OpeningPing(ScheduledExecutorService scheduler, long timeoutMillis, boolean needed) {
        this.scheduler = scheduler;
        this.timeoutMillis = timeoutMillis;
        this.needed = needed;
    }

    /** The opening pings for the connections of {@code container}: none on Tomcat, two elsewhere. */
    public static OpeningPing forContainer(WebSocketContainer container, ScheduledExecutorService scheduler,
            long timeoutMillis) {
        return new OpeningPing(scheduler, timeoutMillis, WebSocketImplementation.of(container) != WebSocketImplementation.TOMCAT);
    }

    /**
     * Queues the first ping to the newly opened (registered and joined) connection, if needed, and
     * schedules what follows; the ping goes out once the connection starts sending.
     */
    public void watch(Connection c) {
        if (needed) {
            ping(c, 1);
        }
    }

    private void ping(Connection c, int nth) {
        long pongBefore = c.lastPongNanos();
        try {
            scheduler.schedule(() -> {
                if (!c.isOpen()) {
                    // Closed by this server meanwhile (a write that failed, a slow consumer): the container
                    // may never report that close either, when it came this early.
                    lostAfterTimeout(c);
                    return;
                }
                if (c.lastPongNanos() == pongBefore) {
                    c.abort(Heartbeat.NO_PONG);
                    lostAfterTimeout(c);
                } else if (nth < PINGS) {
                    ping(c, nth + 1);
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return; // shutting down: every connection is being closed anyway
        }
        // After scheduling the check, so that a ping that never goes out is still followed up.
        c.ping();
    }

    /** A pong timeout after closing it, cleans up a connection whose endpoint was never told (see {@link Connection#lost()}). */
    private void lostAfterTimeout(Connection c) {
        try {
            scheduler.schedule(c::lost, timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: every connection is being closed anyway
        }
    }
}
