package dev.portico.pop3;

import dev.portico.core.mail.MessageInfo;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class Pop3UidlTest {

    private static MessageInfo message(String uid) {
        return new MessageInfo(uid, 10, Instant.EPOCH, false);
    }

    @Test
    void maildirNamesThatFitAreUsedAsTheyAre() {
        String uid = "1732245600.M123000P4242Q7.mail.example.org,S=2048";
        assertThat(Pop3Session.uidl(message(uid))).isEqualTo(uid);
    }

    @Test
    void namesTooLongOrWithSpacesBecomeAStableDigestWithinRfc1939Limits() {
        String longName = "1732245600.M123000P4242Q7." + "h".repeat(80) + ",S=1";
        String a = Pop3Session.uidl(message(longName));
        assertThat(a).hasSize(64).matches("[0-9a-f]+").isEqualTo(Pop3Session.uidl(message(longName)));
        assertThat(Pop3Session.uidl(message("with space"))).hasSize(64).isNotEqualTo(a);
    }
}
