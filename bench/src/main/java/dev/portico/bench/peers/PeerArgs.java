package dev.portico.bench.peers;

import java.util.HashMap;
import java.util.Map;

/** {@code --key value} pairs of a peer launcher. */
final class PeerArgs {
    private PeerArgs() {
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --key value, got " + args[i]);
            }
            m.put(args[i].substring(2), args[i + 1]);
        }
        return m;
    }
}
