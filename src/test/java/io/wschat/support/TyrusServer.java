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
import java.util.List;
import java.util.Map;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainerFactory;

/**
 * The endpoints on a standalone Tyrus server (Grizzly), with a chat runtime of their own serving its
 * WebSocket container, as {@code ChatLifecycle} does in a web application. Several can run at once.
 */
public final class TyrusServer implements AutoCloseable {

    private static final List<Class<?>> ENDPOINTS = List.of(
            RoomChatEndpoint.class, RoomChatEndpoint.WithSlash.class,
            BroadcastEndpoint.class, BroadcastEndpoint.WithSlash.class,
            DirectEndpoint.class, DirectEndpoint.WithSlash.class,
            EchoEndpoint.class, EchoEndpoint.WithSlash.class,
            EchoOnceEndpoint.class, EchoOnceEndpoint.WithSlash.class);

    private final TyrusServerContainer container;
    private final ChatRuntime runtime;
    private final int port;

    private TyrusServer(TyrusServerContainer container, ChatRuntime runtime, int port) {
        this.container = container;
        this.runtime = runtime;
        this.port = port;
    }

    public static TyrusServer start(Map<String, String> settings) throws Exception {
        ChatRuntime runtime = ChatRuntime.start(Settings.of(settings));
        TyrusServerContainer container = (TyrusServerContainer) ServerContainerFactory.createServerContainer(Map.of());
        try {
            runtime.serve(container);
            for (Class<?> endpoint : ENDPOINTS) {
                container.addEndpoint(endpoint);
            }
            int port = freePort();
            container.start("/", port);
            return new TyrusServer(container, runtime, port);
        } catch (Exception e) {
            runtime.close();
            container.stop();
            throw e;
        }
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
        container.stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
