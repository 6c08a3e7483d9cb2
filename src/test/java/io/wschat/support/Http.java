package io.wschat.support;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Plain HTTP calls against a deployed server, for tests. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Http() {
    }

    /** {@code ws://host:port/context} + path, from the deployment's base URL. */
    public static URI ws(URL base, String path) {
        String b = base.toString().replaceFirst("^http", "ws");
        if (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        return URI.create(b + path);
    }

    public static URI http(URL base, String path) {
        String b = base.toString();
        if (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        return URI.create(b + path);
    }

    public static HttpResponse<String> get(URL base, String path, String... headers) {
        return send(HttpRequest.newBuilder(http(base, path)).GET(), headers);
    }

    public static HttpResponse<String> post(URL base, String path, String body, String... headers) {
        return send(HttpRequest.newBuilder(http(base, path)).POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    public static Json health(URL base) {
        return Json.parse(get(base, "/health").body());
    }

    public static Map<String, Integer> rooms(URL base) {
        Map<String, Integer> rooms = new LinkedHashMap<>();
        Json.parse(get(base, "/api/rooms").body()).object().getJsonArray("rooms")
                .forEach(v -> rooms.put(v.asJsonObject().getString("name"), v.asJsonObject().getInt("members")));
        return rooms;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, String... headers) {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
