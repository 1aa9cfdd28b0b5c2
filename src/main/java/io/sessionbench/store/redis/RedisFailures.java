package io.sessionbench.store.redis;

import io.sessionbench.infra.RedisAddress;
import io.sessionbench.store.StoreException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** Maps whatever a Redis client library throws onto the store's typed errors, with a message that says what to do. */
public final class RedisFailures {
    private RedisFailures() {
    }

    /** Runs one command of an adapter, turning the client's failure into the store's typed error (message built only then). */
    static <T> T call(RedisAddress target, String command, byte[] key, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            throw translate(e, target, key == null ? command : command + " " + RedisLayout.string(key));
        }
    }

    /** {@code EVALSHA}, and {@code EVAL} once when the server does not know the script yet (after a restart or flush). */
    static Object evalSha(RedisAddress target, RedisScript script, byte[][] keys, java.util.function.Supplier<Object> evalsha,
                          java.util.function.Supplier<Object> eval) {
        try {
            try {
                return evalsha.get();
            } catch (RuntimeException e) {
                if (!isNoScript(e)) {
                    throw e;
                }
                return eval.get();
            }
        } catch (RuntimeException e) {
            throw translate(e, target, scriptCommand(script, keys));
        }
    }

    /** {@code EVALSHA <script> <first key>}: names the session or user a failed script was working on. */
    private static String scriptCommand(RedisScript script, byte[][] keys) {
        return "EVALSHA " + script.name() + (keys.length == 0 ? "" : " " + RedisLayout.string(keys[0]));
    }

    /** {@link #evalSha} without waiting: the fallback and the translation happen when the reply arrives. */
    static java.util.concurrent.CompletionStage<Object> evalShaAsync(RedisAddress target, RedisScript script, byte[][] keys,
            java.util.function.Supplier<java.util.concurrent.CompletionStage<Object>> evalsha,
            java.util.function.Supplier<java.util.concurrent.CompletionStage<Object>> eval) {
        return evalsha.get()
                .exceptionallyCompose(e -> isNoScript(e) ? eval.get() : java.util.concurrent.CompletableFuture.failedStage(e))
                .exceptionally(e -> {
                    throw translate(unwrap(e), target, scriptCommand(script, keys));
                });
    }

    /** The failure inside a {@link java.util.concurrent.CompletionException}, as a runtime exception. */
    static RuntimeException unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException(rootMessage(t), t);
    }

    public static boolean isNoScript(Throwable t) {
        return messageChainContains(t, "NOSCRIPT");
    }

    public static RuntimeException translate(RuntimeException e, RedisAddress target, String command) {
        if (e instanceof StoreException) {
            return e;
        }
        String where = target.redacted();
        if (messageChainContains(e, "WRONGPASS") || messageChainContains(e, "NOAUTH")
                || messageChainContains(e, "invalid username-password") || messageChainContains(e, "invalid password")) {
            return new StoreException.AuthenticationFailed("Redis at " + where
                    + " refused the credentials; check the user and password in the Redis URI", e);
        }
        if (messageChainContains(e, "NOPERM")) {
            return new StoreException.AuthenticationFailed("Redis at " + where + " does not allow user '" + target.user()
                    + "' to run " + command + " (" + rootMessage(e) + "); grant the command and the key pattern with "
                    + "ACL SETUSER, or run only the layouts this user may use (--layouts)", e);
        }
        if (messageChainContains(e, "WRONGTYPE")) {
            return new StoreException.Corrupt("Redis at " + where + " holds a value of the wrong type for " + command
                    + "; another program wrote it, invalidate the session", e);
        }
        if (hasCause(e, java.security.cert.CertificateException.class) || messageChainContains(e, "PKIX path")
                || messageChainContains(e, "unable to find valid certification path")
                || messageChainContains(e, "No subject alternative") || messageChainContains(e, "No name matching")) {
            return new StoreException.Unavailable("Redis at " + where + " presented a TLS certificate that does not verify ("
                    + rootMessage(e) + "); give the CA that signed it as ?ca=FILE in the rediss:// URI, and connect by a host "
                    + "name or IP address the certificate names", e);
        }
        if (hasCause(e, ConnectException.class) || hasCause(e, UnknownHostException.class)
                || hasCause(e, TimeoutException.class) || looksLikeConnectionProblem(e)) {
            return new StoreException.Unavailable("Redis at " + where + " is unreachable (" + command + ": "
                    + rootMessage(e) + "); " + (target.tls()
                    ? "rediss:// asks for TLS: check that this port offers TLS (use redis:// for a plain port) and that the server runs"
                    : "check that the server runs and the URI is right (a TLS port needs rediss://)"), e);
        }
        for (String code : REFUSALS) {
            if (messageChainContains(e, code)) {
                return new StoreException.Refused("Redis at " + where + " refused " + command + " (" + rootMessage(e)
                        + "); it takes no such command now (a failover, a replica or primary without its replicas, a slot "
                        + "without an owner, or a server still loading): retry later or check the topology", e);
            }
        }
        return new IllegalStateException("Redis at " + where + " failed " + command + ": " + rootMessage(e), e);
    }

    /** Server replies that mean "not now" rather than "wrong": the topology is changing or not ready. */
    private static final List<String> REFUSALS = List.of("NOREPLICAS", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "LOADING");

    /** What the clients throw when the server cannot be reached or does not answer in time (each client names its own). */
    private static final List<Class<? extends Throwable>> CONNECTION_FAILURES = java.util.stream.Stream.concat(
            java.util.Arrays.stream(RedisClientKind.values()).flatMap(k -> k.connectionFailures().stream()),
            java.util.stream.Stream.of(java.io.IOException.class)).toList();

    private static boolean looksLikeConnectionProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (Class<? extends Throwable> c : CONNECTION_FAILURES) {
                if (c.isInstance(t)) {
                    return true;
                }
            }
            // Lettuce rejects commands while disconnected (DisconnectedBehavior.REJECT_COMMANDS) with a plain RedisException.
            if (String.valueOf(t.getMessage()).contains("Currently not connected")) {
                return true;
            }
        }
        return false;
    }

    static boolean messageChainContains(Throwable e, String text) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }

    static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        // Redisson appends the channel, the command and its raw parameters: not for people, and they hold the values
        int channel = m.indexOf(". channel: [");
        return channel < 0 ? m : m.substring(0, channel);
    }
}
