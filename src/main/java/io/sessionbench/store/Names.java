package io.sessionbench.store;

import java.util.Map;

/** Validation of user ids and attribute names, so no caller-supplied text can form a foreign key or field. */
public final class Names {
    private Names() {
    }

    public static final int MAX_NAME_LENGTH = 128;

    public static String userId(String userId) {
        return check("user id", userId);
    }

    public static String attribute(String name) {
        return check("attribute name", name);
    }

    public static Map<String, String> attributes(Map<String, String> attributes) {
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            attribute(e.getKey());
            if (e.getValue() == null) {
                throw new StoreException.MalformedId("attribute '" + e.getKey() + "' has a null value; store an empty string or remove it");
            }
        }
        return attributes;
    }

    private static String check(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new StoreException.MalformedId(what + " is empty; use 1-" + MAX_NAME_LENGTH + " characters of [A-Za-z0-9_.@-]");
        }
        if (value.length() > MAX_NAME_LENGTH) {
            throw new StoreException.MalformedId(what + " has " + value.length() + " characters; at most " + MAX_NAME_LENGTH + " are allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '@' || c == '-';
            if (!ok) {
                throw new StoreException.MalformedId(what + " has a forbidden character at position " + i
                        + " (code " + (int) c + "); only [A-Za-z0-9_.@-] is allowed");
            }
        }
        return value;
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
