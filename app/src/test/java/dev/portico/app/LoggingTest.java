package dev.portico.app;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portico.core.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Whose logging configuration wins, and the JSON format. The launcher runs as its own process
 * on the class path the shipped jar has ({@link PorticoProcess#serveAsShipped}), its log being
 * its standard error; the hold-and-replay of early events runs on a logback context of its own.
 */
class LoggingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private Path data() throws IOException {
        return Files.createDirectories(dir.resolve("data"));
    }

    /** A logback configuration writing {@code PREFIX level logger - message} lines to standard error. */
    private static String stderrConfig(String prefix) {
        return """
                <configuration>
                  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>%s %%level %%logger - %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="ERR"/></root>
                </configuration>
                """.formatted(prefix);
    }

    /** Starts Portico, stops it with SIGTERM, and returns its standard error's lines. */
    private List<String> runAndStop(List<String> jvmOptions, Path data, String... flags) throws Exception {
        Path log = dir.resolve("stderr.log");
        List<String> stdout;
        try (PorticoProcess p = PorticoProcess.serveAsShipped(jvmOptions, data, log, flags)) {
            assertThat(p.port("ftp")).isPositive();
            stdout = p.output();
        }
        assertThat(stdout).isNotEmpty().allMatch(line -> line.startsWith("portico: "));
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines).as("the log").isNotEmpty();
        return lines;
    }

    @Test
    void theLogbackConfigurationFilePropertyWinsOverTheDataFolder() throws Exception {
        Path data = data();
        Files.writeString(data.resolve("logback.xml"), stderrConfig("DATA"));
        Path custom = Files.writeString(dir.resolve("custom.xml"), stderrConfig("CUSTOM"));
        List<String> lines = runAndStop(List.of("-Dlogback.configurationFile=" + custom), data);
        assertThat(lines).allMatch(l -> l.startsWith("CUSTOM "), "every line in the custom format")
                .anyMatch(l -> l.startsWith("CUSTOM INFO dev.portico.server.Portico - open-file limit"));
    }

    @Test
    void aLogbackXmlInTheDataFolderReplacesTheBuiltInSetup() throws Exception {
        Path data = data();
        Files.writeString(data.resolve("logback.xml"), stderrConfig("DATA"));
        List<String> lines = runAndStop(List.of(), data, "--log-format", "json");
        assertThat(lines).allMatch(l -> l.startsWith("DATA "), "every line in the data folder's format")
                .anyMatch(l -> l.startsWith("DATA INFO dev.portico.server.Portico - open-file limit"))
                .anyMatch(l -> l.startsWith("DATA WARN dev.portico.app.LogSetup - log.format=json is ignored"));
    }

    @Test
    void jsonLogFormatWritesOneObjectPerLine() throws Exception {
        List<String> lines = runAndStop(List.of(), data(), "--log-format", "json");
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            JsonNode e = JSON.readTree(line);   // throws on a line that is not JSON
            assertThat(e.isObject()).as(line).isTrue();
            assertThat(e.get("timestamp").isIntegralNumber()).as(line).isTrue();
            assertThat(e.get("mdc").isObject()).as(line).isTrue();
            for (String field : List.of("level", "threadName", "loggerName", "formattedMessage")) {
                assertThat(e.get(field)).as(field + " in " + line).isNotNull();
            }
            events.add(e);
        }
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("level").asText()).isEqualTo("INFO");
            assertThat(e.get("loggerName").asText()).isEqualTo("dev.portico.server.Portico");
            assertThat(e.get("formattedMessage").asText()).startsWith("open-file limit");
        });
    }

    @Test
    void theLogFormatKeyInTheConfigFileWorksAndAnUnknownFormatIsRefused() throws Exception {
        Path config = Files.writeString(dir.resolve("portico.properties"), "log.format=json\n");
        List<String> lines = runAndStop(List.of(), data(), "--config", config.toString());
        assertThat(lines).allMatch(l -> l.startsWith("{") && l.endsWith("}"));

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[]{"serve", "--data", data().toString(), "--log-format", "xml"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).isEqualTo("portico: log.format: unknown value xml, use one of [text, json]");
    }

    /** A logback context of the test's own, as logback's service provider would make it. */
    private static LoggerContext context() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        return context;
    }

    @Test
    void theJsonEncoderWritesTheStackTraceAndTheMdc() throws Exception {
        LoggerContext context = context();
        var encoder = LogSetup.encoder(context, LogConfig.Format.JSON);
        LoggingEvent event = new LoggingEvent(LoggingTest.class.getName(), context.getLogger("dev.portico.ftp.FtpSession"),
                Level.ERROR, "transfer of {} failed", new IOException("disk full"), new Object[]{"a \"quoted\"\nname"});
        event.setMDCPropertyMap(Map.of("session", "42"));
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith("\n");
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode e = JSON.readTree(line);
        assertThat(e.get("level").asText()).isEqualTo("ERROR");
        assertThat(e.get("loggerName").asText()).isEqualTo("dev.portico.ftp.FtpSession");
        assertThat(e.get("formattedMessage").asText()).isEqualTo("transfer of a \"quoted\"\nname failed");
        assertThat(e.get("mdc").get("session").asText()).isEqualTo("42");
        assertThat(e.get("throwable").get("className").asText()).isEqualTo("java.io.IOException");
        assertThat(e.get("throwable").get("message").asText()).isEqualTo("disk full");
        assertThat(e.get("throwable").get("stepArray").get(0).get("methodName").asText())
                .isEqualTo("theJsonEncoderWritesTheStackTraceAndTheMdc");
    }

    @Test
    void eventsLoggedBeforeTheConfigurationIsKnownAreWrittenOnceInTheFinalOne() throws Exception {
        Path data = data();
        Path out = dir.resolve("out.log");
        Files.writeString(data.resolve("logback.xml"), """
                <configuration>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%level %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="FILE"/></root>
                </configuration>
                """.formatted(out));
        LoggerContext context = context();
        LogSetup.hold(context);
        context.getLogger("dev.portico.early").info("early one");
        context.getLogger("dev.portico.early").debug("early debug, below the final level");
        context.getLogger("dev.portico.early").warn("early two");
        assertThat(out).doesNotExist();   // held, not written in a format that is not yet known

        LogSetup.apply(context, new LogConfig(LogConfig.Format.TEXT, data));
        context.getLogger("dev.portico.late").info("late");
        LogSetup.apply(context, new LogConfig(LogConfig.Format.TEXT, data));   // configured: nothing happens again
        context.stop();

        assertThat(Files.readAllLines(out)).containsExactly("INFO early one", "WARN early two", "INFO late");
    }

    @Test
    void aBrokenLogbackXmlInTheDataFolderStopsTheStart() throws Exception {
        Path data = data();
        Files.writeString(data.resolve("logback.xml"), "<configuration><appender name=\"X\" class=\"no.such.Appender\"/>");
        LoggerContext context = context();
        LogSetup.hold(context);
        assertThatThrownBy(() -> LogSetup.apply(context, new LogConfig(LogConfig.Format.TEXT, data)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(data.resolve("logback.xml") + ": the logback configuration has errors (printed above)");
        context.stop();
    }
}
