package io.sessionbench.infra;

import java.util.ArrayList;
import java.util.List;

/** A host and port, parsed from {@code host:port} with a readable error. */
public record HostPort(String host, int port) {
    public static HostPort parse(String what, String text, int defaultPort) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new ConfigException(what + " has an empty host; expected host:port");
        }
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            return new HostPort(t, defaultPort);
        }
        String host = t.substring(0, colon);
        if (host.isEmpty()) {
            throw new ConfigException(what + " '" + t + "' has no host; expected host:port");
        }
        return new HostPort(host, port(what, t.substring(colon + 1)));
    }

    public static List<HostPort> parseList(String what, String text, int defaultPort) {
        List<HostPort> out = new ArrayList<>();
        for (String part : text.split(",")) {
            out.add(parse(what, part, defaultPort));
        }
        return List.copyOf(out);
    }

    static int port(String what, String digits) {
        try {
            int p = Integer.parseInt(digits);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new ConfigException(what + " has port '" + digits + "'; a port is a number from 1 to 65535");
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
