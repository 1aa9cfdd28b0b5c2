package io.sessionbench.infra;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Redis behind Sentinel: {@code redis-sentinel://[user:password@]host:port[,host:port]/master-name}. */
public record SentinelTarget(List<HostPort> sentinels, String master, String user, Secret password) implements RedisAddress {
    private static final String SCHEME = "redis-sentinel://";

    public static SentinelTarget parse(String text) {
        String t = text.trim();
        String shown = RedisTarget.redactUri(t);
        if (!t.startsWith(SCHEME)) {
            throw new ConfigException("Sentinel URI '" + shown + "' must start with " + SCHEME
                    + " e.g. redis-sentinel://:password@10.0.0.1:26379,10.0.0.2:26379/mymaster");
        }
        String rest = t.substring(SCHEME.length());
        String user = "";
        Secret password = Secret.NONE;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String info = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = info.indexOf(':');
            user = URLDecoder.decode(colon < 0 ? "" : info.substring(0, colon), StandardCharsets.UTF_8);
            password = new Secret(URLDecoder.decode(colon < 0 ? info : info.substring(colon + 1), StandardCharsets.UTF_8));
        }
        int slash = rest.indexOf('/');
        if (slash < 0 || slash == rest.length() - 1) {
            throw new ConfigException("Sentinel URI '" + shown + "' names no master; append /<master-name>");
        }
        return new SentinelTarget(HostPort.parseList("Sentinel URI", rest.substring(0, slash), 26379),
                rest.substring(slash + 1), user, password);
    }

    public String withSecret() {
        String auth = password.isPresent() ? user + ":" + password.value() + "@" : "";
        return SCHEME + auth + String.join(",", sentinels.stream().map(HostPort::toString).toList()) + "/" + master;
    }

    @Override
    public String redacted() {
        return toString();
    }

    /** Sentinel targets here are plain TCP (TLS to Sentinel is not supported yet). */
    @Override
    public boolean tls() {
        return false;
    }

    @Override
    public String toString() {
        String auth = password.isPresent() ? user + ":****@" : "";
        return SCHEME + auth + String.join(",", sentinels.stream().map(HostPort::toString).toList()) + "/" + master;
    }
}
