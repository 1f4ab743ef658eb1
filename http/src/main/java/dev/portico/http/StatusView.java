package dev.portico.http;

import dev.portico.core.Events.FileTransfer;
import dev.portico.core.Events.MailTransaction;
import dev.portico.core.LogSafe;
import dev.portico.core.SessionInfo;
import dev.portico.core.auth.LoginGuard;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The status page's HTML, rendered on the server. Every value a client could have chosen (a user
 * name, a path, an address, a HELO name, a sender) passes through {@link #value}: escaped for HTML
 * and, like a log line, with its control characters shown and its length bounded.
 */
final class StatusView {

    private static final String STYLE = """
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
            h1{font-size:1.4em;margin:0}h2{font-size:1.15em;margin:1.4em 0 .4em}h3{font-size:1em;margin:.8em 0 .3em}
            header{display:flex;gap:1em;align-items:center}header form{margin-left:auto}
            table{border-collapse:collapse;margin-bottom:.5em}th,td{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}
            td.n{text-align:right;font-variant-numeric:tabular-nums}td form{margin:0}
            .muted{color:#777}.error{color:#b00020}.charts{display:flex;flex-wrap:wrap;gap:1em}
            label{display:block;margin:.5em 0}""";
    /** The page may use its one stylesheet and nothing else: no script, no frame, forms to itself only. */
    static final String CSP = "default-src 'none'; style-src '" + sha256(STYLE) + "'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private StatusView() {}

    /** The login form, with a sentence on why it is shown again (or null). */
    static String login(String message) {
        StringBuilder b = head("Portico status: log in", false);
        b.append("<h1>Portico status</h1>");
        if (message != null) b.append("<p class=\"error\" id=\"login-error\">").append(escape(message)).append("</p>");
        b.append("<form method=\"post\" action=\"/status/login\">")
                .append("<label>User <input name=\"user\" id=\"user\" autocomplete=\"username\" required></label>")
                .append("<label>Password <input name=\"password\" id=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>")
                .append("<button type=\"submit\" id=\"login\">Log in</button></form>")
                .append("<p class=\"muted\">For users with the admin permission.</p>");
        return b.append("</body></html>").toString();
    }

    /** The page an administrator sees. */
    static String page(String user, String csrf, HttpServer.Shared shared, List<TrafficHistory.Sample> history) {
        StringBuilder b = head("Portico status", true);
        b.append("<header><h1>Portico status</h1><span>logged in as ").append(escape(user)).append("</span>")
                .append(form("/status/logout", csrf, "logout", "Log out", "log out")).append("</header>");
        listeners(b, shared.listeners().get());
        sessions(b, shared.listening().sessions().sessions(), csrf);
        b.append("<h2>Last hour</h2><div class=\"charts\">").append(TrafficHistory.sessionsChart(history))
                .append(TrafficHistory.throughputChart(history)).append("</div>");
        transfers(b, shared.activity().transfers());
        mails(b, shared.activity().mails());
        bans(b, shared.logins().bans(), csrf);
        b.append("<p class=\"muted\">").append(escape(TIME.format(Instant.now()))).append(" UTC; refreshes every 30 s.</p>");
        return b.append("</body></html>").toString();
    }

    private static StringBuilder head(String title, boolean refresh) {
        StringBuilder b = new StringBuilder(8192).append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width\">");
        if (refresh) b.append("<meta http-equiv=\"refresh\" content=\"30\">");
        return b.append("<title>").append(escape(title)).append("</title><style>").append(STYLE).append("</style></head><body>");
    }

    private static void listeners(StringBuilder b, List<HttpServer.ListenerState> listeners) {
        b.append("<h2>Listeners</h2><table id=\"listeners\"><tr><th>Name</th><th>Address</th><th>Accepting</th></tr>");
        for (HttpServer.ListenerState l : listeners) {
            b.append("<tr><td>").append(escape(l.name())).append("</td><td>").append(escape(address(l.address())))
                    .append("</td><td>").append(l.accepting() ? "yes" : "no").append("</td></tr>");
        }
        b.append("</table>");
    }

    private static void sessions(StringBuilder b, List<SessionInfo> sessions, String csrf) {
        b.append("<h2>Open sessions</h2>");
        if (sessions.isEmpty()) b.append("<p class=\"muted\">None.</p>");
        Map<String, List<SessionInfo>> byProtocol = sessions.stream()
                .collect(Collectors.groupingBy(SessionInfo::protocol, TreeMap::new, Collectors.toList()));
        Instant now = Instant.now();
        byProtocol.forEach((protocol, list) -> {
            b.append("<h3>").append(escape(protocol)).append(" (").append(list.size()).append(")</h3>")
                    .append("<table class=\"sessions\" id=\"sessions-").append(escape(protocol)).append("\">")
                    .append("<tr><th>#</th><th>User</th><th>Address</th><th>Duration</th><th>In</th><th>Out</th><th></th></tr>");
            for (SessionInfo s : list) {
                b.append("<tr id=\"session-").append(s.id()).append("\"><td class=\"n\">").append(s.id()).append("</td><td>")
                        .append(s.user() == null ? "<span class=\"muted\">(not logged in)</span>" : value(s.user()))
                        .append("</td><td>").append(escape(address(s.remote()))).append("</td><td class=\"n\">")
                        .append(duration(Duration.between(s.started(), now))).append("</td><td class=\"n\">")
                        .append(size(s.bytesIn())).append("</td><td class=\"n\">").append(size(s.bytesOut())).append("</td><td>")
                        .append(form("/status/sessions/" + s.id() + "/close", csrf, "close-" + s.id(), "Close",
                                "close session " + s.id()))
                        .append("</td></tr>");
            }
            b.append("</table>");
        });
    }

    private static void transfers(StringBuilder b, List<FileTransfer> transfers) {
        b.append("<h2>Recent FTP transfers</h2>");
        if (transfers.isEmpty()) {
            b.append("<p class=\"muted\">None yet.</p>");
            return;
        }
        b.append("<table id=\"transfers\"><tr><th>Time (UTC)</th><th>User</th><th>Address</th><th></th><th>Path</th>")
                .append("<th>Bytes</th><th>Duration</th><th></th></tr>");
        for (FileTransfer t : transfers) {
            b.append("<tr><td>").append(escape(TIME.format(t.start()))).append("</td><td>").append(value(t.user()))
                    .append("</td><td>").append(escape(host(t.remote()))).append("</td><td>").append(t.incoming() ? "upload" : "download")
                    .append("</td><td>").append(value(t.path())).append("</td><td class=\"n\">").append(size(t.bytes()))
                    .append("</td><td class=\"n\">").append(duration(t.duration())).append("</td><td>")
                    .append(t.complete() ? "complete" : "<span class=\"error\">incomplete</span>").append("</td></tr>");
        }
        b.append("</table>");
    }

    private static void mails(StringBuilder b, List<MailTransaction> mails) {
        b.append("<h2>Recent SMTP messages</h2>");
        if (mails.isEmpty()) {
            b.append("<p class=\"muted\">None yet.</p>");
            return;
        }
        b.append("<table id=\"mails\"><tr><th>Time (UTC)</th><th>Id</th><th>Client</th><th>User</th><th>From</th>")
                .append("<th>To</th><th>Size</th><th>Reply</th></tr>");
        for (MailTransaction m : mails) {
            b.append("<tr><td>").append(escape(TIME.format(m.time()))).append("</td><td>").append(value(m.id()))
                    .append("</td><td>").append(escape(host(m.remote()))).append(" (").append(value(m.helo())).append(")</td><td>")
                    .append(m.user() == null ? "" : value(m.user())).append("</td><td>")
                    .append(value("<" + m.sender() + ">")).append("</td><td>").append(value(String.join(", ", m.recipients())))
                    .append("</td><td class=\"n\">").append(size(m.size())).append("</td><td")
                    .append(m.accepted() ? ">" : " class=\"error\">").append(value(m.reply())).append("</td></tr>");
        }
        b.append("</table>");
    }

    private static void bans(StringBuilder b, List<LoginGuard.Ban> bans, String csrf) {
        b.append("<h2>Banned addresses</h2>");
        if (bans.isEmpty()) {
            b.append("<p class=\"muted\">None.</p>");
            return;
        }
        b.append("<table id=\"bans\"><tr><th>Address</th><th>Until (UTC)</th><th></th></tr>");
        for (LoginGuard.Ban ban : bans) {
            String a = host(ban.address());
            b.append("<tr><td>").append(escape(a)).append("</td><td>").append(escape(TIME.format(ban.until()))).append("</td><td>")
                    .append(form("/status/bans/" + URLEncoder.encode(a, StandardCharsets.UTF_8) + "/unban", csrf,
                            "unban-" + a.replace(':', '-'), "Unban", "unban " + a))
                    .append("</td></tr>");
        }
        b.append("</table>");
    }

    /** A button that POSTs to {@code action} with the session's CSRF token. */
    private static String form(String action, String csrf, String id, String label, String description) {
        return "<form method=\"post\" action=\"" + escape(action) + "\"><input type=\"hidden\" name=\"csrf\" value=\""
                + escape(csrf) + "\"><button type=\"submit\" id=\"" + escape(id) + "\" aria-label=\"" + escape(description)
                + "\">" + escape(label) + "</button></form>";
    }

    /** A value a client chose: its controls shown as escapes and its length bounded as in the log, then escaped for HTML. */
    static String value(String s) {
        return s == null ? "" : escape(LogSafe.text(s, 200));
    }

    /** Text for HTML content and quoted attribute values. */
    static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) return s + " s";
        if (s < 3600) return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
    }

    private static String host(InetAddress a) {
        return a == null ? "" : a.getHostAddress();
    }

    private static String address(InetSocketAddress a) {
        String h = host(a.getAddress());
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    private static String sha256(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
