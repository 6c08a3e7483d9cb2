package io.wschat.support;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WAR in Payara Micro 6, started as its own process as the README tells a user to:
 * {@code java -jar payara-micro.jar --deploy wschat.war --contextroot / --port P --nohazelcast
 * --disablephonehome --prebootcommandfile src/main/payara/pre-boot-commands.asadmin}, with one more
 * pre-boot command that binds the HTTP listener to 127.0.0.1 only. (Not {@code --nocluster}: it
 * takes precedence over {@code --nohazelcast}, so a Hazelcast member still starts, listening on the
 * machine's network address.) Configuration keys are JVM system properties of that process
 * ({@code -Dwschat.historySize=...}), which {@code Settings} reads first.
 *
 * <p>Container identity mode ({@link ChatServers.Spec#users}): a post-boot command file creates a
 * file realm {@code wschat} with the users of the {@code tomcat-users.xml}-style file, and the WAR's
 * {@code web.xml} gets the README's {@code security-constraint} and {@code login-config}.
 *
 * <p>The jar comes from Maven Central through the {@code payara} profile (copied to
 * {@code target/payara-micro.jar}); its path is the system property {@code payara.micro.jar}. Starting
 * takes about 10 s, so tests share one server per class where they can. Its log is kept in
 * {@code target/payara-micro/}. For a test that cuts connections, a {@link TcpRelay} stands in front.
 */
public final class PayaraMicro implements ChatServer {

    public static final String JAR_PROPERTY = "payara.micro.jar";

    /** The pre-boot commands the project ships for Payara (see the README's "Containers"). */
    public static final Path SHIPPED_PRE_BOOT = Path.of("src/main/payara/pre-boot-commands.asadmin");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final ServerProcess process;
    private final int port;
    private final String contextPath;
    private final TcpRelay relay;

    private PayaraMicro(ServerProcess process, int port, String contextPath, TcpRelay relay) {
        this.process = process;
        this.port = port;
        this.contextPath = contextPath;
        this.relay = relay;
    }

    /** Starts on a free port and waits until the application answers. */
    public static PayaraMicro start(ChatServers.Spec spec) {
        return start(spec, ServerProcess.freePort(), List.of(), false);
    }

    /**
     * Starts on {@code port} with extra JVM options for the Payara process (e.g. {@code -Dwschat.layer=redis}
     * for a second node of a cluster); {@code console} sends its log to this process's console instead
     * of a file.
     */
    public static PayaraMicro start(ChatServers.Spec spec, int port, List<String> jvmOptions, boolean console) {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, "target/payara-micro.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found: the payara profile copies it there"
                    + " (mvn -Ppayara verify, or mvn -Ppayara -DskipTests package)");
        }
        try {
            Path dir = Files.createDirectories(Path.of("target", "payara-micro"));
            Path run = Files.createTempDirectory(dir, "run-");
            Path war = run.resolve("wschat.war");
            Deployments.writeWar(spec.war(), war, spec.users() != null);
            List<String> preBoot = new ArrayList<>(Files.readAllLines(SHIPPED_PRE_BOOT));
            // Loopback only: tests (and a developer's run) never listen on the machine's network address.
            preBoot.add("set configs.config.server-config.network-config.network-listeners.network-listener."
                    + "http-listener.address=127.0.0.1");
            Files.write(run.resolve("pre-boot.asadmin"), preBoot);
            List<String> postBoot = spec.users() == null ? List.of() : realmCommands(spec.users(), run);
            Files.write(run.resolve("post-boot.asadmin"), postBoot);

            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx768m");
            command.addAll(jvmOptions);
            Map<String, String> settings = new TreeMap<>(spec.settings());
            if (spec.users() != null) {
                settings.putIfAbsent("wschat.identity", "container");
            }
            settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.addAll(List.of("-jar", jar.toAbsolutePath().toString(),
                    "--deploy", war.toAbsolutePath().toString(),
                    "--contextroot", spec.contextPath().isEmpty() ? "/" : spec.contextPath().substring(1),
                    "--port", String.valueOf(port),
                    "--nohazelcast", "--disablephonehome",
                    "--rootdir", run.resolve("root").toAbsolutePath().toString(),
                    "--prebootcommandfile", run.resolve("pre-boot.asadmin").toAbsolutePath().toString(),
                    "--postbootcommandfile", run.resolve("post-boot.asadmin").toAbsolutePath().toString()));
            ServerProcess process = ServerProcess.start("Payara Micro", command, Map.of(),
                    console ? null : run.resolve("payara.log"));
            PayaraMicro server = new PayaraMicro(process, port, spec.contextPath(),
                    spec.cuttable() ? new TcpRelay(port) : null);
            try {
                process.awaitHealthy(server.url(port, "health"), START_TIMEOUT);
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("Payara Micro did not start", e);
        }
    }

    /** asadmin commands creating the file realm "wschat" with the users (and passwords) of a tomcat-users.xml file. */
    static List<String> realmCommands(Path usersFile, Path run) throws IOException {
        String xml = Files.readString(usersFile);
        Matcher m = Pattern.compile("<user\\s+username=\"([^\"]+)\"\\s+password=\"([^\"]+)\"").matcher(xml);
        List<String> commands = new ArrayList<>();
        Path keyfile = run.resolve("wschat-keyfile").toAbsolutePath();
        commands.add("create-auth-realm --classname com.sun.enterprise.security.auth.realm.file.FileRealm"
                + " --property file=" + keyfile.toString().replace(":", "\\:") + ":jaas-context=fileRealm wschat");
        while (m.find()) {
            // asadmin takes a password only from a password file, never on the command line.
            Path passwordFile = run.resolve("password-" + m.group(1));
            Files.writeString(passwordFile, "AS_ADMIN_USERPASSWORD=" + m.group(2) + "\n");
            commands.add("create-file-user --passwordfile " + passwordFile.toAbsolutePath()
                    + " --authrealmname wschat --groups chat " + m.group(1));
        }
        if (commands.size() == 1) {
            throw new IllegalArgumentException(usersFile + " has no <user username=... password=...> entries");
        }
        return commands;
    }

    @Override
    public String container() {
        return "payara";
    }

    @Override
    public URL base() {
        return url(relay != null ? relay.port() : port, "");
    }

    @Override
    public URL spareBase() {
        return url(port, "");
    }

    @Override
    public void cutConnections() {
        requireRelay().cut();
    }

    @Override
    public void restoreConnections() {
        requireRelay().restore();
    }

    private TcpRelay requireRelay() {
        if (relay == null) {
            throw new IllegalStateException("start the server with Spec.withCuts() to cut its connections");
        }
        return relay;
    }

    /** The server's log so far (a test may check what the server logged). */
    public String log() {
        return process.log();
    }

    /** Stops Payara as an operator would (SIGTERM: undeploys, so clients get 1001), then waits for it. */
    @Override
    public void close() {
        if (relay != null) {
            relay.close();
        }
        process.stop();
    }

    private URL url(int p, String path) {
        try {
            return new URL("http://127.0.0.1:" + p + contextPath + "/" + path);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The run command on Payara Micro ({@code mvn -Ppayara -DskipTests package exec:java@payara}): the WAR
     * at the root context on the given port, Payara's log on the console. {@code -Dwschat.*} options
     * given to Maven are passed on to Payara (configuration keys), and {@code -Dwschat.devUsers=FILE}
     * turns on container identity mode with those users, as on the embedded Tomcat.
     */
    public static void main(String[] args) throws Exception {
        Path war = Path.of(args.length > 0 ? args[0] : "target/wschat.war");
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
        Map<String, String> settings = new TreeMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("wschat.") && !List.of("wschat.port", "wschat.war", "wschat.devUsers").contains(k))
                .forEach(k -> settings.put(k, System.getProperty(k)));
        String users = System.getProperty("wschat.devUsers");
        ChatServers.Spec spec = new ChatServers.Spec(war, "", settings,
                users == null || users.isBlank() ? null : Path.of(users), false);
        PayaraMicro server = start(spec, port, List.of(), true);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println();
        System.out.println("wschat is ready on Payara Micro at http://localhost:" + port + "/  (Ctrl+C stops it)"
                + (spec.users() == null ? "" : "; sign in as a user of " + users));
        server.process.waitFor();
    }
}
