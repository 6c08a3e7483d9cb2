package io.wschat.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The server's configuration, read once at start-up.
 *
 * <p>Each key (e.g. {@code wschat.maxMessageBytes}) is looked up, first match wins, as a JVM system
 * property, then as an environment variable (upper case, dots and camel humps become underscores:
 * {@code WSCHAT_MAX_MESSAGE_BYTES}), then as a {@code context-param} in {@code web.xml}; otherwise the
 * default applies. The README lists every key.
 */
public record Settings(
        int maxMessageBytes,
        long outboxBytes,
        int historySize,
        String pushToken,
        int closeTimeoutSeconds) {

    public static final String MAX_MESSAGE_BYTES = "wschat.maxMessageBytes";
    public static final String OUTBOX_BYTES = "wschat.outboxBytes";
    public static final String HISTORY_SIZE = "wschat.historySize";
    public static final String PUSH_TOKEN = "wschat.pushToken";
    public static final String CLOSE_TIMEOUT_SECONDS = "wschat.closeTimeoutSeconds";

    public Settings {
        require(maxMessageBytes >= 1, MAX_MESSAGE_BYTES + " must be at least 1");
        require(outboxBytes >= 1, OUTBOX_BYTES + " must be at least 1");
        require(historySize >= 0, HISTORY_SIZE + " must not be negative");
        require(closeTimeoutSeconds >= 1, CLOSE_TIMEOUT_SECONDS + " must be at least 1");
        pushToken = pushToken == null || pushToken.isBlank() ? null : pushToken;
    }

    public static Settings defaults() {
        return from(key -> null);
    }

    /** Builds settings from system properties, environment and a fallback (web.xml context-params). */
    public static Settings from(Function<String, String> contextParams) {
        Function<String, String> lookup = key -> first(
                System.getProperty(key), System.getenv(envName(key)), contextParams.apply(key));
        return new Settings(
                intValue(lookup, MAX_MESSAGE_BYTES, 64 * 1024),
                longValue(lookup, OUTBOX_BYTES, 1024 * 1024),
                intValue(lookup, HISTORY_SIZE, 50),
                lookup.apply(PUSH_TOKEN),
                intValue(lookup, CLOSE_TIMEOUT_SECONDS, 5));
    }

    /** Settings from a plain map, for tests and embedding. Unset keys take their defaults. */
    public static Settings of(Map<String, String> values) {
        return from(values::get);
    }

    public Optional<String> pushTokenIfSet() {
        return Optional.ofNullable(pushToken);
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

    private static int intValue(Function<String, String> lookup, String key, int fallback) {
        return Math.toIntExact(longValue(lookup, key, fallback));
    }

    private static long longValue(Function<String, String> lookup, String key, long fallback) {
        String raw = lookup.apply(key);
        if (raw == null) {
            return fallback;
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + raw + "'", e);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
