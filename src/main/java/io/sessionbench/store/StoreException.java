package io.sessionbench.store;

/** Typed failures of a session store; each message names the problem and what to do about it. */
public abstract sealed class StoreException extends RuntimeException {
    protected StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An id, user id or attribute name that is not well formed; rejected before any round trip. */
    public static final class MalformedId extends StoreException {
        public MalformedId(String message) {
            super(message, null);
        }
    }

    /** A session that would grow beyond the policy's maximum size; nothing was written. */
    public static final class TooLarge extends StoreException {
        public TooLarge(String message) {
            super(message, null);
        }
    }

    /** Bytes stored under a session key that cannot be decoded. */
    public static final class Corrupt extends StoreException {
        public Corrupt(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The server cannot be reached or did not answer in time. */
    public static final class Unavailable extends StoreException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The server answered but will not take the command now: a replica or a demoted primary ({@code READONLY}), a
     * primary without enough replicas ({@code NOREPLICAS}), a cluster without a healthy owner for the slot
     * ({@code CLUSTERDOWN}, {@code TRYAGAIN}), a server still loading its data ({@code LOADING}), {@code MASTERDOWN}.
     */
    public static final class Refused extends StoreException {
        public Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The server refused the credentials. */
    public static final class AuthenticationFailed extends StoreException {
        public AuthenticationFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An optimistic update kept losing to concurrent writers and gave up after its retry budget. */
    public static final class Conflict extends StoreException {
        public Conflict(String message) {
            super(message, null);
        }
    }
}
