package io.sessionbench.infra;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Redis behind Sentinel: {@code redis-sentinel://[user:password@]host:port[,host:port]/master-name}, or
 * {@code rediss-sentinel://…/master-name[?ca=FILE&cert=FILE&key=FILE]} (Lettuce's scheme) when the sentinels and the
 * data nodes all speak TLS, as a TLS deployment with {@code tls-replication yes} runs them.
 */
public record SentinelTarget(List<HostPort> sentinels, String master, String user, Secret password, boolean tls, TlsFiles files)
        implements RedisAddress {
    private static final String SCHEME = "redis-sentinel://";
    private static final String TLS_SCHEME = "rediss-sentinel://";

    public SentinelTarget(List<HostPort> sentinels, String master, String user, Secret password) {
        this(sentinels, master, user, password, false, null);
    }

    public static SentinelTarget parse(String text) {
        String t = text.trim();
        String shown = RedisTarget.redactUri(t);
        boolean tls = t.startsWith(TLS_SCHEME);
        if (!tls && !t.startsWith(SCHEME)) {
            throw new ConfigException("Sentinel URI '" + shown + "' must start with " + SCHEME + " (or " + TLS_SCHEME
                    + " for TLS) e.g. redis-sentinel://:password@10.0.0.1:26379,10.0.0.2:26379/mymaster");
        }
        String rest = t.substring((tls ? TLS_SCHEME : SCHEME).length());
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
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
                rest.substring(slash + 1), user, password, tls, TlsFiles.fromQuery(query, tls, "Sentinel URI '" + shown + "'"));
    }

    public String withSecret() {
        return uri(password.isPresent() ? user + ":" + password.value() + "@" : "");
    }

    @Override
    public String redacted() {
        return toString();
    }

    /** Sentinel {@code h} as a target for one plain command, with this target's password, TLS and files. */
    public RedisTarget node(HostPort h) {
        return new RedisTarget(tls, h.host(), h.port(), "", password, 0, files);
    }

    @Override
    public String toString() {
        return uri(password.isPresent() ? user + ":****@" : "");
    }

    private String uri(String auth) {
        return (tls ? TLS_SCHEME : SCHEME) + auth + String.join(",", sentinels.stream().map(HostPort::toString).toList()) + "/" + master
                + (files == null ? "" : files.query());
    }
}
