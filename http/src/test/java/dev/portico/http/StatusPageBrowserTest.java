package dev.portico.http;

import dev.portico.testing.TestServices;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The status page in a real headless Chromium driven by Selenium: an administrator logs in, sees
 * the FTP session this test opened with Commons Net, and closes it with its button; the FTP
 * client then finds its connection closed. Debian's {@code chromium} and {@code chromium-driver}
 * are used as installed ({@code .ci/run} installs them); without them the test is skipped.
 */
@Timeout(90)
class StatusPageBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Named explicitly, so that Selenium Manager never looks for (or downloads) a driver of its own. */
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(15);
    /**
     * Selenium looks for DevTools bindings of this Chromium's version, which the test does not use,
     * and warns when it has none; held here, as java.util.logging keeps loggers weakly.
     */
    private static final java.util.logging.Logger CDP =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP.setLevel(java.util.logging.Level.SEVERE);
    }

    @TempDir Path dir;

    @Test
    void anAdminClosesAnFtpSessionFromThePage() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "skipped: needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
        try (HttpTestServer server = HttpTestServer.start(dir)) {
            FTPClient ftp = server.ftp("bob", TestServices.BOB_PASSWORD);
            long id = StatusPageTest.ftpSession(server, "bob").id();
            WebDriver browser = chromium(dir.resolve("chromium-profile"));
            try {
                browser.get("http://127.0.0.1:" + server.http.port() + "/status");
                browser.findElement(By.id("user")).sendKeys("alice");
                browser.findElement(By.id("password")).sendKeys(TestServices.ALICE_PASSWORD);
                browser.findElement(By.id("login")).click();

                WebDriverWait wait = new WebDriverWait(browser, WAIT);
                WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("session-" + id)));
                assertThat(row.getText()).contains("bob", "127.0.0.1");
                assertThat(browser.findElement(By.id("sessions-ftp")).isDisplayed()).isTrue();

                row.findElement(By.id("close-" + id)).click();
                // the page that answers the close has the header and no row for the session; while the
                // old page goes away, Chromium may report its nodes as "not in the document", not stale
                wait.ignoring(WebDriverException.class).until(d -> !d.findElements(By.tagName("header")).isEmpty()
                        && d.findElements(By.id("session-" + id)).isEmpty());
            } finally {
                browser.quit();
            }
            assertThat(closedByServer(ftp)).as("the FTP client finds its connection closed").isTrue();
        }
    }

    private static WebDriver chromium(Path profile) throws IOException {
        Files.createDirectories(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT).implicitlyWait(Duration.ZERO);
        return driver;
    }

    /** A NOOP on a connection the server closed fails; a few tries, in case the close is still on its way. */
    private static boolean closedByServer(FTPClient ftp) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            try {
                if (!ftp.sendNoOp() && !ftp.isConnected()) return true;
            } catch (IOException e) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
