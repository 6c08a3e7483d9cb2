package io.wschat.http;

import io.wschat.app.ChatRuntime;
import io.wschat.config.Settings;
import io.wschat.security.BearerToken;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code GET /metrics}: every meter in the Prometheus text format, for Prometheus to scrape.
 *
 * <p>Who may read it: with {@code wschat.metricsToken} set, whoever sends it as a bearer token; without
 * one, only clients on this machine (a loopback address). A request that came through a reverse
 * proxy on this machine also has a loopback address, so one that carries a proxy's forwarding
 * header ({@code X-Forwarded-For}, {@code X-Real-IP}, {@code Forwarded}) is not taken for local.
 */
@WebServlet("/metrics")
public class MetricsServlet extends HttpServlet {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final List<String> FORWARDING_HEADERS = List.of("X-Forwarded-For", "X-Real-IP", "Forwarded");

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ChatRuntime runtime = ChatRuntime.of(getServletContext());
        String token = runtime.settings().metricsToken();
        if (token != null) {
            if (!new BearerToken(token).accepts(request.getHeader("Authorization"))) {
                response.setHeader("WWW-Authenticate", "Bearer realm=\"wschat-metrics\"");
                JsonResponses.error(response, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized",
                        "send 'Authorization: Bearer <token>' with the configured " + Settings.METRICS_TOKEN);
                return;
            }
        } else if (!isLocal(request)) {
            JsonResponses.error(response, HttpServletResponse.SC_FORBIDDEN, "metrics_local_only",
                    "without " + Settings.METRICS_TOKEN + " (or WSCHAT_METRICS_TOKEN) only clients on this machine"
                            + " may read /metrics; set it and send 'Authorization: Bearer <token>'");
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        byte[] body = runtime.metrics().scrape().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    static boolean isLocal(HttpServletRequest request) {
        for (String header : FORWARDING_HEADERS) {
            if (request.getHeader(header) != null) {
                return false;
            }
        }
        return isLoopback(request.getRemoteAddr());
    }

    /** Whether an IP address literal (as {@code getRemoteAddr} gives it) is a loopback address; never asks DNS. */
    static boolean isLoopback(String address) {
        // Only literals reach getByName: an IPv6 one has a colon (no host name has), an IPv4 one is dotted digits.
        if (address == null || !(address.contains(":") || address.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
