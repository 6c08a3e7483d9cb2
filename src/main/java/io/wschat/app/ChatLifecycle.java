package io.wschat.app;

import io.wschat.config.Settings;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Logger;

/** Starts the chat runtime with the web application and stops it (closing every client with 1001) with it. */
@WebListener
public class ChatLifecycle implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(ChatLifecycle.class.getName());

    private ChatRuntime runtime;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Settings settings = Settings.from(context::getInitParameter);
        runtime = ChatRuntime.start(settings);
        LOG.info("wschat started at context path '" + context.getContextPath() + "' with " + settings);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (runtime != null) {
            runtime.close();
            runtime = null;
        }
    }
}
