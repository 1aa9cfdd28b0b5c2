package io.sessionbench.store.redis;

import io.sessionbench.infra.RedisTarget;
import io.sessionbench.infra.Secret;
import io.sessionbench.metrics.RedisServerView;
import io.sessionbench.store.Layout;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * The least-privilege Redis ACL of each Redis layout: its own key prefix only, no channels, and only the commands its
 * client sends and its Lua scripts run (ACLs apply inside scripts too). Used to create a user per layout, and printed
 * in docs/targets.md as the {@code ACL SETUSER} line to give a production user.
 */
public final class RedisAcl {
    /** What every client needs to connect and what every layout sends: handshake, scripts, listing, the version. */
    private static final List<String> COMMON = List.of("+hello", "+auth", "+ping", "+client|setname", "+info", "+evalsha", "+eval", "+script|load",
            "+scan", "+del", "+exists", "+pexpire", "+zadd", "+zrange", "+zrevrange", "+zrem", "+zcard");
    private static final List<String> HASH = List.of("+hgetall", "+hmget", "+hget", "+hset", "+hexists", "+hstrlen");
    private static final List<String> STRING = List.of("+get", "+set");
    /**
     * What a cluster client adds: the slot map (Jedis asks CLUSTER SLOTS, Lettuce and Redisson CLUSTER NODES, newer
     * clients CLUSTER SHARDS), ASKING after an ASK redirect during a slot migration, and READONLY/READWRITE for reads
     * from replicas.
     */
    private static final List<String> CLUSTER = List.of("+cluster|slots", "+cluster|shards", "+cluster|nodes", "+cluster|myid",
            "+cluster|info", "+asking", "+readonly", "+readwrite");

    private RedisAcl() {
    }

    /** The key prefix of a Redis layout's sessions and user indexes ({@code sh}, {@code sj}, {@code sb}). */
    public static String prefix(Layout layout) {
        return layout.keyPrefix();
    }

    /** The ACL rules after {@code on >password}: {@code resetkeys ~sh:* resetchannels -@all +…}. */
    public static List<String> rules(Layout layout) {
        List<String> r = new ArrayList<>(List.of("resetkeys", "~" + prefix(layout) + ":*", "resetchannels", "-@all"));
        r.addAll(COMMON);
        r.addAll(layout == Layout.REDIS_HASH ? HASH : STRING);
        return r;
    }

    /** {@link #rules(Layout)} plus what a cluster client needs (on every node of the cluster). */
    public static List<String> clusterRules(Layout layout) {
        List<String> r = new ArrayList<>(rules(layout));
        r.addAll(CLUSTER);
        return r;
    }

    /** The rules a cluster adds to {@link #rules(Layout)}, as one line for docs/targets.md. */
    public static String clusterAddition(String user) {
        return "ACL SETUSER " + user + " " + String.join(" ", CLUSTER);
    }

    /** {@code ACL SETUSER <user> on >PASSWORD resetkeys ~sh:* …}, for docs/targets.md and for operators. */
    public static String setUserLine(Layout layout, String user) {
        return "ACL SETUSER " + user + " on >PASSWORD " + String.join(" ", rules(layout));
    }

    /**
     * Creates (or resets) user {@code sessionbench-<layout>} with a fresh random password through {@code admin}, and
     * returns the target as that user.
     */
    public static RedisTarget createUser(RedisTarget admin, Layout layout) {
        return createUser(List.of(admin), rules(layout), layout).get(0);
    }

    /**
     * Creates (or resets) user {@code sessionbench-<layout>} with {@code rules} and one fresh random password on every
     * node of {@code admins} (ACL users are per node, so a cluster needs it on each, replicas included); returns the
     * nodes as that user.
     */
    public static List<RedisTarget> createUser(List<RedisTarget> admins, List<String> rules, Layout layout) {
        String user = "sessionbench-" + layout.label();
        byte[] raw = new byte[16];
        new java.security.SecureRandom().nextBytes(raw);
        Secret password = new Secret(java.util.HexFormat.of().formatHex(raw));
        List<String> args = new ArrayList<>(List.of("reset", "on", ">" + password.value()));
        args.addAll(rules);
        List<RedisTarget> out = new ArrayList<>();
        for (RedisTarget admin : admins) {
            try (Jedis j = RedisServerView.connect(admin)) {
                j.aclSetUser(user, args.toArray(String[]::new));
            } catch (RuntimeException e) {
                throw RedisFailures.translate(e, admin, "ACL SETUSER " + user);
            }
            out.add(new RedisTarget(admin.tls(), admin.host(), admin.port(), user, password, admin.database(), admin.files()));
        }
        return out;
    }
}
