package io.wschat.support;

import io.wschat.DevServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
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

    /** The built WAR with extra context-params added to its web.xml (name, value, name, value, ...). */
    public static WebArchive builtWarWith(String... params) {
        WebArchive war = builtWar();
        try {
            String webXml = Files.readString(Path.of("webapp/WEB-INF/web.xml"));
            StringBuilder extra = new StringBuilder();
            for (int i = 0; i + 1 < params.length; i += 2) {
                extra.append("  <context-param><param-name>").append(params[i])
                        .append("</param-name><param-value>").append(params[i + 1])
                        .append("</param-value></context-param>\n");
            }
            war.delete("/WEB-INF/web.xml");
            war.addAsWebInfResource(new StringAsset(webXml.replace("</web-app>", extra + "</web-app>")), "web.xml");
            return war;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
