package io.sessionbench.infra;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A real request to each kind of server, answering with its version: how the local stack knows a server is up, and
 * how the environment record names what it measured. Redis is spoken to in RESP over a plain (or TLS) socket, so a
 * check needs no client library and shows exactly what the server said.
 */
public final class ServerProbes {
    private ServerProbes() {
    }

    /** AUTH + INFO over a socket (TLS when the target is): a real request, and the server's version. */
    public static String redisVersion(RedisTarget t) throws IOException {
        try (Socket s = send(t, "INFO", "server")) {
            String reply = readUntil(s.getInputStream(), "redis_version:", "\r\n");
            if (reply.startsWith("-")) {
                throw new IOException(reply.trim());
            }
            return RedisInfo.version(reply);
        }
    }

    public static String memcachedVersion(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("version\r\n".getBytes(StandardCharsets.US_ASCII));
            String line = readUntil(s.getInputStream(), "VERSION ", "\r\n");
            return line.substring(line.indexOf("VERSION ") + 8).trim();
        }
    }

    /** {@code SELECT 1} and {@code SHOW server_version}; with {@code createDatabase}, creates {@code sessionbench} if missing. */
    public static String postgresVersion(PostgresTarget t, boolean createDatabase) throws IOException {
        Properties props = new Properties();
        props.setProperty("user", t.user());
        props.setProperty("password", t.password().value());
        props.setProperty("connectTimeout", "2");
        try (Connection c = DriverManager.getConnection(t.jdbcUrl(), props); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1")) {
                rs.next();
            }
            if (createDatabase) {
                try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'sessionbench'")) {
                    if (!rs.next()) {
                        st.execute("CREATE DATABASE sessionbench");
                    }
                }
            }
            try (ResultSet rs = st.executeQuery("SHOW server_version")) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** "primary" or "replica" once the node reports {@code cluster_state:ok}, knows all {@code nodes}, and (replicas) is linked. */
    static String clusterReady(RedisTarget t, int nodes) throws IOException {
        String info = command(t, "CLUSTER", "INFO");
        if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + nodes)) {
            throw new IOException("cluster node at " + t.port() + " is not in a healthy " + nodes + "-node cluster yet");
        }
        String replication = command(t, "INFO", "replication");
        if (replication.contains("role:slave")) {
            if (!replication.contains("master_link_status:up")) {
                throw new IOException("cluster replica at " + t.port() + " not linked to its primary yet");
            }
            return "replica";
        }
        return "primary";
    }

    /** A replica's version once its link to the primary is up. */
    static String replicaLinked(RedisTarget t) throws IOException {
        String info = command(t, "INFO", "replication");
        if (!info.contains("master_link_status:up")) {
            throw new IOException("replica at " + t.port() + " not linked to its primary yet");
        }
        return redisVersion(t);
    }

    /** A sentinel's version once it sees {@code master} with 2 replicas and 2 other sentinels. */
    static String sentinelReady(RedisTarget t, String master) throws IOException {
        String reply = command(t, "SENTINEL", "MASTER", master);
        if (!reply.contains("num-slaves\r\n:2") && !reply.contains("num-slaves\r\n$1\r\n2")) {
            throw new IOException("sentinel at " + t.port() + " does not see 2 replicas yet");
        }
        if (!reply.contains("num-other-sentinels\r\n$1\r\n2") && !reply.contains("num-other-sentinels\r\n:2")) {
            throw new IOException("sentinel at " + t.port() + " does not see the 2 other sentinels yet");
        }
        return redisVersion(t);
    }

    /** AUTH and one command over a plain socket; the raw RESP reply (read until the socket has nothing more for 100 ms). */
    static String command(RedisTarget t, String... parts) throws IOException {
        try (Socket s = send(t, parts)) {
            InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n = in.read(buf);
            while (n > 0) {
                out.write(buf, 0, n);
                s.setSoTimeout(100);
                try {
                    n = in.read(buf);
                } catch (java.net.SocketTimeoutException done) {
                    break;
                }
            }
            String reply = out.toString(StandardCharsets.UTF_8);
            if (reply.startsWith("-")) {
                throw new IOException(reply.lines().findFirst().orElse(reply));
            }
            return reply;
        }
    }

    /** Connects to {@code t} and sends AUTH (when it has a password) and one command; the caller reads the replies. */
    private static Socket send(RedisTarget t, String... parts) throws IOException {
        Socket s = socket(t);
        try {
            s.setSoTimeout(2000);
            StringBuilder cmd = new StringBuilder();
            if (t.password().isPresent()) {
                cmd.append(resp("AUTH", t.password().value()));
            }
            cmd.append(resp(parts));
            s.getOutputStream().write(cmd.toString().getBytes(StandardCharsets.UTF_8));
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** A connected socket to {@code t}: TLS with its CA when the target is TLS. */
    private static Socket socket(RedisTarget t) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(t.host(), t.port()), 1000);
        if (!t.tls()) {
            return plain;
        }
        javax.net.ssl.SSLSocketFactory f = t.files() == null ? (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault()
                : t.files().context().getSocketFactory();
        javax.net.ssl.SSLSocket tlsSocket = (javax.net.ssl.SSLSocket) f.createSocket(plain, t.host(), t.port(), true);
        tlsSocket.setSoTimeout(2000);
        tlsSocket.startHandshake();
        return tlsSocket;
    }

    private static String resp(String... parts) {
        StringBuilder b = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            b.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(p).append("\r\n");
        }
        return b.toString();
    }

    private static String readUntil(InputStream in, String marker, String end) throws IOException {
        StringBuilder b = new StringBuilder();
        byte[] buf = new byte[4096];
        while (true) {
            int i = b.indexOf(marker);
            if (i >= 0 && b.indexOf(end, i) >= 0) {
                return b.toString();
            }
            if (b.length() > 0 && b.charAt(0) == '-' && b.indexOf("\r\n") >= 0) {
                return b.toString();
            }
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("connection closed after: " + b);
            }
            b.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
    }
}
