package dev.portico.pop3;

import dev.portico.core.Refusal;
import dev.portico.core.mail.MessageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/** The TRANSACTION-state verbs of RFC 1939 §5 and §7, and QUIT in both states. */
final class Pop3MailCommands {

    private static final Logger log = LoggerFactory.getLogger(Pop3MailCommands.class);

    private Pop3MailCommands() {}

    static Pop3Reply stat(Pop3Session s, String argument) {
        return Pop3Reply.ok(s.liveCount() + " " + s.liveSize());
    }

    /** Sizes in octets as stored, CR LF included, which is what RETR sends before dot-stuffing. */
    static Pop3Reply list(Pop3Session s, String argument) {
        if (!argument.isBlank()) {
            int i = s.message(argument);
            return Pop3Reply.ok((i + 1) + " " + s.messages.get(i).size());
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < s.messages.size(); i++) {
            if (!s.deleted.get(i)) lines.add((i + 1) + " " + s.messages.get(i).size());
        }
        return Pop3Reply.ok(s.liveCount() + " messages (" + s.liveSize() + " octets)", lines);
    }

    /** RFC 2449 §6.3 / RFC 1939 §7: the unique-id listing. */
    static Pop3Reply uidl(Pop3Session s, String argument) {
        if (!argument.isBlank()) {
            int i = s.message(argument);
            return Pop3Reply.ok((i + 1) + " " + Pop3Session.uidl(s.messages.get(i)));
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < s.messages.size(); i++) {
            if (!s.deleted.get(i)) lines.add((i + 1) + " " + Pop3Session.uidl(s.messages.get(i)));
        }
        return Pop3Reply.ok("unique-id listing follows", lines);
    }

    /** Streams the message from the store, never holding it whole in memory. */
    static Pop3Reply retr(Pop3Session s, String argument) {
        int i = s.message(argument);
        MessageInfo m = s.messages.get(i);
        InputStream in = open(s, m);
        s.retrieved.add(m.uid());
        return Pop3Reply.content(m.size() + " octets", in, -1, m.size());
    }

    /** RFC 1939 §7: the header, the blank line, and the first {@code n} lines of the body. */
    static Pop3Reply top(Pop3Session s, String argument) {
        String[] parts = argument.strip().split("\\s+");
        if (parts.length != 2) return Pop3Replies.TOP_SYNTAX;
        int i = s.message(parts[0]);
        String n = parts[1];
        if (n.isEmpty() || n.length() > 18 || !n.chars().allMatch(c -> c >= '0' && c <= '9')) return Pop3Replies.TOP_SYNTAX;
        MessageInfo m = s.messages.get(i);
        InputStream in = open(s, m);
        s.retrieved.add(m.uid());
        return Pop3Reply.content("top of message follows", in, Long.parseLong(n), m.size());
    }

    private static InputStream open(Pop3Session s, MessageInfo m) {
        try {
            return s.mailbox.content(m.uid());
        } catch (NoSuchFileException e) {
            // Another program on the Maildir removed it after the session took its snapshot.
            log.info("{} message {} vanished from the Maildir", s, m.uid());
            throw new Refusal(Pop3Replies.MESSAGE_GONE);
        } catch (IOException e) {
            log.warn("{} cannot read message {}: {}", s, m.uid(), e.toString());
            throw new Refusal(Pop3Replies.MESSAGE_UNREADABLE);
        }
    }

    /** Only marks the message; RFC 1939 §6: it is removed at QUIT, and RSET unmarks it. */
    static Pop3Reply dele(Pop3Session s, String argument) {
        int i = s.message(argument);
        s.deleted.set(i);
        return Pop3Reply.ok("message " + (i + 1) + " deleted");
    }

    static Pop3Reply noop(Pop3Session s, String argument) {
        return Pop3Replies.NOOP;
    }

    static Pop3Reply rset(Pop3Session s, String argument) {
        s.deleted.clear();
        return Pop3Reply.ok(s.dropSummary());
    }

    /** In AUTHORIZATION just goodbye; in TRANSACTION enter UPDATE (RFC 1939 §6). */
    static Pop3Reply quit(Pop3Session s, String argument) {
        if (s.phase == Pop3Session.Phase.AUTHORIZATION) return Pop3Replies.BYE;
        return s.update();
    }
}
