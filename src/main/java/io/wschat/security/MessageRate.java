package io.wschat.security;

import java.util.function.LongSupplier;

/**
 * One connection's inbound message allowance: a token bucket plus a count of refusals.
 *
 * <p>The bucket holds up to {@code burst} tokens and refills at {@code perSecond}; each message takes
 * one. A message finding the bucket empty is refused (the client gets a {@code rate_limited} error
 * frame) and counts a strike. A client that keeps flooding reaches {@code strikes} and is closed with
 * 1008; strikes are forgiven once the client pauses long enough for the bucket to refill completely,
 * so an occasional burst over the limit never adds up to a close.
 *
 * <p>Only the connection's own reader thread calls {@link #take}, so no synchronisation is needed.
 */
public final class MessageRate {

    /** What to do with a message. */
    public enum Verdict { ACCEPT, REFUSE, CLOSE }

    private final double perNano;
    private final int burst;
    private final int maxStrikes;
    private final LongSupplier nanoClock;
    private double tokens;
    private long last;
    private int strikes;

    public MessageRate(double perSecond, int burst, int maxStrikes, LongSupplier nanoClock) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.maxStrikes = maxStrikes;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.last = nanoClock.getAsLong();
    }

    public Verdict take() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= burst) {
            strikes = 0; // the client paused long enough for a full refill: forgive
        }
        if (tokens >= 1) {
            tokens -= 1;
            return Verdict.ACCEPT;
        }
        return ++strikes >= maxStrikes ? Verdict.CLOSE : Verdict.REFUSE;
    }
}
