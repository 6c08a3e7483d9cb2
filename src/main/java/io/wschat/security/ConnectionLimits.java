package io.wschat.security;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open WebSocket connections, in total and per client address, against their limits.
 *
 * <p>Why: one client must not be able to use up the server's sockets, memory and threads for
 * everyone else. The handshake filter asks {@link #check} to refuse early with an HTTP status; the
 * endpoint takes the slot with {@link #tryOpen} when the connection opens (a burst of handshakes can
 * pass the check together, and this is where the limit is exact) and gives it back with
 * {@link #release} when it closes, whatever the reason. A per-address entry is removed when its count
 * returns to zero, so nothing accumulates.
 */
public final class ConnectionLimits {

    /** The address of connections that came in without the handshake filter (e.g. bare Tyrus): no per-address limit. */
    public static final String UNKNOWN_ADDRESS = "unknown";

    /** What {@link #check} and {@link #tryOpen} decided. */
    public enum Admission { OK, TOO_MANY_FROM_ADDRESS, TOO_MANY_IN_TOTAL }

    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();

    public ConnectionLimits(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Whether a new connection from {@code address} would be admitted now (takes nothing). */
    public Admission check(String address) {
        if (total.get() >= maxTotal) {
            return Admission.TOO_MANY_IN_TOTAL;
        }
        if (!UNKNOWN_ADDRESS.equals(address) && perAddress.getOrDefault(address, 0) >= maxPerAddress) {
            return Admission.TOO_MANY_FROM_ADDRESS;
        }
        return Admission.OK;
    }

    /** Takes a slot for a connection from {@code address}; on anything but OK nothing was taken. */
    public Admission tryOpen(String address) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Admission.TOO_MANY_IN_TOTAL;
        }
        if (UNKNOWN_ADDRESS.equals(address)) {
            return Admission.OK;
        }
        boolean[] taken = {false};
        perAddress.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            if (count >= maxPerAddress) {
                return n;
            }
            taken[0] = true;
            return count + 1;
        });
        if (!taken[0]) {
            total.decrementAndGet();
            return Admission.TOO_MANY_FROM_ADDRESS;
        }
        return Admission.OK;
    }

    /** Gives back the slot {@link #tryOpen} took. */
    public void release(String address) {
        total.decrementAndGet();
        if (!UNKNOWN_ADDRESS.equals(address)) {
            perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    public int total() {
        return total.get();
    }

    /** How many addresses hold at least one connection (0 once every connection closed). */
    public int addresses() {
        return perAddress.size();
    }
}
