package dev.portico.core.fs;

import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.List;

/**
 * A path as a user sees it, always absolute inside the user's root: {@code /docs/a.txt}.
 * {@code .} and {@code ..} are resolved here, on the virtual side, and {@code ..} at the root
 * stays at the root, so no virtual path can name anything above it.
 */
public record VirtualPath(List<String> segments) {

    public static final VirtualPath ROOT = new VirtualPath(List.of());

    public VirtualPath {
        segments = List.copyOf(segments);
        for (String s : segments) {
            if (s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0
                    || s.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("bad path segment: " + s);
            }
        }
    }

    /**
     * Resolves what a client typed against this directory. Backslashes count as separators
     * (Windows clients send them); a NUL byte is refused.
     *
     * @throws InvalidPathException for a NUL byte or an empty path
     */
    public VirtualPath resolve(String input) {
        if (input.indexOf('\0') >= 0) throw new InvalidPathException(input.replace('\0', '?'), "NUL byte in path");
        String p = input.replace('\\', '/');
        List<String> out = new ArrayList<>(p.startsWith("/") ? List.of() : segments);
        for (String s : p.split("/")) {
            if (s.isEmpty() || s.equals(".")) continue;
            if (s.equals("..")) {
                if (!out.isEmpty()) out.remove(out.size() - 1);
            } else {
                out.add(s);
            }
        }
        return new VirtualPath(out);
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    /** The last segment, or "/" for the root. */
    public String name() {
        return isRoot() ? "/" : segments.get(segments.size() - 1);
    }

    public VirtualPath parent() {
        return isRoot() ? this : new VirtualPath(segments.subList(0, segments.size() - 1));
    }

    public VirtualPath child(String name) {
        List<String> s = new ArrayList<>(segments);
        s.add(name);
        return new VirtualPath(s);
    }

    @Override
    public String toString() {
        return "/" + String.join("/", segments);
    }
}
