package io.wschat.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.DevServer;
import io.wschat.support.Http;
import java.net.URL;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The shipped WAR, as is, on a real Tomcat: no push token is configured, so the push API is off. */
class PushDisabledIT {

    @Test
    void pushApiAnswers403AndSaysHowToEnableIt() throws Exception {
        try (DevServer server = DevServer.start(DevServer.builtWar(), 0, "")) {
            URL base = new URL("http://127.0.0.1:" + server.port() + "/");
            HttpResponse<String> r = Http.post(base, "/api/rooms/lobby/messages", "{\"message\":\"x\"}",
                    "Authorization", "Bearer anything");
            assertEquals(403, r.statusCode());
            assertTrue(r.body().contains("wschat.pushToken"), r.body());
        }
    }
}
