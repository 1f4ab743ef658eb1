package dev.portico.pop3;

import dev.portico.testing.TestServices;
import org.apache.commons.net.pop3.ExtendedPOP3Client;
import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.pop3.POP3MessageInfo;
import org.apache.commons.net.pop3.POP3SClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Apache Commons Net's POP3Client and POP3SClient (STLS and implicit TLS) against the server. */
@Timeout(10)
class Pop3CommonsNetTest {

    @RegisterExtension
    final Pop3Fixture pop3 = new Pop3Fixture();

    private static <C extends POP3Client> C configure(C client) {
        client.setDefaultTimeout(5000);
        client.setConnectTimeout(5000);
        return client;
    }

    private static String read(Reader r) throws IOException {
        assertThat(r).isNotNull();
        StringBuilder b = new StringBuilder();
        char[] buf = new char[8192];
        try (r) {
            for (int n; (n = r.read(buf)) > 0; ) b.append(buf, 0, n);
        }
        return b.toString();
    }

    @Test
    void retrievesAMultipartMessageByteForByte() throws IOException {
        pop3.start();
        byte[] message = TestMessages.multipart("report", TestMessages.binary(50_000, 7));
        pop3.deliver("alice", message);
        pop3.deliver("alice", TestMessages.simple("second", "short\r\n"));

        POP3Client client = configure(new POP3Client());
        client.connect("127.0.0.1", pop3.port());
        client.setSoTimeout(5000);
        try {
            assertThat(client.login("alice", Pop3Fixture.ALICE)).isTrue();
            POP3MessageInfo status = client.status();
            assertThat(status.number).isEqualTo(2);
            POP3MessageInfo[] list = client.listMessages();
            assertThat(list).hasSize(2);
            assertThat(list[0].size).isEqualTo(message.length);
            assertThat(read(client.retrieveMessage(1))).isEqualTo(TestMessages.ascii(message));
            assertThat(read(client.retrieveMessageTop(2, 0))).contains("Subject: second").doesNotContain("short");
            POP3MessageInfo[] uids = client.listUniqueIdentifiers();
            assertThat(uids).hasSize(2);
            assertThat(client.listUniqueIdentifier(1).identifier).isEqualTo(uids[0].identifier);
            assertThat(client.capa()).isTrue();
            assertThat(client.getReplyStrings()).contains("UIDL", "TOP", "STLS");
            assertThat(client.logout()).isTrue();
        } finally {
            client.disconnect();
        }
    }

    /**
     * A message another program dropped into {@code new/} with bare LF line ends (Postfix,
     * procmail, Dovecot): LIST and STAT give its size as sent, CR LF included (RFC 1939 §11), and
     * RETR sends exactly that many octets before the terminating dot. They reported one octet
     * per line less, so a client trusting the size cut the message short.
     */
    @Test
    void sizesOfABareLfMessageMatchWhatRetrSends() throws IOException {
        pop3.start();
        String lf = "From: postfix@example.org\nSubject: bare LF\n\nline one\n.dot line\n\nlast line\n";
        Path dropped = Files.createDirectories(pop3.maildir("alice").resolve("new")).resolve("1700000000.V801I42M1.mx");
        Files.writeString(dropped, lf, StandardCharsets.US_ASCII);
        String sent = lf.replace("\n", "\r\n");
        POP3Client client = configure(new POP3Client());
        client.connect("127.0.0.1", pop3.port());
        try {
            assertThat(client.login("alice", Pop3Fixture.ALICE)).isTrue();
            assertThat(client.status().size).isEqualTo(sent.length());
            assertThat(client.listMessages()).singleElement().satisfies(m -> assertThat(m.size).isEqualTo(sent.length()));
            assertThat(client.listMessage(1).size).isEqualTo(sent.length());
            String retrieved = read(client.retrieveMessage(1));
            assertThat(retrieved).isEqualTo(sent);           // dot-stuffing undone by the client
            assertThat(retrieved.length()).isEqualTo(client.listMessage(1).size);
            client.logout();
        } finally {
            client.disconnect();
        }
    }

    @Test
    void deleteResetAndQuitThroughTheClient() throws IOException {
        pop3.start();
        for (int i = 0; i < 3; i++) pop3.deliver("alice", TestMessages.simple("m" + i, "body " + i + "\r\n"));
        POP3Client client = configure(new POP3Client());
        client.connect("127.0.0.1", pop3.port());
        try {
            assertThat(client.login("alice", Pop3Fixture.ALICE)).isTrue();
            assertThat(client.deleteMessage(1)).isTrue();
            assertThat(client.deleteMessage(1)).isFalse();
            assertThat(client.retrieveMessage(1)).isNull();
            assertThat(client.reset()).isTrue();
            assertThat(client.deleteMessage(2)).isTrue();
            assertThat(client.listMessages()).hasSize(2);
            assertThat(client.logout()).isTrue();
        } finally {
            client.disconnect();
        }
        pop3.awaitNoSessions();
        client.connect("127.0.0.1", pop3.port());
        try {
            assertThat(client.login("alice", Pop3Fixture.ALICE)).isTrue();
            assertThat(read(client.retrieveMessage(2))).contains("Subject: m2");
            assertThat(client.status().number).isEqualTo(2);
            client.logout();
        } finally {
            client.disconnect();
        }
    }

    @Test
    void authPlainThroughTheContinuation() throws Exception {
        pop3.start();
        pop3.deliver("alice", TestMessages.simple("sasl", "via AUTH PLAIN\r\n"));
        ExtendedPOP3Client client = configure(new ExtendedPOP3Client());
        client.connect("127.0.0.1", pop3.port());
        try {
            assertThat(client.auth(ExtendedPOP3Client.AUTH_METHOD.PLAIN, "alice", "wrong")).isFalse();
            assertThat(client.getReplyString()).contains("[AUTH]");
            assertThat(client.auth(ExtendedPOP3Client.AUTH_METHOD.PLAIN, "alice", Pop3Fixture.ALICE)).isTrue();
            client.setState(POP3Client.TRANSACTION_STATE);   // auth() leaves the client's own state machine behind
            assertThat(client.status().number).isEqualTo(1);
            client.logout();
        } finally {
            client.disconnect();
        }
    }

    @Test
    void stlsWithExecTls() throws IOException {
        pop3.start("pop3.tls.required", "true");
        pop3.deliver("alice", TestMessages.simple("secret", "over TLS\r\n"));
        POP3SClient client = configure(new POP3SClient(false));
        client.setTrustManager(Pop3Fixture.trustManager());
        client.connect("127.0.0.1", pop3.port());
        try {
            assertThat(client.login("alice", Pop3Fixture.ALICE)).isFalse();   // plain text refused
            assertThat(client.execTLS()).isTrue();
            assertThat(client.login("alice", Pop3Fixture.ALICE)).isTrue();
            assertThat(read(client.retrieveMessage(1))).contains("over TLS");
            client.logout();
        } finally {
            client.disconnect();
        }
    }

    @Test
    void implicitPop3s() throws IOException {
        pop3.start("pop3.implicit-port", "0");
        assertThat(pop3.server.listeners()).containsOnlyKeys("pop3", "pop3s");
        pop3.deliver("bob", TestMessages.simple("hi bob", "implicit\r\n"));
        POP3SClient client = configure(new POP3SClient(true));
        client.setTrustManager(Pop3Fixture.trustManager());
        client.connect("127.0.0.1", pop3.server.implicitPort());
        try {
            assertThat(client.capa()).isTrue();
            assertThat(client.getReplyStrings()).doesNotContain("STLS");   // the server sees a TLS connection
            assertThat(client.login("bob", TestServices.BOB_PASSWORD)).isTrue();
            assertThat(read(client.retrieveMessage(1))).contains("implicit");
            client.logout();
        } finally {
            client.disconnect();
        }
    }

    @Test
    void onlyTheImplicitListenerCanRun() throws IOException {
        pop3.start("pop3.port", "off", "pop3.implicit-port", "0", "pop3.shutdown-grace", "200ms");
        assertThat(pop3.server.port()).isEqualTo(-1);
        assertThat(pop3.server.listeners()).containsOnlyKeys("pop3s");
    }
}
