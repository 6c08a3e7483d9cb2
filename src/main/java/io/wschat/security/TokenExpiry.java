package io.wschat.security;

import io.wschat.hub.Connection;
import jakarta.websocket.CloseReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends each token-mode connection when its token does, with close {@value Identity#TOKEN_EXPIRED}
 * "token expired", so that a client knows to get a new token and reconnect: a connection is never
 * worth more than the token that opened it.
 */
public final class TokenExpiry {

    public static final CloseReason EXPIRED =
            new CloseReason(CloseReason.CloseCodes.getCloseCode(Identity.TOKEN_EXPIRED), "token expired");

    /** Stops watching a connection (it closed first). */
    public interface Watch {
        void cancel();
    }

    private final ScheduledExecutorService scheduler;
    private final Clock clock;

    public TokenExpiry(ScheduledExecutorService scheduler, Clock clock) {
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** Closes {@code connection} at {@code validUntil} (at once if that has passed). */
    public Watch watch(Connection connection, Instant validUntil) {
        long delay = Math.max(0, Duration.between(clock.instant(), validUntil).toMillis());
        try {
            ScheduledFuture<?> f = scheduler.schedule(() -> connection.close(EXPIRED), delay, TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { }; // shutting down: the connection is being closed anyway
        }
    }
}
