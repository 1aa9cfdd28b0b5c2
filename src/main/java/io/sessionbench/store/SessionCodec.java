package io.sessionbench.store;

/** Turns a whole session into the bytes a read-modify-write layout stores, and back. */
public interface SessionCodec {
    byte[] encode(Session session);

    /** Decodes stored bytes; throws {@link StoreException.Corrupt} naming the session when they cannot be read. */
    Session decode(SessionId id, byte[] bytes);

    /** Short name used in layout names and results, e.g. {@code json}. */
    String name();
}
