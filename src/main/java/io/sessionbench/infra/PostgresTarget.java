package io.sessionbench.infra;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A Postgres database: a JDBC URL ({@code jdbc:postgresql://host:port/db}) plus user and password, or a libpq URI
 * {@code postgresql://user:password@host:port/db} that is turned into one.
 */
public record PostgresTarget(String jdbcUrl, String user, Secret password) {

    public static PostgresTarget parse(String text, String user, Secret password) {
        String t = text.trim();
        String shown = RedisTarget.redactUri(t);
        if (t.startsWith("jdbc:postgresql://")) {
            if (t.contains("password=")) {
                throw new ConfigException("Postgres URL '" + shown.replaceAll("password=[^&]*", "password=****")
                        + "' carries a password; pass it in SESSIONBENCH_POSTGRES_PASSWORD or a postgresql:// URI instead");
            }
            return new PostgresTarget(t, user == null ? "" : user, password == null ? Secret.NONE : password);
        }
        if (!t.startsWith("postgresql://") && !t.startsWith("postgres://")) {
            throw new ConfigException("Postgres target '" + shown
                    + "' is neither postgresql://user:password@host:port/db nor jdbc:postgresql://host:port/db");
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (URISyntaxException e) {
            throw new ConfigException("Postgres URI '" + shown + "' is malformed (" + e.getReason()
                    + "); expected postgresql://user:password@host:port/db");
        }
        if (uri.getHost() == null) {
            // java.net.URI keeps an authority it cannot read as host:port whole: name the part at fault
            String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
            String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
            int colon = hostPort.lastIndexOf(':');
            if (colon > 0 && !hostPort.endsWith("]")) {
                HostPort.port("Postgres URI '" + shown + "'", hostPort.substring(colon + 1));
            }
            throw new ConfigException("Postgres URI '" + shown + "' has no host" + (hostPort.isEmpty() ? "" : " ('" + hostPort
                    + "' is not one)") + "; expected postgresql://user:password@host:port/db");
        }
        String u = user == null ? "" : user;
        Secret p = password == null ? Secret.NONE : password;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            u = URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8);
            if (colon >= 0) {
                p = new Secret(URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8));
            }
        }
        String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        int port = uri.getPort() == -1 ? 5432 : HostPort.port("Postgres URI '" + shown + "'", String.valueOf(uri.getPort()));
        return new PostgresTarget("jdbc:postgresql://" + uri.getHost() + ":" + port + "/" + db, u, p);
    }

    /** The hosts and ports of the JDBC URL ({@code jdbc:postgresql://h1:5432,h2:5433/db}; 5432 where none is given). */
    public java.util.List<HostPort> hosts() {
        String rest = jdbcUrl.substring("jdbc:postgresql://".length());
        int end = rest.length();
        for (char c : new char[] {'/', '?'}) {
            int i = rest.indexOf(c);
            end = i >= 0 ? Math.min(end, i) : end;
        }
        return rest.substring(0, end).isEmpty() ? java.util.List.of(new HostPort("localhost", 5432))
                : HostPort.parseList("Postgres URL '" + jdbcUrl + "'", rest.substring(0, end), 5432);
    }

    /** {@code postgresql://user:password@host:port/db}, for a 0600 endpoints file only. */
    public String withSecret() {
        String rest = jdbcUrl.substring("jdbc:postgresql://".length());
        String auth = user.isEmpty() ? "" : enc(user) + (password.isPresent() ? ":" + enc(password.value()) : "") + "@";
        return "postgresql://" + auth + rest;
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return jdbcUrl + (user.isEmpty() ? "" : " (user " + user + (password.isPresent() ? ", password ****" : "") + ")");
    }
}
