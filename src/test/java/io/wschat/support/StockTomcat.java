package io.wschat.support;

import io.wschat.DevServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The WAR in a stock Tomcat 10.1 (the distribution zip from Maven Central, which the
 * {@code tomcat-dist} profile unpacks), set up step by step as the README's "Deploying to a stock
 * Tomcat 10.1" says: the WAR as {@code webapps/ROOT.war} (or {@code chat.war} for {@code /chat}),
 * configuration keys as {@code -D} options in {@code bin/setenv.sh}, the README's connector in
 * {@code conf/server.xml} (bound to 127.0.0.1 here), started with {@code catalina.sh run}. Each server
 * has a {@code CATALINA_BASE} of its own under {@code target/stock-tomcat/}, with the distribution's
 * {@code conf/} and no other application. Container identity mode: the users file as
 * {@code conf/tomcat-users.xml} (read by the stock {@code UserDatabaseRealm}) and the README's
 * security constraint in the WAR's {@code web.xml}.
 */
public final class StockTomcat extends ProcessChatServer {

    /** Where the distribution is unpacked ({@code CATALINA_HOME}). */
    public static final String HOME_PROPERTY = "tomcat.home";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** The distribution's HTTP connector in its {@code conf/server.xml}. */
    private static final Pattern STOCK_CONNECTOR = Pattern.compile("<Connector port=\"8080\" protocol=\"HTTP/1.1\"[^>]*/>");

    private StockTomcat(ServerProcess process, int port, ChatServers.Spec spec) throws IOException {
        super(process, port, spec);
    }

    public static StockTomcat start(ChatServers.Spec spec) {
        return start(spec, ServerProcess.freePort());
    }

    static StockTomcat start(ChatServers.Spec spec, int port) {
        Path home = Path.of(System.getProperty(HOME_PROPERTY, "target/apache-tomcat")).toAbsolutePath();
        if (!Files.isRegularFile(home.resolve("bin/catalina.sh"))) {
            throw new IllegalStateException(home + " holds no Tomcat: the tomcat-dist profile unpacks it there");
        }
        try {
            Path base = Files.createTempDirectory(Files.createDirectories(Path.of("target", "stock-tomcat")), "run-")
                    .toAbsolutePath();
            for (String dir : List.of("bin", "conf", "logs", "temp", "webapps", "work")) {
                Files.createDirectories(base.resolve(dir));
            }
            try (Stream<Path> conf = Files.list(home.resolve("conf"))) {
                for (Path f : conf.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, base.resolve("conf").resolve(f.getFileName()));
                }
            }
            Path serverXml = base.resolve("conf/server.xml");
            String xml = Files.readString(serverXml);
            Matcher connector = STOCK_CONNECTOR.matcher(xml);
            if (!connector.find()) {
                throw new IllegalStateException("conf/server.xml has not the stock connector any more: update StockTomcat");
            }
            // The README's connector (no connection cap, 512-byte socket buffers, wschat's connector
            // threads from the jar in lib/); loopback only here.
            Files.createDirectories(base.resolve("lib"));
            Files.copy(DevServer.builtTomcatLib(), base.resolve("lib/wschat-tomcat-lib.jar"));
            xml = xml.substring(0, connector.start())
                    + "<Executor className=\"io.wschat.tomcat.ConnectorThreads\" name=\"wschat\" />\n    "
                    + ("<Connector port=\"%d\" address=\"127.0.0.1\" protocol=\"HTTP/1.1\" connectionTimeout=\"20000\""
                    + " redirectPort=\"8443\"\n               maxConnections=\"-1\" socket.appReadBufSize=\"512\""
                    + " socket.appWriteBufSize=\"512\" executor=\"wschat\" />").formatted(port)
                    + xml.substring(connector.end());
            xml = xml.replace("<Server port=\"8005\"", "<Server port=\"-1\""); // no shutdown port: stopped by signal
            Files.writeString(serverXml, xml);
            if (spec.users() != null) {
                Files.copy(spec.users(), base.resolve("conf/tomcat-users.xml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            String warName = spec.contextPath().isEmpty() ? "ROOT.war" : spec.contextPath().substring(1).replace('/', '#') + ".war";
            Deployments.writeWar(spec.war(), base.resolve("webapps").resolve(warName), spec.users() != null);

            Map<String, String> settings = new TreeMap<>(spec.settings());
            if (spec.users() != null) {
                settings.putIfAbsent("wschat.identity", "container");
            }
            List<String> setenv = new ArrayList<>();
            // The README's JVM settings.
            setenv.add("CATALINA_OPTS=\"$CATALINA_OPTS -XX:+UseSerialGC -Xmn16m -Xms64m -Xmx1g\"");
            setenv.add("CATALINA_OPTS=\"$CATALINA_OPTS -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30\"");
            setenv.add("CATALINA_OPTS=\"$CATALINA_OPTS -Dorg.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE=512\"");
            setenv.add("export MALLOC_ARENA_MAX=2");
            // catalina.sh splits CATALINA_OPTS at spaces: a value with one goes in the environment instead.
            settings.forEach((k, v) -> setenv.add(v.matches(".*\\s.*")
                    ? "export " + environmentName(k) + "='" + v + "'"
                    : "CATALINA_OPTS=\"$CATALINA_OPTS -D" + k + "=" + v + "\""));
            Files.write(base.resolve("bin/setenv.sh"), setenv);

            // sh: the zip unpacked by Maven keeps no execute bits. "run" execs java, which gets the SIGTERM.
            ServerProcess process = ServerProcess.start("Tomcat", List.of("sh", home.resolve("bin/catalina.sh").toString(), "run"),
                    Map.of("CATALINA_HOME", home.toString(), "CATALINA_BASE", base.toString(),
                            "JAVA_HOME", System.getProperty("java.home")),
                    base.resolve("logs/catalina.out"));
            StockTomcat server = new StockTomcat(process, port, spec);
            server.awaitStarted(START_TIMEOUT);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("Tomcat did not start", e);
        }
    }

    /** {@code wschat.allowedOrigins} → {@code WSCHAT_ALLOWED_ORIGINS}, as {@code Settings} reads it. */
    static String environmentName(String key) {
        return key.replaceAll("([a-z])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(java.util.Locale.ROOT);
    }

    @Override
    public String container() {
        return "tomcat-dist";
    }

    /**
     * The WAR on a stock Tomcat from the command line, for the benchmark ({@code src/bench/run --servers
     * tomcat-dist}): {@code java -cp <test class path> -Dtomcat.home=DIR [-Dwschat.*=...]
     * io.wschat.support.StockTomcat WAR PORT}. The {@code -Dwschat.*} options become configuration keys
     * in {@code setenv.sh}; the line it prints once Tomcat serves gives Tomcat's own pid.
     */
    public static void main(String[] args) throws Exception {
        Path war = Path.of(args.length > 0 ? args[0] : "target/wschat.war");
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
        Map<String, String> settings = new TreeMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("wschat."))
                .forEach(k -> settings.put(k, System.getProperty(k)));
        StockTomcat server = start(new ChatServers.Spec(war, "", settings, null, false), port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("wschat is ready on a stock Tomcat at http://localhost:" + port + "/  (pid " + server.pid()
                + "; Ctrl+C stops it)");
        server.waitForExit();
    }
}
