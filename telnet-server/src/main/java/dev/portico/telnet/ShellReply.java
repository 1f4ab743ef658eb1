package dev.portico.telnet;

import java.util.List;

/**
 * What a shell command leaves to print after it ran (commands that stream print as they go and
 * return {@link #NONE}), and whether the session ends.
 */
record ShellReply(List<String> lines, boolean logout) {

    static final ShellReply NONE = new ShellReply(List.of(), false);
    static final ShellReply LOGOUT = new ShellReply(List.of(), true);

    ShellReply {
        lines = List.copyOf(lines);
    }

    static ShellReply of(String... lines) {
        return new ShellReply(List.of(lines), false);
    }

    static ShellReply of(List<String> lines) {
        return new ShellReply(lines, false);
    }
}
