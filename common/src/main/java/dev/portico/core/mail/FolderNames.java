package dev.portico.core.mail;

import org.eclipse.angus.mail.imap.protocol.BASE64MailboxDecoder;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;

import java.util.List;

/**
 * IMAP folder names and their Maildir++ directory names. {@code Archive/2026} is stored as
 * {@code Maildir/.Archive.2026}, each level encoded in modified UTF-7 (RFC 3501 5.1.3), so
 * {@code Entwürfe} is {@code .Entw&APw-rfe}. That is Dovecot's default Maildir++ layout (the
 * {@code UTF-8} layout option is opt-in there), so a Dovecot, Courier or mutt pointed at the same
 * tree with stock settings sees the same names; the encoded form is also pure ASCII, whatever the
 * file system's or the JVM's idea of file-name encoding. The coding itself is Angus Mail's.
 * <p>
 * Refused: empty levels ({@code a//b}, {@code /a}), a {@code .} anywhere (the on-disk separator;
 * this also rules out {@code .} and {@code ..}), control characters, the LIST wildcards {@code *}
 * and {@code %}, a level starting with {@code ~} (shell home expansion in tools reading the tree),
 * unpaired surrogates, and directory names longer than a file name may be.
 */
public final class FolderNames {

    private static final int MAX_DIR_NAME = 255;

    private FolderNames() {}

    /**
     * The name as the store uses it: INBOX (any case) as {@code INBOX}, also as the first level,
     * a trailing delimiter dropped (RFC 9051 6.3.4).
     *
     * @throws FolderNameException when the name is not allowed
     */
    public static String normalize(String name) throws FolderNameException {
        if (name == null || name.isEmpty()) throw new FolderNameException("empty folder name");
        String n = name;
        if (n.length() > 1 && n.charAt(n.length() - 1) == MailFolders.DELIMITER) n = n.substring(0, n.length() - 1);
        List<String> levels = List.of(n.split(String.valueOf(MailFolders.DELIMITER), -1));
        if (levels.get(0).equalsIgnoreCase(MailFolders.INBOX)) {
            n = MailFolders.INBOX + n.substring(levels.get(0).length());
        }
        for (String level : levels) check(level, name);
        if (!n.equals(MailFolders.INBOX) && dirName(n).length() > MAX_DIR_NAME) {
            throw new FolderNameException("folder name too long");
        }
        return n;
    }

    private static void check(String level, String name) throws FolderNameException {
        if (level.isEmpty()) throw new FolderNameException("empty level in folder name: " + name);
        if (level.charAt(0) == '~') throw new FolderNameException("a folder name level may not start with ~");
        for (int i = 0; i < level.length(); i++) {
            char c = level.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) throw new FolderNameException("control character in folder name");
            if (c == '.' || c == '*' || c == '%') throw new FolderNameException("'" + c + "' is not allowed in a folder name");
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= level.length() || !Character.isLowSurrogate(level.charAt(i + 1))) {
                    throw new FolderNameException("broken UTF-16 in folder name");
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new FolderNameException("broken UTF-16 in folder name");
            }
        }
    }

    /**
     * A name as an IMAP4rev1 client sends it, in modified UTF-7 ({@code Entw&APw-rfe}), as the
     * store takes it ({@code Entwürfe}). IMAP4rev2 and UTF8=ACCEPT sessions send UTF-8 and need no
     * conversion.
     */
    public static String fromModifiedUtf7(String wire) {
        return BASE64MailboxDecoder.decode(wire);
    }

    /** A name as the store gives it, in modified UTF-7 for an IMAP4rev1 client (RFC 3501 5.1.3). */
    public static String toModifiedUtf7(String name) {
        return BASE64MailboxEncoder.encode(name);
    }

    /** The Maildir++ directory of a normalized name other than INBOX: {@code .Archive.2026}. */
    static String dirName(String name) {
        StringBuilder b = new StringBuilder();
        for (String level : name.split(String.valueOf(MailFolders.DELIMITER), -1)) {
            b.append('.').append(BASE64MailboxEncoder.encode(level));
        }
        return b.toString();
    }

    /**
     * The IMAP name of a Maildir++ directory, or null where the directory is no folder of ours
     * (Dovecot's {@code ..DOVECOT-TRASHED}, a name that does not decode back to itself).
     */
    static String fromDirName(String dir) {
        if (dir.length() < 2 || dir.charAt(0) != '.') return null;
        String[] levels = dir.substring(1).split("\\.", -1);
        StringBuilder b = new StringBuilder();
        for (String level : levels) {
            if (level.isEmpty()) return null;
            String decoded = BASE64MailboxDecoder.decode(level);
            if (!BASE64MailboxEncoder.encode(decoded).equals(level)) return null;
            if (!b.isEmpty()) b.append(MailFolders.DELIMITER);
            b.append(decoded);
        }
        String name = b.toString();
        try {
            String n = normalize(name);
            return n.equals(MailFolders.INBOX) ? null : n;     // a stray .INBOX is not the real one
        } catch (FolderNameException e) {
            return null;
        }
    }
}
