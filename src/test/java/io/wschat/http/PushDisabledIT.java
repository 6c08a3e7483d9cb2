package io.wschat.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.support.ChatServer;
import io.wschat.support.ChatServers;
import io.wschat.support.Http;
import java.net.URL;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The shipped WAR, as is, in the server under test: no push token is configured, so the push API is off. */
class PushDisabledIT {

    @Test
    void pushApiAnswers403AndSaysHowToEnableIt() throws Exception {
        try (ChatServer server = ChatServers.start()) {
            URL base = server.base();
            HttpResponse<String> r = Http.post(base, "/api/rooms/lobby/messages", "{\"message\":\"x\"}",
                    "Authorization", "Bearer anything");
            assertEquals(403, r.statusCode());
            assertTrue(r.body().contains("wschat.pushToken"), r.body());
        }
    }
}
