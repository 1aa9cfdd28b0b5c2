package io.sessionbench.store;

import java.time.Duration;

/**
 * What every backend enforces: sliding idle TTL, optional absolute lifetime, per-user cap, size cap,
 * and whether read-modify-write layouts protect their updates ({@code safeUpdates}) or run naively.
 */
public record SessionPolicy(Duration idleTtl, Duration absoluteLifetime, int maxSessionsPerUser, long maxSessionBytes,
                            boolean safeUpdates) {
    public static final SessionPolicy DEFAULT =
            new SessionPolicy(Duration.ofMinutes(30), Duration.ZERO, 3, 1_500_000, true);

    public SessionPolicy {
        if (idleTtl.toMillis() < 1) {
            throw new IllegalArgumentException("idle TTL must be at least 1 ms, got " + idleTtl);
        }
        if (absoluteLifetime.isNegative()) {
            throw new IllegalArgumentException("absolute lifetime must not be negative, got " + absoluteLifetime);
        }
        if (maxSessionsPerUser < 1) {
            throw new IllegalArgumentException("max sessions per user must be at least 1, got " + maxSessionsPerUser);
        }
        if (maxSessionBytes < 1) {
            throw new IllegalArgumentException("max session bytes must be at least 1, got " + maxSessionBytes);
        }
    }

    public SessionPolicy withIdleTtl(Duration ttl) {
        return new SessionPolicy(ttl, absoluteLifetime, maxSessionsPerUser, maxSessionBytes, safeUpdates);
    }

    public SessionPolicy withSafeUpdates(boolean safe) {
        return new SessionPolicy(idleTtl, absoluteLifetime, maxSessionsPerUser, maxSessionBytes, safe);
    }

    public SessionPolicy withMaxSessionBytes(long bytes) {
        return new SessionPolicy(idleTtl, absoluteLifetime, maxSessionsPerUser, bytes, safeUpdates);
    }

    public SessionPolicy withAbsoluteLifetime(Duration lifetime) {
        return new SessionPolicy(idleTtl, lifetime, maxSessionsPerUser, maxSessionBytes, safeUpdates);
    }

    /** Absolute expiry for a session created at {@code now}, or 0 when there is none. */
    public long absoluteExpiry(long now) {
        return absoluteLifetime.isZero() ? 0 : now + absoluteLifetime.toMillis();
    }

    /** Milliseconds the key should live after activity at {@code now}: the idle TTL, cut short by the absolute expiry. */
    public long ttlMillis(long now, long absoluteExpiry) {
        long idle = idleTtl.toMillis();
        return absoluteExpiry == 0 ? idle : Math.max(0, Math.min(idle, absoluteExpiry - now));
    }

    public void checkSize(SessionId id, long bytes) {
        if (bytes > maxSessionBytes) {
            throw tooLarge(id, bytes);
        }
    }

    public StoreException.TooLarge tooLarge(SessionId id, long bytes) {
        return new StoreException.TooLarge("session " + (id == null ? "(new)" : id) + " would hold " + bytes
                + " bytes of attributes, above the limit of " + maxSessionBytes
                + "; store less or raise max-session-bytes");
    }
}
