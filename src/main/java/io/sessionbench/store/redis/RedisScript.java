package io.sessionbench.store.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A Lua script with its SHA-1, so adapters can send {@code EVALSHA} and fall back to {@code EVAL}. */
public record RedisScript(String name, String source, Output output, String sha1) {
    /** What the script returns; the Lettuce and Redisson adapters must know it up front. */
    public enum Output { INTEGER, VALUE, MULTI }

    public static RedisScript of(String name, Output output, String source) {
        return new RedisScript(name, source, output, sha1Hex(source.getBytes(StandardCharsets.UTF_8)));
    }

    public static String sha1Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-1", e);
        }
    }
}
