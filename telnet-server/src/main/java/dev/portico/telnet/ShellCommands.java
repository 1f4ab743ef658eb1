package dev.portico.telnet;

import dev.portico.core.SessionInfo;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The shell's general commands: help, echo, sleep, date, uptime, whoami, who, resolve, clear, history, logout. */
final class ShellCommands {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:-]{1,253}");
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private ShellCommands() {}

    static ShellReply help(TelnetSession s, String arg) {
        List<String> out = new ArrayList<>();
        out.add("Commands (paths are inside your home directory):");
        for (ShellVerb v : ShellVerb.values()) {
            if (v.usage == null || !v.row().phases().contains(s.phase())) continue;
            out.add(String.format("  %-28s %s", v.usage.length() > 28 ? v.command() + " ..." : v.usage, v.summary));
        }
        out.add("Keys: Tab completes, Up/Down recall, Ctrl-C interrupts, Ctrl-D logs out.");
        return ShellReply.of(out);
    }

    static ShellReply echo(TelnetSession s, String arg) {
        return ShellReply.of(String.join(" ", ShellWords.texts(arg)));
    }

    static ShellReply sleep(TelnetSession s, String arg) {
        List<String> a = ShellWords.texts(arg);
        if (a.size() != 1) return ShellReply.of("usage: sleep SECONDS");
        double seconds;
        try {
            seconds = Double.parseDouble(a.get(0));
        } catch (NumberFormatException e) {
            return ShellReply.of("sleep: not a number: " + a.get(0));
        }
        Duration d = Duration.ofMillis((long) (seconds * 1000));
        if (!(seconds >= 0) || d.compareTo(s.config.maxSleep()) > 0) {
            return ShellReply.of("sleep: at most " + s.config.maxSleep().toSeconds() + " seconds");
        }
        s.pause(d);
        return ShellReply.NONE;
    }

    static ShellReply date(TelnetSession s, String arg) {
        return ShellReply.of(DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.UTC)));
    }

    static ShellReply uptime(TelnetSession s, String arg) {
        Duration up = Duration.between(s.serverStarted, Instant.now());
        return ShellReply.of("up " + human(up) + ", " + s.shared.listening().sessions().size() + " live sessions");
    }

    static String human(Duration d) {
        long sec = d.toSeconds();
        if (sec < 60) return sec + "s";
        if (sec < 3600) return sec / 60 + "m " + sec % 60 + "s";
        if (sec < 86400) return sec / 3600 + "h " + sec / 60 % 60 + "m";
        return sec / 86400 + "d " + sec / 3600 % 24 + "h";
    }

    static ShellReply whoami(TelnetSession s, String arg) {
        return ShellReply.of(s.user.name());
    }

    static ShellReply who(TelnetSession s, String arg) {
        List<String> out = new ArrayList<>();
        for (SessionInfo i : s.shared.listening().sessions().sessions()) {
            if (i.user() == null) continue;
            out.add(String.format("%-12s %-7s %-22s since %s", i.user(), i.protocol(),
                    i.remote().getAddress().getHostAddress(), TIME.format(i.started())));
        }
        return ShellReply.of(out);
    }

    static ShellReply resolve(TelnetSession s, String arg) {
        List<String> a = ShellWords.texts(arg);
        if (a.size() != 1) return ShellReply.of("usage: resolve HOST");
        String host = a.get(0);
        if (!HOST.matcher(host).matches()) return ShellReply.of("resolve: not a host name: " + host);
        try {
            List<String> out = new ArrayList<>();
            for (InetAddress addr : InetAddress.getAllByName(host)) {
                out.add(String.format("%-6s %s", addr instanceof Inet6Address ? "IPv6" : "IPv4", addr.getHostAddress()));
            }
            return ShellReply.of(out);
        } catch (UnknownHostException e) {
            return ShellReply.of("resolve: " + host + ": unknown host");
        }
    }

    static ShellReply clear(TelnetSession s, String arg) throws IOException {
        if (s.ansi()) s.out().print("\u001b[H\u001b[2J");
        else s.out().print("\n".repeat(Math.min(s.height(), 200)));
        return ShellReply.NONE;
    }

    static ShellReply history(TelnetSession s, String arg) {
        List<String> out = new ArrayList<>();
        List<String> h = s.commandHistory();
        for (int i = 0; i < h.size(); i++) out.add(String.format("%4d  %s", i + 1, h.get(i)));
        return ShellReply.of(out);
    }

    static ShellReply logout(TelnetSession s, String arg) {
        return ShellReply.LOGOUT;
    }
}
