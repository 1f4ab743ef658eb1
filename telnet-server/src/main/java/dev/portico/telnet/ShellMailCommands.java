package dev.portico.telnet;

import dev.portico.core.fs.VirtualPath;
import dev.portico.core.mail.MailStore;
import dev.portico.core.mail.Mailbox;
import dev.portico.core.mail.MessageInfo;
import dev.portico.core.mail.MimeView;
import jakarta.mail.MessagingException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mail}: the user's Maildir through the shared {@link MailStore}, and {@code postmaster}: the
 * postmaster's, for administrators
 * (opened shared, so POP3 can hold it at the same time), MIME decoded by {@link MimeView}, which the
 * HTTP API shares; what reaches the terminal is cleaned here.
 * Messages are numbered 1..n in arrival order, as POP3 numbers them.
 */
final class ShellMailCommands {

    /** Larger messages are listed but not parsed here (Jakarta Mail holds a parsed message in memory). */
    static final long MAX_SHOWN = MimeView.MAX_PARSED;

    private ShellMailCommands() {}

    static ShellReply mail(TelnetSession s, String arg) throws IOException {
        return read(s, s.user.name(), "mail", arg);
    }

    /**
     * The postmaster mailbox ({@link MailStore#POSTMASTER}, RFC 5321 4.5.1), read like one's own;
     * the command table lets only administrators run it.
     */
    static ShellReply postmaster(TelnetSession s, String arg) throws IOException {
        return read(s, MailStore.POSTMASTER, "postmaster", arg);
    }

    private static ShellReply read(TelnetSession s, String mailbox, String command, String arg) throws IOException {
        List<String> a = ShellWords.texts(arg);
        try (Mailbox box = s.shared.mail().open(mailbox, false)) {
            List<MessageInfo> messages = box.messages();
            if (a.isEmpty()) return list(box, messages);
            if (a.get(0).equals("save") && a.size() == 4) {
                return save(s, box, message(s, messages, a.get(1)), a.get(1), a.get(2), a.get(3));
            }
            if (a.size() == 1 && !a.get(0).equals("save")) {
                return show(s, box, message(s, messages, a.get(0)), a.get(0), command + " save " + a.get(0));
            }
            return ShellReply.of("usage: " + command + " | " + command + " N | " + command + " save N PART FILE");
        } catch (MessagingException e) {
            // The parser's message quotes the broken header as sent: cleaned like any header text
            // (found by MailViewFuzzTest: a control character in a Content-Type reached the terminal).
            return ShellReply.of(command + ": cannot read that message: " + clean(String.valueOf(e.getMessage())));
        }
    }

    private static MessageInfo message(TelnetSession s, List<MessageInfo> messages, String number) {
        int n;
        try {
            n = Integer.parseInt(number);
        } catch (NumberFormatException e) {
            throw s.refuse("not a message number: " + number);
        }
        if (n < 1 || n > messages.size()) {
            throw s.refuse("no message " + number + " (you have " + messages.size() + ")");
        }
        return messages.get(n - 1);
    }

    /**
     * A message's content. The store's errors name the message's file on the host (under the data
     * folder), which the user must not see: the user is told which message, never where it lives.
     */
    private static InputStream content(Mailbox box, MessageInfo m, String number) throws IOException {
        try {
            return box.content(m.uid());
        } catch (NoSuchFileException e) {        // deleted meanwhile, e.g. by a POP3 session
            throw new NoSuchFileException("message " + number);
        } catch (FileSystemException e) {
            throw new FileSystemException("message " + number, null, e.getReason());
        }
    }

    private static ShellReply list(Mailbox box, List<MessageInfo> messages) throws IOException, MessagingException {
        if (messages.isEmpty()) return ShellReply.of("No mail.");
        List<String> out = new ArrayList<>();
        out.add(messages.size() + (messages.size() == 1 ? " message:" : " messages:"));
        for (int i = 0; i < messages.size(); i++) {
            MessageInfo m = messages.get(i);
            MimeView.Headers h;
            try (InputStream in = content(box, m, Integer.toString(i + 1))) {
                h = MimeView.headers(in);
            }
            out.add(String.format("%3d %s %s  %-24s  %-32s %8d", i + 1, m.seen() ? " " : "N",
                    ShellCommands.TIME.format(m.received()), cut(header(h, "From"), 24), cut(header(h, "Subject"), 32),
                    m.size()));
        }
        return ShellReply.of(out);
    }

    private static String header(MimeView.Headers h, String name) {
        String v = h.get(name);
        return v == null ? "" : clean(v);
    }

    /**
     * Header text made safe for a terminal: no control characters, no escape sequences. Unicode's
     * Cc, not POSIX Cntrl: the C1 controls U+0080-U+009F count too, as U+009B is a CSI (ECMA-48)
     * to a UTF-8 terminal such as xterm.
     */
    private static String clean(String s) {
        return s.replaceAll("[\\p{Cc}&&[^\t]]", "?");
    }

    /** Body text for a terminal: line ends and tabs kept, other control characters (ESC, C1) replaced. */
    private static String cleanText(String s) {
        return s.replace("\r\n", "\n").replaceAll("[\\p{Cc}&&[^\t\n]]", "?");
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "~";
    }

    private static MimeView parse(TelnetSession s, Mailbox box, MessageInfo m, String number) throws IOException, MessagingException {
        if (m.size() > MAX_SHOWN) throw s.refuse("message too large to show here (" + m.size() + " bytes)");
        try (InputStream in = content(box, m, number)) {
            return MimeView.parse(in);
        }
    }

    /** Shows a message; {@code saveCommand} ("mail save 3") is what the user types to save a part. */
    private static ShellReply show(TelnetSession s, Mailbox box, MessageInfo m, String number, String saveCommand)
            throws IOException, MessagingException {
        MimeView msg = parse(s, box, m, number);
        TelnetOutput out = s.out();
        for (String h : List.of("From", "To", "Cc", "Date", "Subject")) {
            String v = msg.headers().get(h);
            if (v != null) out.println(h + ": " + clean(v));
        }
        List<MimeView.Part> parts = msg.parts();
        for (int i = 0; i < parts.size() && !s.interrupted(); i++) {
            MimeView.Part p = parts.get(i);
            if (p.isText()) {
                out.println("");
                out.println("--- part " + p.number() + ": " + p.type() + " ---");
                String text = cleanText(p.text());
                out.print(text.endsWith("\n") ? text : text + "\n");
                out.flush();
            } else {
                String name = p.fileName();
                out.println("");
                out.println("--- part " + p.number() + ": attachment " + p.type()
                        + (name == null ? "" : " \"" + clean(name) + "\"") + ", " + p.size()
                        + " bytes (save with: " + saveCommand + " " + p.number() + " FILE) ---");
            }
        }
        return ShellReply.NONE;
    }

    private static ShellReply save(TelnetSession s, Mailbox box, MessageInfo m, String number, String part, String file)
            throws IOException, MessagingException {
        List<MimeView.Part> parts = parse(s, box, m, number).parts();
        int k;
        try {
            k = Integer.parseInt(part);
        } catch (NumberFormatException e) {
            k = -1;
        }
        if (k < 1 || k > parts.size()) return ShellReply.of("mail: message " + number + " has no part " + part);
        VirtualPath target = ShellFileCommands.writable(s, ShellFileCommands.path(s, file));
        long written = 0;
        try (InputStream in = parts.get(k - 1).open();
             FileChannel ch = s.files.openWrite(target, false, 0)) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) ch.write(bb);
                written += n;
            }
        }
        return ShellReply.of("saved " + written + " bytes to " + target);
    }
}
