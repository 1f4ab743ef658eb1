package dev.portico.core;

import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A line did not arrive whole within {@link Limits#commandTimeout()} of its first byte: a client
 * dribbling a command a byte at a time, each byte inside the idle timeout. It is a
 * {@link SocketTimeoutException}, so every protocol answers it as it answers an idle timeout
 * (SMTP {@code 421 4.4.2}, FTP {@code 421}, POP3's silent autologout) and closes.
 */
public final class CommandTimeoutException extends SocketTimeoutException {
    public CommandTimeoutException(Duration limit) {
        super("command line not complete within " + limit.toMillis() + " ms of its first byte");
    }
}
