package dev.portico.http;

import dev.portico.core.Settings;
import dev.portico.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class HttpServerLifecycleTest {

    @TempDir Path dir;

    private HttpServer server(String... settings) throws Exception {
        TestServices s = TestServices.create(dir);
        Settings all = Settings.of("http.request-timeout", HttpTestServer.REQUEST_TIMEOUT).with(Settings.of(settings));
        return new HttpServer(HttpConfig.from(all), new HttpServer.Shared(s.listening(), s.users(), s.mail(),
                s.domains(), s.files(), List::of, dir, s.logins(), new RecentActivity()));
    }

    @Test
    void aTakenPortIsNamedLikeEveryListenersIs() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HttpServer h = server("http.port", Integer.toString(taken.getLocalPort()));
            assertThatThrownBy(h::start).isInstanceOf(BindException.class)
                    .hasMessageStartingWith("http: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ");
            h.close();   // nothing started: nothing to do, no error
        }
    }

    @Test
    void listensOnTheSharedBindAddressAndStopsOnce() throws Exception {
        HttpServer h = server("http.port", "0").start();
        assertThat(h.listeners()).containsOnlyKeys("http");
        assertThat(h.listeners().get("http").getAddress().isLoopbackAddress()).isTrue();
        assertThat(h.port()).isPositive();
        h.close();
        h.close();
        try (ServerSocket again = new ServerSocket(h.port(), 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.isBound()).isTrue();   // the port is free once closed
        }
    }

    @Test
    void anOffPortCannotStart() throws Exception {
        assertThatThrownBy(() -> server().start()).isInstanceOf(IllegalStateException.class).hasMessageContaining("http.port");
    }
}
