package io.wschat.layer.redis;

import io.wschat.layer.LayerListener;
import io.wschat.layer.LayerUnavailable;
import io.wschat.layer.RoomJoin;
import io.wschat.protocol.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands what arrives on this node's channel to the hub: in order per room (and per direct-message
 * sender), each room message exactly once, without gaps.
 *
 * <p>Why it has to: Redis pub/sub delivers in order but drops what is published while a subscriber is
 * disconnected, and a room's messages may also reach this node before the join that made it a
 * member of the room has returned. So each room with members here has a {@link RoomFeed} that knows
 * the last offset handed on: a repeat is dropped, a gap is filled from the room's stream, a message of
 * another epoch brings the room's new state, and until the first join gives the starting point
 * everything waits. Events are applied on one of a few single-threaded stripes, chosen by room (or
 * sender), so per-room order holds and one busy room does not hold up all others.
 */
final class NodeFeed {

    /** Where a feed fetches what it missed. */
    interface RoomSource {
        /** Stored messages with offsets from..to (inclusive), oldest first; fewer if some are no longer kept. */
        List<ChatMessage> range(String room, long from, long to) throws LayerUnavailable;

        /** The room as it is now (members, epoch, last offset, history). */
        RoomJoin state(String room) throws LayerUnavailable;
    }

    /** Events waiting for a starting point are bounded; past this a resync refetches what matters. */
    private static final int MAX_WAITING = 10_000;

    private static final Logger LOG = Logger.getLogger(NodeFeed.class.getName());

    /** One room's progress on this node. Fields other than {@code members} belong to the room's stripe thread. */
    private static final class RoomFeed {
        int members; // connections here joined or joining; changed only inside the map's compute
        String epoch; // null until the first join gives the starting point
        String abandonedEpoch; // the epoch before the last reset: its late events are dropped
        long lastOffset;
        boolean stale; // a gap could not be filled: wait for the next resync
        List<NodeEvent> waiting = new ArrayList<>();
    }

    private final RoomSource source;
    private final ExecutorService[] stripes;
    private final ConcurrentHashMap<String, RoomFeed> rooms = new ConcurrentHashMap<>();
    private volatile LayerListener listener;

    NodeFeed(RoomSource source, int stripeCount, String threadPrefix) {
        this.source = source;
        this.stripes = new ExecutorService[stripeCount];
        AtomicInteger n = new AtomicInteger();
        for (int i = 0; i < stripeCount; i++) {
            stripes[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, threadPrefix + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    void start(LayerListener listener) {
        this.listener = listener;
    }

    /** A payload from this node's channel (on the Redis client's thread: parse and pass on, nothing more). */
    void received(String payload) {
        NodeEvent event;
        try {
            event = NodeEvent.parse(payload);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "dropping an unreadable event from Redis", e);
            return;
        }
        try {
            stripe(event.orderKey()).execute(() -> apply(event));
        } catch (RejectedExecutionException e) {
            // stopped: this node is shutting down, and its connections with it
        }
    }

    /** A connection here is about to join the room: from now on its events are kept (waiting, at first). */
    void opening(String room) {
        rooms.compute(room, (k, f) -> {
            RoomFeed feed = f != null ? f : new RoomFeed();
            feed.members++;
            return feed;
        });
    }

    /** A join returned: if the room had no starting point here yet, this is it. */
    void opened(String room, RoomJoin join) {
        stripe(room).execute(() -> {
            RoomFeed feed = rooms.get(room);
            if (feed != null && feed.epoch == null) {
                feed.epoch = join.epoch();
                feed.lastOffset = join.lastOffset();
                replayWaiting(room, feed);
            }
        });
    }

    /** A connection here left the room (or failed to join): with none left, the room's events are dropped. */
    void closing(String room) {
        rooms.computeIfPresent(room, (k, f) -> --f.members <= 0 ? null : f);
    }

    /**
     * Brings every room up to date after this node lost events (a Redis reconnect): fills what was
     * missed from the streams and gives the hub each room's current state. Waits (bounded) until done.
     */
    void resyncAll() throws LayerUnavailable {
        List<Future<?>> done = new ArrayList<>();
        for (String room : rooms.keySet()) {
            done.add(stripe(room).submit(() -> {
                RoomFeed feed = rooms.get(room);
                if (feed != null && feed.epoch != null) {
                    resync(room, feed);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new LayerUnavailable("resync failed", e);
            }
        }
    }

    void close() {
        for (ExecutorService s : stripes) {
            s.shutdownNow();
        }
    }

    // ---- on a stripe ---------------------------------------------------------------------------

    private void apply(NodeEvent event) {
        if (event instanceof NodeEvent.RoomMessage m) {
            RoomFeed feed = rooms.get(m.message().room());
            if (feed != null) {
                roomMessage(feed, m);
            }
        } else if (event instanceof NodeEvent.Presence p) {
            RoomFeed feed = rooms.get(p.change().room());
            if (feed != null && !wait(feed, p)) {
                listener.presenceChanged(p.change());
            }
        } else if (event instanceof NodeEvent.Direct d) {
            listener.direct(d.message());
        } else if (event instanceof NodeEvent.Broadcast b) {
            listener.broadcast(b.text());
        }
    }

    private void roomMessage(RoomFeed feed, NodeEvent.RoomMessage event) {
        if (wait(feed, event)) {
            return;
        }
        String room = event.message().room();
        if (!event.epoch().equals(feed.epoch)) {
            if (event.epoch().equals(feed.abandonedEpoch)) {
                return; // late news of a stream that has started over since
            }
            resync(room, feed); // the stream started over (expired, or Redis lost it)
            if (feed.stale || !event.epoch().equals(feed.epoch)) {
                return; // resync failed, or the event is of an epoch already gone: the stream has the truth
            }
        }
        long offset = event.message().offset();
        if (offset <= feed.lastOffset) {
            return; // already handed on (in a join's history, a fill or a resync)
        }
        if (offset > feed.lastOffset + 1 && !fill(room, feed, offset - 1)) {
            feed.waiting.add(event);
            return;
        }
        listener.roomMessage(event.message());
        feed.lastOffset = offset;
    }

    /** Keeps the event for later while the room has no starting point or is stale; true if kept. */
    private boolean wait(RoomFeed feed, NodeEvent event) {
        if (feed.epoch != null && !feed.stale) {
            return false;
        }
        if (feed.waiting.size() < MAX_WAITING) {
            feed.waiting.add(event);
        }
        return true;
    }

    /** Hands on the stored messages after the last one handed on, up to {@code to}; false (and stale) if Redis failed. */
    private boolean fill(String room, RoomFeed feed, long to) {
        try {
            for (ChatMessage m : source.range(room, feed.lastOffset + 1, to)) {
                if (m.offset() > feed.lastOffset) {
                    listener.roomMessage(m);
                    feed.lastOffset = m.offset();
                }
            }
            if (feed.lastOffset < to) {
                LOG.warning("room " + room + ": messages up to " + to + " are no longer kept; skipping from "
                        + feed.lastOffset);
                feed.lastOffset = to;
            }
            return true;
        } catch (LayerUnavailable e) {
            feed.stale = true;
            return false;
        }
    }

    private void resync(String room, RoomFeed feed) {
        RoomJoin state;
        try {
            state = source.state(room);
        } catch (LayerUnavailable e) {
            feed.stale = true;
            return;
        }
        if (!state.epoch().equals(feed.epoch)) {
            feed.abandonedEpoch = feed.epoch;
            feed.epoch = state.epoch();
            feed.lastOffset = state.lastOffset();
        } else {
            feed.stale = false;
            if (!fill(room, feed, state.lastOffset())) {
                return;
            }
        }
        feed.stale = false;
        listener.roomResynced(room, state);
        replayWaiting(room, feed);
    }

    private void replayWaiting(String room, RoomFeed feed) {
        List<NodeEvent> waiting = feed.waiting;
        feed.waiting = new ArrayList<>();
        for (NodeEvent e : waiting) {
            apply(e);
        }
    }

    private ExecutorService stripe(String key) {
        return stripes[Math.floorMod(key.hashCode(), stripes.length)];
    }
}
