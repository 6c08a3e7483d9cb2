package io.wschat.http;

import io.wschat.protocol.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes the HTTP resources' JSON answers. */
final class JsonResponses {

    private JsonResponses() {
    }

    static JsonObjectBuilder object() {
        return Json.BUILDERS.createObjectBuilder();
    }

    static void send(HttpServletResponse response, int status, JsonObject body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(body.toString());
    }

    static void error(HttpServletResponse response, int status, String code, String detail) throws IOException {
        send(response, status, object().add("error", code).add("detail", detail).build());
    }
}
