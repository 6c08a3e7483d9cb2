package io.wschat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschat.config.Settings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The security package's pure decisions, without a server. */
class SecurityUnitsTest {

    @Test
    void bearerTokenAcceptsOnlyTheExactTokenAndComparesInConstantTime() {
        BearerToken t = new BearerToken("s3cret-token");
        assertTrue(t.accepts("Bearer s3cret-token"));
        assertTrue(t.accepts("bearer s3cret-token"), "the scheme is case-insensitive");
        assertFalse(t.accepts("Bearer s3cret-tokeN"));
        assertFalse(t.accepts("Bearer s3cret-token2"));
        assertFalse(t.accepts("Bearer s3cret"));
        assertFalse(t.accepts("Basic s3cret-token"));
        assertFalse(t.accepts(null));
        assertFalse(t.accepts("Bearer "));
    }

    @Test
    void originPolicyDefaultsToTheServersOwnOrigin() {
        OriginPolicy p = new OriginPolicy(List.of(), false);
        assertTrue(p.refusal("http://chat.example.com", "chat.example.com").isEmpty());
        assertTrue(p.refusal("https://chat.example.com", "chat.example.com").isEmpty(), "behind a TLS proxy");
        assertTrue(p.refusal("http://127.0.0.1:8080", "127.0.0.1:8080").isEmpty());
        assertTrue(p.refusal("http://[::1]:8080", "[::1]:8080").isEmpty());
        assertTrue(p.refusal("http://127.0.0.1:8081", "127.0.0.1:8080").isPresent());
        assertTrue(p.refusal("http://chat.example.com.evil.io", "chat.example.com").isPresent());
        assertTrue(p.refusal("http://chat.example.com:8080", "chat.example.com").isPresent());
        assertTrue(p.refusal("null", "chat.example.com").isPresent());
        assertTrue(p.refusal("http://user@chat.example.com", "chat.example.com").isPresent());
        assertTrue(p.refusal(null, "chat.example.com").orElseThrow().contains("wschat.allowMissingOrigin"));
        assertTrue(new OriginPolicy(List.of(), true).refusal(null, "x").isEmpty());
        assertTrue(new OriginPolicy(List.of("*"), false).refusal("http://anything", "x").isEmpty());
    }

    @Test
    void messageRateRefusesOverTheBurstClosesSustainedFloodsAndForgivesPauses() {
        AtomicLong now = new AtomicLong();
        MessageRate r = new MessageRate(10, 3, 2, now::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(MessageRate.Verdict.ACCEPT, r.take());
        }
        assertEquals(MessageRate.Verdict.REFUSE, r.take());
        now.addAndGet(100_000_000L); // 0.1 s: one token
        assertEquals(MessageRate.Verdict.ACCEPT, r.take());
        assertEquals(MessageRate.Verdict.CLOSE, r.take(), "second strike without a pause");

        MessageRate forgiving = new MessageRate(10, 3, 2, now::get);
        for (int i = 0; i < 3; i++) {
            forgiving.take();
        }
        assertEquals(MessageRate.Verdict.REFUSE, forgiving.take());
        now.addAndGet(1_000_000_000L); // a full refill forgives the strike
        for (int i = 0; i < 3; i++) {
            assertEquals(MessageRate.Verdict.ACCEPT, forgiving.take());
        }
        assertEquals(MessageRate.Verdict.REFUSE, forgiving.take());
    }

    @Test
    void connectionLimitsCountPerAddressAndInTotalAndForgetEmptyAddresses() {
        ConnectionLimits l = new ConnectionLimits(3, 2);
        assertEquals(ConnectionLimits.Admission.OK, l.tryOpen("a"));
        assertEquals(ConnectionLimits.Admission.OK, l.tryOpen("a"));
        assertEquals(ConnectionLimits.Admission.TOO_MANY_FROM_ADDRESS, l.tryOpen("a"));
        assertEquals(ConnectionLimits.Admission.TOO_MANY_FROM_ADDRESS, l.check("a"));
        assertEquals(ConnectionLimits.Admission.OK, l.tryOpen("b"));
        assertEquals(ConnectionLimits.Admission.TOO_MANY_IN_TOTAL, l.tryOpen("c"));
        l.release("a");
        l.release("a");
        l.release("b");
        assertEquals(0, l.total());
        assertEquals(0, l.addresses());
    }

    @Test
    void handshakeStampIsBelievedOnlyWithThisServersSecret() {
        HandshakeStamp stamp = new HandshakeStamp();
        assertEquals("10.0.0.7", stamp.address(stamp.stamp("10.0.0.7")));
        assertEquals(null, stamp.address("0000 10.0.0.7"));
        assertEquals(null, new HandshakeStamp().address(stamp.stamp("10.0.0.7")));
        assertEquals(null, stamp.address(null));
    }

    @Test
    void settingsNeverPrintThePushToken() {
        String printed = Settings.of(Map.of("wschat.pushToken", "s3cret-token")).toString();
        assertFalse(printed.contains("s3cret-token"), printed);
        assertTrue(printed.contains("pushToken=(set)"), printed);
        assertTrue(printed.contains("historySize=50"), printed);
    }
}
