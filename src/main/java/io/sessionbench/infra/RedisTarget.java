package io.sessionbench.infra;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A standalone Redis server: {@code redis://[user[:password]@]host[:port][/db]}, or {@code rediss://} for TLS.
 * {@link #toString()} and {@link #redacted()} hide the password.
 */
public record RedisTarget(boolean tls, String host, int port, String user, Secret password, int database, TlsFiles files)
        implements RedisAddress {

    public RedisTarget(boolean tls, String host, int port, String user, Secret password, int database) {
        this(tls, host, port, user, password, database, null);
    }

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
        if (uri.getHost() == null || (uri.getRawPath() != null && uri.getRawPath().contains("@"))) {
            throw new ConfigException("Redis URI '" + shown + "' " + whyNoHost(uriText.trim()));
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
        return new RedisTarget("rediss".equals(scheme), uri.getHost(), port, user, password, db, tlsFiles(uri, shown));
    }

    /** {@code ?ca=FILE&cert=FILE&key=FILE} of a rediss:// URI; null when none is given. */
    private static TlsFiles tlsFiles(URI uri, String shown) {
        return TlsFiles.fromQuery(uri.getRawQuery(), "rediss".equals(uri.getScheme()), "Redis URI '" + shown + "'");
    }

    /** Names what is wrong with a URI whose host could not be read: an unencoded character, a port that is not a number. */
    private static String whyNoHost(String text) {
        int scheme = text.indexOf("://");
        String rest = scheme < 0 ? text : text.substring(scheme + 3);
        int at = rest.lastIndexOf('@');
        String userInfo = at < 0 ? "" : rest.substring(0, at);
        if (userInfo.contains("/") || userInfo.indexOf('@') >= 0 || userInfo.chars().filter(c -> c == ':').count() > 1) {
            return "has a user or password with an unencoded '/', '@' or ':'; percent-encode them (/ → %2F, @ → %40, : → %3A)";
        }
        String hostPort = rest.substring(at + 1);
        int slash = hostPort.indexOf('/');
        hostPort = slash < 0 ? hostPort : hostPort.substring(0, slash);
        int colon = hostPort.lastIndexOf(':');
        if (colon >= 0 && !hostPort.substring(colon + 1).matches("\\d+")) {
            return "has port '" + hostPort.substring(colon + 1) + "', which is not a number; use e.g. redis://host:6379";
        }
        return "has no host; expected redis://[user:password@]host:port[/db]";
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
        return (tls ? "rediss://" : "redis://") + auth + host + ":" + port + (database == 0 ? "" : "/" + database)
                + (files == null ? "" : files.query());
    }

    /** The full URI including the password: only for handing to a client library or a 0600 file, never for output. */
    public String withSecret() {
        String auth = "";
        if (password.isPresent() || !user.isEmpty()) {
            auth = enc(user) + (password.isPresent() ? ":" + enc(password.value()) : "") + "@";
        }
        return (tls ? "rediss://" : "redis://") + auth + host + ":" + port + (database == 0 ? "" : "/" + database)
                + (files == null ? "" : files.query());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Replaces the password in any URI-like text with {@code ****}: everything from the first {@code :} after
     * {@code ://} (or from {@code ://} when there is no user) to the last {@code @} of the same word, so a password
     * holding an unencoded {@code /}, {@code @} or {@code :} is hidden too (over-redacting rather than leaking).
     */
    public static String redactUri(String text) {
        if (text == null) {
            return "";
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("://(\\S*)@").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String info = m.group(1);
            int colon = info.indexOf(':');
            String user = colon < 0 ? "" : info.substring(0, colon);
            if (user.contains("/")) {
                user = "";
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement("://" + (colon < 0 ? "" : user + ":") + "****@"));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public String toString() {
        return redacted();
    }
}
