package dev.portico.core.mail;

import java.io.IOException;

/** Another session holds this mailbox exclusively. */
public final class MailboxInUseException extends IOException {
    public MailboxInUseException(String user) {
        super("mailbox of " + user + " is in use");
    }
}
