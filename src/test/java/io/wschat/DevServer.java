package io.wschat;

import io.wschat.tomcat.ConnectorThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.realm.MemoryRealm;
import org.apache.catalina.startup.ExpandWar;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.LoginConfig;
import org.apache.tomcat.util.descriptor.web.SecurityCollection;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * The run command's server: a real Tomcat 10.1 (embedded) serving the packaged WAR at context root
 * {@code /}. {@code mvn -DskipTests package exec:java} starts it; tests start it on a free port.
 *
 * <p>With {@code -Dwschat.devUsers=src/test/resources/dev-users.xml} (a {@code tomcat-users.xml}-style
 * file) it runs in {@code container} identity mode: HTTP BASIC over {@code /ws/*} and {@code GET /api/*}
 * against those users, exactly what the README's {@code web.xml} snippet does on a stock Tomcat.
 */
public final class DevServer implements AutoCloseable {

    private final Tomcat tomcat;
    private final int port;
    private final Path base;
    private final ConnectorThreads threads;

    private DevServer(Tomcat tomcat, int port, Path base, ConnectorThreads threads) {
        this.tomcat = tomcat;
        this.port = port;
        this.base = base;
        this.threads = threads;
    }

    /** Serves {@code war} on {@code port} (0 picks a free one) under {@code contextPath} ("" for root). */
    public static DevServer start(Path war, int port, String contextPath) throws Exception {
        return start(war, port, contextPath, Map.of(), null);
    }

    /**
     * As {@link #start(Path, int, String)}, with extra context-params (as in {@code web.xml}) and, if
     * {@code users} is not null, container authentication against that users file.
     */
    public static DevServer start(Path war, int port, String contextPath, Map<String, String> contextParams,
            Path users) throws Exception {
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException(war + " not found: run 'mvn package' first");
        }
        Path base = Files.createTempDirectory("wschat-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(port);
        ConnectorThreads threads = configure(tomcat.getConnector()); // creates the default HTTP/1.1 connector
        tomcat.getHost().setAppBase(base.resolve("webapps").toString());
        Files.createDirectories(base.resolve("webapps"));
        // Tomcat's default web.xml would add a JSP servlet, and Jasper is not on the class path.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context context = tomcat.addWebapp(contextPath, war.toAbsolutePath().toString());
        Tomcat.addDefaultMimeTypeMappings(context);
        Tomcat.addServlet(context, "default", "org.apache.catalina.servlets.DefaultServlet");
        context.addServletMappingDecoded("/", "default");
        context.setParentClassLoader(DevServer.class.getClassLoader());
        contextParams.forEach(context::addParameter);
        if (users != null) {
            requireLogin(context, users);
        }
        tomcat.start();
        if (!context.getState().isAvailable()) {
            shutDown(tomcat, base, threads);
            throw new LifecycleException("the web application failed to start; see the log above");
        }
        return new DevServer(tomcat, tomcat.getConnector().getLocalPort(), base, threads);
    }

    /**
     * The connector settings the README recommends for a stock Tomcat: each open socket keeps a read
     * and a write buffer of its own (8 KiB each by default), so 512 bytes each, and no cap on
     * connections (the connector allows 8,192 by default; wschat.maxConnections is the limit that
     * answers 503). Its threads: Tomcat answers a client's close frame on the thread that read it and
     * first waits for the connection's send in progress to complete, a completion it hands to the
     * connector's executor; with one pool of 200 platform threads, a burst of closes in a large room
     * (each connection just sent a presence count) occupies every thread waiting for completions
     * queued behind those closes, until the blocking-send timeout (Tomcat's bug 66508 describes the
     * close handling). So the connector gets {@link ConnectorThreads} (returned, to be stopped with
     * Tomcat): reserve threads for completions, and a pool that grows past 24 threads only when they
     * are all stuck; a stock Tomcat names the same executor in its {@code server.xml}. Virtual threads
     * (Java 21+) are never all taken either, but cost more memory per connection (see the README's
     * "Deploying to a stock Tomcat 10.1").
     */
    static ConnectorThreads configure(Connector connector) {
        connector.setProperty("socket.appReadBufSize", "512");
        connector.setProperty("socket.appWriteBufSize", "512");
        connector.setProperty("maxConnections", "-1");
        ConnectorThreads threads = new ConnectorThreads("http-nio");
        try {
            threads.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
        connector.getProtocolHandler().setExecutor(threads);
        return threads;
    }

    /**
     * Container identity mode: the users file as the realm, BASIC authentication, and a constraint
     * admitting any authenticated user to {@code /ws/*} and to reading {@code /api/*} (the push API
     * keeps its bearer token, which BASIC would otherwise displace from the Authorization header).
     */
    private static void requireLogin(Context context, Path users) {
        if (!Files.isRegularFile(users)) {
            throw new IllegalArgumentException(users + " not found");
        }
        MemoryRealm realm = new MemoryRealm();
        realm.setPathname(users.toAbsolutePath().toString());
        context.setRealm(realm);
        LoginConfig login = new LoginConfig();
        login.setAuthMethod("BASIC");
        login.setRealmName("wschat");
        context.setLoginConfig(login);
        SecurityConstraint constraint = new SecurityConstraint();
        constraint.addAuthRole("**"); // any authenticated user, whatever the realm's roles
        SecurityCollection ws = new SecurityCollection("websocket", "");
        ws.addPattern("/ws/*");
        constraint.addCollection(ws);
        SecurityCollection api = new SecurityCollection("api-read", "");
        api.addPattern("/api/*");
        api.addMethod("GET");
        constraint.addCollection(api);
        context.addConstraint(constraint);
        context.addParameter("wschat.identity", "container");
    }

    public int port() {
        return port;
    }

    /**
     * Adds a servlet beside the WAR's, in the same web application (so at the same origin): how a test
     * plays the web application a real deployment puts next to the chat server.
     */
    public void addServlet(String urlPattern, jakarta.servlet.Servlet servlet) {
        Context context = (Context) tomcat.getHost().findChildren()[0];
        String name = "test-" + urlPattern;
        Tomcat.addServlet(context, name, servlet);
        context.addServletMappingDecoded(urlPattern, name);
    }

    /**
     * For tests of clients that must survive a dropped connection: stops the HTTP connector, which
     * closes every open socket at once (no WebSocket close frame, as when a proxy or the network
     * fails), and refuses new ones until {@link #restoreConnections()}. The web application and its
     * state (rooms, history) stay up.
     */
    public void cutConnections() throws LifecycleException {
        tomcat.getConnector().stop();
    }

    /** Accepts connections again, on the same port, after {@link #cutConnections()}. */
    public void restoreConnections() throws LifecycleException {
        tomcat.getConnector().start();
    }

    /**
     * Leaves new connections unanswered until {@link #releaseConnections()}: the connector stops
     * accepting, so they wait in the listen backlog, their TCP handshake done by the kernel.
     */
    public void holdConnections() {
        tomcat.getConnector().pause();
    }

    /** Accepts (and answers) new connections again, after {@link #holdConnections()}. */
    public void releaseConnections() {
        tomcat.getConnector().resume();
    }

    /**
     * Opens a second HTTP port onto the same application, which {@link #cutConnections()} leaves
     * alone, so a test can keep a client (and with it a room's history) alive across a cut.
     */
    public int openSparePort() {
        Connector spare = new Connector();
        spare.setPort(0);
        tomcat.getService().addConnector(spare); // starts it, the service being started
        return spare.getLocalPort();
    }

    @Override
    public void close() throws LifecycleException {
        shutDown(tomcat, base, threads);
    }

    /** Stops Tomcat and its connector's threads, and deletes its base directory, where it unpacked the WAR (13 MB a start). */
    private static void shutDown(Tomcat tomcat, Path base, ConnectorThreads threads) throws LifecycleException {
        try {
            tomcat.stop();
            tomcat.destroy();
        } finally {
            try {
                threads.stop();
            } finally {
                ExpandWar.delete(base.toFile());
            }
        }
    }

    /** Tomcat's WebSocket I/O buffers, several per connection (8 KiB each by default); read once, at class load. */
    public static final String TOMCAT_WEBSOCKET_BUFFER = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

    /**
     * The JVM options of the run command's server, the ones the README recommends for a stock Tomcat:
     * see the README's "Performance" section for what each buys.
     */
    static final List<String> SERVER_JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC", "-Xmn16m", "-Xms64m", "-Xmx1g", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-D" + TOMCAT_WEBSOCKET_BUFFER + "=512");


    /**
     * The run command's server's environment, beyond the launcher's: glibc's malloc keeps an arena per
     * thread that allocates (up to eight per core), and a burst of handshakes keeps dozens of threads
     * busy (Tomcat's own pool grows by some 70, the run command's to 24); two arenas keep the
     * native memory they hold from growing with them.
     */
    static final Map<String, String> SERVER_ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");

    /** Set (to true) in the server's own JVM: the main class {@link #launch launched} serves there rather than launch another. */
    public static final String SERVE_HERE = "wschat.devServer.serveHere";

    /**
     * The run command ({@code mvn -DskipTests package exec:java}): launches the server in a JVM of its
     * own (see {@link #launch}) and stops it on Ctrl+C. Maven's own JVM is tuned for building, not for
     * holding thousands of connections.
     */
    public static void main(String[] args) throws Exception {
        if (Boolean.getBoolean(SERVE_HERE)) {
            serve(args);
            return;
        }
        System.exit(launch(DevServer.class, args));
    }

    /**
     * Runs {@code main}'s {@code main(args)} in a JVM of its own with {@link #SERVER_JVM_OPTIONS} and
     * {@link #SERVER_ENVIRONMENT}, passing on every {@code -Dwschat.*} setting and
     * {@value #TOMCAT_WEBSOCKET_BUFFER} if given (it replaces the 512), with {@link #SERVE_HERE} set, so
     * that {@code main} serves there; SIGTERM to this JVM reaches that one. Returns its exit status.
     */
    public static int launch(Class<?> main, String[] args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(SERVER_JVM_OPTIONS);
        String buffer = System.getProperty(TOMCAT_WEBSOCKET_BUFFER);
        if (buffer != null) {
            command.add("-D" + TOMCAT_WEBSOCKET_BUFFER + "=" + buffer); // the last of two wins
        }
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("wschat.")).sorted()
                .forEach(k -> command.add("-D" + k + "=" + System.getProperty(k)));
        command.addAll(List.of("-D" + SERVE_HERE + "=true", "-cp", serverClassPath(), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(SERVER_ENVIRONMENT);
        Process server = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.destroy(); // SIGTERM: the server's own shutdown hook closes every client with 1001
            try {
                server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        return server.waitFor();
    }

    /**
     * The server JVM's class path: only where this class and embedded Tomcat come from. Not the whole
     * class path the launcher was given (in the run command, exec:java's test class path, some 170
     * entries): the libraries the server uses are in the WAR, and every service lookup at start-up
     * (Tomcat's logging, the web application's JSON-P, SLF4J, Micrometer) would open and search every
     * jar of it, which cost about a third of a second of the start.
     */
    public static String serverClassPath() {
        Set<String> paths = new LinkedHashSet<>();
        for (Class<?> c : List.of(DevServer.class, Tomcat.class, WsSci.class, jakarta.websocket.Session.class,
                jakarta.annotation.Resource.class)) {
            try {
                paths.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(java.io.File.pathSeparator, paths);
    }

    /** Serves in this JVM until it is stopped. Arguments: the WAR, the port. */
    private static void serve(String[] args) throws Exception {
        Path war = Path.of(args.length > 0 ? args[0] : "target/wschat.war");
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
        String users = System.getProperty("wschat.devUsers");
        // Tomcat's own JMX beans (its management view of connectors, contexts, servlets) are built from
        // XML descriptors at start-up; nothing of the run command uses them, and /metrics reads the
        // JVM's own beans, not these.
        org.apache.tomcat.util.modeler.Registry.disableRegistry();
        DevServer server = start(war, port, "", Map.of(), users == null || users.isBlank() ? null : Path.of(users));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (LifecycleException e) {
                e.printStackTrace();
            }
        }));
        System.out.println();
        System.out.println("wschat is ready at http://localhost:" + server.port() + "/  (pid " + ProcessHandle.current().pid()
                + "; Ctrl+C stops it)" + (users == null || users.isBlank() ? "" : "; sign in as a user of " + users));
        server.tomcat.getServer().await();
    }

    /** The WAR that {@code mvn package} built (failsafe passes its path). */
    public static Path builtWar() {
        return Path.of(System.getProperty("wschat.war", "target/wschat.war"));
    }

    /** The jar {@code mvn package} makes beside the WAR for a stock Tomcat's {@code lib/}: its connector threads. */
    public static Path builtTomcatLib() {
        return builtWar().resolveSibling("wschat-tomcat-lib.jar");
    }
}
