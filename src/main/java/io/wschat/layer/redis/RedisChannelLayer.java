package io.wschat.layer.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.wschat.config.RedisUrls;
import io.wschat.layer.ChannelLayer;
import io.wschat.layer.LayerListener;
import io.wschat.layer.LayerState;
import io.wschat.layer.LayerUnavailable;
import io.wschat.layer.Member;
import io.wschat.layer.Published;
import io.wschat.layer.Resume;
import io.wschat.layer.RoomJoin;
import io.wschat.protocol.ChatMessage;
import io.wschat.protocol.DirectMessage;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The layer of several servers ("nodes") sharing rooms, presence and users through one Redis.
 *
 * <p>Each operation on shared state is one Lua script (see {@code common.lua} for the keys), so it
 * is atomic in Redis: a room message is numbered, stored in the room's stream and sent to the nodes
 * with members there in one step; a join registers the member and reads the room's state in one
 * step. Each node subscribes to a channel of its own, where every event for it arrives in order,
 * and a {@link NodeFeed} hands them to the hub.
 *
 * <p>When Redis cannot be reached the layer turns {@link LayerState#DEGRADED} (one log line) and fails
 * fast: the hub serves what this node can alone and refuses what needs the others. A probe retries
 * every second; once Redis answers, the node announces its members again (Redis may have lost them,
 * or other nodes may have taken this one for dead), refills every room from the streams, and turns
 * {@link LayerState#UP} (one log line).
 *
 * <p>Every node records a heartbeat in Redis every third of {@code presenceTtl}; a node not heard of
 * for {@code presenceTtl} is dead, and the first node to notice removes its members from presence,
 * which announces them as gone everywhere.
 */
public final class RedisChannelLayer implements ChannelLayer, NodeFeed.RoomSource {

    private static final Logger LOG = Logger.getLogger(RedisChannelLayer.class.getName());
    private static final String PREFIX = "wschat:";

    private final String node = randomId();
    private final String url;
    private final int historySize;
    private final int maxRecover;
    private final int streamSize;
    private final long dedupSeconds;
    private final String listLimit;
    private final long historyTtlMillis;
    private final long presenceTtlMillis;
    private final ClientResources resources;
    private final RedisClient client;
    private final LuaScripts scripts = new LuaScripts();
    private final NodeFeed feed;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean recovering = new AtomicBoolean();
    /** Leaves that failed while Redis was unreachable, done again once it is back. */
    private final ConcurrentLinkedQueue<Runnable> owedLeaves = new ConcurrentLinkedQueue<>();
    /** Changed by compare-and-set, so that of several operations failing at once only one logs the outage. */
    private final AtomicReference<LayerState> state = new AtomicReference<>(LayerState.DEGRADED);
    private volatile double roundTripSeconds = Double.NaN; // the last heartbeat's, for /metrics
    private volatile String lastProblem = "not tried yet";
    private volatile boolean closed;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile StatefulRedisPubSubConnection<String, String> subscription;
    private volatile LayerListener listener;

    /**
     * @param url                {@code redis://[:password@]host:port/db} or {@code rediss://...}
     * @param historySize        messages a joiner gets
     * @param maxRecover         messages a resuming client (or this node, after losing events) may have
     *                           missed at most: each room's stream keeps at least as many
     * @param historyTtlSeconds  how long a room's stream lives after its last message or join
     * @param presenceTtlSeconds how long a silent node stays in presence
     * @param dedupSeconds       how long a client id or idempotency key is remembered
     * @param listLimit          names a member list holds at most
     * @param timeoutMillis      how long a Redis command may take before Redis counts as unreachable
     */
    public RedisChannelLayer(String url, int historySize, int maxRecover, long historyTtlSeconds,
            int presenceTtlSeconds, long dedupSeconds, int listLimit, long timeoutMillis) {
        this.url = url;
        this.historySize = historySize;
        this.maxRecover = maxRecover;
        this.streamSize = Math.max(historySize, maxRecover);
        this.dedupSeconds = dedupSeconds;
        this.listLimit = String.valueOf(listLimit);
        this.historyTtlMillis = historyTtlSeconds * 1000;
        this.presenceTtlMillis = presenceTtlSeconds * 1000L;
        AtomicInteger threads = new AtomicInteger();
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .threadFactoryProvider(pool -> daemonThreads("wschat-redis-" + pool + "-", threads))
                .build();
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(Duration.ofMillis(timeoutMillis));
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // Fail at once while disconnected, rather than queue: the hub then serves what it can alone.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(timeoutMillis)))
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
                scheduleRecovery(0);
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
                failed(new RedisException("connection to Redis lost"));
            }
        });
        this.feed = new NodeFeed(this, Math.max(2, Runtime.getRuntime().availableProcessors()), "wschat-feed-");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                r -> daemonThreads("wschat-redis-layer-", new AtomicInteger()).newThread(r));
    }

    @Override
    public void start(LayerListener listener) {
        this.listener = listener;
        feed.start(listener);
        recover();
        if (state.get() != LayerState.UP) {
            LOG.warning("Redis at " + RedisUrls.withoutPassword(url) + " is unreachable (" + lastProblem
                    + "); starting DEGRADED and retrying every second");
        }
        long beat = Math.max(500, presenceTtlMillis / 3);
        scheduler.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    }

    @Override
    public String kind() {
        return "redis";
    }

    /** The last heartbeat's round trip to Redis (a small Lua script), NaN before the first. */
    @Override
    public double roundTripSeconds() {
        return roundTripSeconds;
    }

    @Override
    public LayerState state() {
        return state.get();
    }

    // ---- rooms ---------------------------------------------------------------------------------

    @Override
    public RoomJoin joinRoom(String room, Member member, Resume resume) throws LayerUnavailable {
        feed.opening(room); // before the script: the room's events from then on must not be dropped here
        try {
            List<Object> r = call(() -> scripts.run(redis(), "join", ScriptOutputType.MULTI, room, node,
                    member.connectionId(), member.name(), member.person(), String.valueOf(historySize),
                    String.valueOf(historyTtlMillis), randomId(), String.valueOf(resume == null ? 0 : resume.since()),
                    resume == null ? "" : resume.epoch(), String.valueOf(maxRecover), listLimit));
            RoomJoin join = roomState((String) r.get(0), room, r.subList(1, r.size()));
            feed.opened(room, join);
            return join;
        } catch (LayerUnavailable | RuntimeException e) {
            feed.closing(room);
            throw e;
        }
    }

    @Override
    public void leaveRoom(String room, Member member) throws LayerUnavailable {
        feed.closing(room);
        Runnable leave = () -> scripts.run(redis(), "leave", ScriptOutputType.INTEGER, room, node, member.connectionId(),
                listLimit);
        owing(leave);
    }

    @Override
    public String renameInRoom(String room, Member member, String wanted) throws LayerUnavailable {
        return call(() -> scripts.run(redis(), "rename", ScriptOutputType.VALUE, room, node, member.connectionId(),
                wanted, member.person(), listLimit));
    }

    @Override
    public Published publish(ChatMessage draft) throws LayerUnavailable {
        List<Object> r = call(() -> scripts.run(redis(), "publish", ScriptOutputType.MULTI, draft.room(),
                draft.user(), draft.message(), draft.ts().toString(), String.valueOf(streamSize),
                String.valueOf(historyTtlMillis), randomId(), draft.clientId() == null ? "" : draft.clientId(),
                String.valueOf(dedupSeconds)));
        return new Published(draft.at((Long) r.get(0)), Math.toIntExact((Long) r.get(2)), (Long) r.get(3) == 1);
    }

    @Override
    public Map<String, Integer> rooms() throws LayerUnavailable {
        List<Object> r = call(() -> scripts.run(redis(), "rooms", ScriptOutputType.MULTI));
        Map<String, Integer> rooms = new TreeMap<>();
        for (int i = 0; i + 1 < r.size(); i += 2) {
            rooms.put((String) r.get(i), Math.toIntExact((Long) r.get(i + 1)));
        }
        return rooms;
    }

    @Override
    public List<ChatMessage> range(String room, long from, long to) throws LayerUnavailable {
        List<StreamMessage<String, String>> entries = direct(() -> redis().xrange(key(room, "log"),
                Range.create(from + "-0", to + "-0")));
        List<ChatMessage> out = new ArrayList<>(entries.size());
        for (StreamMessage<String, String> e : entries) {
            out.add(stored(room, e.getId(), e.getBody()));
        }
        return out;
    }

    @Override
    public RoomJoin state(String room) throws LayerUnavailable {
        List<Object> r = direct(() -> scripts.run(redis(), "state", ScriptOutputType.MULTI, room,
                String.valueOf(historySize), String.valueOf(historyTtlMillis), randomId(), listLimit));
        return roomState(null, room, r);
    }

    /** {epoch, last offset, presence version, members, member count, entries oldest first, recovered} as the scripts return it. */
    @SuppressWarnings("unchecked")
    private static RoomJoin roomState(String name, String room, List<Object> r) {
        List<ChatMessage> history = new ArrayList<>();
        for (Object entry : (List<Object>) r.get(5)) {
            List<Object> e = (List<Object>) entry;
            List<Object> fields = (List<Object>) e.get(1);
            Map<String, String> body = new TreeMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                body.put((String) fields.get(i), (String) fields.get(i + 1));
            }
            history.add(stored(room, (String) e.get(0), body));
        }
        long recovered = (Long) r.get(6);
        return new RoomJoin(name, (String) r.get(0), (Long) r.get(1), (Long) r.get(2),
                (List<String>) (List<?>) r.get(3), Math.toIntExact((Long) r.get(4)), history,
                recovered < 0 ? null : recovered == 1);
    }

    private static ChatMessage stored(String room, String id, Map<String, String> body) {
        long offset = Long.parseLong(id.substring(0, id.indexOf('-')));
        return new ChatMessage(room, offset, body.get("u"), body.get("m"), Instant.parse(body.get("t")),
                NodeEvent.clientId(body.get("c")));
    }

    // ---- users and broadcast -------------------------------------------------------------------

    @Override
    public void userConnected(String user, String connectionId) throws LayerUnavailable {
        call(() -> scripts.run(redis(), "user", ScriptOutputType.INTEGER, user, node, "1"));
    }

    @Override
    public void userDisconnected(String user, String connectionId) throws LayerUnavailable {
        owing(() -> scripts.run(redis(), "user", ScriptOutputType.INTEGER, user, node, "-1"));
    }

    @Override
    public int sendDirect(DirectMessage m, String idempotencyKey) throws LayerUnavailable {
        Long receivers = call(() -> scripts.run(redis(), "direct", ScriptOutputType.INTEGER, m.fromUser(), m.toUser(),
                m.message(), m.ts().toString(), idempotencyKey == null ? "" : idempotencyKey, String.valueOf(dedupSeconds)));
        return Math.toIntExact(receivers);
    }

    @Override
    public void broadcast(String text) throws LayerUnavailable {
        call(() -> scripts.run(redis(), "broadcast", ScriptOutputType.INTEGER, text));
    }

    // ---- reaching Redis ------------------------------------------------------------------------

    /** Runs an operation on shared state; fails at once while Redis is unreachable. */
    private <T> T call(Supplier<T> operation) throws LayerUnavailable {
        if (state.get() != LayerState.UP) {
            throw new LayerUnavailable("Redis is unreachable", null);
        }
        return direct(operation);
    }

    /** Runs an operation whatever the state (the recovery's own work); a failure marks Redis unreachable. */
    private <T> T direct(Supplier<T> operation) throws LayerUnavailable {
        try {
            return operation.get();
        } catch (RedisCommandExecutionException e) {
            throw new IllegalStateException("Redis refused a wschat script", e); // a bug, not an outage
        } catch (RedisException | IllegalStateException e) {
            failed(e);
            throw new LayerUnavailable("Redis is unreachable: " + problem(e), e);
        }
    }

    /** A leave must happen in the end: if Redis is unreachable now, it is done once Redis is back. */
    private void owing(Runnable leave) throws LayerUnavailable {
        try {
            call(() -> {
                leave.run();
                return null;
            });
        } catch (LayerUnavailable e) {
            owedLeaves.add(leave);
            throw e;
        }
    }

    private RedisCommands<String, String> redis() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            throw new RedisException("not connected to Redis");
        }
        return c.sync();
    }

    private void failed(Exception cause) {
        if (closed) {
            return;
        }
        if (state.compareAndSet(LayerState.UP, LayerState.DEGRADED)) {
            LOG.warning("Redis at " + RedisUrls.withoutPassword(url) + " is unreachable (" + cause.getMessage()
                    + "): layer DEGRADED; this server serves only its own connections until Redis is back");
        }
        scheduleRecovery(1000);
    }

    private void scheduleRecovery(long delayMillis) {
        if (!closed && recovering.compareAndSet(false, true)) {
            try {
                scheduler.schedule(() -> {
                    recovering.set(false);
                    recover();
                    if (state.get() != LayerState.UP) {
                        scheduleRecovery(1000);
                    }
                }, delayMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                recovering.set(false); // shutting down
            }
        }
    }

    /**
     * Connects if needed and, if Redis answers, makes this node whole again: alive in Redis, its
     * members announced, every room refilled, what it owes done; then UP.
     */
    private synchronized void recover() {
        if (closed || (state.get() == LayerState.UP && connection != null)) {
            return;
        }
        try {
            connect();
            direct(() -> redis().ping());
            direct(() -> scripts.run(redis(), "heartbeat", ScriptOutputType.MULTI, node, String.valueOf(presenceTtlMillis)));
            announceMembers();
            feed.resyncAll();
            for (Runnable leave; (leave = owedLeaves.poll()) != null; ) {
                Runnable owed = leave;
                direct(() -> {
                    owed.run();
                    return null;
                });
            }
            if (state.getAndSet(LayerState.UP) != LayerState.UP) {
                LOG.info("Redis at " + RedisUrls.withoutPassword(url) + " is reachable: layer UP (node " + node + ")");
            }
        } catch (LayerUnavailable | RedisException e) {
            lastProblem = problem(e);
            LOG.log(Level.FINE, "Redis still unreachable", e);
        }
    }

    private void connect() {
        if (connection == null) {
            connection = client.connect();
        }
        if (subscription == null) {
            StatefulRedisPubSubConnection<String, String> s = client.connectPubSub();
            s.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    feed.received(message);
                }
            });
            s.sync().subscribe(PREFIX + "node:" + node);
            subscription = s;
        }
    }

    /**
     * Makes Redis hold exactly this node's connections, in rooms and as users: Redis may have lost
     * them (restarted, flushed) or another node may have reaped this one while it was cut off. A name
     * another person took meanwhile is suffixed, and the hub tells its connection.
     */
    @SuppressWarnings("unchecked")
    private void announceMembers() throws LayerUnavailable {
        Map<String, List<Member>> local = listener.localRoomMembers();
        Set<String> rooms = new TreeSet<>(local.keySet());
        rooms.addAll(direct(() -> redis().smembers(PREFIX + "node:" + node + ":rooms")));
        for (String room : rooms) {
            List<String> args = new ArrayList<>(List.of(room, node, listLimit));
            for (Member m : local.getOrDefault(room, List.of())) {
                args.addAll(List.of(m.connectionId(), m.name(), m.person()));
            }
            List<Object> renamed = direct(() -> scripts.run(redis(), "sync", ScriptOutputType.MULTI, args.toArray(String[]::new)));
            for (int i = 0; i + 1 < renamed.size(); i += 2) {
                listener.renamed(room, (String) renamed.get(i), (String) renamed.get(i + 1));
            }
        }
        Map<String, List<String>> users = listener.localUserConnections();
        Set<String> names = new TreeSet<>(users.keySet());
        names.addAll(direct(() -> redis().smembers(PREFIX + "node:" + node + ":users")));
        for (String user : names) {
            int count = users.getOrDefault(user, List.of()).size();
            direct(() -> scripts.run(redis(), "sync_user", ScriptOutputType.INTEGER, user, node, String.valueOf(count)));
        }
    }

    /**
     * Tells Redis this node is alive, and removes the members of nodes that are not. If Redis did not
     * know this node (another node took it for dead after a pause, or Redis lost its data to a flush or
     * a restart without the connection dropping), its members are announced again and every room
     * brought up to date.
     */
    private void heartbeat() {
        if (state.get() != LayerState.UP) {
            return;
        }
        try {
            long sent = System.nanoTime();
            List<Object> r = direct(() -> scripts.run(redis(), "heartbeat", ScriptOutputType.MULTI, node,
                    String.valueOf(presenceTtlMillis)));
            roundTripSeconds = (System.nanoTime() - sent) / 1e9;
            for (Object dead : r.subList(1, r.size())) {
                Long reaped = direct(() -> scripts.run(redis(), "reap", ScriptOutputType.INTEGER, (String) dead,
                        String.valueOf(presenceTtlMillis), "0", listLimit));
                if (reaped == 1) {
                    LOG.info("node " + dead + " stopped answering; its members left their rooms");
                }
            }
            if ((Long) r.get(0) == 1) {
                LOG.warning("Redis had forgotten this node (" + node + "): announcing its members again");
                announceMembers();
                feed.resyncAll();
            }
        } catch (LayerUnavailable | RuntimeException e) {
            LOG.log(Level.FINE, "heartbeat failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        try {
            if (connection != null && connection.isOpen()) {
                // This node is going: its members leave everywhere at once.
                scripts.run(redis(), "reap", ScriptOutputType.INTEGER, node, String.valueOf(presenceTtlMillis), "1",
                        listLimit);
            }
        } catch (RedisException e) {
            LOG.log(Level.FINE, "could not remove this node from presence; other nodes will after its TTL", e);
        }
        feed.close();
        if (subscription != null) {
            subscription.close();
        }
        if (connection != null) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        try {
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(Level.FINE, "Redis client threads still stopping", e);
        }
    }

    /** What went wrong, as the chain of causes says it ("Unable to connect ...: WRONGPASS ..."). */
    private static String problem(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && b.indexOf(m) < 0) {
                b.append(b.length() == 0 ? "" : ": ").append(m);
            }
        }
        return b.toString();
    }

    private static String key(String room, String part) {
        return PREFIX + "room:" + room + ":" + part;
    }

    private static String randomId() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix, AtomicInteger counter) {
        return r -> {
            Thread t = new Thread(r, prefix + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
