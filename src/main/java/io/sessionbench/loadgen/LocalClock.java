package io.sessionbench.loadgen;

/**
 * This machine's wall clock as a generator reads it: the shared start instant, the interval stamps of its histogram
 * log and its {@link ClockOffset} against the Redis server all come from here. {@code
 * SESSIONBENCH_TEST_CLOCK_SKEW_MILLIS} (for tests only) moves it, so a test can give one generator a clock that is wrong
 * by a known amount and check that merged timelines line up by the measured offset, not by the clocks agreeing.
 */
public final class LocalClock {
    public static final String SKEW_ENV = "SESSIONBENCH_TEST_CLOCK_SKEW_MILLIS";
    /** Read on first use, not in a static initializer, so a bad value is one line rather than an initializer error. */
    private static volatile Long skewNanos;

    private LocalClock() {
    }

    static long skew(String millis) {
        if (millis == null || millis.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(millis.trim()) * 1_000_000L;
        } catch (NumberFormatException e) {
            throw new io.sessionbench.infra.ConfigException(SKEW_ENV + "=" + millis + " is not a whole number of milliseconds");
        }
    }

    private static long skewNanos() {
        Long v = skewNanos;
        if (v == null) {
            v = skew(System.getenv(SKEW_ENV));
            skewNanos = v;
        }
        return v;
    }

    /** Now, in nanoseconds since the epoch, on this generator's clock (skewed when a test asks). */
    public static long epochNanos() {
        java.time.Instant now = java.time.Clock.systemUTC().instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() + skewNanos();
    }

    /**
     * How far a test skewed this clock (written to env.json, so such a run can never pass for a real one); a value that
     * is not a number is refused here, which {@code load} checks before anything starts.
     */
    public static long skewMillis() {
        return skewNanos() / 1_000_000L;
    }
}
