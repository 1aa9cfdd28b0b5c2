package io.sessionbench.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Session as a JSON object {@code {"u":…,"c":…,"a":…,"x":…,"attrs":{…}}}, as connect-redis stores it. */
public final class JsonSessionCodec implements SessionCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    record Stored(String u, long c, long a, long x, Map<String, String> attrs) {
    }

    @Override
    public byte[] encode(Session s) {
        try {
            return MAPPER.writeValueAsBytes(new Stored(s.userId(), s.createdAt(), s.lastAccess(), s.absoluteExpiry(),
                    new LinkedHashMap<>(s.attributes())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode session " + s.id() + " as JSON", e);
        }
    }

    @Override
    public Session decode(SessionId id, byte[] bytes) {
        Stored st;
        try {
            st = MAPPER.readValue(bytes, Stored.class);
        } catch (IOException e) {
            throw new StoreException.Corrupt("session " + id + " holds " + bytes.length
                    + " bytes that are not a valid JSON session (" + firstLine(e) + "); invalidate it", e);
        }
        if (st == null || st.u() == null || st.attrs() == null) {
            throw new StoreException.Corrupt("session " + id + " holds JSON without the fields u and attrs; invalidate it", null);
        }
        return new Session(id, st.u(), st.c(), st.a(), st.x(), st.attrs());
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public String name() {
        return "json";
    }
}
