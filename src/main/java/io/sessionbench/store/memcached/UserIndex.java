package io.sessionbench.store.memcached;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A user's session ids, oldest first, as one space-separated ASCII value. */
final class UserIndex {
    private UserIndex() {
    }

    static List<String> decode(byte[] raw) {
        List<String> ids = new ArrayList<>();
        for (String id : new String(raw, StandardCharsets.US_ASCII).split(" ")) {
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        return ids;
    }

    static byte[] encode(List<String> ids) {
        return String.join(" ", ids).getBytes(StandardCharsets.US_ASCII);
    }
}
