package dev.portico.ftp;

import dev.portico.core.fs.FileEntry;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Listing formats: {@code LIST} in the Unix {@code ls -l} shape every client parses, bare
 * {@code NLST} names, and RFC 3659 {@code MLSD}/{@code MLST} fact lines. Times are UTC, as
 * vsftpd does by default and as RFC 3659 §2.3 requires for MLSx.
 */
final class FtpListing {

    private FtpListing() {}

    /** Facts we offer, in the order MLSx writes them (RFC 3659 §7.5). */
    static final List<String> FACTS = List.of("type", "size", "modify", "perm", "unique");
    /** The facts a session shows until OPTS MLST says otherwise. */
    static final Set<String> ALL_FACTS = Set.copyOf(FACTS);
    /** Uploads in progress (see FtpTransferCommands.store) are not listed. */
    static final String UPLOAD_PREFIX = FtpServer.UPLOAD_PREFIX;

    private static final DateTimeFormatter RECENT = DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter OLD = DateTimeFormatter.ofPattern("MMM dd  yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIMEVAL = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** ls shows the year instead of the time for entries older than about six months, or in the future. */
    private static final Duration SIX_MONTHS = Duration.ofDays(182);

    /** One {@code ls -l} line: {@code -rw-r--r-- 1 alice ftp 12 Mar 05 14:03 notes.txt}. */
    static String listLine(FileEntry e, String owner, Instant now) {
        String mode = e.directory() ? (e.writable() ? "drwxr-xr-x" : "dr-xr-xr-x")
                : (e.writable() ? "-rw-r--r--" : "-r--r--r--");
        Instant t = e.modified();
        boolean recent = t.isAfter(now.minus(SIX_MONTHS)) && !t.isAfter(now.plus(Duration.ofHours(1)));
        String when = (recent ? RECENT : OLD).format(t);
        // "%s %3d %-8s %-8s %12d %s %s" by hand: Formatter parsed the pattern again for every line
        StringBuilder b = new StringBuilder(64 + owner.length() + e.name().length());
        b.append(mode).append("   ").append(e.directory() ? '2' : '1').append(' ');
        pad(b.append(owner), 8 - owner.length()).append(' ');
        b.append("ftp     ").append(' ');
        String size = Long.toString(e.size());
        pad(b, 12 - size.length()).append(size).append(' ');
        return b.append(when).append(' ').append(e.name()).toString();
    }

    private static StringBuilder pad(StringBuilder b, int spaces) {
        for (int i = 0; i < spaces; i++) b.append(' ');
        return b;
    }

    /** RFC 3659 §2.3 time-val in UTC: {@code 20240305140300}. */
    static String timeval(Instant t) {
        return TIMEVAL.format(t);
    }

    /** Parses a time-val, fractions of seconds allowed and dropped; null when malformed. */
    static Instant parseTimeval(String s) {
        String t = s.trim();
        int dot = t.indexOf('.');
        if (dot >= 0) t = t.substring(0, dot);
        if (t.length() != 14 || !t.chars().allMatch(Character::isDigit)) return null;
        try {
            return LocalDateTime.parse(t, DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT)).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * One MLSx fact line without the leading space: {@code type=file;size=12;modify=...;perm=r; name}
     * (RFC 3659 §7.2). {@code facts} selects which facts appear (OPTS MLST).
     */
    static String facts(FileEntry e, Set<String> facts, String name) {
        StringBuilder b = new StringBuilder(96);
        for (String f : FACTS) {
            if (!facts.contains(f)) continue;
            switch (f) {
                case "type" -> b.append("type=").append(e.directory() ? "dir" : "file");
                case "size" -> {
                    if (e.directory()) continue;
                    b.append("size=").append(e.size());
                }
                case "modify" -> b.append("modify=").append(timeval(e.modified()));
                case "perm" -> b.append("perm=").append(perm(e));
                case "unique" -> b.append("unique=").append(e.uniqueId());
                default -> { continue; }
            }
            b.append(';');
        }
        return b.append(' ').append(name).toString();
    }

    /** RFC 3659 §7.5.5 perm fact: what this user may do with the entry. */
    static String perm(FileEntry e) {
        if (e.directory()) return e.writable() ? "flcdmpe" : "le";
        return e.writable() ? "rwadf" : "r";
    }

    /** Parses an {@code OPTS MLST} fact list; unknown facts are ignored (RFC 3659 §7.9). */
    static Set<String> parseFacts(String list) {
        Set<String> out = new LinkedHashSet<>();
        for (String f : list.split(";")) {
            String n = f.trim().toLowerCase(Locale.ROOT);
            if (FACTS.contains(n)) out.add(n);
        }
        return out;
    }

    /** The FEAT line for MLST: every fact, the enabled ones starred. */
    static String featLine(Set<String> enabled) {
        StringBuilder b = new StringBuilder(" MLST ");
        for (String f : FACTS) b.append(f).append(enabled.contains(f) ? "*" : "").append(';');
        return b.toString();
    }
}
