package io.wschat.support;

import io.wschat.DevServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR that {@code mvn package} built, as the tests deploy it: exactly what ships. */
public final class Deployments {

    public static final String PUSH_TOKEN = "test-push-token-0123456789";

    /**
     * The README's container-mode {@code web.xml} snippet: BASIC against realm "wschat" (the Payara
     * realm it names; on Tomcat, the host's realm) for {@code /ws/*} and reading {@code /api/*}.
     */
    static final String CONTAINER_MODE_WEB_XML = """
              <security-constraint>
                <web-resource-collection>
                  <web-resource-name>websocket</web-resource-name>
                  <url-pattern>/ws/*</url-pattern>
                </web-resource-collection>
                <web-resource-collection>
                  <web-resource-name>api-read</web-resource-name>
                  <url-pattern>/api/*</url-pattern>
                  <http-method>GET</http-method>
                </web-resource-collection>
                <auth-constraint><role-name>**</role-name></auth-constraint>
              </security-constraint>
              <login-config>
                <auth-method>BASIC</auth-method>
                <realm-name>wschat</realm-name>
              </login-config>
            """;

    private Deployments() {
    }

    public static WebArchive builtWar() {
        return ShrinkWrap.create(ZipImporter.class, "wschat.war")
                .importFrom(DevServer.builtWar().toFile())
                .as(WebArchive.class);
    }

    /**
     * Writes the WAR to {@code target}: as built, or (for {@code container} identity mode on a server
     * in another process) with the README's security constraint added to its {@code web.xml}.
     */
    static void writeWar(Path built, Path target, boolean containerMode) throws IOException {
        if (!containerMode) {
            Files.copy(built, target);
            return;
        }
        WebArchive war = ShrinkWrap.create(ZipImporter.class, "wschat.war").importFrom(built.toFile())
                .as(WebArchive.class);
        String webXml;
        try (InputStream in = war.get("/WEB-INF/web.xml").getAsset().openStream()) {
            webXml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        war.delete("/WEB-INF/web.xml");
        war.addAsWebInfResource(new StringAsset(webXml.replace("</web-app>", CONTAINER_MODE_WEB_XML + "</web-app>")),
                "web.xml");
        war.as(ZipExporter.class).exportTo(target.toFile(), true);
    }
}
