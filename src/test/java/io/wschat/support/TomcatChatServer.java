package io.wschat.support;

import io.wschat.DevServer;
import java.net.MalformedURLException;
import java.net.URL;
import org.apache.catalina.LifecycleException;

/** The WAR in an embedded Tomcat 10.1 ({@link DevServer}), settings as context-params. */
final class TomcatChatServer implements ChatServer {

    private final DevServer server;
    private final String contextPath;
    private Integer sparePort;

    private TomcatChatServer(DevServer server, String contextPath) {
        this.server = server;
        this.contextPath = contextPath;
    }

    static TomcatChatServer start(ChatServers.Spec spec) {
        try {
            return new TomcatChatServer(DevServer.start(spec.war(), 0, spec.contextPath(), spec.settings(), spec.users()),
                    spec.contextPath());
        } catch (Exception e) {
            throw new IllegalStateException("Tomcat did not start", e);
        }
    }

    @Override
    public String container() {
        return "tomcat";
    }

    @Override
    public URL base() {
        return url(server.port());
    }

    @Override
    public void cutConnections() {
        try {
            server.cutConnections();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void restoreConnections() {
        try {
            server.restoreConnections();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void holdConnections() {
        server.holdConnections();
    }

    @Override
    public void releaseConnections() {
        server.releaseConnections();
    }

    @Override
    public synchronized URL spareBase() {
        if (sparePort == null) {
            sparePort = server.openSparePort();
        }
        return url(sparePort);
    }

    private URL url(int port) {
        try {
            return new URL("http://127.0.0.1:" + port + contextPath + "/");
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String stuckThreads() {
        return StuckThreads.ofThisJvm();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
    }
}
