package io.wschat.ops;

import io.wschat.hub.Connection;
import jakarta.websocket.CloseReason;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Takes a server out of service gently: from {@link #start()} on it refuses new connections (the
 * handshake filter answers 503, {@code /health} says {@code DRAINING}) and closes the open ones
 * with 1012 "service restart", spread evenly over the drain window rather than all at once, so that
 * clients come back to the other servers gradually instead of as one stampede.
 *
 * <p>With N connections open when the drain starts and a window of D, the k-th close (k = 0..N-1)
 * is due at k·D/N: the first at once, the last just before the window ends. Each close waits for
 * what is already queued to the client ({@link Connection#close}). A drain runs once; a drained
 * server stays drained until it is restarted.
 *
 * <p>The closes happen on the runtime's scheduler thread, which alone touches the progress fields (or
 * on the thread that started the drain, when the scheduler had already stopped and never will).
 */
public final class Drain {

    public static final CloseReason SERVICE_RESTART =
            new CloseReason(CloseReason.CloseCodes.SERVICE_RESTART, "service restart");

    /** Where a server is in its drain. */
    private enum State { SERVING, DRAINING, DRAINED }

    private static final Logger LOG = Logger.getLogger(Drain.class.getName());
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Supplier<Collection<Connection>> connections;
    private final ScheduledExecutorService scheduler;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final AtomicReference<State> state = new AtomicReference<>(State.SERVING);
    private final CountDownLatch finished = new CountDownLatch(1);

    // Progress, touched only by the scheduler thread after start() hands over (by start()'s caller if it cannot).
    private long startNanos;
    private int initial;
    private final Set<Connection> asked = Collections.newSetFromMap(new IdentityHashMap<>());
    private ScheduledFuture<?> ticking;

    public Drain(Supplier<Collection<Connection>> connections, ScheduledExecutorService scheduler, long windowMillis,
            LongSupplier nanoClock) {
        this.connections = connections;
        this.scheduler = scheduler;
        this.windowNanos = TimeUnit.MILLISECONDS.toNanos(windowMillis);
        this.nanoClock = nanoClock;
    }

    /** True from {@link #start()} on: new connections are refused. */
    public boolean isDraining() {
        return state.get() != State.SERVING;
    }

    /** Starts the drain; false if it had already started (a drain runs once). */
    public boolean start() {
        if (!state.compareAndSet(State.SERVING, State.DRAINING)) {
            return false;
        }
        int open = connections.get().size();
        LOG.info("draining: closing " + open + " connections with 1012 over " + TimeUnit.NANOSECONDS.toMillis(windowNanos) + " ms");
        try {
            scheduler.execute(() -> begin(open));
        } catch (RejectedExecutionException e) {
            closeRemaining(); // the runtime is already stopping: nothing left to spread over
            finish();
        }
        return true;
    }

    /** Waits until every close has been sent (the window's end); false on time-out. */
    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    /**
     * For shutdown: starts the drain if needed, waits for its window, then until the clients have
     * gone or {@code closeTimeoutMillis} has passed, whichever is first.
     */
    public void runToEnd(long closeTimeoutMillis) throws InterruptedException {
        start();
        if (!awaitFinished(windowNanos + TimeUnit.MILLISECONDS.toNanos(closeTimeoutMillis), TimeUnit.NANOSECONDS)) {
            LOG.warning("the drain did not finish in its window");
        }
        long deadline = nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(closeTimeoutMillis);
        while (!connections.get().isEmpty() && nanoClock.getAsLong() - deadline < 0) {
            Thread.sleep(10);
        }
    }

    private void begin(int open) {
        startNanos = nanoClock.getAsLong();
        initial = open;
        if (initial == 0 || windowNanos == 0) {
            closeRemaining();
            finish();
            return;
        }
        long tick = Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, windowNanos / initial));
        try {
            ticking = scheduler.scheduleAtFixedRate(this::tick, 0, tick, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            closeRemaining();
            finish();
        }
    }

    private void tick() {
        long elapsed = nanoClock.getAsLong() - startNanos;
        if (elapsed >= windowNanos || connections.get().isEmpty()) {
            closeRemaining();
            finish();
            return;
        }
        // Closes due by now: the k-th at k * window / initial.
        long due = Math.min(initial, elapsed * initial / windowNanos + 1);
        for (Connection c : connections.get()) {
            if (asked.size() >= due) {
                break;
            }
            if (asked.add(c)) {
                c.close(SERVICE_RESTART);
            }
        }
    }

    private void closeRemaining() {
        for (Connection c : connections.get()) {
            if (asked.add(c)) {
                c.close(SERVICE_RESTART);
            }
        }
    }

    private void finish() {
        if (state.compareAndSet(State.DRAINING, State.DRAINED)) {
            if (ticking != null) {
                ticking.cancel(false);
            }
            finished.countDown();
        }
    }
}
