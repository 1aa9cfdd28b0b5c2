package io.sessionbench.infra;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A standalone Redis server: {@code redis://[user[:password]@]host[:port][/db]}, or {@code rediss://} for TLS.
 * {@link #toString()} and {@link #redacted()} hide the password.
 */
public record RedisTarget(boolean tls, String host, int port, String user, Secret password, int database) {

    public static RedisTarget parse(String uriText) {
        String shown = redactUri(uriText);
        URI uri;
        try {
            uri = new URI(uriText.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException("Redis URI '" + shown + "' is malformed (" + e.getReason()
                    + "); expected redis://[user:password@]host:port[/db]");
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new ConfigException("Redis URI '" + shown + "' has scheme '" + scheme
                    + "'; use redis:// or rediss:// (TLS), e.g. redis://:password@127.0.0.1:6379/0");
        }
        if (uri.getHost() == null) {
            throw new ConfigException("Redis URI '" + shown + "' has no host; expected redis://[user:password@]host:port[/db]");
        }
        int port = uri.getPort() == -1 ? 6379 : HostPort.port("Redis URI '" + shown + "'", String.valueOf(uri.getPort()));
        String user = "";
        Secret password = Secret.NONE;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = new Secret(decode(info));
            } else {
                user = decode(info.substring(0, colon));
                password = new Secret(decode(info.substring(colon + 1)));
            }
        }
        int db = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                db = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new ConfigException("Redis URI '" + shown + "' names database '" + path.substring(1)
                        + "'; the path must be a database number such as /0");
            }
        }
        return new RedisTarget("rediss".equals(scheme), uri.getHost(), port, user, password, db);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The URI with the password replaced by {@code ****}. */
    public String redacted() {
        String auth = "";
        if (password.isPresent() || !user.isEmpty()) {
            auth = user + (password.isPresent() ? ":****" : "") + "@";
        }
        return (tls ? "rediss://" : "redis://") + auth + host + ":" + port + (database == 0 ? "" : "/" + database);
    }

    /** The full URI including the password: only for handing to a client library or a 0600 file, never for output. */
    public String withSecret() {
        String auth = "";
        if (password.isPresent() || !user.isEmpty()) {
            auth = enc(user) + (password.isPresent() ? ":" + enc(password.value()) : "") + "@";
        }
        return (tls ? "rediss://" : "redis://") + auth + host + ":" + port + (database == 0 ? "" : "/" + database);
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Replaces whatever sits between {@code ://user:} and {@code @} in any URI-like text with {@code ****}. */
    public static String redactUri(String text) {
        if (text == null) {
            return "";
        }
        return text.replaceAll("(://[^/@:\\s]*:)[^@\\s/]*@", "$1****@");
    }

    @Override
    public String toString() {
        return redacted();
    }
}
