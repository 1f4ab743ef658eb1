package dev.portico.smtp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MAIL/RCPT argument grammar of RFC 5321 4.1.2, without sockets. */
class SmtpPathTest {

    @Test
    void plainAddressAndParameters() throws Exception {
        SmtpPath p = SmtpPath.parse("FROM:<a.b+c@example.org> SIZE=100 BODY=8BITMIME SMTPUTF8", "FROM:");
        assertThat(p.address()).isEqualTo("a.b+c@example.org");
        assertThat(p.parameters()).containsEntry("SIZE", "100").containsEntry("BODY", "8BITMIME").containsEntry("SMTPUTF8", null);
        assertThat(p.nonAscii()).isFalse();
    }

    @Test
    void nullSenderQuotedLocalPartSourceRouteAndLiteral() throws Exception {
        assertThat(SmtpPath.parse("FROM:<>", "FROM:").isNull()).isTrue();
        assertThat(SmtpPath.parse("from: <>", "FROM:").isNull()).isTrue();
        assertThat(SmtpPath.parse("TO:<\"john doe>\\\"x\"@example.org>", "TO:").address()).isEqualTo("\"john doe>\\\"x\"@example.org");
        assertThat(SmtpPath.parse("TO:<@relay.one,@relay.two:bob@example.org>", "TO:").address()).isEqualTo("bob@example.org");
        assertThat(SmtpPath.parse("TO:<bob@[192.0.2.1]>", "TO:").address()).isEqualTo("bob@[192.0.2.1]");
        assertThat(SmtpPath.parse("TO:<Postmaster>", "TO:").address()).isEqualTo("Postmaster");
    }

    @Test
    void utf8AddressIsFlagged() throws Exception {
        SmtpPath p = SmtpPath.parse("TO:<jösé@bücher.example>", "TO:");
        assertThat(p.nonAscii()).isTrue();
    }

    @Test
    void badSyntaxNamesThePart() {
        assertProblem("<a@b>", SmtpPath.Problem.PREFIX);
        assertProblem("FROM:a@b", SmtpPath.Problem.ADDRESS);
        assertProblem("FROM:<a@b", SmtpPath.Problem.ADDRESS);
        assertProblem("FROM:<a..b@c>", SmtpPath.Problem.ADDRESS);
        assertProblem("FROM:<a b@c>", SmtpPath.Problem.ADDRESS);
        assertProblem("FROM:<a@-c>", SmtpPath.Problem.ADDRESS);
        assertProblem("FROM:<a@>", SmtpPath.Problem.ADDRESS);
        assertProblem("FROM:<@a>", SmtpPath.Problem.ADDRESS);
        assertProblem("FROM:<a@b>x", SmtpPath.Problem.ADDRESS);
        assertProblem("FROM:<a@b> =x", SmtpPath.Problem.PARAMETER);
        assertProblem("FROM:<a@b> SIZE=1 SIZE=2", SmtpPath.Problem.PARAMETER);
    }

    private static void assertProblem(String arg, SmtpPath.Problem problem) {
        assertThatThrownBy(() -> SmtpPath.parse(arg, "FROM:"))
                .as(arg)
                .isInstanceOfSatisfying(SmtpPath.SyntaxException.class, e -> assertThat(e.problem).isEqualTo(problem));
    }
}
