package dev.portico.server;

import dev.portico.core.Events;
import dev.portico.core.LogSafe;

import java.io.Closeable;
import java.io.IOException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * {@code log.xferlog}: one line per FTP file transfer in the {@code xferlog(5)} format of wu-ftpd
 * and vsftpd, which log analysers read:
 *
 * <pre>
 * current-time transfer-time remote-host file-size filename transfer-type special-action-flag
 * direction access-mode username service-name authentication-method authenticated-user-id completion-status
 * Wed Dec  2 05:05:47 2026 1 192.0.2.7 1048576 /reports/q3.pdf b _ i r alice ftp 0 * c
 * </pre>
 *
 * Fields are separated by single spaces, so, as vsftpd does, a space in a file or user name is
 * written as {@code _}; control characters are escaped ({@link LogSafe}), so a file name cannot
 * end the line and forge another.
 */
final class XferLog implements Events, Closeable {

    /** ctime(3), as the format has it; the day of the month padded with a space. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);
    /** Longer than any path a client can name, so a path is never cut. */
    private static final int MAX_FIELD = 8192;

    private final LogFile file;
    private final ZoneId zone;

    XferLog(LogFile file, ZoneId zone) {
        this.file = file;
        this.zone = zone;
    }

    @Override
    public void transfer(FileTransfer t) {
        file.append(line(t, zone));
    }

    static String line(FileTransfer t, ZoneId zone) {
        long ms = t.duration().toMillis();
        return TIME.format(ZonedDateTime.ofInstant(t.start().plus(t.duration()), zone))
                + ' ' + Math.max(1, (ms + 500) / 1000)              // whole seconds; a quick transfer counts as 1
                + ' ' + t.remote().getHostAddress()
                + ' ' + t.bytes()
                + ' ' + field(t.path())
                + ' ' + (t.binary() ? 'b' : 'a')
                + " _"                                               // no tar or compression on the fly
                + ' ' + (t.incoming() ? 'i' : 'o')
                + ' ' + (t.anonymous() ? 'a' : 'r')
                + ' ' + field(t.user())
                + " ftp 0 *"                                         // service, no RFC 931 authentication
                + ' ' + (t.complete() ? 'c' : 'i');
    }

    /** A client's text as one field: escaped, and never empty or holding a space. */
    static String field(String value) {
        String s = LogSafe.text(value, MAX_FIELD).replace(' ', '_');
        return s.isEmpty() ? "-" : s;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
