package io.wschat.endpoint;

import io.wschat.support.ChatServer;
import io.wschat.support.ChatServers;
import io.wschat.support.Http;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The endpoint contract inside Payara Micro 6 (Tyrus in a full Jakarta EE web container), from the
 * built WAR: runs under {@code mvn verify -Ppayara}. Its Tomcat twin is {@link TomcatEndpointsIT}.
 */
@EnabledIfSystemProperty(named = ChatServers.CONTAINER_PROPERTY, matches = "payara")
class PayaraEndpointsIT extends EndpointContract {

    private static ChatServer server;

    @BeforeAll
    static void start() {
        server = ChatServers.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected URI ws(String path) {
        return server.ws(path);
    }

    @Override
    protected Map<String, Integer> rooms() {
        return Http.rooms(server.base());
    }

    @Override
    protected int connections() {
        return Http.health(server.base()).integer("connections");
    }
}
