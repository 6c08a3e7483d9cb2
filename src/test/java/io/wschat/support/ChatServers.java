package io.wschat.support;

import io.wschat.DevServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts {@link ChatServer}s in the container the build chose: the system property
 * {@code wschat.it.container} is {@code tomcat} (the default profile: an embedded Tomcat in this JVM),
 * {@code payara} ({@code mvn verify -Ppayara}: Payara Micro) or {@code tomcat-dist}
 * ({@code mvn verify -Ptomcat-dist}: the stock Tomcat distribution, set up as the README says).
 */
public final class ChatServers {

    public static final String CONTAINER_PROPERTY = "wschat.it.container";

    private ChatServers() {
    }

    /** The container integration tests run in: {@code tomcat}, {@code payara} or {@code tomcat-dist}. */
    public static String container() {
        return System.getProperty(CONTAINER_PROPERTY, "tomcat");
    }

    /**
     * Whether the container now and then leaves a WebSocket handshake unanswered, so that the tests'
     * clients try such a handshake once more, as the chat page does. Payara does: a read callback of a
     * closed connection can run after its request object was recycled, and that object can then serve
     * two requests at once (README, Containers).
     */
    public static boolean handshakesMayGoUnanswered() {
        return container().equals("payara");
    }

    /**
     * How long a test waits for the connections its clients have ended to be gone from the server. On
     * Tomcat an endpoint is closed as soon as its TCP connection ends. Elsewhere Tyrus can lose an end
     * that comes while the connection is being opened (a client that leaves at once, a handshake whose
     * 101 never reached the client that then tried again), and the server's opening pings find such a
     * connection within two pong timeouts of its opening, 20 s by default ({@code hub.OpeningPing});
     * then some slack.
     */
    public static java.time.Duration connectionsGoneWithin() {
        return container().startsWith("tomcat") ? WsClient.TIMEOUT : java.time.Duration.ofSeconds(30);
    }

    /** The built WAR at the root context with its shipped configuration. */
    public static ChatServer start() {
        return start(spec());
    }

    public static ChatServer start(Spec spec) {
        return switch (container()) {
            case "tomcat" -> TomcatChatServer.start(spec);
            case "payara" -> PayaraMicro.start(spec);
            case "tomcat-dist" -> StockTomcat.start(spec);
            default -> throw new IllegalArgumentException(CONTAINER_PROPERTY + " must be tomcat, payara or tomcat-dist, got "
                    + container());
        };
    }

    public static Spec spec() {
        return new Spec(DevServer.builtWar(), "", Map.of(), null, false);
    }

    /**
     * What to run: the WAR, its context path ({@code ""} for the root), configuration keys (a
     * context-param on Tomcat, a JVM system property on Payara Micro: both are read by
     * {@code Settings}), an optional users file (container identity mode: BASIC against those users), and
     * whether {@link ChatServer#cutConnections()} is needed.
     */
    public record Spec(Path war, String contextPath, Map<String, String> settings, Path users, boolean cuttable) {

        public Spec {
            settings = Map.copyOf(settings);
        }

        public Spec contextPath(String path) {
            return new Spec(war, path, settings, users, cuttable);
        }

        /** Adds configuration keys: name, value, name, value, ... */
        public Spec with(String... keyValues) {
            Map<String, String> all = new LinkedHashMap<>(settings);
            for (int i = 0; i + 1 < keyValues.length; i += 2) {
                all.put(keyValues[i], keyValues[i + 1]);
            }
            return new Spec(war, contextPath, all, users, cuttable);
        }

        public Spec with(Map<String, String> more) {
            Map<String, String> all = new LinkedHashMap<>(settings);
            all.putAll(more);
            return new Spec(war, contextPath, all, users, cuttable);
        }

        /** Container identity mode against a {@code tomcat-users.xml}-style users file. */
        public Spec users(Path file) {
            return new Spec(war, contextPath, settings, file, cuttable);
        }

        public Spec withCuts() {
            return new Spec(war, contextPath, settings, users, true);
        }
    }
}
