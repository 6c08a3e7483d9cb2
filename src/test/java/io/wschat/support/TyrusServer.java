package io.wschat.support;

import io.wschat.app.ChatRuntime;
import io.wschat.config.Settings;
import io.wschat.endpoint.BroadcastEndpoint;
import io.wschat.endpoint.DirectEndpoint;
import io.wschat.endpoint.EchoEndpoint;
import io.wschat.endpoint.EchoOnceEndpoint;
import io.wschat.endpoint.RoomChatEndpoint;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import org.glassfish.tyrus.server.Server;

/** The endpoints on a standalone Tyrus server (Grizzly), with a chat runtime of their own. */
public final class TyrusServer implements AutoCloseable {

    private final Server server;
    private final ChatRuntime runtime;
    private final int port;

    private TyrusServer(Server server, ChatRuntime runtime, int port) {
        this.server = server;
        this.runtime = runtime;
        this.port = port;
    }

    public static TyrusServer start(Map<String, String> settings) throws Exception {
        ChatRuntime runtime = ChatRuntime.start(Settings.of(settings));
        int port = freePort();
        Set<Class<?>> endpoints = Set.of(
                RoomChatEndpoint.class, RoomChatEndpoint.WithSlash.class,
                BroadcastEndpoint.class, BroadcastEndpoint.WithSlash.class,
                DirectEndpoint.class, DirectEndpoint.WithSlash.class,
                EchoEndpoint.class, EchoEndpoint.WithSlash.class,
                EchoOnceEndpoint.class, EchoOnceEndpoint.WithSlash.class);
        Server server = new Server("127.0.0.1", port, "/", Map.of(), endpoints);
        try {
            server.start();
        } catch (Exception e) {
            runtime.close();
            throw e;
        }
        return new TyrusServer(server, runtime, port);
    }

    public URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    public ChatRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        runtime.close();
        server.stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
