package io.sessionbench.store;

import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compact, versioned binary session: magic {@code 'S'}, version byte, then user, created, last access, absolute
 * expiry and length-prefixed UTF-8 attributes. A reader rejects unknown versions instead of misreading them.
 */
public final class BlobSessionCodec implements SessionCodec {
    static final byte MAGIC = 'S';
    static final byte VERSION = 1;

    @Override
    public byte[] encode(Session s) {
        byte[] user = s.userId().getBytes(StandardCharsets.UTF_8);
        int size = 2 + 4 + user.length + 8 * 3 + 4;
        byte[][] parts = new byte[s.attributes().size() * 2][];
        int i = 0;
        for (Map.Entry<String, String> e : s.attributes().entrySet()) {
            parts[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
            parts[i + 1] = e.getValue().getBytes(StandardCharsets.UTF_8);
            size += 8 + parts[i].length + parts[i + 1].length;
            i += 2;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.put(MAGIC).put(VERSION).putInt(user.length).put(user)
                .putLong(s.createdAt()).putLong(s.lastAccess()).putLong(s.absoluteExpiry())
                .putInt(s.attributes().size());
        for (byte[] p : parts) {
            buf.putInt(p.length).put(p);
        }
        return buf.array();
    }

    @Override
    public Session decode(SessionId id, byte[] bytes) {
        if (bytes.length < 2 || bytes[0] != MAGIC) {
            throw corrupt(id, bytes, "it does not start with the session blob marker", null);
        }
        if (bytes[1] != VERSION) {
            throw corrupt(id, bytes, "it is blob format version " + bytes[1] + " and this build reads version " + VERSION, null);
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes, 2, bytes.length - 2);
            String user = string(buf);
            long created = buf.getLong();
            long last = buf.getLong();
            long abs = buf.getLong();
            int n = buf.getInt();
            if (n < 0 || n > bytes.length / 8) {
                throw corrupt(id, bytes, "it claims " + n + " attributes", null);
            }
            Map<String, String> attrs = new LinkedHashMap<>(n * 2);
            for (int k = 0; k < n; k++) {
                attrs.put(string(buf), string(buf));
            }
            if (buf.hasRemaining()) {
                throw corrupt(id, bytes, buf.remaining() + " bytes follow the last attribute", null);
            }
            return new Session(id, user, created, last, abs, attrs);
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw corrupt(id, bytes, "it is truncated or garbled", e);
        }
    }

    private static String string(ByteBuffer buf) {
        int len = buf.getInt();
        if (len < 0 || len > buf.remaining()) {
            throw new IllegalArgumentException("length " + len);
        }
        String s = new String(buf.array(), buf.arrayOffset() + buf.position(), len, StandardCharsets.UTF_8);
        buf.position(buf.position() + len);
        return s;
    }

    private static StoreException.Corrupt corrupt(SessionId id, byte[] bytes, String why, Throwable cause) {
        return new StoreException.Corrupt("session " + id + " holds " + bytes.length + " bytes that are not a readable blob: "
                + why + "; invalidate it", cause);
    }

    @Override
    public String name() {
        return "blob";
    }
}
