package io.wschat.security;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.stream.Collectors;

/**
 * Where a handshake carries its token: {@code Authorization: Bearer ...} (command-line clients), or
 * the {@code access_token} query parameter (browsers, which cannot set headers on a WebSocket; RFC 6750 §2.3).
 */
final class BearerTokens {

    private static final String PREFIX = "Bearer ";

    private BearerTokens() {
    }

    /** The token the request carries, or null if none. */
    static String of(HttpServletRequest request) throws TokenVerifier.Refused {
        String fromHeader = null;
        int headers = 0;
        for (Enumeration<String> e = request.getHeaders("Authorization"); e != null && e.hasMoreElements(); ) {
            String value = e.nextElement();
            headers++;
            if (value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                fromHeader = value.substring(PREFIX.length()).trim();
            } else {
                throw new TokenVerifier.Refused("the Authorization header is not 'Bearer <token>'");
            }
        }
        String[] fromQuery = request.getParameterValues(HandshakeScope.ACCESS_TOKEN);
        int sent = headers + (fromQuery == null ? 0 : fromQuery.length);
        if (sent > 1) {
            throw new TokenVerifier.Refused("send one token, in the Authorization header or the access_token parameter");
        }
        return fromHeader != null ? fromHeader : fromQuery == null ? null : fromQuery[0];
    }

    /** A query string without its {@code access_token} parameters. */
    static String withoutAccessToken(String query) {
        String kept = Arrays.stream(query.split("&"))
                .filter(pair -> !HandshakeScope.ACCESS_TOKEN.equals(parameterName(pair)))
                .collect(Collectors.joining("&"));
        return kept.isEmpty() ? null : kept;
    }

    private static String parameterName(String pair) {
        String raw = pair.split("=", 2)[0];
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw; // a broken escape: not a name the container would decode to access_token either
        }
    }
}
