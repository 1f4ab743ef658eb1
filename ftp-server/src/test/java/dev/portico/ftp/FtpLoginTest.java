package dev.portico.ftp;

import dev.portico.testing.RawClient;
import dev.portico.testing.TestServices;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class FtpLoginTest {

    @RegisterExtension
    final FtpTestServer ftp = FtpTestServer.started("ftp.anonymous", "true");
    /** A server with the defaults, for the one test that needs them. */
    @RegisterExtension
    final FtpTestServer plain = new FtpTestServer();
    FTPClient client;

    @Test
    void greetingAndGoodLogin() throws Exception {
        client = ftp.client();
        assertThat(client.getReplyCode()).isEqualTo(220);
        assertThat(client.login("alice", TestServices.ALICE_PASSWORD)).isTrue();
        assertThat(client.getReplyCode()).isEqualTo(230);
        assertThat(client.printWorkingDirectory()).isEqualTo("/");
        assertThat(ftp.services.sessions().sessions()).anyMatch(s -> "alice".equals(s.user()));
    }

    @Test
    void badPasswordIs530AndSessionGoesOn() throws Exception {
        client = ftp.client();
        assertThat(client.login("alice", "wrong")).isFalse();
        assertThat(client.getReplyCode()).isEqualTo(530);
        assertThat(client.login("nobody", "x")).isFalse();
        assertThat(client.getReplyCode()).isEqualTo(530);
        assertThat(client.login("alice", TestServices.ALICE_PASSWORD)).isTrue();
    }

    @Test
    void tooManyFailuresCloseTheConnection() throws Exception {
        try (RawClient raw = new RawClient(ftp.port())) {
            raw.expect("220");
            for (int i = 1; i < FtpSession.MAX_LOGIN_FAILURES; i++) {
                RawFtp.userPass(raw, "alice", "nope", "530");
            }
            RawFtp.userPass(raw, "alice", "nope", "421");
            raw.expectClosed();
        }
    }

    @Test
    void commandsBeforeLoginAre530AndPassFirstIs503() throws Exception {
        try (RawClient raw = new RawClient(ftp.port())) {
            raw.expect("220");
            raw.send("PASS x").expect("503");
            raw.send("LIST").expect("530");
            raw.send("RETR a").expect("530");
            raw.send("CWD /").expect("530");
            raw.send("USER alice").expect("331");
            raw.send("PWD").expect("530");
            raw.send("SYST").expect("215 UNIX Type: L8");
            raw.send("NOOP").expect("200");
            raw.send("FEAT").expect("211");
            raw.send("PASS " + TestServices.ALICE_PASSWORD).expect("230");
            raw.send("USER bob").expect("503");
            raw.send("RNTO x").expect("503");
            raw.send("ACCT x").expect("502");
            raw.send("QUIT").expect("221");
            raw.expectClosed();
        }
    }

    @Test
    void readOnlyUserCannotChangeAnything() throws Exception {
        ftp.write("bob", "r.txt", "read me");
        client = ftp.bob();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(client.retrieveFile("r.txt", out)).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("read me");
        assertThat(client.storeFile("w.txt", new ByteArrayInputStream(new byte[]{1}))).isFalse();
        assertThat(client.getReplyCode()).isEqualTo(550);
        assertThat(client.deleteFile("r.txt")).isFalse();
        assertThat(client.getReplyCode()).isEqualTo(550);
        assertThat(client.makeDirectory("d")).isFalse();
        assertThat(client.getReplyCode()).isEqualTo(550);
        assertThat(client.rename("r.txt", "s.txt")).isFalse();
        assertThat(client.getReplyCode()).isEqualTo(550);
        assertThat(client.appendFile("r.txt", new ByteArrayInputStream(new byte[]{1}))).isFalse();
        assertThat(client.getReplyCode()).isEqualTo(550);
        assertThat(client.storeUniqueFile(new ByteArrayInputStream(new byte[]{1}))).isFalse();
        assertThat(client.getReplyCode()).isEqualTo(550);
        assertThat(Files.list(ftp.home("bob"))).hasSize(1);
        // the session is still usable after all those refusals
        assertThat(client.listNames()).containsExactly("r.txt");
    }

    @Test
    void anonymousLoginIsReadOnlyInItsOwnRoot() throws Exception {
        // the anonymous root defaults to DATA/anonymous, made at start
        Files.writeString(ftp.dir.resolve("anonymous").resolve("hello.txt"), "hi");
        ftp.write("alice", "secret.txt", "no");
        client = ftp.login("anonymous", "guest@example.org");
        assertThat(client.listNames()).containsExactly("hello.txt");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(client.retrieveFile("hello.txt", out)).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hi");
        assertThat(client.retrieveFile("../alice/secret.txt", new ByteArrayOutputStream())).isFalse();
        assertThat(client.storeFile("up.txt", new ByteArrayInputStream(new byte[]{1}))).isFalse();
        assertThat(client.getReplyCode()).isEqualTo(550);
    }

    @Test
    void anonymousIsOffByDefault() throws Exception {
        FTPClient c = plain.start().client();
        assertThat(c.login("anonymous", "guest@example.org")).isFalse();
        assertThat(c.getReplyCode()).isEqualTo(530);
    }

    @Test
    void unknownAndUnimplementedVerbs() throws Exception {
        try (RawClient raw = new RawClient(ftp.port())) {
            raw.expect("220");
            raw.send("XYZZY").expect("500");
            raw.send("").expect("500");
            raw.send("REIN").expect("502");
            RawFtp.alice(raw);
            raw.send("SMNT /x").expect("502");
            raw.send("NOOP").expect("200");
        }
    }

    @Test
    void replyCodesArePositiveWhereTheyShouldBe() throws Exception {
        client = ftp.alice();
        assertThat(FTPReply.isPositiveCompletion(client.noop())).isTrue();
    }
}
