package io.wschat.endpoint;

import io.wschat.support.ChatServer;
import io.wschat.support.ChatServers;
import io.wschat.support.Http;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * The endpoint contract against the built WAR in the server under test when that is another process:
 * Payara Micro 6 (Tyrus in a full Jakarta EE web container, {@code mvn verify -Ppayara}) or the stock
 * Tomcat distribution ({@code -Ptomcat-dist}). In the default build, {@link TomcatEndpointsIT} runs the
 * contract in the embedded Tomcat through Arquillian instead.
 */
@DisabledIfSystemProperty(named = ChatServers.CONTAINER_PROPERTY, matches = "tomcat",
        disabledReason = "TomcatEndpointsIT covers the embedded Tomcat")
class DeployedWarEndpointsIT extends EndpointContract {

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
