package io.wschat.layer;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What the in-memory layer remembers of recent sends that carried an id (a room message's
 * {@code client_id}, a push's {@code Idempotency-Key}), so that a repeat within the window is answered
 * as the first was instead of being sent again. Bounded in time and in number (the oldest go first).
 */
final class Dedup {

    /** The first send's answer: its offset (rooms) and how many connections it reached. */
    record Answer(long offset, int reached) {
    }

    private record Entry(Answer answer, long expiresNanos) {
    }

    private final long windowNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(); // oldest first: expiry order

    Dedup(long windowSeconds, int maxEntries, LongSupplier nanoClock) {
        this.windowNanos = windowSeconds * 1_000_000_000L;
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
    }

    /** The answer given to an earlier send with this key within the window, or null. */
    synchronized Answer seen(String key) {
        forgetExpired();
        Entry e = entries.get(key);
        return e == null ? null : e.answer();
    }

    synchronized void remember(String key, Answer answer) {
        forgetExpired();
        entries.put(key, new Entry(answer, nanoClock.getAsLong() + windowNanos));
        if (entries.size() > maxEntries) {
            Iterator<String> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    private void forgetExpired() {
        long now = nanoClock.getAsLong();
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().expiresNanos() - now > 0) {
                break;
            }
            it.remove();
        }
    }
}
