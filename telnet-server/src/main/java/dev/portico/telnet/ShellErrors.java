package dev.portico.telnet;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The one place file-store errors become the shell's words. The file an error names is the user's
 * virtual path ({@code cat: /etc/passwd: no such file or directory}): the file store names no host
 * path in its errors, and the mail command names messages by number, so nothing here shows where
 * the server keeps a user's files.
 */
final class ShellErrors {

    private ShellErrors() {}

    static String describe(IOException e) {
        String file = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() + ": " : "";
        if (e instanceof NoSuchFileException) return file + "no such file or directory";
        if (e instanceof FileAlreadyExistsException) return file + "already exists";
        if (e instanceof DirectoryNotEmptyException) return file + "directory not empty";
        if (e instanceof NotDirectoryException) return file + "not a directory";
        if (e instanceof AccessDeniedException a) {
            String why = a.getReason();
            if (why != null && why.contains("outside")) return file + TelnetReplies.OUTSIDE_HOME;
            if (why != null && why.contains("read-only")) return file + "read-only: you may not change files";
            return file + "permission denied" + (why != null ? " (" + why + ")" : "");
        }
        if (e instanceof FileSystemException) return file + "failed";
        return "failed: " + e.getMessage();
    }
}
