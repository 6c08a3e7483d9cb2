package io.wschat.support;

import io.wschat.DevServer;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR that {@code mvn package} built, as Arquillian deploys it: exactly what ships. */
public final class Deployments {

    public static final String PUSH_TOKEN = "test-push-token-0123456789";

    private Deployments() {
    }

    public static WebArchive builtWar() {
        return ShrinkWrap.create(ZipImporter.class, "wschat.war")
                .importFrom(DevServer.builtWar().toFile())
                .as(WebArchive.class);
    }
}
