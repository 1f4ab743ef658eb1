package dev.portico.imap;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageViewsTest {

    private static final byte[] MESSAGE = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void parsesAMessageOnceUntilItsFolderIsForgotten() throws IOException {
        MessageViews views = new MessageViews(1 << 20);
        AtomicInteger opened = new AtomicInteger();
        MessageViews.Source source = () -> {
            opened.incrementAndGet();
            return new ByteArrayInputStream(MESSAGE);
        };
        MessageView first = views.get("/m/alice/INBOX", 7, 1, MESSAGE.length, source);
        assertThat(views.get("/m/alice/INBOX", 7, 1, MESSAGE.length, source)).isSameAs(first);
        assertThat(opened).hasValue(1);
        views.get("/m/alice/INBOX", 8, 1, MESSAGE.length, source);    // a new UIDVALIDITY names another message
        views.get("/m/bob/INBOX", 7, 1, MESSAGE.length, source);
        assertThat(opened).hasValue(3);
        views.forget("/m/alice/INBOX");
        assertThat(views.size()).isEqualTo(1);
        views.get("/m/alice/INBOX", 7, 1, MESSAGE.length, source);
        assertThat(opened).hasValue(4);
        assertThat(first.headerContains("Subject", "HI")).isTrue();
    }

    @Test
    void holdsNoMoreThanItsBoundAndPassesReadErrorsOn() throws IOException {
        MessageViews views = new MessageViews(10 * (MESSAGE.length + 512));
        for (long uid = 1; uid <= 100; uid++) {
            views.get("f", 1, uid, MESSAGE.length, () -> new ByteArrayInputStream(MESSAGE));
        }
        assertThat(views.size()).isBetween(1L, 10L);
        assertThatThrownBy(() -> views.get("f", 1, 500, 10, () -> {
            throw new IOException("gone");
        })).isInstanceOf(IOException.class).hasMessage("gone");
    }
}
