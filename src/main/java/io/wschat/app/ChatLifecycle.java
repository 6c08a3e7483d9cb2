package io.wschat.app;

import io.wschat.config.Settings;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.server.ServerContainer;
import java.util.logging.Logger;

/**
 * Starts the web application's chat runtime with it (as a {@code ServletContext} attribute, serving
 * the application's WebSocket endpoints) and stops it when it stops: a drain first (1012), then 1001
 * for any client left.
 */
@WebListener
public class ChatLifecycle implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(ChatLifecycle.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Object container = context.getAttribute(ServerContainer.class.getName());
        if (!(container instanceof ServerContainer serverContainer)) {
            throw new IllegalStateException("this container offers no Jakarta WebSocket ServerContainer");
        }
        Settings settings = Settings.from(context::getInitParameter);
        ChatRuntime runtime = ChatRuntime.start(settings);
        runtime.serve(serverContainer);
        context.setAttribute(ChatRuntime.ATTRIBUTE, runtime);
        LOG.info("wschat started at context path '" + context.getContextPath() + "' with " + settings
                + "; JSON-P " + jsonProvider());
        if (runtime.tokens() != null) {
            // Which keys were read, by what they accept: the settings print no secret or key.
            LOG.info("wschat accepts tokens signed with " + runtime.tokens().algorithms());
        }
    }

    /**
     * Which JSON-P implementation parses client frames, and where from: the WAR carries Parsson for
     * Tomcat, but a Jakarta EE server (Payara) may load its own copy first.
     */
    static String jsonProvider() {
        Class<?> provider = io.wschat.protocol.Json.PROVIDER.getClass();
        java.security.CodeSource source = provider.getProtectionDomain().getCodeSource();
        return provider.getName() + " from " + (source == null ? "the platform" : source.getLocation());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ChatRuntime runtime = ChatRuntime.of(event.getServletContext());
        if (runtime != null) {
            event.getServletContext().removeAttribute(ChatRuntime.ATTRIBUTE);
            runtime.close();
        }
    }
}
