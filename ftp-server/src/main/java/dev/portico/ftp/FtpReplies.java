package dev.portico.ftp;

import dev.portico.core.Reply;
import dev.portico.core.StorageFullException;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Replies the FTP server sends more than once, shared with the tests, and the one place where a
 * JDK file exception becomes a reply code (RFC 959 §4.2.1).
 */
public final class FtpReplies {

    private FtpReplies() {}

    public static final Reply WELCOME = Reply.of(220, "Portico FTP server ready");
    public static final Reply BYE = Reply.of(221, "Goodbye").thenClose();
    public static final Reply OK = Reply.of(200, "Command okay");
    public static final Reply NOOP = Reply.of(200, "NOOP ok");
    public static final Reply SYST = Reply.of(215, "UNIX Type: L8");
    public static final Reply ALLO = Reply.of(202, "No storage allocation necessary");
    public static final Reply SEND_PASSWORD = Reply.of(331, "Please specify the password");
    public static final Reply ANONYMOUS_PASSWORD = Reply.of(331, "Anonymous login ok, send your e-mail address as password");
    public static final Reply LOGGED_IN = Reply.of(230, "Login successful");
    public static final Reply LOGIN_INCORRECT = Reply.of(530, "Login incorrect");
    public static final Reply TOO_MANY_FAILURES = Reply.of(421, "Too many failed logins").thenClose();
    public static final Reply NOT_LOGGED_IN = Reply.of(530, "Please login with USER and PASS");
    public static final Reply USER_FIRST = Reply.of(503, "Login with USER first");
    public static final Reply ALREADY_LOGGED_IN = Reply.of(503, "Already logged in");
    public static final Reply RNFR_FIRST = Reply.of(503, "RNFR required first");
    public static final Reply BAD_SEQUENCE = Reply.of(503, "Bad sequence of commands");
    public static final Reply UNKNOWN = Reply.of(500, "Unknown command");
    public static final Reply NOT_IMPLEMENTED = Reply.of(502, "Command not implemented");
    public static final Reply LINE_TOO_LONG = Reply.of(500, "Command line too long");
    /** 501 for an argument that does not parse; a missing one gets {@link #argumentRequired}. */
    public static final Reply SYNTAX_ERROR = Reply.of(501, "Syntax error in parameters or arguments");
    public static final Reply PARAMETER_NOT_IMPLEMENTED = Reply.of(504, "Command not implemented for that parameter");
    public static final Reply IDLE_TIMEOUT = Reply.of(421, "Timeout: closing control connection").thenClose();
    public static final Reply REFUSED = Reply.of(421, "Too many connections, try again later");
    public static final Reply SHUTDOWN = Reply.of(421, "Server shutting down");
    public static final Reply LOCAL_ERROR = Reply.of(451, "Requested action aborted: local error in processing");

    public static final Reply DIRECTORY_CHANGED = Reply.of(250, "Directory successfully changed");
    public static final Reply FILE_ACTION_OK = Reply.of(250, "Requested file action okay, completed");
    public static final Reply READY_FOR_RNTO = Reply.of(350, "Ready for RNTO");
    public static final Reply RENAMED = Reply.of(250, "Rename successful");
    public static final Reply NOT_A_FILE = Reply.of(550, "Not a plain file");
    public static final Reply NOT_A_DIRECTORY = Reply.of(550, "Not a directory");
    public static final Reply NO_SUCH_FILE = Reply.of(550, "No such file or directory");
    public static final Reply PERMISSION_DENIED = Reply.of(550, "Permission denied");
    public static final Reply BAD_FILE_NAME = Reply.of(553, "File name not allowed");
    /** RFC 959 4.2.1: the disk or a quota is full; the session goes on. */
    public static final Reply INSUFFICIENT_STORAGE = Reply.of(452, "Insufficient storage space");

    public static final Reply TYPE_ASCII = Reply.of(200, "Switching to ASCII mode");
    public static final Reply TYPE_BINARY = Reply.of(200, "Switching to Binary mode");
    public static final Reply MODE_STREAM = Reply.of(200, "Mode set to S");
    public static final Reply STRU_FILE = Reply.of(200, "Structure set to F");
    public static final Reply UTF8_ON = Reply.of(200, "Always in UTF8 mode");

    public static final Reply PORT_OK = Reply.of(200, "PORT command successful. Consider using PASV");
    public static final Reply BOUNCE_REFUSED = Reply.of(504, "Data connections only to your own address and ports 1024 and above");
    public static final Reply EPSV_ALL_ONLY = Reply.of(503, "Only EPSV is allowed after EPSV ALL");
    public static final Reply EPSV_ALL_OK = Reply.of(200, "EPSV ALL ok");
    public static final Reply BAD_NETWORK_PROTOCOL = Reply.of(522, "Network protocol not supported, use (1,2)");
    public static final Reply NO_PASSIVE_PORT = Reply.of(425, "No passive port available");
    public static final Reply USE_EPSV = Reply.of(425, "PASV is IPv4 only, use EPSV");
    public static final Reply CANT_OPEN_DATA = Reply.of(425, "Can't open data connection");
    public static final Reply USE_PASV_OR_PORT = Reply.of(425, "Use PORT or PASV first");
    public static final Reply TRANSFER_COMPLETE = Reply.of(226, "Transfer complete");
    public static final Reply TRANSFER_ABORTED = Reply.of(426, "Connection closed; transfer aborted");
    public static final Reply ABORT_OK = Reply.of(226, "ABOR successful");
    public static final Reply NOTHING_TO_ABORT = Reply.of(226, "No transfer to abort");
    public static final Reply TLS_REUSE_REQUIRED = Reply.of(522, "Data connection must resume the control connection's TLS session");
    public static final Reply DATA_TLS_REQUIRED = Reply.of(522, "Data connections must be encrypted: use PROT P");

    public static final Reply AUTH_OK = Reply.of(234, "Proceed with negotiation");
    public static final Reply AUTH_UNKNOWN = Reply.of(504, "Unknown AUTH type, use TLS");
    public static final Reply ALREADY_SECURE = Reply.of(503, "Already using TLS");
    public static final Reply TLS_FIRST = Reply.of(503, "PBSZ and PROT need AUTH TLS first");
    public static final Reply TLS_REQUIRED = Reply.of(530, "Login only after AUTH TLS");
    public static final Reply PBSZ_OK = Reply.of(200, "PBSZ=0");
    public static final Reply PBSZ_FIRST = Reply.of(503, "PBSZ first");
    public static final Reply PROT_PRIVATE = Reply.of(200, "PROT now Private");
    public static final Reply PROT_CLEAR = Reply.of(200, "PROT now Clear");
    public static final Reply PROT_UNSUPPORTED = Reply.of(536, "PROT level not supported");
    public static final Reply CCC_REFUSED = Reply.of(534, "CCC refused: the control connection stays encrypted");

    public static final Reply SITE_CHMOD_REFUSED = Reply.of(502, "SITE CHMOD is not supported");
    public static final Reply SITE_UNKNOWN = Reply.of(500, "Unknown SITE command");
    public static final Reply ACCT_NOT_NEEDED = Reply.of(502, "ACCT not implemented: no accounts needed");

    /** 257 with the path in quotes, embedded quotes doubled (RFC 959 Appendix II). */
    public static Reply pathReply(String path, String text) {
        return Reply.of(257, "\"" + path.replace("\"", "\"\"") + "\" " + text);
    }

    /** 501 for a verb sent without the argument it needs: {@code 501 CWD needs an argument}. */
    public static Reply argumentRequired(String verb) {
        return Reply.of(501, verb + " needs an argument");
    }

    public static Reply restarting(long offset) {
        return Reply.of(350, "Restarting at " + offset + ". Send STORE or RETRIEVE");
    }

    /**
     * The reply for a failed file operation. Every handler and the transfer thread come here, so a
     * missing file is 550 everywhere, a full disk 452, an odd name 553 (RFC 959 §4.2.1). Anything
     * else is 451: never a user error for what may be a bug.
     */
    public static Reply error(Exception e) {
        if (e instanceof NoSuchFileException) return NO_SUCH_FILE;
        if (e instanceof AccessDeniedException) return PERMISSION_DENIED;
        if (e instanceof FileAlreadyExistsException) return Reply.of(550, "File exists");
        if (e instanceof DirectoryNotEmptyException) return Reply.of(550, "Directory not empty");
        if (e instanceof NotDirectoryException) return NOT_A_DIRECTORY;
        if (e instanceof InvalidPathException) return BAD_FILE_NAME;
        if (StorageFullException.isFull(e)) return INSUFFICIENT_STORAGE;
        if (e instanceof FileSystemException) return Reply.of(450, "File unavailable");
        return LOCAL_ERROR;
    }
}
