package dev.portico.ftp;

import dev.portico.core.LogSafe;
import dev.portico.core.Reply;
import dev.portico.core.fs.FileEntry;
import dev.portico.core.fs.VirtualPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;

/**
 * Working directory and name verbs: PWD, CWD, CDUP, MKD, RMD, DELE, RNFR/RNTO, SIZE, MDTM, MFMT.
 * Every path goes through {@link FtpSession#resolve} and the user's jailed file store; every
 * failure through {@link FtpReplies#error}.
 */
final class FtpDirectoryCommands {

    private static final Logger log = LoggerFactory.getLogger(FtpDirectoryCommands.class);

    private FtpDirectoryCommands() {}

    static Reply pwd(FtpSession s, String arg) {
        return FtpReplies.pathReply(s.cwd.toString(), "is the current directory");
    }

    static Reply cwd(FtpSession s, String arg) {
        if (arg.isEmpty()) return FtpReplies.argumentRequired("CWD");
        return changeTo(s, s.resolve(arg));
    }

    static Reply cdup(FtpSession s, String arg) {
        return changeTo(s, s.cwd.parent());
    }

    private static Reply changeTo(FtpSession s, VirtualPath p) {
        try {
            if (!s.files.stat(p).directory()) return FtpReplies.NOT_A_DIRECTORY;
        } catch (IOException e) {
            return FtpReplies.error(e);
        }
        s.cwd = p;
        return FtpReplies.DIRECTORY_CHANGED;
    }

    static Reply mkd(FtpSession s, String arg) {
        if (arg.isEmpty()) return FtpReplies.argumentRequired("MKD");
        VirtualPath p = s.resolveNew(arg);
        try {
            s.files.createDirectory(p);
        } catch (IOException e) {
            return FtpReplies.error(e);
        }
        log.info("{} MKD {}", s, LogSafe.text(p));
        return FtpReplies.pathReply(p.toString(), "created");
    }

    static Reply rmd(FtpSession s, String arg) {
        if (arg.isEmpty()) return FtpReplies.argumentRequired("RMD");
        VirtualPath p = s.resolve(arg);
        try {
            if (!s.files.stat(p).directory()) return FtpReplies.NOT_A_DIRECTORY;
            s.files.delete(p);
        } catch (IOException e) {
            return FtpReplies.error(e);
        }
        log.info("{} RMD {}", s, LogSafe.text(p));
        return FtpReplies.FILE_ACTION_OK;
    }

    static Reply dele(FtpSession s, String arg) {
        if (arg.isEmpty()) return FtpReplies.argumentRequired("DELE");
        VirtualPath p = s.resolve(arg);
        try {
            if (s.files.stat(p).directory()) return FtpReplies.NOT_A_FILE;
            s.files.delete(p);
        } catch (IOException e) {
            return FtpReplies.error(e);
        }
        log.info("{} DELE {}", s, LogSafe.text(p));
        return FtpReplies.FILE_ACTION_OK;
    }

    static Reply rnfr(FtpSession s, String arg) {
        if (arg.isEmpty()) return FtpReplies.argumentRequired("RNFR");
        VirtualPath p = s.resolve(arg);
        try {
            s.files.stat(p);
        } catch (IOException e) {
            return FtpReplies.error(e);
        }
        if (!s.files.isWritable()) return FtpReplies.PERMISSION_DENIED;
        s.renameFrom = p;
        s.phase = FtpSession.Phase.RENAMING;
        return FtpReplies.READY_FOR_RNTO;
    }

    static Reply rnto(FtpSession s, String arg) {
        VirtualPath from = s.renameFrom;
        s.renameFrom = null;
        s.phase = FtpSession.Phase.LOGGED_IN;
        if (arg.isEmpty()) return FtpReplies.argumentRequired("RNTO");
        VirtualPath to = s.resolveNew(arg);
        try {
            s.files.rename(from, to);
        } catch (IOException e) {
            return FtpReplies.error(e);
        }
        log.info("{} RNFR {} RNTO {}", s, LogSafe.text(from), LogSafe.text(to));
        return FtpReplies.RENAMED;
    }

    /** RFC 3659 §4: the size of a plain file; we report its size on disk in every TYPE. */
    static Reply size(FtpSession s, String arg) {
        if (arg.isEmpty()) return FtpReplies.argumentRequired("SIZE");
        try {
            FileEntry e = s.files.stat(s.resolve(arg));
            if (e.directory()) return FtpReplies.NOT_A_FILE;
            return Reply.of(213, Long.toString(e.size()));
        } catch (IOException e) {
            return FtpReplies.error(e);
        }
    }

    /** RFC 3659 §3: modification time in UTC. */
    static Reply mdtm(FtpSession s, String arg) {
        if (arg.isEmpty()) return FtpReplies.argumentRequired("MDTM");
        try {
            FileEntry e = s.files.stat(s.resolve(arg));
            if (e.directory()) return FtpReplies.NOT_A_FILE;
            return Reply.of(213, FtpListing.timeval(e.modified()));
        } catch (IOException e) {
            return FtpReplies.error(e);
        }
    }

    /** draft-somers-ftp-mfxx: {@code MFMT YYYYMMDDHHMMSS path} sets the modification time. */
    static Reply mfmt(FtpSession s, String arg) {
        if (arg.isEmpty()) return FtpReplies.argumentRequired("MFMT");
        int sp = arg.indexOf(' ');
        if (sp < 0) return FtpReplies.SYNTAX_ERROR;
        Instant t = FtpListing.parseTimeval(arg.substring(0, sp));
        String name = arg.substring(sp + 1);
        if (t == null || name.isEmpty()) return Reply.of(501, "Use MFMT YYYYMMDDHHMMSS path");
        VirtualPath p = s.resolve(name);
        try {
            s.files.setModified(p, t);
        } catch (IOException e) {
            return FtpReplies.error(e);
        }
        return Reply.of(213, "Modify=" + FtpListing.timeval(t) + "; " + name);
    }
}
