package io.wschat.security;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a browser page from a given {@code Origin} may open a WebSocket here.
 *
 * <p>Why: browsers send cookies and HTTP authentication with cross-site WebSocket handshakes and
 * apply no same-origin policy to them, so without this check any page on the web could talk to the
 * server as its visitors (cross-site WebSocket hijacking). Containers accept every Origin by default.
 *
 * <p>With no configured list, only the server's own origin passes: the Origin's host and port must
 * be those of the request's {@code Host} header (as Django's {@code AllowedHostsOriginValidator}
 * does). A configured list replaces that rule: exactly the listed origins pass ({@code *} = any), so
 * a deployment that lists its public origin is also safe from DNS rebinding, where Host is the
 * attacker's name too. Non-browser clients send no Origin; they pass only if configured to.
 */
public final class OriginPolicy {

    private final List<String> allowed;
    private final boolean allowMissing;

    public OriginPolicy(List<String> allowedOrigins, boolean allowMissing) {
        this.allowed = allowedOrigins.stream().map(OriginPolicy::normalize).toList();
        this.allowMissing = allowMissing;
    }

    /** Empty if the handshake may proceed, else why it may not (for the log and the 403 body). */
    public Optional<String> refusal(String origin, String hostHeader) {
        if (origin == null || origin.isBlank()) {
            return allowMissing ? Optional.empty()
                    : Optional.of("no Origin header; set wschat.allowMissingOrigin=true to admit non-browser clients");
        }
        if (allowed.contains("*")) {
            return Optional.empty();
        }
        if (allowed.isEmpty()) {
            return sameOrigin(origin, hostHeader) ? Optional.empty()
                    : Optional.of("Origin '" + origin + "' is not this server's origin (Host: " + hostHeader
                            + "); add it to wschat.allowedOrigins (comma-separated) to allow it");
        }
        return allowed.contains(normalize(origin)) ? Optional.empty()
                : Optional.of("Origin '" + origin + "' is not in wschat.allowedOrigins " + allowed
                        + "; add it there to allow it");
    }

    /** Origin host and port equal the Host header's (a Host without port matches the Origin scheme's default port). */
    static boolean sameOrigin(String origin, String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        Endpoint o = Endpoint.ofOrigin(origin);
        if (o == null) {
            return false;
        }
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        int port = -1;
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) { // not the colons inside an IPv6 literal
            try {
                port = Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
            host = host.substring(0, colon);
        }
        return o.host().equals(host) && (port == -1 ? o.port() == o.defaultPort() : o.port() == port);
    }

    /** {@code https://Chat.Example.com:443/} → {@code https://chat.example.com}; anything unparsable stays as given. */
    static String normalize(String origin) {
        if (origin.equals("*")) {
            return origin;
        }
        Endpoint e = Endpoint.ofOrigin(origin);
        if (e == null) {
            return origin.trim();
        }
        return e.scheme() + "://" + e.host() + (e.port() == e.defaultPort() ? "" : ":" + e.port());
    }

    private record Endpoint(String scheme, String host, int port) {

        int defaultPort() {
            return scheme.equals("https") || scheme.equals("wss") ? 443 : 80;
        }

        /** Parses {@code scheme://host[:port]}; null for anything else (including "null" and paths). */
        static Endpoint ofOrigin(String origin) {
            try {
                URI uri = new URI(origin.trim());
                if (uri.getScheme() == null || uri.getHost() == null || uri.getRawUserInfo() != null
                        || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                    return null;
                }
                String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
                Endpoint e = new Endpoint(scheme, uri.getHost().toLowerCase(Locale.ROOT), uri.getPort());
                return e.port() == -1 ? new Endpoint(scheme, e.host(), e.defaultPort()) : e;
            } catch (java.net.URISyntaxException e) {
                return null;
            }
        }
    }
}
