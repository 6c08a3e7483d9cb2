package io.wschat.config;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The server's configuration, read once at start-up.
 *
 * <p>Each key (e.g. {@code wschat.maxMessageBytes}) is looked up, first match wins, as a JVM system
 * property, then as an environment variable (upper case, dots and camel humps become underscores:
 * {@code WSCHAT_MAX_MESSAGE_BYTES}), then as a {@code context-param} in {@code web.xml}; otherwise the
 * default applies. The README lists every key.
 *
 * @param permessageDeflate        whether a client's offer of permessage-deflate compression is accepted
 *                                 (by the container that supports it: Tomcat); declined by default
 * @param identity                 who a connection is: {@code open} (names are claimed), {@code container}
 *                                 (the container's authenticated user, nothing else) or {@code token} (a
 *                                 JWT signed by the web application)
 * @param allowedOrigins           origins allowed to open a WebSocket; empty means the server's own origin
 *                                 (the request's Host), {@code *} means any
 * @param allowMissingOrigin       whether a handshake without an Origin header (a non-browser client) is admitted
 * @param maxConnections           open WebSocket connections in total
 * @param maxConnectionsPerAddress open WebSocket connections per client IP address
 * @param messagesPerSecond        the sustained inbound message rate one connection may use
 * @param messageBurst             how many messages a connection may send at once before the rate applies
 * @param floodStrikes             refused (over-rate) messages after which the connection is closed with 1008
 * @param pingIntervalMillis       how often the server pings each connection
 * @param pongTimeoutMillis        how long past a ping interval a connection may stay without a pong
 * @param layer                    where what servers share is kept: {@code memory} (one server) or {@code redis}
 * @param redisUrl                 the Redis server of the {@code redis} layer, e.g. {@code redis://127.0.0.1:6379/0}
 * @param historyTtlSeconds        how long a room keeps its stream (history, offsets, epoch) after its last message or join
 * @param presenceTtlSeconds       how long a server that stopped answering stays in presence (Redis layer)
 * @param maxIdleRooms             rooms without members whose history the in-memory layer keeps at most
 * @param redisTimeoutMillis       how long a Redis command may take before Redis counts as unreachable
 * @param maxRecover               messages a rejoining client may have missed and still resume exactly
 * @param dedupSeconds             how long a client id (and a push's Idempotency-Key) is remembered
 * @param tokenSecret              {@code token} mode: the HS256 secret shared with the web application, or null
 * @param tokenPublicKey           {@code token} mode: path of a PEM file with the RS256/ES256 public key(s), or null
 * @param tokenIssuer              {@code token} mode: the {@code iss} every token must carry, or null (not checked)
 * @param tokenAudience            {@code token} mode: a value the token's {@code aud} must hold, or null (not checked)
 * @param tokenLeewaySeconds       {@code token} mode: clock difference tolerated on {@code exp} and {@code nbf}
 * @param drainSeconds             how long a drain (shutdown, {@code POST /api/drain}) spreads its closes over
 * @param metricsToken             bearer token of {@code GET /metrics}, or null (then loopback clients only)
 */
public record Settings(
        int maxMessageBytes,
        long outboxBytes,
        boolean permessageDeflate,
        int historySize,
        String pushToken,
        int closeTimeoutSeconds,
        IdentityMode identity,
        List<String> allowedOrigins,
        boolean allowMissingOrigin,
        int maxConnections,
        int maxConnectionsPerAddress,
        double messagesPerSecond,
        int messageBurst,
        int floodStrikes,
        long pingIntervalMillis,
        long pongTimeoutMillis,
        LayerKind layer,
        String redisUrl,
        long historyTtlSeconds,
        int presenceTtlSeconds,
        int maxIdleRooms,
        long redisTimeoutMillis,
        int maxRecover,
        long dedupSeconds,
        int presenceListLimit,
        // ---- issue 11 (operations): token identity, drain, metrics ----
        String tokenSecret,
        String tokenPublicKey,
        String tokenIssuer,
        String tokenAudience,
        int tokenLeewaySeconds,
        int drainSeconds,
        String metricsToken) {

    public static final String MAX_MESSAGE_BYTES = "wschat.maxMessageBytes";
    public static final String OUTBOX_BYTES = "wschat.outboxBytes";
    public static final String PERMESSAGE_DEFLATE = "wschat.permessageDeflate";
    public static final String HISTORY_SIZE = "wschat.historySize";
    public static final String PUSH_TOKEN = "wschat.pushToken";
    public static final String CLOSE_TIMEOUT_SECONDS = "wschat.closeTimeoutSeconds";
    public static final String IDENTITY = "wschat.identity";
    public static final String ALLOWED_ORIGINS = "wschat.allowedOrigins";
    public static final String ALLOW_MISSING_ORIGIN = "wschat.allowMissingOrigin";
    public static final String MAX_CONNECTIONS = "wschat.maxConnections";
    public static final String MAX_CONNECTIONS_PER_ADDRESS = "wschat.maxConnectionsPerAddress";
    public static final String MESSAGES_PER_SECOND = "wschat.messagesPerSecond";
    public static final String MESSAGE_BURST = "wschat.messageBurst";
    public static final String FLOOD_STRIKES = "wschat.floodStrikes";
    public static final String PING_INTERVAL_MILLIS = "wschat.pingIntervalMillis";
    public static final String PONG_TIMEOUT_MILLIS = "wschat.pongTimeoutMillis";
    public static final String LAYER = "wschat.layer";
    public static final String REDIS_URL = "wschat.redisUrl";
    public static final String HISTORY_TTL_SECONDS = "wschat.historyTtlSeconds";
    public static final String PRESENCE_TTL_SECONDS = "wschat.presenceTtlSeconds";
    public static final String MAX_IDLE_ROOMS = "wschat.maxIdleRooms";
    public static final String REDIS_TIMEOUT_MILLIS = "wschat.redisTimeoutMillis";
    public static final String MAX_RECOVER = "wschat.maxRecover";
    public static final String DEDUP_SECONDS = "wschat.dedupSeconds";
    public static final String PRESENCE_LIST_LIMIT = "wschat.presenceListLimit";
    public static final String TOKEN_SECRET = "wschat.tokenSecret";
    public static final String TOKEN_PUBLIC_KEY = "wschat.tokenPublicKey";
    public static final String TOKEN_ISSUER = "wschat.tokenIssuer";
    public static final String TOKEN_AUDIENCE = "wschat.tokenAudience";
    public static final String TOKEN_LEEWAY_SECONDS = "wschat.tokenLeewaySeconds";
    public static final String DRAIN_SECONDS = "wschat.drainSeconds";
    public static final String METRICS_TOKEN = "wschat.metricsToken";

    /** Components whose values are secrets: the start-up log says only whether they are set. */
    private static final java.util.Set<String> SECRETS = java.util.Set.of("pushToken", "tokenSecret", "metricsToken");

    /** How connections get their identity. */
    public enum IdentityMode {
        /** Demo mode: names come from the client (or are generated). */
        OPEN,
        /** The container authenticates; the user principal is the only identity. */
        CONTAINER,
        /** A JWT signed by the web application names the user (see {@code security.TokenVerifier}). */
        TOKEN
    }

    /** Where what servers share is kept. */
    public enum LayerKind {
        /** In this server's memory: one server. */
        MEMORY,
        /** In Redis: several servers share rooms, presence and users. */
        REDIS
    }

    public Settings {
        require(maxMessageBytes >= 1, MAX_MESSAGE_BYTES + " must be at least 1");
        require(outboxBytes >= 1, OUTBOX_BYTES + " must be at least 1");
        require(historySize >= 0, HISTORY_SIZE + " must not be negative");
        require(closeTimeoutSeconds >= 1, CLOSE_TIMEOUT_SECONDS + " must be at least 1");
        require(maxConnections >= 1, MAX_CONNECTIONS + " must be at least 1");
        require(maxConnectionsPerAddress >= 1, MAX_CONNECTIONS_PER_ADDRESS + " must be at least 1");
        require(messagesPerSecond > 0, MESSAGES_PER_SECOND + " must be positive");
        require(messageBurst >= 1, MESSAGE_BURST + " must be at least 1");
        require(floodStrikes >= 1, FLOOD_STRIKES + " must be at least 1");
        require(pingIntervalMillis >= 10, PING_INTERVAL_MILLIS + " must be at least 10");
        require(pongTimeoutMillis >= 10, PONG_TIMEOUT_MILLIS + " must be at least 10");
        require(historyTtlSeconds >= 1, HISTORY_TTL_SECONDS + " must be at least 1");
        require(presenceTtlSeconds >= 2, PRESENCE_TTL_SECONDS + " must be at least 2");
        require(maxIdleRooms >= 0, MAX_IDLE_ROOMS + " must not be negative");
        require(redisTimeoutMillis >= 10, REDIS_TIMEOUT_MILLIS + " must be at least 10");
        require(maxRecover >= 0, MAX_RECOVER + " must not be negative");
        require(dedupSeconds >= 1, DEDUP_SECONDS + " must be at least 1");
        require(presenceListLimit >= 1, PRESENCE_LIST_LIMIT + " must be at least 1");
        layer = layer == null ? LayerKind.MEMORY : layer;
        redisUrl = redisUrl == null || redisUrl.isBlank() ? null : redisUrl;
        require(layer != LayerKind.REDIS || redisUrl != null, LAYER + "=redis needs " + REDIS_URL
                + " (e.g. redis://127.0.0.1:6379/0)");
        pushToken = pushToken == null || pushToken.isBlank() ? null : pushToken;
        require(tokenLeewaySeconds >= 0, TOKEN_LEEWAY_SECONDS + " must not be negative");
        require(drainSeconds >= 0, DRAIN_SECONDS + " must not be negative");
        tokenSecret = blankToNull(tokenSecret);
        tokenPublicKey = blankToNull(tokenPublicKey);
        tokenIssuer = blankToNull(tokenIssuer);
        tokenAudience = blankToNull(tokenAudience);
        metricsToken = blankToNull(metricsToken);
        require(identity != IdentityMode.TOKEN || tokenSecret != null || tokenPublicKey != null,
                IDENTITY + "=token needs " + TOKEN_SECRET + " (HS256) or " + TOKEN_PUBLIC_KEY + " (RS256/ES256)");
        identity = identity == null ? IdentityMode.OPEN : identity;
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    }

    /** Builds settings from system properties, environment and a fallback (web.xml context-params). */
    public static Settings from(Function<String, String> contextParams) {
        Function<String, String> lookup = key -> first(
                System.getProperty(key), System.getenv(envName(key)), contextParams.apply(key));
        return new Settings(
                intValue(lookup, MAX_MESSAGE_BYTES, 64 * 1024),
                longValue(lookup, OUTBOX_BYTES, 1024 * 1024),
                booleanValue(lookup, PERMESSAGE_DEFLATE, false),
                intValue(lookup, HISTORY_SIZE, 50),
                lookup.apply(PUSH_TOKEN),
                intValue(lookup, CLOSE_TIMEOUT_SECONDS, 5),
                identityValue(lookup.apply(IDENTITY)),
                listValue(lookup.apply(ALLOWED_ORIGINS)),
                booleanValue(lookup, ALLOW_MISSING_ORIGIN, false),
                intValue(lookup, MAX_CONNECTIONS, 10_000),
                intValue(lookup, MAX_CONNECTIONS_PER_ADDRESS, 100),
                doubleValue(lookup, MESSAGES_PER_SECOND, 10),
                intValue(lookup, MESSAGE_BURST, 20),
                intValue(lookup, FLOOD_STRIKES, 20),
                longValue(lookup, PING_INTERVAL_MILLIS, 30_000),
                longValue(lookup, PONG_TIMEOUT_MILLIS, 10_000),
                enumValue(lookup, LAYER, LayerKind.class, LayerKind.MEMORY),
                lookup.apply(REDIS_URL),
                longValue(lookup, HISTORY_TTL_SECONDS, 86_400),
                intValue(lookup, PRESENCE_TTL_SECONDS, 15),
                intValue(lookup, MAX_IDLE_ROOMS, 10_000),
                longValue(lookup, REDIS_TIMEOUT_MILLIS, 2_000),
                intValue(lookup, MAX_RECOVER, 1_000),
                longValue(lookup, DEDUP_SECONDS, 300),
                intValue(lookup, PRESENCE_LIST_LIMIT, 100),
                lookup.apply(TOKEN_SECRET),
                lookup.apply(TOKEN_PUBLIC_KEY),
                lookup.apply(TOKEN_ISSUER),
                lookup.apply(TOKEN_AUDIENCE),
                intValue(lookup, TOKEN_LEEWAY_SECONDS, 30),
                intValue(lookup, DRAIN_SECONDS, 10),
                lookup.apply(METRICS_TOKEN));
    }

    /** Settings from a plain map, for tests and embedding. Unset keys take their defaults. */
    public static Settings of(Map<String, String> values) {
        return from(values::get);
    }

    /** Every setting, as the start-up log shows it: secrets (push token, token secret, metrics token) only as set or unset. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Settings[");
        for (RecordComponent c : Settings.class.getRecordComponents()) {
            Object value;
            try {
                value = c.getAccessor().invoke(this);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (SECRETS.contains(c.getName())) {
                value = value == null ? "unset" : "(set)";
            } else if (c.getName().equals("redisUrl") && value != null) {
                value = RedisUrls.withoutPassword((String) value);
            }
            b.append(b.length() > "Settings[".length() ? ", " : "").append(c.getName()).append('=').append(value);
        }
        return b.append(']').toString();
    }

    /** {@code wschat.maxMessageBytes} → {@code WSCHAT_MAX_MESSAGE_BYTES}. */
    static String envName(String key) {
        return key.replaceAll("([a-z])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static String first(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isBlank()) {
                return c.trim();
            }
        }
        return null;
    }

    private static IdentityMode identityValue(String raw) {
        return enumValue(k -> raw, IDENTITY, IdentityMode.class, IdentityMode.OPEN);
    }

    /** One of an enum's constants, named in any case ({@code open}, {@code REDIS}, ...). */
    private static <E extends Enum<E>> E enumValue(Function<String, String> lookup, String key, Class<E> type, E fallback) {
        String raw = lookup.apply(key);
        if (raw == null) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = Arrays.stream(type.getEnumConstants()).map(c -> "'" + c.name().toLowerCase(Locale.ROOT) + "'").toList();
            throw new IllegalArgumentException(key + " must be one of " + String.join(", ", names) + ", got '" + raw + "'", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static List<String> listValue(String raw) {
        if (raw == null) {
            return List.of();
        }
        return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static boolean booleanValue(Function<String, String> lookup, String key, boolean fallback) {
        String raw = lookup.apply(key);
        if (raw == null) {
            return fallback;
        }
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + raw + "'");
        };
    }

    private static double doubleValue(Function<String, String> lookup, String key, double fallback) {
        return parsed(lookup, key, fallback, Double::valueOf, "a number");
    }

    private static int intValue(Function<String, String> lookup, String key, int fallback) {
        return parsed(lookup, key, fallback, Integer::valueOf, "a whole number up to " + Integer.MAX_VALUE);
    }

    private static long longValue(Function<String, String> lookup, String key, long fallback) {
        return parsed(lookup, key, fallback, Long::valueOf, "a whole number");
    }

    private static <T> T parsed(Function<String, String> lookup, String key, T fallback, Function<String, T> parse,
            String what) {
        String raw = lookup.apply(key);
        if (raw == null) {
            return fallback;
        }
        try {
            return parse.apply(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be " + what + ", got '" + raw + "'", e);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
