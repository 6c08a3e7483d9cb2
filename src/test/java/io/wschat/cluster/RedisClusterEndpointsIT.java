package io.wschat.cluster;

import io.wschat.endpoint.EndpointContract;
import io.wschat.support.ChatServer;
import io.wschat.support.ChatServers;
import io.wschat.support.Http;
import io.wschat.support.RedisServer;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The endpoint contract on two servers sharing one real Redis: every connection a test opens goes to
 * the other server than the one before, so each test's clients are spread over both, and everything
 * the contract says must hold across servers. The servers run in the build's container (see
 * {@link ChatServers}): two embedded Tomcats by default, two Payara Micros under {@code -Ppayara},
 * two stock Tomcats under {@code -Ptomcat-dist}.
 */
class RedisClusterEndpointsIT extends EndpointContract {

    private static RedisServer redis;
    private static ChatServer a;
    private static ChatServer b;
    private static URL baseA;
    private static URL baseB;
    private final AtomicInteger next = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        ChatServers.Spec spec = ChatServers.spec().with("wschat.layer", "redis", "wschat.redisUrl", redis.url());
        a = ChatServers.start(spec);
        b = ChatServers.start(spec);
        baseA = a.base();
        baseB = b.base();
    }

    @AfterAll
    static void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected URI ws(String path) {
        return Http.ws(next.getAndIncrement() % 2 == 0 ? baseA : baseB, path);
    }

    @Override
    protected Map<String, Integer> rooms() {
        return Http.rooms(next.get() % 2 == 0 ? baseA : baseB);
    }

    @Override
    protected int connections() {
        return Http.health(baseA).integer("connections") + Http.health(baseB).integer("connections");
    }
}
