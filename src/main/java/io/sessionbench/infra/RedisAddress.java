package io.sessionbench.infra;

/**
 * What error messages say about a Redis target, whichever way it is reached: one server ({@link RedisTarget}) or a
 * master found through Sentinel ({@link SentinelTarget}). Never the password.
 */
public interface RedisAddress {
    /** The target as a URI with the password replaced by {@code ****}. */
    String redacted();

    /** The ACL user, empty for the default user. */
    String user();

    boolean tls();
}
