package dev.portico.pop3;

import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** AUTHORIZATION state: USER/PASS, AUTH PLAIN, APOP, CAPA, STLS and the TLS requirement, over a raw socket. */
@Timeout(10)
class Pop3AuthTest {

    @RegisterExtension
    final Pop3Fixture pop3 = new Pop3Fixture();

    private static String plain(String authz, String user, String password) {
        return Base64.getEncoder().encodeToString((authz + "\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void userPassLogsInAndWrongPasswordsGetAuthCode() throws IOException {
        pop3.start();
        try (RawClient c = pop3.raw()) {
            c.send("USER alice").expect(Pop3Replies.USER_ACCEPTED.line());
            c.send("PASS wrong").expect(Pop3Replies.AUTH_FAILED.line());
            c.send("PASS " + Pop3Fixture.ALICE).expect(Pop3Replies.PASS_WITHOUT_USER.line());
            c.send("USER nobody").expect(Pop3Replies.USER_ACCEPTED.line());   // does not reveal accounts
            c.send("PASS x").expect(Pop3Replies.AUTH_FAILED.line());
            c.send("user alice").expect("+OK");                                  // verbs are case-insensitive
            c.send("pass " + Pop3Fixture.ALICE).expect("+OK maildrop has 0 messages (0 octets)");
            c.send("QUIT").expect("+OK");
            c.expectClosed();
        }
    }

    @Test
    void theFullMailAddressWorksAsUserName() throws IOException {
        pop3.start();
        try (RawClient c = pop3.raw()) {
            c.send("USER alice@localhost").expect("+OK");
            c.send("PASS " + Pop3Fixture.ALICE).expect("+OK maildrop has");
        }
    }

    @Test
    void tooManyFailedLoginsCloseTheConnection() throws IOException {
        pop3.start("pop3.max-login-failures", "2");
        try (RawClient c = pop3.raw()) {
            c.send("USER alice").expect("+OK");
            c.send("PASS bad1").expect(Pop3Replies.AUTH_FAILED.line());
            c.send("USER alice").expect("+OK");
            c.send("PASS bad2").expect(Pop3Replies.TOO_MANY_LOGIN_FAILURES.line());
            c.expectClosed();
        }
    }

    @Test
    void commandsInTheWrongStateAreRefused() throws IOException {
        pop3.start();
        try (RawClient c = pop3.raw()) {
            for (String verb : new String[]{"STAT", "LIST", "RETR 1", "DELE 1", "NOOP", "RSET", "TOP 1 1", "UIDL"}) {
                c.send(verb).expect(Pop3Replies.LOGIN_FIRST.line());
            }
            Pop3Fixture.login(c);
            for (String verb : new String[]{"USER alice", "PASS x", "APOP alice 0123", "AUTH PLAIN", "STLS"}) {
                c.send(verb).expect(Pop3Replies.ALREADY_LOGGED_IN.line());
            }
            c.send("STAT").expect("+OK 0 0");
        }
    }

    @Test
    void apopIsRefusedAndNotAdvertised() throws IOException {
        pop3.start();
        try (RawClient c = new RawClient(pop3.port())) {
            assertThat(c.readLine()).doesNotContain("<").isEqualTo(Pop3Replies.GREETING.line());
            c.send("APOP alice c4c9334bac560ecc979e58001b3e22fb").expect(Pop3Replies.APOP_UNSUPPORTED.line());
            Pop3Fixture.login(c);
        }
    }

    @Test
    void authPlainWithInitialResponse() throws IOException {
        pop3.start();
        try (RawClient c = pop3.raw()) {
            c.send("AUTH PLAIN " + plain("", "alice", "nope")).expect(Pop3Replies.AUTH_FAILED.line());
            c.send("AUTH plain " + plain("", "alice", Pop3Fixture.ALICE)).expect("+OK maildrop has 0 messages");
        }
    }

    @Test
    void authPlainWithContinuationAndCancel() throws IOException {
        pop3.start();
        try (RawClient c = pop3.raw()) {
            c.send("AUTH PLAIN");
            assertThat(c.readLine()).isEqualTo("+ ");
            c.send("*").expect(Pop3Replies.AUTH_CANCELLED.line());
            c.send("AUTH PLAIN");
            assertThat(c.readLine()).isEqualTo("+ ");
            c.send("not base64!").expect(Pop3Replies.AUTH_MALFORMED.line());
            c.send("AUTH PLAIN =").expect(Pop3Replies.AUTH_MALFORMED.line());
            c.send("AUTH PLAIN");
            assertThat(c.readLine()).isEqualTo("+ ");
            c.send(plain("alice", "alice", Pop3Fixture.ALICE)).expect("+OK maildrop has");
        }
    }

    @Test
    void authListsMechanismsAndRefusesOthers() throws IOException {
        pop3.start();
        try (RawClient c = pop3.raw()) {
            c.send("AUTH").expect("+OK");
            assertThat(Pop3Fixture.readBody(c)).containsExactly("PLAIN");
            c.send("AUTH CRAM-MD5").expect(Pop3Replies.AUTH_UNSUPPORTED.line());
            c.send("AUTH PLAIN " + plain("bob", "alice", Pop3Fixture.ALICE)).expect(Pop3Replies.AUTH_FAILED.line());
            c.send("AUTH PLAIN " + plain("", "bob", TestServices.BOB_PASSWORD)).expect("+OK");
        }
    }

    @Test
    void capaListsTheExtensionsInBothStates() throws IOException {
        pop3.start();
        try (RawClient c = pop3.raw()) {
            c.send("CAPA").expect("+OK");
            assertThat(Pop3Fixture.readBody(c)).containsExactly("TOP", "UIDL", "USER", "SASL PLAIN", "RESP-CODES",
                    "AUTH-RESP-CODE", "PIPELINING", "STLS", "IMPLEMENTATION Portico");
            Pop3Fixture.login(c);
            c.send("CAPA").expect("+OK");
            assertThat(Pop3Fixture.readBody(c)).contains("TOP", "UIDL", "USER", "SASL PLAIN", "PIPELINING");
        }
    }

    @Test
    void stlsUpgradesAndCapaThenOmitsStls() throws IOException {
        pop3.start();
        try (RawClient c = pop3.raw()) {
            c.send("STLS").expect(Pop3Replies.STLS_GO_AHEAD.line());
            c.startTls();
            c.send("CAPA").expect("+OK");
            assertThat(Pop3Fixture.readBody(c)).contains("USER", "SASL PLAIN").doesNotContain("STLS");
            c.send("STLS").expect(Pop3Replies.ALREADY_SECURE.line());
            Pop3Fixture.login(c);
        }
    }

    @Test
    void commandsPipelinedBehindStlsAreDiscarded() throws IOException {
        pop3.start();
        try (RawClient c = pop3.raw()) {
            // One packet: if the server ran the USER line it would count as sent over TLS.
            c.sendRaw("STLS\r\nUSER alice\r\n");
            c.expect(Pop3Replies.STLS_GO_AHEAD.line());
            c.startTls();
            c.send("PASS " + Pop3Fixture.ALICE).expect(Pop3Replies.PASS_WITHOUT_USER.line());
            c.sendRaw("QUIT\r\n").expect("+OK");
        }
    }

    @Test
    void userGivenBeforeStlsIsForgotten() throws IOException {
        pop3.start();
        try (RawClient c = pop3.raw()) {
            c.send("USER alice").expect("+OK");
            c.send("STLS").expect("+OK");
            c.startTls();
            c.send("PASS " + Pop3Fixture.ALICE).expect(Pop3Replies.PASS_WITHOUT_USER.line());
        }
    }

    @Test
    void tlsRequiredRefusesLoginBeforeStls() throws IOException {
        pop3.start("pop3.tls.required", "true");
        try (RawClient c = pop3.raw()) {
            c.send("CAPA").expect("+OK");
            assertThat(Pop3Fixture.readBody(c)).contains("STLS").doesNotContain("USER", "SASL PLAIN");
            c.send("USER alice").expect(Pop3Replies.TLS_REQUIRED.line());
            c.send("PASS " + Pop3Fixture.ALICE).expect(Pop3Replies.TLS_REQUIRED.line());
            c.send("AUTH PLAIN " + plain("", "alice", Pop3Fixture.ALICE)).expect(Pop3Replies.TLS_REQUIRED.line());
            c.send("STLS").expect("+OK");
            c.startTls();
            c.send("CAPA").expect("+OK");
            assertThat(Pop3Fixture.readBody(c)).contains("USER", "SASL PLAIN");
            c.send("AUTH PLAIN " + plain("", "alice", Pop3Fixture.ALICE)).expect("+OK maildrop has");
        }
    }
}
