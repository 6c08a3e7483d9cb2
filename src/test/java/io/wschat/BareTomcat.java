package io.wschat;

import io.wschat.tomcat.ConnectorThreads;
import jakarta.websocket.Extension;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.ExpandWar;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * The benchmark's measure of the container alone ({@code src/bench/run --servers wschat,tomcat-bare,node}):
 * the run command's embedded Tomcat, with its JVM options, connector and threads, serving two trivial
 * annotated endpoints instead of the WAR. {@code /ws/chat/{room}} writes one small welcome frame on
 * open and ignores what it receives; {@code /echo} echoes; both decline compression, as wschat does.
 * None of wschat's work runs (origin and limit checks, the registry, the join, presence, history), so
 * a join storm here costs what Tomcat's handshake and one write cost, the part of wschat's storm that
 * no code of the WAR can make cheaper. Unlike wschat, Tomcat keeps a copy of every request header
 * for the connection's lifetime here (see the README's "Where the memory of a connection goes").
 *
 * <p>{@code java -cp <test class path> io.wschat.BareTomcat PORT}: launched like the run command's server
 * ({@link DevServer#launch}), in a JVM of its own.
 */
public final class BareTomcat {

    /**
     * Declines compression, as wschat does unless {@code wschat.permessageDeflate} is on: the benchmark's
     * clients offer it as browsers do, and each connection that accepts it holds a zlib compressor and
     * decompressor.
     */
    public static class NoExtensions extends ServerEndpointConfig.Configurator {
        @Override
        public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
            return List.of();
        }
    }

    /** Accepts {@code wschat.batch}, as the room endpoint does, so that clients offering it are served alike. */
    @ServerEndpoint(value = "/ws/chat/{room}", subprotocols = "wschat.batch", configurator = NoExtensions.class)
    public static class Welcome {
        @OnOpen
        public void open(Session session) {
            session.getAsyncRemote().sendText("{\"type\":\"welcome\",\"epoch\":\"1\"}");
        }

        @OnMessage
        public void ignore(String text) {
        }
    }

    @ServerEndpoint(value = "/echo", configurator = NoExtensions.class)
    public static class Echo {
        @OnMessage
        public String echo(String text) {
            return text;
        }
    }

    private BareTomcat() {
    }

    public static void main(String[] args) throws Exception {
        if (!Boolean.getBoolean(DevServer.SERVE_HERE)) {
            System.exit(DevServer.launch(BareTomcat.class, args));
        }
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        org.apache.tomcat.util.modeler.Registry.disableRegistry(); // as the run command's server does
        Path base = Files.createTempDirectory("bare-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(port);
        ConnectorThreads threads = DevServer.configure(tomcat.getConnector());
        Context context = tomcat.addContext("", null);
        // The WAR's message buffer sizes (its web.xml), and a servlet for the WebSocket filter to stand in front of.
        context.addParameter("org.apache.tomcat.websocket.textBufferSize", "512");
        context.addParameter("org.apache.tomcat.websocket.binaryBufferSize", "16");
        Tomcat.addServlet(context, "default", "org.apache.catalina.servlets.DefaultServlet");
        context.addServletMappingDecoded("/", "default");
        context.addServletContainerInitializer(new WsSci(), Set.of(Welcome.class, Echo.class));
        tomcat.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                tomcat.stop();
                tomcat.destroy();
                threads.stop();
            } catch (LifecycleException e) {
                e.printStackTrace();
            } finally {
                ExpandWar.delete(base.toFile());
            }
        }));
        System.out.println("bare Tomcat is ready at http://localhost:" + tomcat.getConnector().getLocalPort()
                + "/  (pid " + ProcessHandle.current().pid() + ")");
        tomcat.getServer().await();
    }
}
