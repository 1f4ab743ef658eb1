package dev.portico.telnet;

import dev.portico.core.Cidr;
import dev.portico.core.LogSafe;
import dev.portico.core.SessionInfo;
import dev.portico.core.SessionRegistry;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.LoginGuard;
import dev.portico.core.auth.Permission;
import dev.portico.core.auth.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Console commands over the running suite, for users with {@link Permission#ADMIN}. */
final class ShellAdminCommands {

    private static final Logger log = LoggerFactory.getLogger(ShellAdminCommands.class);
    private static final Pattern ADDRESS_LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}(/[0-9]{1,3})?");
    private static final Pattern SECRET = Pattern.compile("^(\\s*users\\s+(?:add|passwd)\\s+\\S+\\s+).*$",
            Pattern.CASE_INSENSITIVE);

    private ShellAdminCommands() {}

    /** A command line as history keeps it: passwords given to {@code users} are masked. */
    static String redact(String line) {
        return SECRET.matcher(line).replaceFirst("$1********");
    }

    static ShellReply sessions(TelnetSession s, String arg) {
        List<String> out = new ArrayList<>();
        out.add(String.format("%6s %-7s %-12s %-40s %8s", "ID", "PROTO", "USER", "ADDRESS", "IDLE"));
        Instant now = Instant.now();
        for (SessionInfo i : s.shared.listening().sessions().sessions()) {
            out.add(String.format("%6d %-7s %-12s %-40s %8s", i.id(), i.protocol(), i.user() == null ? "-" : i.user(),
                    i.remote().getAddress().getHostAddress() + ":" + i.remote().getPort(),
                    ShellCommands.human(Duration.between(i.lastActivity(), now))));
        }
        return ShellReply.of(out);
    }

    static ShellReply kick(TelnetSession s, String arg) {
        List<String> a = ShellWords.texts(arg);
        if (a.size() != 1) return ShellReply.of("usage: kick ID");
        long id;
        try {
            id = Long.parseLong(a.get(0));
        } catch (NumberFormatException e) {
            return ShellReply.of("kick: not a session id: " + a.get(0));
        }
        if (id == s.connection().id()) return ShellReply.of("kick: that is this session (use logout)");
        if (!s.shared.listening().sessions().close(id)) return ShellReply.of("kick: no session " + id);
        log.info("{} {} kicked session {}", s.connection(), s.user.name(), id);
        return ShellReply.of("session " + id + " closed");
    }

    /** The outbound queue, as {@code portico queue} shows and changes it; a running relay takes changes in within a second. */
    static ShellReply queue(TelnetSession s, String arg) throws IOException {
        List<String> a = ShellWords.texts(arg);
        String what = a.isEmpty() ? "list" : a.get(0).toLowerCase(Locale.ROOT);
        var queue = s.shared.queue();
        try {
            return switch (what) {
                case "list" -> {
                    if (a.size() > 1) yield ShellReply.of("usage: queue list");
                    List<String> lines = queue.describe();
                    yield lines.isEmpty() ? ShellReply.of("The queue is empty.") : ShellReply.of(lines);
                }
                case "flush" -> ShellReply.of(queue.flush() + " message(s) due now");
                case "delete", "bounce" -> {
                    if (a.size() != 2) yield ShellReply.of("usage: queue " + what + " ID");
                    boolean done = what.equals("delete") ? queue.delete(a.get(1)) : queue.bounce(a.get(1));
                    if (done) log.info("{} {} queue {} {}", s.connection(), s.user.name(), what, LogSafe.text(a.get(1)));
                    yield ShellReply.of(!done ? "queue: no message " + a.get(1)
                            : what.equals("delete") ? a.get(1) + " deleted" : a.get(1) + " will be returned to its sender");
                }
                default -> ShellReply.of("usage: queue [list | flush | delete ID | bounce ID]");
            };
        } catch (IllegalArgumentException e) {
            return ShellReply.of("queue: " + e.getMessage());
        }
    }

    static ShellReply bans(TelnetSession s, String arg) {
        List<LoginGuard.Ban> bans = s.shared.logins().bans();
        if (bans.isEmpty()) return ShellReply.of("No banned addresses.");
        List<String> out = new ArrayList<>();
        for (LoginGuard.Ban b : bans) {
            out.add(String.format("%-44s until %s UTC", b.block(), ShellCommands.TIME.format(b.until())));
        }
        return ShellReply.of(out);
    }

    static ShellReply unban(TelnetSession s, String arg) throws IOException {
        List<String> a = ShellWords.texts(arg);
        if (a.size() != 1) return ShellReply.of("usage: unban ADDRESS[/BITS]");
        // Only literals: a host name here would mean a DNS lookup and an ambiguous answer.
        if (!ADDRESS_LITERAL.matcher(a.get(0)).matches()) return ShellReply.of("unban: not an IP address: " + a.get(0));
        LoginGuard logins = s.shared.logins();
        boolean was;
        String what;
        if (a.get(0).indexOf('/') >= 0) {
            // a block as "bans" lists it, such as 2001:db8:0:1:0:0:0:0/64
            Cidr block;
            try {
                block = Cidr.parse(a.get(0));
            } catch (IllegalArgumentException e) {
                return ShellReply.of("unban: not an address block: " + a.get(0));
            }
            was = logins.unban(block);
            what = block.toString();
        } else {
            // an IPv6 address lifts the ban on the prefix that holds it, and says so
            InetAddress addr = InetAddress.getByName(a.get(0));
            was = logins.unban(addr);
            what = logins.blockOf(addr).toString();
        }
        log.info("{} {} unbanned {}", s.connection(), s.user.name(), what);
        return ShellReply.of(was ? what + " unbanned" : what + " was not banned");
    }

    static ShellReply users(TelnetSession s, String arg) throws IOException {
        List<String> a = ShellWords.texts(arg);
        String sub = a.isEmpty() ? "list" : a.get(0).toLowerCase(Locale.ROOT);
        if (sub.equals("list") && a.size() <= 1) {
            List<String> out = new ArrayList<>();
            for (User u : s.shared.users().list()) {
                out.add(String.format("%-20s %s", u.name(), String.join(",", u.permissions().stream().sorted()
                        .map(p -> p.name().toLowerCase(Locale.ROOT)).toList())));
            }
            return ShellReply.of(out);
        }
        if (!(s.shared.users() instanceof FileUserDirectory dir)) {
            return ShellReply.of("users: this user directory cannot be changed from the shell");
        }
        // The directory also refuses a taken or missing name, but with an IllegalArgumentException,
        // which here would be a bug: the shell checks first and answers the user itself.
        switch (sub) {
            case "add" -> {
                if (a.size() != 3) return ShellReply.of("usage: users add NAME PASSWORD");
                if (!User.isValidName(a.get(1))) return ShellReply.of("users: invalid name (a-z, 0-9, . _ -)");
                if (dir.find(a.get(1)).isPresent()) {
                    return ShellReply.of("users: user " + a.get(1).toLowerCase(Locale.ROOT) + " already exists");
                }
                dir.add(a.get(1), a.get(2).toCharArray(), EnumSet.of(Permission.READ, Permission.WRITE));
                log.info("{} {} added user {}", s.connection(), s.user.name(), LogSafe.text(a.get(1)));
                return ShellReply.of("user " + a.get(1) + " added (read, write)");
            }
            case "remove" -> {
                if (a.size() != 2) return ShellReply.of("usage: users remove NAME");
                if (a.get(1).equalsIgnoreCase(s.user.name())) return ShellReply.of("users: you cannot remove yourself");
                if (dir.find(a.get(1)).isEmpty()) return ShellReply.of("users: no user " + a.get(1));
                dir.remove(a.get(1));
                log.info("{} {} removed user {}", s.connection(), s.user.name(), LogSafe.text(a.get(1)));
                return ShellReply.of("user " + a.get(1) + " removed");
            }
            case "passwd" -> {
                if (a.size() != 3) return ShellReply.of("usage: users passwd NAME PASSWORD");
                if (dir.find(a.get(1)).isEmpty()) return ShellReply.of("users: no user " + a.get(1));
                dir.setPassword(a.get(1), a.get(2).toCharArray());
                log.info("{} {} changed the password of {}", s.connection(), s.user.name(), LogSafe.text(a.get(1)));
                return ShellReply.of("password of " + a.get(1) + " changed");
            }
            default -> {
                return ShellReply.of("usage: users [list | add NAME PASSWORD | remove NAME | passwd NAME PASSWORD]");
            }
        }
    }

    static ShellReply stats(TelnetSession s, String arg) {
        List<String> out = new ArrayList<>();
        out.add(String.format("%-8s %6s %10s %14s %14s", "SERVER", "LIVE", "SESSIONS", "BYTES IN", "BYTES OUT"));
        for (SessionRegistry.ProtocolStats p : s.shared.listening().sessions().stats()) {
            out.add(String.format("%-8s %6d %10d %14d %14d", p.protocol(), p.live(), p.sessions(), p.bytesIn(), p.bytesOut()));
        }
        return ShellReply.of(out);
    }
}
