package io.wschat.endpoint;

import io.wschat.support.Deployments;
import io.wschat.support.Http;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** The endpoint contract inside Tomcat 10.1, deployed by Arquillian from the built WAR. */
@ExtendWith(ArquillianExtension.class)
class TomcatEndpointsIT extends EndpointContract {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.builtWar();
    }

    @ArquillianResource
    URL base;

    @Override
    protected URI ws(String path) {
        return Http.ws(base, path);
    }

    @Override
    protected Map<String, Integer> rooms() {
        return Http.rooms(base);
    }

    @Override
    protected int connections() {
        return Http.health(base).integer("connections");
    }
}
