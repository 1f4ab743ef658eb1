package dev.portico.smtp;

import dev.portico.core.auth.User;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The mailbox names {@code smtp.catch-all} gives local parts that name no user (end to end in portico-junit's CatchAllTest). */
class CatchAllMailboxTest {

    @Test
    void aPlainLocalPartIsItsOwnMailboxInLowerCase() {
        assertThat(LocalDelivery.catchAllMailbox("Bob")).isEqualTo("bob");
        assertThat(LocalDelivery.catchAllMailbox("first.last")).isEqualTo("first.last");
        assertThat(LocalDelivery.catchAllMailbox("\"bob\"")).isEqualTo("bob");
    }

    @Test
    void anythingElseBecomesAValidUserName() {
        assertThat(LocalDelivery.catchAllMailbox("a+tag")).isEqualTo("a_tag");
        assertThat(LocalDelivery.catchAllMailbox(".hidden")).isEqualTo("x.hidden");
        assertThat(LocalDelivery.catchAllMailbox("a..b")).isEqualTo("a._b");
        assertThat(LocalDelivery.catchAllMailbox("../../etc")).isEqualTo("x.__.__etc");
        assertThat(LocalDelivery.catchAllMailbox("ünïcode")).isEqualTo("x_n_code");
        for (String odd : new String[]{"a+tag", ".hidden", "a..b", "../../etc", "ünïcode", "x".repeat(200), "\"a b\"", "-", "_"}) {
            assertThat(User.isValidName(LocalDelivery.catchAllMailbox(odd))).as(odd).isTrue();
        }
    }
}
