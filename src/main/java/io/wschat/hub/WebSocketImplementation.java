package io.wschat.hub;

/**
 * Which WebSocket implementation serves the endpoints, for the two things wschat does differently on
 * Tomcat's own and on the others: the opening pings ({@link OpeningPing}) and how the handshake filter
 * hides a header from the upgrade.
 */
public enum WebSocketImplementation {

    /** Tomcat's own ({@code org.apache.tomcat.websocket}). */
    TOMCAT,

    /** Any other: Tyrus in a servlet container (Payara, GlassFish), bare Tyrus, or one not known here. */
    OTHER;

    private static final String TOMCAT_PACKAGE = "org.apache.tomcat.websocket.";

    /** The implementation of a web application's {@code ServerContainer} (or of any of its objects). */
    public static WebSocketImplementation of(Object container) {
        return container != null && container.getClass().getName().startsWith(TOMCAT_PACKAGE) ? TOMCAT : OTHER;
    }
}
