package dev.portico.http;

import dev.portico.testing.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/http-api.yaml describes exactly the routes the server has: a route added without its documentation fails here. */
class HttpApiDocumentTest {

    private static final Path DOCUMENT = Path.of("..", "docs", "http-api.yaml");
    private static final Pattern PATH = Pattern.compile("^  (/\\S*):$");
    private static final Pattern METHOD = Pattern.compile("^    (get|put|post|delete|patch|head):$");

    @TempDir Path dir;

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() throws Exception {
        TestServices s = TestServices.create(dir);
        HttpApi api = new HttpApi(HttpConfig.defaults(), new HttpServer.Shared(s.listening(), s.users(), s.mail(), s.domains(),
                s.files(), List::of, null, s.logins(), new RecentActivity()));
        Set<String> served = new TreeSet<>();
        for (HttpApi.Route r : api.routes()) {
            // the document names the rest of a files path {path}, one parameter standing for any number of segments
            served.add(r.method() + " /" + String.join("/", r.pattern()).replace("**", "{path}"));
        }
        Set<String> documented = new TreeSet<>();
        String path = null;
        for (String line : Files.readAllLines(DOCUMENT)) {
            Matcher p = PATH.matcher(line), m = METHOD.matcher(line);
            if (p.matches()) path = p.group(1);
            else if (line.matches("^\\S.*")) path = null;   // components: and the like end the paths
            else if (m.matches() && path != null) documented.add(m.group(1).toUpperCase(Locale.ROOT) + " " + path);
        }
        assertThat(documented).isEqualTo(served);
    }
}
