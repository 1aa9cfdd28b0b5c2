package io.sessionbench.calibrate;

import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;

/**
 * A hash tag per Redis Cluster slot: for each slot the first string of 1 to 3 characters of {@code 0-9A-Za-z}, shortest
 * first and in that order, whose CRC16 lands in it. This is the tag redis-benchmark's {@code --cluster} mode writes
 * into a command's {@code {tag}} placeholder (checked at run time against the keys redis-benchmark actually wrote).
 */
final class SlotTags {
    static final int SLOTS = 16384;
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String[] TAGS = build();

    private SlotTags() {
    }

    static String tag(int slot) {
        return TAGS[slot];
    }

    private static String[] build() {
        String[] tags = new String[SLOTS];
        int found = 0;
        for (int length = 1; length <= 3 && found < SLOTS; length++) {
            int n = (int) Math.pow(ALPHABET.length(), length);
            char[] s = new char[length];
            for (int i = 0; i < n && found < SLOTS; i++) {
                for (int p = length - 1, v = i; p >= 0; p--, v /= ALPHABET.length()) {
                    s[p] = ALPHABET.charAt(v % ALPHABET.length());
                }
                int slot = SlotHash.getSlot(new String(s).getBytes(StandardCharsets.UTF_8));
                if (tags[slot] == null) {
                    tags[slot] = new String(s);
                    found++;
                }
            }
        }
        if (found < SLOTS) {
            throw new IllegalStateException("no 3-character tag for " + (SLOTS - found) + " slots");
        }
        return tags;
    }
}
