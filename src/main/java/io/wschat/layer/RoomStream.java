package io.wschat.layer;

import io.wschat.protocol.ChatMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One room's stream for the in-memory layer: the offset counter, the epoch, and the last messages.
 * It starts over (offsets from 1, a new epoch, no history) once it has been idle for its time to live.
 *
 * <p>Not thread-safe: the layer calls it under the room's lock.
 */
final class RoomStream {

    private final int keep;
    private final long ttlNanos;
    private final ArrayDeque<ChatMessage> kept = new ArrayDeque<>();
    private String epoch;
    private long lastOffset;
    private long touchedNanos;

    RoomStream(int keep, long ttlNanos, long nowNanos) {
        this.keep = keep;
        this.ttlNanos = ttlNanos;
        startOver(nowNanos);
    }

    /** Starts over if the stream outlived its time to live; true if it did. Refreshes the time to live. */
    boolean touch(long nowNanos) {
        boolean expired = nowNanos - touchedNanos > ttlNanos;
        if (expired) {
            startOver(nowNanos);
        }
        touchedNanos = nowNanos;
        return expired;
    }

    /** Stores the message at the next offset; returns it with that offset. */
    ChatMessage append(ChatMessage draft) {
        ChatMessage m = draft.at(++lastOffset);
        if (keep > 0) {
            if (kept.size() == keep) {
                kept.removeFirst();
            }
            kept.addLast(m);
        }
        return m;
    }

    /**
     * Every message after {@code since}, oldest first, or null if the stream no longer has them all (or
     * never had {@code since}: a resume from the future is no resume).
     */
    List<ChatMessage> after(long since) {
        if (since > lastOffset || since < 0) {
            return null;
        }
        long firstKept = kept.isEmpty() ? lastOffset + 1 : kept.peekFirst().offset();
        if (since + 1 < firstKept) {
            return null;
        }
        return last((int) (lastOffset - since));
    }

    /** Lets go of all but the last {@code count} messages: an idle room keeps only its history. */
    void trimTo(int count) {
        while (kept.size() > count) {
            kept.removeFirst();
        }
    }

    /** The last {@code count} messages, oldest first. */
    List<ChatMessage> last(int count) {
        int skip = Math.max(0, kept.size() - count);
        List<ChatMessage> out = new ArrayList<>(Math.min(count, kept.size()));
        int i = 0;
        for (ChatMessage m : kept) {
            if (i++ >= skip) {
                out.add(m);
            }
        }
        return out;
    }

    long touchedNanos() {
        return touchedNanos;
    }

    String epoch() {
        return epoch;
    }

    long lastOffset() {
        return lastOffset;
    }

    private void startOver(long nowNanos) {
        kept.clear();
        lastOffset = 0;
        epoch = newEpoch();
        touchedNanos = nowNanos;
    }

    static String newEpoch() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }
}
