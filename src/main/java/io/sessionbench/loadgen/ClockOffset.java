package io.sessionbench.loadgen;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.metrics.RedisServerView;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.Jedis;

/**
 * This machine's clock against the target Redis server's ({@code TIME}), the one clock every generator can read:
 * offset = server time − the midpoint of the round trip, from the sample with the shortest round trip, whose half is
 * the uncertainty. Generators that agree with the server agree with each other within the sum of their uncertainties.
 */
public record ClockOffset(String server, double offsetMillis, double uncertaintyMillis) {
    private static final int SAMPLES = 9;

    /** Empty when no Redis is among the targets or it cannot be reached. */
    public static Optional<ClockOffset> measure(Endpoints endpoints) {
        if (endpoints.redisServer() == null) {
            return Optional.empty();
        }
        try (Jedis jedis = RedisServerView.connect(endpoints.redisServer())) {
            double bestRtt = Double.MAX_VALUE;
            double offset = Double.NaN;
            for (int i = 0; i < SAMPLES; i++) {
                long before = epochMicros();
                List<String> t = jedis.time();
                long after = epochMicros();
                long server = Long.parseLong(t.get(0)) * 1_000_000L + Long.parseLong(t.get(1));
                if (after - before < bestRtt) {
                    bestRtt = after - before;
                    offset = server - (before + after) / 2.0;
                }
            }
            return Optional.of(new ClockOffset("redis TIME at " + endpoints.redisServer().host() + ":" + endpoints.redisServer().port(),
                    offset / 1000, bestRtt / 2000));
        } catch (RuntimeException unreachable) {
            return Optional.empty();
        }
    }

    private static long epochMicros() {
        return LocalClock.epochNanos() / 1000;
    }
}
