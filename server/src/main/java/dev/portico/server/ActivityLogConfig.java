package dev.portico.server;

import dev.portico.core.Settings;

import java.nio.file.Path;

/**
 * The activity log files, off unless set: {@code log.xferlog} (FTP transfers in the wu-ftpd and
 * vsftpd {@code xferlog} format) and {@code log.maillog} (SMTP transactions in the style of
 * Postfix's maillog). Read only by {@link #from(Settings)}, both keys always.
 *
 * @param xferlog the xferlog file, or null for none; a relative path is in the data folder
 * @param maillog the mail log file, or null for none; a relative path is in the data folder
 */
record ActivityLogConfig(Path xferlog, Path maillog) {

    static ActivityLogConfig from(Settings s) {
        String xferlog = s.string("log.xferlog", null), maillog = s.string("log.maillog", null);
        return new ActivityLogConfig(path(xferlog), path(maillog));
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.strip());
    }
}
