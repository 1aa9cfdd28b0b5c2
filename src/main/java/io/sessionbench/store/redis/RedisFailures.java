package io.sessionbench.store.redis;

import io.sessionbench.infra.RedisTarget;
import io.sessionbench.store.StoreException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/** Maps whatever a Redis client library throws onto the store's typed errors, with a message that says what to do. */
public final class RedisFailures {
    private RedisFailures() {
    }

    public static boolean isNoScript(Throwable t) {
        return messageChainContains(t, "NOSCRIPT");
    }

    public static RuntimeException translate(RuntimeException e, RedisTarget target, String command) {
        if (e instanceof StoreException) {
            return e;
        }
        String where = target.redacted();
        if (messageChainContains(e, "WRONGPASS") || messageChainContains(e, "NOAUTH")
                || messageChainContains(e, "invalid username-password") || messageChainContains(e, "invalid password")) {
            return new StoreException.AuthenticationFailed("Redis at " + where
                    + " refused the credentials; check the user and password in the Redis URI", e);
        }
        if (messageChainContains(e, "WRONGTYPE")) {
            return new StoreException.Corrupt("Redis at " + where + " holds a value of the wrong type for " + command
                    + "; another program wrote it, invalidate the session", e);
        }
        if (hasCause(e, ConnectException.class) || hasCause(e, UnknownHostException.class)
                || hasCause(e, TimeoutException.class) || looksLikeConnectionProblem(e)) {
            return new StoreException.Unavailable("Redis at " + where + " is unreachable (" + command + ": "
                    + rootMessage(e) + "); check that the server runs and the URI is right", e);
        }
        return new IllegalStateException("Redis at " + where + " failed " + command + ": " + rootMessage(e), e);
    }

    private static boolean looksLikeConnectionProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String n = t.getClass().getSimpleName();
            if (n.contains("Connection") || n.contains("Timeout") || n.contains("Closed") || n.contains("Unreachable")
                    || n.contains("NoAvailable") || n.contains("Exhausted")) {
                return true;
            }
            String m = String.valueOf(t.getMessage());
            if (m.contains("Connection refused") || m.contains("Connection closed") || m.contains("Unable to connect")
                    || m.contains("Could not get a resource") || m.contains("Currently not connected")
                    || m.contains("Connection reset")) {
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

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
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
        return nl < 0 ? m : m.substring(0, nl);
    }
}
