package dev.portico.telnet;

import dev.portico.core.Refusal;
import dev.portico.core.fs.FileEntry;
import dev.portico.core.fs.VirtualPath;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Tab completion: the first word against the commands this user may run, later words against paths. */
final class ShellCompletion {

    private ShellCompletion() {}

    static LineEditor.Completion complete(TelnetSession s, String before) {
        int start = before.lastIndexOf(' ') + 1;
        String word = before.substring(start);
        List<String> matches = new ArrayList<>();
        if (before.substring(0, start).isBlank()) {
            for (ShellVerb v : ShellVerb.values()) {
                if (v.row().phases().contains(s.phase()) && v.command().startsWith(word)) matches.add(v.command() + " ");
            }
            return new LineEditor.Completion(start, matches);
        }
        int slash = word.lastIndexOf('/');
        String dirPart = word.substring(0, slash + 1), prefix = word.substring(slash + 1);
        try {
            VirtualPath dir = dirPart.isEmpty() ? s.cwd : ShellFileCommands.path(s, dirPart);
            for (FileEntry e : s.files.list(dir)) {
                if (!e.name().startsWith(prefix) || e.name().startsWith(".") && !prefix.startsWith(".")) continue;
                if (e.name().indexOf(' ') >= 0) continue;      // would need quoting; not offered
                matches.add(dirPart + e.name() + (e.directory() ? "/" : " "));
                if (matches.size() >= 1000) break;
            }
        } catch (IOException | Refusal e) {           // nothing to offer for a path that does not resolve
            return LineEditor.Completion.NONE;
        }
        return new LineEditor.Completion(start, matches);
    }
}
