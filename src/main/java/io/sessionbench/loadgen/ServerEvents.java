package io.sessionbench.loadgen;

import io.sessionbench.infra.Endpoints;
import io.sessionbench.infra.HostPort;
import io.sessionbench.infra.LocalStack;
import io.sessionbench.infra.RedisTarget;
import io.sessionbench.infra.SentinelTarget;
import io.sessionbench.metrics.RedisServerView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * What the Redis servers said during a fault run, captured as it happened and kept with the run: every Sentinel
 * event ({@code +sdown}, {@code +odown}, {@code +new-epoch}, {@code +switch-master}, {@code +convert-to-slave} …, from a
 * pattern subscription on each sentinel) and, polled every 100 ms on each Redis node, its role (primary, or replica
 * of whom), whether it answers at all, and in a cluster the current epoch and state. A change is an event; the first
 * poll of each node records where it started. Times are seconds into the measurement.
 */
public final class ServerEvents implements AutoCloseable {
    /** One event: seconds into the measurement, where it came from, what it said. */
    public record Event(double seconds, String source, String event) {
    }

    private static final long POLL_NANOS = 100_000_000L;
    private final long origin;
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();
    private final List<JedisPubSub> subscriptions = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopped;

    private ServerEvents(long origin) {
        this.origin = origin;
    }

    /**
     * Starts listening to the sentinels of {@code endpoints} (if any) and polling the Redis nodes ({@code stack}'s, or
     * the endpoints' own); {@code origin} is the measurement's start (System.nanoTime).
     */
    public static ServerEvents start(Endpoints endpoints, LocalStack stack, long origin) {
        ServerEvents e = new ServerEvents(origin);
        SentinelTarget sentinels = endpoints.redisSentinel();
        if (sentinels != null) {
            for (HostPort h : sentinels.sentinels()) {
                e.thread("sentinel " + h.port(), () -> e.listen(h, sentinels));
            }
        }
        List<RedisTarget> nodes = stack != null && !stack.redisNodes().isEmpty() ? stack.redisNodes()
                : !endpoints.redisCluster().isEmpty() ? endpoints.redisCluster()
                : endpoints.redisServer() != null ? List.of(endpoints.redisServer()) : List.of();
        boolean cluster = !endpoints.redisCluster().isEmpty();
        for (RedisTarget n : nodes) {
            e.thread("node " + n.port(), () -> e.poll(n, cluster));
        }
        return e;
    }

    private void thread(String name, Runnable r) {
        Thread t = new Thread(r, "sessionbench-events-" + name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void add(String source, String event) {
        events.add(new Event((System.nanoTime() - origin) / 1e9, source, event));
    }

    private void listen(HostPort h, SentinelTarget s) {
        String source = "sentinel :" + h.port();
        while (!stopped) {
            JedisPubSub sub = new JedisPubSub() {
                @Override
                public void onPMessage(String pattern, String channel, String message) {
                    if (!channel.startsWith("__")) {
                        add(source, channel + " " + message);
                    }
                }
            };
            subscriptions.add(sub);
            try (Jedis j = io.sessionbench.store.redis.SentinelCheck.sentinel(h, s)) {
                if (!stopped) {
                    j.psubscribe(sub, "*");
                }
            } catch (RuntimeException e) {
                if (!stopped) {
                    add(source, "not answering (" + RedisTarget.redactUri(String.valueOf(e.getMessage())) + ")");
                    sleep(POLL_NANOS * 5);
                }
            }
        }
    }

    private void poll(RedisTarget node, boolean cluster) {
        String source = "node :" + node.port();
        String last = null;
        Jedis j = null;
        while (!stopped) {
            long next = System.nanoTime() + POLL_NANOS;
            String now;
            try {
                if (j == null) {
                    j = RedisServerView.connect(node);
                }
                now = state(j, cluster);
            } catch (RuntimeException e) {
                // a killed node refuses; a failover's CLIENT KILL drops the connection once, and the next poll reconnects
                String why = String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                now = "not answering (" + RedisTarget.redactUri(why.length() > 60 ? why.substring(0, 60) + "…" : why) + ")";
                if (j != null) {
                    try {
                        j.close();
                    } catch (RuntimeException ignored) {
                        // already broken
                    }
                    j = null;
                }
            }
            if (!now.equals(last)) {
                add(source, last == null ? "at the start: " + now : now);
                last = now;
            }
            sleep(next - System.nanoTime());
        }
        if (j != null) {
            j.close();
        }
    }

    /** "primary", "replica of :6380 (link up)", with ", cluster epoch 3, state ok" in a cluster. */
    static String state(Jedis j, boolean cluster) {
        List<Object> role = j.role();
        String r = String.valueOf(role.get(0));
        String text = switch (r) {
            case "master" -> "primary";
            case "slave" -> "replica of :" + role.get(2) + " (link " + role.get(3) + ")";
            default -> r;
        };
        if (cluster) {
            String info = j.clusterInfo();
            text += String.format(Locale.ROOT, ", cluster epoch %s, state %s", field(info, "cluster_current_epoch"), field(info, "cluster_state"));
        }
        return text;
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return "?";
    }

    private void sleep(long nanos) {
        if (nanos > 0 && !stopped) {
            try {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops listening and polling; returns the events in time order. */
    public List<Event> stop() {
        stopped = true;
        synchronized (subscriptions) {
            for (JedisPubSub s : subscriptions) {
                try {
                    if (s.isSubscribed()) {
                        s.punsubscribe();
                    }
                } catch (RuntimeException ignored) {
                    // the connection is gone already
                }
            }
        }
        for (Thread t : threads) {
            try {
                t.join(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (events) {
            List<Event> out = new ArrayList<>(events);
            out.sort(java.util.Comparator.comparingDouble(Event::seconds));
            return out;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
