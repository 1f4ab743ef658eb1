package dev.portico.junit;

import dev.portico.core.mail.MailStore;
import dev.portico.core.mail.Mailbox;
import dev.portico.core.mail.MessageInfo;
import dev.portico.core.mail.MimeView;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * One user's mailbox as it is now in the Maildir (what POP3 and the shell see: a message a POP3
 * client deleted is gone here), oldest first. Each call reads the Maildir anew.
 */
public final class TestMailbox {

    private final MailStore store;
    private final String user;
    private final boolean exists;

    TestMailbox(MailStore store, String user, boolean exists) {
        this.store = store;
        this.user = user;
        this.exists = exists;
    }

    /** The mailbox's name (a user name). */
    public String user() {
        return user;
    }

    /** The messages as stored, bytes exact. */
    public List<byte[]> raw() {
        if (!exists) return List.of();
        try (Mailbox box = store.open(user, false)) {
            List<byte[]> out = new ArrayList<>();
            for (MessageInfo m : box.messages()) {
                try (InputStream in = box.content(m.uid())) {
                    out.add(in.readAllBytes());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many messages there are. */
    public int size() {
        if (!exists) return 0;
        try (Mailbox box = store.open(user, false)) {
            return box.messages().size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The messages decoded, the way the shell's {@code mail N} shows them: {@code text()}, {@code html()}, {@code attachment(name)}. */
    public List<MimeView> messages() {
        List<MimeView> out = new ArrayList<>();
        for (byte[] raw : raw()) {
            try {
                out.add(MimeView.parse(new ByteArrayInputStream(raw)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (MessagingException e) {
                throw new IllegalStateException("cannot parse a message of " + user + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The messages parsed by Jakarta Mail. */
    public List<MimeMessage> mimeMessages() {
        return raw().stream().map(JakartaMail::parse).toList();
    }

    static boolean exists(dev.portico.core.mail.MaildirMailStore store, String user) {
        return Files.isDirectory(store.maildir(user));
    }

    @Override
    public String toString() {
        return "mailbox " + user + " (" + size() + " messages)";
    }
}
