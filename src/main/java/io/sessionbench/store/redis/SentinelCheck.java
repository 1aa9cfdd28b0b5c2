package io.sessionbench.store.redis;

import io.sessionbench.infra.ConfigException;
import io.sessionbench.infra.HostPort;
import io.sessionbench.infra.SentinelTarget;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Asks the sentinels for the master before any client library does, so an unknown master name, sentinels that do
 * not answer, or a wrong password are one line naming the thing, instead of each library's own retry loop.
 */
public final class SentinelCheck {
    private SentinelCheck() {
    }

    /** A plain connection to sentinel {@code h} of {@code s}, with the target's password (the local sentinels require it). */
    public static Jedis sentinel(HostPort h, SentinelTarget s) {
        return new Jedis(new HostAndPort(h.host(), h.port()),
                JedisPort.tls(JedisPort.config("", s.password()).clientName("sessionbench-check"), s.tls(), s.files()).build());
    }

    /** Returns the master's address as the first sentinel that answers reports it. */
    public static HostPort master(SentinelTarget s) {
        List<String> problems = new ArrayList<>();
        for (HostPort h : s.sentinels()) {
            try (Jedis j = sentinel(h, s)) {
                List<String> addr = j.sentinelGetMasterAddrByName(s.master());
                if (addr == null || addr.isEmpty()) {
                    List<String> known = j.sentinelMasters().stream().map(m -> m.get("name")).toList();
                    throw new ConfigException("Sentinel at " + h + " monitors no master named '" + s.master() + "'; it monitors "
                            + (known.isEmpty() ? "none" : String.join(", ", known)) + ": fix the name after the last '/' of the "
                            + "Sentinel URI");
                }
                return new HostPort(addr.get(0), Integer.parseInt(addr.get(1)));
            } catch (ConfigException e) {
                throw e;
            } catch (RuntimeException e) {
                if (RedisFailures.messageChainContains(e, "WRONGPASS") || RedisFailures.messageChainContains(e, "NOAUTH")
                        || RedisFailures.messageChainContains(e, "invalid password")) {
                    throw RedisFailures.translate(e, s, "SENTINEL");
                }
                problems.add(h + ": " + RedisFailures.rootMessage(e));
            }
        }
        throw new ConfigException("no sentinel of " + s + " answered (" + String.join("; ", problems)
                + "); check the addresses and that the sentinels run");
    }

}
