package dev.portico.server;

import dev.portico.core.Settings;
import dev.portico.core.auth.FileUserDirectory;
import dev.portico.core.auth.Permission;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The status page as Portico wires it: over the process's own users, login guard and sessions. */
@Timeout(60)
class PorticoStatusPageTest {

    @TempDir Path data;

    @Test
    void anAdminOfTheDataFolderSeesAnFtpSessionOnThePage() throws Exception {
        try (Portico p = Portico.start(Settings.of("data", data.toString(), "ftp.port", "0", "ftp.passive.ports", "0",
                "smtp.port", "off", "pop3.port", "off", "imap.port", "off", "telnet.port", "off", "http.port", "0", "users.hash-iterations", "1000"));
             HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            FileUserDirectory users = (FileUserDirectory) p.users();
            users.add("root", "root-secret".toCharArray(), EnumSet.of(Permission.READ, Permission.ADMIN));
            users.add("carol", "carol-secret".toCharArray(), EnumSet.of(Permission.READ));
            FTPClient ftp = new FTPClient();
            ftp.setDefaultTimeout(5000);
            ftp.connect("127.0.0.1", p.port("ftp"));
            try {
                assertThat(ftp.login("carol", "carol-secret")).isTrue();
                // a real download, so the page's recent transfers come from the FTP server's own event
                Path home = Files.createDirectories(data.resolve("files").resolve("carol"));
                Files.writeString(home.resolve("report-for-the-page.csv"), "a,b\n1,2\n");
                ftp.enterLocalPassiveMode();
                ftp.setFileType(FTP.BINARY_FILE_TYPE);
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                assertThat(ftp.retrieveFile("report-for-the-page.csv", got)).isTrue();
                assertThat(got.toString(StandardCharsets.UTF_8)).isEqualTo("a,b\n1,2\n");
                String base = "http://127.0.0.1:" + p.port("http");
                HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/status/login"))
                        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("user=root&password=root-secret")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
                String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/status"))
                        .timeout(Duration.ofSeconds(20)).header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(page.body()).contains("logged in as root", "id=\"sessions-ftp\"", ">carol<", "Recent FTP transfers");
                assertThat(page.body()).contains("/report-for-the-page.csv");
            } finally {
                ftp.disconnect();
            }
        }
    }
}
