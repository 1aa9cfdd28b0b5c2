package io.sessionbench.store.redis;

import io.sessionbench.store.redis.RedisScript.Output;

/**
 * The Lua the Redis layouts run. A user's index is a sorted set of session ids scored by creation order. The
 * create, listing and invalidate-all scripts derive session keys from index members: one step on a single server, and
 * on a Redis Cluster only when the {@link KeyDesign} puts a user's sessions in the slot of their index; otherwise
 * {@link RedisLayout} runs the per-slot scripts at the end of this class step by step.
 */
final class RedisScripts {
    private RedisScripts() {
    }

    /**
     * The session key of index member {@code sid}, from the index key, for every {@link KeyDesign}: {@code <p>:u:{user}}
     * gives {@code <p>:{sid}}, and {@code <p>:{T}:u:user} gives {@code <p>:{T}:sid} (tags and ids hold no ':').
     */
    private static final String SESSION_KEY = """
            local function skey(index, sid)
              local i = string.find(index, ':u:', 1, true)
              if string.sub(index, i - 1, i - 1) == '}' then return string.sub(index, 1, i) .. sid end
              return string.sub(index, 1, i) .. '{' .. sid .. '}'
            end
            """;

    /** Common create arguments: ARGV[1] id, ARGV[2] now (ms), ARGV[3] ttl (ms), ARGV[4] cap; layouts append theirs. */
    private static final String INDEX_AND_EVICT = SESSION_KEY + """
            local function index_and_evict(index, id, now, cap)
              local top = redis.call('ZREVRANGE', index, 0, 0, 'WITHSCORES')
              local score = now
              if top[2] and tonumber(top[2]) >= score then score = tonumber(top[2]) + 1 end
              redis.call('ZADD', index, score, id)
              for _, sid in ipairs(redis.call('ZRANGE', index, 0, -1)) do
                if redis.call('EXISTS', skey(index, sid)) == 0 then redis.call('ZREM', index, sid) end
              end
              local n = redis.call('ZCARD', index)
              local evicted = {}
              if n > cap then
                for _, sid in ipairs(redis.call('ZRANGE', index, 0, n - cap - 1)) do
                  redis.call('DEL', skey(index, sid))
                  redis.call('ZREM', index, sid)
                  evicted[#evicted + 1] = sid
                end
              end
              return evicted
            end
            """;

    /** Hash create: ARGV[5] user, ARGV[6] absolute expiry, ARGV[7] attribute bytes, ARGV[8..] name/value pairs. */
    private static final String HASH_BODY = """
            redis.call('HSET', KEYS[1], '#u', ARGV[5], '#c', ARGV[2], '#a', ARGV[2], '#x', ARGV[6], '#z', ARGV[7])
            for i = 8, #ARGV, 200 do
              redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 199, #ARGV)))
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            """;
    private static final String INDEX_CALL = "return index_and_evict(KEYS[2], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[4]))\n";

    static final RedisScript HASH_CREATE = RedisScript.of("hash-create", Output.MULTI, INDEX_AND_EVICT + HASH_BODY + INDEX_CALL);

    /** {@link #HASH_CREATE} without the index (same arguments, KEYS[1] only): the first step of a cross-slot create. */
    static final RedisScript HASH_WRITE = RedisScript.of("hash-write", Output.MULTI, HASH_BODY + "return {}\n");

    private static final String STRING_BODY = "redis.call('SET', KEYS[1], ARGV[5], 'PX', ARGV[3])\n";

    /** String create: ARGV[5] the encoded session. */
    static final RedisScript STRING_CREATE = RedisScript.of("string-create", Output.MULTI, INDEX_AND_EVICT + STRING_BODY + INDEX_CALL);

    /** {@link #STRING_CREATE} without the index (same arguments, KEYS[1] only). */
    static final RedisScript STRING_WRITE = RedisScript.of("string-write", Output.MULTI, STRING_BODY + "return {}\n");

    /**
     * Hash partial update: ARGV[1] now, ARGV[2] idle ttl, ARGV[3] max bytes, ARGV[4..] pairs.
     * Returns 1 written, 0 session gone (nothing written), -1 over the size cap (nothing written), -2 no metadata.
     */
    static final RedisScript HASH_SET = RedisScript.of("hash-set", Output.INTEGER, """
            local meta = redis.call('HMGET', KEYS[1], '#z', '#x')
            if not meta[1] then
              if redis.call('EXISTS', KEYS[1]) == 1 then return -2 end
              return 0
            end
            local now = tonumber(ARGV[1])
            local size = tonumber(meta[1])
            local abs = tonumber(meta[2]) or 0
            if abs > 0 and abs <= now then redis.call('DEL', KEYS[1]) return 0 end
            for i = 4, #ARGV, 2 do
              if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
                size = size - redis.call('HSTRLEN', KEYS[1], ARGV[i])
              else
                size = size + #ARGV[i]
              end
              size = size + #ARGV[i + 1]
            end
            if size > tonumber(ARGV[3]) then return -1 end
            for i = 4, #ARGV, 200 do
              redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 199, #ARGV)))
            end
            redis.call('HSET', KEYS[1], '#z', size, '#a', ARGV[1])
            local ttl = tonumber(ARGV[2])
            if abs > 0 then ttl = math.min(ttl, abs - now) end
            redis.call('PEXPIRE', KEYS[1], ttl)
            return 1
            """);

    /**
     * Hash request and touch: ARGV[1] now, ARGV[2] idle ttl, ARGV[3..] attribute names to read.
     * Returns {0} when gone, else {1, value…} after renewing the TTL and last access.
     */
    static final RedisScript HASH_REQUEST = RedisScript.of("hash-request", Output.MULTI, """
            local x = redis.call('HGET', KEYS[1], '#x')
            if not x then return {0} end
            local now = tonumber(ARGV[1])
            local abs = tonumber(x)
            if abs > 0 and abs <= now then redis.call('DEL', KEYS[1]) return {0} end
            local out = {1}
            if #ARGV >= 3 then
              local vals = redis.call('HMGET', KEYS[1], unpack(ARGV, 3))
              for i = 1, #vals do out[i + 1] = vals[i] end
            end
            redis.call('HSET', KEYS[1], '#a', ARGV[1])
            local ttl = tonumber(ARGV[2])
            if abs > 0 then ttl = math.min(ttl, abs - now) end
            redis.call('PEXPIRE', KEYS[1], ttl)
            return out
            """);

    /** String request: GET and renew in one round trip. ARGV[1] idle ttl. */
    static final RedisScript STRING_REQUEST = RedisScript.of("string-request", Output.VALUE, """
            local v = redis.call('GET', KEYS[1])
            if v then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return v
            """);

    /** String touch: ARGV[1] idle ttl; 1 renewed, 0 gone. */
    static final RedisScript STRING_TOUCH = RedisScript.of("string-touch", Output.INTEGER, """
            return redis.call('PEXPIRE', KEYS[1], ARGV[1])
            """);

    /**
     * String compare-and-set: ARGV[1] SHA-1 of the value read, ARGV[2] new value, ARGV[3] ttl.
     * Returns 1 written, 0 gone (nothing written), -1 changed since read (retry).
     */
    static final RedisScript STRING_CAS = RedisScript.of("string-cas", Output.INTEGER, """
            local cur = redis.call('GET', KEYS[1])
            if not cur then return 0 end
            if redis.sha1hex(cur) ~= ARGV[1] then return -1 end
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            return 1
            """);

    /** Removes every session in a user's index and the index; returns how many sessions existed. */
    static final RedisScript INVALIDATE_ALL = RedisScript.of("invalidate-all", Output.INTEGER, SESSION_KEY + """
            local n = 0
            for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
              n = n + redis.call('DEL', skey(KEYS[1], sid))
            end
            redis.call('DEL', KEYS[1])
            return n
            """);

    /** A user's live session ids, oldest first; prunes index entries whose session expired. */
    static final RedisScript SESSIONS = RedisScript.of("sessions", Output.MULTI, SESSION_KEY + """
            local live = {}
            for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
              if redis.call('EXISTS', skey(KEYS[1], sid)) == 1 then live[#live + 1] = sid
              else redis.call('ZREM', KEYS[1], sid) end
            end
            return live
            """);

    // ---- per-slot steps, for key designs whose sessions and index sit in different Cluster slots ----------------

    /** The members of an index, oldest first. */
    static final RedisScript INDEX_MEMBERS = RedisScript.of("index-members", Output.MULTI, """
            return redis.call('ZRANGE', KEYS[1], 0, -1)
            """);

    /** 1 when KEYS[1] exists, else 0. */
    static final RedisScript EXISTS = RedisScript.of("exists", Output.INTEGER, """
            return redis.call('EXISTS', KEYS[1])
            """);

    /**
     * Adds ARGV[1] (created ARGV[2], cap ARGV[3]) to index KEYS[1] after removing the members ARGV[4..] the caller found
     * gone; returns the members beyond the cap, removed from the index, whose sessions the caller then deletes.
     */
    static final RedisScript INDEX_ADD = RedisScript.of("index-add", Output.MULTI, """
            for i = 4, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end
            local top = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            local score = tonumber(ARGV[2])
            if top[2] and tonumber(top[2]) >= score then score = tonumber(top[2]) + 1 end
            redis.call('ZADD', KEYS[1], score, ARGV[1])
            local n = redis.call('ZCARD', KEYS[1])
            local cap = tonumber(ARGV[3])
            local evicted = {}
            if n > cap then
              evicted = redis.call('ZRANGE', KEYS[1], 0, n - cap - 1)
              redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - cap - 1)
            end
            return evicted
            """);

    /** Removes the members ARGV[1..] from index KEYS[1]; returns how many were there. */
    static final RedisScript INDEX_REMOVE = RedisScript.of("index-remove", Output.INTEGER, """
            local n = 0
            for i = 1, #ARGV do n = n + redis.call('ZREM', KEYS[1], ARGV[i]) end
            return n
            """);
}
