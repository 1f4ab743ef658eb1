package dev.portico.imap;

import dev.portico.testing.TestTls;
import org.apache.commons.net.imap.IMAPClient;
import org.apache.commons.net.imap.IMAPSClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Commons Net's IMAPClient and IMAPSClient (STARTTLS and implicit TLS). */
@Timeout(20)
class ImapCommonsNetTest {

    @RegisterExtension
    final ImapFixture imap = new ImapFixture();

    @Test
    void plainClientListsSelectsAndFetches() throws Exception {
        imap.start();
        imap.deliver("alice", ImapFixture.message("net", "commons"));
        IMAPClient c = new IMAPClient();
        c.setDefaultTimeout(5000);
        c.connect("127.0.0.1", imap.port());
        try {
            assertThat(c.login("alice", ImapFixture.ALICE)).isTrue();
            assertThat(c.list("", "*")).isTrue();
            assertThat(c.getReplyString()).contains("INBOX", "Sent");
            assertThat(c.select("INBOX")).isTrue();
            assertThat(c.getReplyString()).contains("1 EXISTS");
            assertThat(c.fetch("1", "(UID RFC822.SIZE)")).isTrue();
            assertThat(c.getReplyString()).contains("* 1 FETCH (UID 1 RFC822.SIZE ");
            assertThat(c.logout()).isTrue();
        } finally {
            c.disconnect();
        }
    }

    @Test
    void startTlsThenLoginWhereTlsIsRequired() throws Exception {
        imap.start("imap.tls.required", "true");
        IMAPSClient c = new IMAPSClient(false, TestTls.CLIENT);
        c.setDefaultTimeout(5000);
        c.connect("127.0.0.1", imap.port());
        try {
            assertThat(c.capability()).isTrue();
            assertThat(c.getReplyString()).contains("LOGINDISABLED", "STARTTLS");
            assertThat(c.login("alice", ImapFixture.ALICE)).isFalse();
            assertThat(c.execTLS()).isTrue();
            assertThat(c.login("alice", ImapFixture.ALICE)).isTrue();
            assertThat(c.logout()).isTrue();
        } finally {
            c.disconnect();
        }
    }

    @Test
    void implicitTls() throws Exception {
        imap.start("imap.implicit-port", "0");
        IMAPSClient c = new IMAPSClient(true, TestTls.CLIENT);
        c.setDefaultTimeout(5000);
        c.connect("127.0.0.1", imap.server.implicitPort());
        try {
            assertThat(c.login("alice", ImapFixture.ALICE)).isTrue();
            assertThat(c.select("INBOX")).isTrue();
        } finally {
            c.disconnect();
        }
    }
}
