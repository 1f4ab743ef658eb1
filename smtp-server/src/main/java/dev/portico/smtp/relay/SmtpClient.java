package dev.portico.smtp.relay;

import dev.portico.core.LineConnection;
import dev.portico.core.Limits;
import dev.portico.core.Reply;
import dev.portico.smtp.Dsn;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLSocketFactory;

/**
 * The outbound half of SMTP (RFC 5321): one connection to a remote server, which may carry
 * several messages ({@link #send} after {@link #send}, RSET between them when one failed). Uses
 * what the remote offers in its EHLO reply: STARTTLS (RFC 3207), AUTH PLAIN or LOGIN (RFC 4954),
 * PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531). Replies are
 * read by {@link LineConnection}'s bounded line reader, under the same limits as a client's commands.
 */
final class SmtpClient implements Closeable {

    /** A reply line may be up to 512 octets (RFC 5321 4.5.3.1.5); some servers send longer, few much longer. */
    private static final int MAX_REPLY_LINE = 2048;
    /** A multi-line reply (an EHLO list) longer than this is not a server worth talking to. */
    private static final int MAX_REPLY_LINES = 100;

    /** Why a connection could not be used: no reply (network), or the remote's reply. */
    static final class SmtpClientException extends IOException {
        final Reply reply;

        SmtpClientException(String message, Reply reply) {
            super(message);
            this.reply = reply;
        }

        boolean permanent() {
            return reply != null && reply.code() >= 500;
        }
    }

    private final LineConnection connection;
    private final String host;
    private final InetSocketAddress address;
    private Set<String> extensions = Set.of();
    private long remoteMaxSize;

    private SmtpClient(LineConnection connection, String host, InetSocketAddress address) {
        this.connection = connection;
        this.host = host;
        this.address = address;
    }

    /**
     * Connects, reads the greeting, says EHLO (HELO when the remote does not know it), starts TLS
     * as {@code policy} asks and authenticates when {@code username} is set.
     *
     * @param tlsFactory    the client context's factory: trusting everything for opportunistic TLS, or the trust store
     * @param verifyHost    check the certificate names {@code host} (smart host under {@code required})
     */
    static SmtpClient open(String host, InetSocketAddress address, String helo, RelayConfig config,
                           RelayConfig.TlsPolicy policy, SSLSocketFactory tlsFactory, boolean verifyHost) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, (int) config.connectTimeout().toMillis());
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        Limits limits = Limits.DEFAULT.withMaxLineLength(MAX_REPLY_LINE).withIdleTimeout(config.timeout())
                .withCommandTimeout(config.timeout());
        SmtpClient c = new SmtpClient(LineConnection.client("smtp-out", socket, limits), host, address);
        try {
            c.handshake(helo, config, policy, tlsFactory, verifyHost);
            return c;
        } catch (IOException | RuntimeException e) {
            c.connection.close();
            throw e;
        }
    }

    private void handshake(String helo, RelayConfig config, RelayConfig.TlsPolicy policy, SSLSocketFactory tlsFactory,
                           boolean verifyHost) throws IOException {
        expect(read(), 2, "greeting");
        ehlo(helo);
        if (policy != RelayConfig.TlsPolicy.OFF) {
            if (extensions.contains("STARTTLS")) {
                connection.sendLine("STARTTLS");
                Reply r = read();
                if (r.code() == 220) {
                    connection.startTlsClient(tlsFactory, host, verifyHost);
                    ehlo(helo);           // RFC 3207 4.2: forget what was learnt before TLS
                } else if (policy == RelayConfig.TlsPolicy.REQUIRED) {
                    throw new SmtpClientException("STARTTLS refused", r);
                }
            } else if (policy == RelayConfig.TlsPolicy.REQUIRED) {
                throw new SmtpClientException("TLS is required and " + host + " does not offer STARTTLS",
                        Reply.of(454, "4.7.5 TLS required but not offered by " + host));
            }
        }
        if (config.username() != null && config.smartHost() != null) authenticate(config.username(), config.password());
    }

    private void ehlo(String helo) throws IOException {
        connection.sendLine("EHLO " + helo);
        Reply r = read();
        if (r.code() / 100 != 2) {
            connection.sendLine("HELO " + helo);
            expect(read(), 2, "HELO");
            extensions = Set.of();
            return;
        }
        Set<String> ext = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String line : r.lines().subList(1, r.lines().size())) {
            String[] words = line.trim().split(" +");
            ext.add(words[0].toUpperCase(Locale.ROOT));
            if (words[0].equalsIgnoreCase("SIZE") && words.length > 1 && words[1].matches("[0-9]{1,18}")) {
                remoteMaxSize = Long.parseLong(words[1]);
            }
            if (words[0].equalsIgnoreCase("AUTH")) {
                for (int i = 1; i < words.length; i++) ext.add("AUTH=" + words[i].toUpperCase(Locale.ROOT));
            }
        }
        extensions = ext;
    }

    /** RFC 4954: PLAIN when offered, else LOGIN; only over TLS unless the remote is on this machine. */
    private void authenticate(String user, String password) throws IOException {
        if (!connection.isSecure() && !address.getAddress().isLoopbackAddress()) {
            throw new SmtpClientException("will not send the password to " + host + " without TLS",
                    Reply.of(454, "4.7.0 AUTH needs TLS"));
        }
        Reply r;
        if (extensions.contains("AUTH=PLAIN")) {
            connection.sendLine("AUTH PLAIN " + Base64.getEncoder().encodeToString(
                    ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)));
            r = read();
        } else if (extensions.contains("AUTH=LOGIN")) {
            connection.sendLine("AUTH LOGIN");
            expect(read(), 3, "AUTH LOGIN");
            connection.sendLine(Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
            expect(read(), 3, "AUTH LOGIN");
            connection.sendLine(Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)));
            r = read();
        } else {
            throw new SmtpClientException(host + " offers neither AUTH PLAIN nor AUTH LOGIN",
                    Reply.of(454, "4.7.0 no usable AUTH mechanism at " + host));
        }
        // A refused login is the configuration's fault, not the message's: retried, never bounced.
        if (r.code() != 235) throw new SmtpClientException("AUTH refused", Reply.of(454, "4.7.0 AUTH refused: " + text(r)));
    }

    /**
     * One message to some of its recipients. Returns each recipient's reply: the RCPT refusal,
     * or the reply to the end of the data. A refused MAIL or data is every recipient's reply.
     * Throws only when the connection broke; the message's outcome is then unknown.
     *
     * @param prefix sent before the text (the DKIM-Signature field), or empty
     */
    Map<String, Reply> send(QueuedMessage m, List<String> recipients, Path text, byte[] prefix) throws IOException {
        Map<String, Reply> result = new LinkedHashMap<>();
        Reply refusal = unsupported(m);
        if (refusal != null) {
            for (String r : recipients) result.put(r, refusal);
            return result;
        }
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(m.sender()).append('>');
        if (extensions.contains("SIZE")) mail.append(" SIZE=").append(m.size());
        if (m.body().equals("8BITMIME")) mail.append(" BODY=8BITMIME");
        if (m.smtpUtf8()) mail.append(" SMTPUTF8");
        // RFC 3461 5.2: a remote that offers DSN takes the requests over and reports itself.
        boolean dsn = offersDsn();
        if (dsn && m.ret() != null) mail.append(" RET=").append(m.ret().name());
        if (dsn && m.envelopeId() != null) mail.append(" ENVID=").append(Dsn.xtext(m.envelopeId()));
        Map<String, String> rcptLines = new LinkedHashMap<>();
        for (String r : recipients) {
            StringBuilder line = new StringBuilder("RCPT TO:<").append(r).append('>');
            QueuedMessage.Recipient state = m.recipients().stream().filter(x -> x.address().equals(r)).findFirst().orElse(null);
            if (dsn && state != null && state.notifyOn() != null) line.append(" NOTIFY=").append(state.notifyOn());
            if (dsn && state != null && state.orcpt() != null) line.append(" ORCPT=").append(Dsn.orcptParameter(state.orcpt()));
            rcptLines.put(r, line.toString());
        }
        boolean pipelining = extensions.contains("PIPELINING");
        List<Reply> replies = new ArrayList<>();
        if (pipelining) {
            // RFC 2920 3.1: MAIL and RCPT go out together, the replies are read after.
            connection.writeLine(mail.toString());
            for (String r : recipients) connection.writeLine(rcptLines.get(r));
            connection.flush();
            Reply mailReply = read();
            for (int i = 0; i < recipients.size(); i++) replies.add(read());
            if (mailReply.code() / 100 != 2) return every(recipients, mailReply, true);
        } else {
            connection.sendLine(mail.toString());
            Reply mailReply = read();
            if (mailReply.code() / 100 != 2) return every(recipients, mailReply, true);
            for (String r : recipients) {
                connection.sendLine(rcptLines.get(r));
                replies.add(read());
            }
        }
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            if (replies.get(i).code() / 100 == 2) accepted.add(recipients.get(i));
            else result.put(recipients.get(i), replies.get(i));
        }
        if (accepted.isEmpty()) {
            rset();
            return result;
        }
        connection.sendLine("DATA");
        Reply go = read();
        if (go.code() != 354) {
            rset();
            for (String r : accepted) result.put(r, go);
            return result;
        }
        try (InputStream in = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(prefix),
                new BufferedInputStream(Files.newInputStream(text), 64 * 1024))) {
            writeDotStuffed(in);
        }
        Reply done = read();
        for (String r : accepted) result.put(r, done);
        return result;
    }

    /** A message needing an extension the remote lacks (RFC 3463 5.6.3, RFC 6531 3.7.5: 5.6.7), or too big for it. */
    private Reply unsupported(QueuedMessage m) {
        if (m.smtpUtf8() && !extensions.contains("SMTPUTF8")) {
            return Reply.of(554, "5.6.7 " + host + " does not support SMTPUTF8, which this message needs");
        }
        if (m.body().equals("8BITMIME") && !extensions.contains("8BITMIME")) {
            return Reply.of(554, "5.6.3 " + host + " does not support 8BITMIME, which this message needs");
        }
        if (remoteMaxSize > 0 && m.size() > remoteMaxSize) {
            return Reply.of(552, "5.3.4 message of " + m.size() + " octets is over " + host + "'s limit of " + remoteMaxSize);
        }
        return null;
    }

    private Map<String, Reply> every(List<String> recipients, Reply reply, boolean reset) throws IOException {
        if (reset) rset();
        Map<String, Reply> result = new LinkedHashMap<>();
        for (String r : recipients) result.put(r, reply);
        return result;
    }

    /** Sends the text with RFC 5321 4.5.2's dot-stuffing, then the end marker. */
    private void writeDotStuffed(InputStream in) throws IOException {
        byte[] buf = new byte[16 * 1024];
        byte[] out = new byte[buf.length * 2];
        boolean lineStart = true;
        int last = '\n';
        for (int n; (n = in.read(buf)) > 0; ) {
            int o = 0;
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (lineStart && b == '.') out[o++] = '.';
                out[o++] = b;
                lineStart = b == '\n';
            }
            last = buf[n - 1];
            connection.writeBytes(out, 0, o);
        }
        connection.writeLine(last == '\n' ? "." : "\r\n.");
        connection.flush();
    }

    private void rset() throws IOException {
        connection.sendLine("RSET");
        read();
    }

    /** Says QUIT and closes; a remote that does not answer changes nothing. */
    @Override
    public void close() {
        try {
            connection.sendLine("QUIT");
            read();
        } catch (IOException ignored) {
            // the messages are settled; the goodbye is a courtesy
        } finally {
            connection.close();
        }
    }

    /** Whether the remote takes DSN requests over (RFC 3461); otherwise this side reports a success as "relayed". */
    boolean offersDsn() {
        return extensions.contains("DSN");
    }

    /** The remote's host name, as a report's {@code Remote-MTA} names it. */
    String host() {
        return host;
    }

    /** host[address]:port as Postfix's maillog writes the relay. */
    String relay() {
        return host + "[" + address.getAddress().getHostAddress() + "]:" + address.getPort();
    }

    boolean secure() {
        return connection.isSecure();
    }

    private Reply read() throws IOException {
        List<String> lines = new ArrayList<>();
        int code = -1;
        while (true) {
            String line = connection.readLine();
            if (line == null) throw new SmtpClientException(host + " closed the connection", null);
            if (line.length() < 3 || !line.substring(0, 3).matches("[2-5][0-9][0-9]")
                    || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new SmtpClientException(host + " sent a malformed reply", null);
            }
            int c = Integer.parseInt(line.substring(0, 3));
            if (code >= 0 && c != code) throw new SmtpClientException(host + " changed the code inside a reply", null);
            code = c;
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (line.length() == 3 || line.charAt(3) == ' ') return Reply.of(code, lines);
            if (lines.size() >= MAX_REPLY_LINES) throw new SmtpClientException(host + " sent a reply of too many lines", null);
        }
    }

    private static void expect(Reply r, int kind, String step) throws SmtpClientException {
        if (r.code() / 100 != kind) throw new SmtpClientException(step + " refused", r);
    }

    /** A reply on one line: {@code 250 2.0.0 Ok}. */
    static String text(Reply r) {
        return r.code() + " " + String.join(" ", r.lines());
    }
}
