package io.wschat.http;

import io.wschat.config.Settings;
import io.wschat.security.BearerToken;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The push token's check, shared by the operations that need it (push API, drain). */
final class PushToken {

    private PushToken() {
    }

    /** True if the request carries the push token; otherwise answers 403 (no token configured) or 401. */
    static boolean authorized(Settings settings, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String token = settings.pushToken();
        if (token == null) {
            JsonResponses.error(response, HttpServletResponse.SC_FORBIDDEN, "push_disabled",
                    "the push API is off: set " + Settings.PUSH_TOKEN + " (or WSCHAT_PUSH_TOKEN) to a secret"
                            + " and send it as 'Authorization: Bearer <token>'");
            return false;
        }
        if (!new BearerToken(token).accepts(request.getHeader("Authorization"))) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"wschat\"");
            JsonResponses.error(response, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized",
                    "send 'Authorization: Bearer <token>' with the configured push token");
            return false;
        }
        return true;
    }
}
