package io.sessionbench.infra;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Typed targets for every backend. Each is empty until given by a command-line option, an environment variable
 * ({@link Setting}) or the {@link LocalStack}, in that order of precedence. Redis is one {@link RedisEndpoint}
 * (standalone, Sentinel or cluster), or none. {@link #toString()} redacts passwords.
 */
public record Endpoints(RedisEndpoint redis, PostgresTarget postgres, List<HostPort> memcached) {

    /** Where each target comes from: an environment variable, and the same name in an endpoints file. */
    public enum Setting {
        REDIS_URI("SESSIONBENCH_REDIS_URI", "redis://[user:password@]host:port[/db] (rediss:// for TLS)"),
        REDIS_CLUSTER("SESSIONBENCH_REDIS_CLUSTER", "comma-separated redis:// seed URIs of a Redis Cluster"),
        REDIS_SENTINEL("SESSIONBENCH_REDIS_SENTINEL", "redis-sentinel://[:password@]host:port[,host:port]/master-name"),
        POSTGRES_URI("SESSIONBENCH_POSTGRES_URI", "postgresql://user:password@host:port/db or jdbc:postgresql://host:port/db"),
        POSTGRES_USER("SESSIONBENCH_POSTGRES_USER", "user for a jdbc:postgresql:// URL"),
        POSTGRES_PASSWORD("SESSIONBENCH_POSTGRES_PASSWORD", "password for a jdbc:postgresql:// URL"),
        MEMCACHED("SESSIONBENCH_MEMCACHED", "comma-separated host:port list");

        public final String env;
        public final String help;

        Setting(String env, String help) {
            this.env = env;
            this.help = help;
        }
    }

    public static final Endpoints NONE = new Endpoints(null, null, List.of());

    public Endpoints {
        memcached = List.copyOf(memcached);
    }

    /** How the layouts reach Redis here, if at all. */
    public java.util.Optional<RedisEndpoint> redisEndpoint() {
        return java.util.Optional.ofNullable(redis);
    }

    /** The one Redis server tools talk to directly (INFO, TIME, CONFIG SET), or null: see {@link RedisEndpoint#server()}. */
    public RedisTarget redisServer() {
        return redis == null ? null : redis.server();
    }

    /** The cluster's seeds when Redis is a cluster, else none. */
    public List<RedisTarget> redisCluster() {
        return redis instanceof RedisEndpoint.Cluster c ? c.seeds() : List.of();
    }

    /** The sentinels when Redis is Sentinel-managed, else null. */
    public SentinelTarget redisSentinel() {
        return redis instanceof RedisEndpoint.Sentinel s ? s.sentinels() : null;
    }

    /** Builds targets from settings; later maps win (pass the environment first, then command-line options). */
    @SafeVarargs
    public static Endpoints from(Map<Setting, String>... layers) {
        Map<Setting, String> s = new EnumMap<>(Setting.class);
        for (Map<Setting, String> layer : layers) {
            layer.forEach((k, v) -> {
                if (v != null && !v.isBlank()) {
                    s.put(k, v.trim());
                }
            });
        }
        RedisTarget redis = s.containsKey(Setting.REDIS_URI) ? RedisTarget.parse(s.get(Setting.REDIS_URI)) : null;
        PostgresTarget pg = s.containsKey(Setting.POSTGRES_URI)
                ? PostgresTarget.parse(s.get(Setting.POSTGRES_URI), s.get(Setting.POSTGRES_USER),
                        s.containsKey(Setting.POSTGRES_PASSWORD) ? new Secret(s.get(Setting.POSTGRES_PASSWORD)) : null)
                : null;
        List<HostPort> mc = s.containsKey(Setting.MEMCACHED)
                ? HostPort.parseList("Memcached target", s.get(Setting.MEMCACHED), 11211) : List.of();
        List<RedisTarget> cluster = new ArrayList<>();
        if (s.containsKey(Setting.REDIS_CLUSTER)) {
            for (String seed : s.get(Setting.REDIS_CLUSTER).split(",")) {
                cluster.add(RedisTarget.parse(seed));
            }
        }
        SentinelTarget sentinel = s.containsKey(Setting.REDIS_SENTINEL) ? SentinelTarget.parse(s.get(Setting.REDIS_SENTINEL)) : null;
        // One way to Redis: the cluster when there are seeds, else the Sentinel-managed primary (a server URI beside the
        // sentinels names the primary at the start, as the local Sentinel stack does), else the one server.
        RedisEndpoint endpoint = !cluster.isEmpty() ? new RedisEndpoint.Cluster(cluster)
                : sentinel != null ? new RedisEndpoint.Sentinel(sentinel, redis)
                : redis != null ? new RedisEndpoint.Standalone(redis) : null;
        return new Endpoints(endpoint, pg, mc);
    }

    /** The settings found in an environment map (normally {@code System.getenv()}). */
    public static Map<Setting, String> environment(Map<String, String> env) {
        Map<Setting, String> s = new EnumMap<>(Setting.class);
        for (Setting k : Setting.values()) {
            if (env.get(k.env) != null) {
                s.put(k, env.get(k.env));
            }
        }
        return s;
    }

    public Endpoints withRedis(RedisEndpoint r) {
        return new Endpoints(r, postgres, memcached);
    }

    /** Redis as one server. */
    public Endpoints withRedis(RedisTarget server) {
        return withRedis(new RedisEndpoint.Standalone(server));
    }

    /** Redis as a cluster reached through {@code seeds}. */
    public Endpoints withRedisCluster(List<RedisTarget> seeds) {
        return withRedis(new RedisEndpoint.Cluster(seeds));
    }

    /** Redis as a primary found through {@code sentinels} (none known at the start). */
    public Endpoints withRedisSentinel(SentinelTarget sentinels) {
        return withRedis(new RedisEndpoint.Sentinel(sentinels, null));
    }

    public Endpoints withPostgres(PostgresTarget p) {
        return new Endpoints(redis, p, memcached);
    }

    public Endpoints withMemcached(List<HostPort> m) {
        return new Endpoints(redis, postgres, m);
    }

    public boolean hasRedis() {
        return redis != null;
    }

    /**
     * Writes the targets, secrets included, to a file only the owner can read, so forked benchmark JVMs get them
     * without passwords appearing on a command line or in JMH's recorded JVM arguments.
     */
    public void writeSecretFile(Path file) {
        Properties p = new Properties();
        if (redis instanceof RedisEndpoint.Standalone r) {
            p.setProperty(Setting.REDIS_URI.env, r.server().withSecret());
        } else if (redis instanceof RedisEndpoint.Sentinel r) {
            p.setProperty(Setting.REDIS_SENTINEL.env, r.sentinels().withSecret());
            if (r.primary() != null) {
                p.setProperty(Setting.REDIS_URI.env, r.primary().withSecret());
            }
        } else if (redis instanceof RedisEndpoint.Cluster r) {
            p.setProperty(Setting.REDIS_CLUSTER.env, String.join(",", r.seeds().stream().map(RedisTarget::withSecret).toList()));
        }
        if (postgres != null) {
            p.setProperty(Setting.POSTGRES_URI.env, postgres.withSecret());
        }
        if (!memcached.isEmpty()) {
            p.setProperty(Setting.MEMCACHED.env, String.join(",", memcached.stream().map(HostPort::toString).toList()));
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer w = Files.newBufferedWriter(file)) {
                p.store(w, "sessionbench endpoints (contains passwords; deleted after the run)");
            }
        } catch (IOException e) {
            throw new ConfigException("cannot write the endpoints file " + file + ": " + e.getMessage());
        }
    }

    public static Map<Setting, String> readSecretFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("cannot read the endpoints file " + file + " (" + e.getMessage()
                    + "); start benchmarks through 'bench' or set SESSIONBENCH_* variables");
        }
        Map<String, String> asEnv = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> asEnv.put(k, p.getProperty(k)));
        return environment(asEnv);
    }

    /** One line per configured target, passwords redacted. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        if (redis instanceof RedisEndpoint.Standalone r) {
            lines.add("redis     " + r.server().redacted());
        } else if (redis instanceof RedisEndpoint.Sentinel r) {
            if (r.primary() != null) {
                lines.add("redis     " + r.primary().redacted());
            }
            lines.add("sentinel  " + r.sentinels());
        } else if (redis instanceof RedisEndpoint.Cluster r) {
            r.seeds().forEach(seed -> lines.add("cluster   " + seed.redacted()));
        }
        if (!memcached.isEmpty()) {
            lines.add("memcached " + String.join(",", memcached.stream().map(HostPort::toString).toList()));
        }
        if (postgres != null) {
            lines.add("postgres  " + postgres);
        }
        return lines;
    }

    @Override
    public String toString() {
        return String.join("; ", describe());
    }
}
