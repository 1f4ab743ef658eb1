package dev.portico.ftp;

import dev.portico.testing.RawClient;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class FtpCommandsTest {

    @RegisterExtension
    final FtpTestServer ftp = FtpTestServer.started();
    FTPClient c;

    @BeforeEach
    void login() throws Exception {
        c = ftp.alice();
    }

    @Test
    void directoriesCanBeMadeEnteredLeftAndRemoved() throws Exception {
        assertThat(c.makeDirectory("docs")).isTrue();
        assertThat(c.getReplyString()).startsWith("257 \"/docs\"");
        assertThat(c.changeWorkingDirectory("docs")).isTrue();
        assertThat(c.getReplyCode()).isEqualTo(250);
        assertThat(c.printWorkingDirectory()).isEqualTo("/docs");
        assertThat(c.sendCommand("XPWD")).isEqualTo(257);
        assertThat(c.makeDirectory("sub")).isTrue();
        assertThat(c.sendCommand("XCWD", "sub")).isEqualTo(250);
        assertThat(c.sendCommand("XCUP")).isEqualTo(250);
        assertThat(c.changeToParentDirectory()).isTrue();
        assertThat(c.printWorkingDirectory()).isEqualTo("/");
        assertThat(c.removeDirectory("docs")).isFalse();
        assertThat(c.getReplyString()).startsWith("550 Directory not empty");
        assertThat(c.sendCommand("XRMD", "docs/sub")).isEqualTo(250);
        assertThat(c.sendCommand("XMKD", "x")).isEqualTo(257);
        assertThat(c.removeDirectory("docs")).isTrue();
        assertThat(c.changeWorkingDirectory("nowhere")).isFalse();
        assertThat(c.getReplyCode()).isEqualTo(550);
        assertThat(c.makeDirectory("x")).isFalse();
        assertThat(c.getReplyCode()).isEqualTo(550);
        assertThat(c.sendCommand("MKD")).isEqualTo(501);
        assertThat(c.sendCommand("CWD")).isEqualTo(501);
    }

    /**
     * Upload temporaries are hidden from listings and deleted at start, so no client may create
     * one: STOR, APPE, RNTO and MKD of such a name get 553, anywhere, and nothing is written.
     */
    @Test
    void namesOfUploadTemporariesAreRefused() throws Exception {
        String reserved = FtpServer.UPLOAD_PREFIX + "mine";
        ftp.write("alice", "real.txt", "real");
        assertThat(c.makeDirectory("docs")).isTrue();
        for (String name : new String[]{reserved, "docs/" + reserved, "/docs/../" + reserved}) {
            assertThat(c.storeFile(name, new ByteArrayInputStream("x".getBytes(StandardCharsets.UTF_8)))).as("STOR " + name).isFalse();
            assertThat(c.getReplyString()).as("STOR " + name).startsWith(FtpReplies.BAD_FILE_NAME.toString());
            assertThat(c.appendFile(name, new ByteArrayInputStream("x".getBytes(StandardCharsets.UTF_8)))).as("APPE " + name).isFalse();
            assertThat(c.getReplyString()).as("APPE " + name).startsWith(FtpReplies.BAD_FILE_NAME.toString());
            assertThat(c.makeDirectory(name)).as("MKD " + name).isFalse();
            assertThat(c.getReplyString()).as("MKD " + name).startsWith(FtpReplies.BAD_FILE_NAME.toString());
            assertThat(c.rename("real.txt", name)).as("RNTO " + name).isFalse();
            assertThat(c.getReplyString()).as("RNTO " + name).startsWith(FtpReplies.BAD_FILE_NAME.toString());
        }
        // the session goes on, with the same data connections and names that are not reserved
        assertThat(c.storeFile("portico-upload-not-hidden", new ByteArrayInputStream("y".getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(c.rename("real.txt", "docs/" + reserved.substring(1))).isTrue();
        try (Stream<Path> all = Files.walk(ftp.home("alice"))) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(FtpServer.UPLOAD_PREFIX));
        }
    }

    @Test
    void quotesInDirectoryNamesAreDoubled() throws Exception {
        assertThat(c.makeDirectory("say \"hi\"")).isTrue();
        assertThat(c.getReplyString()).startsWith("257 \"/say \"\"hi\"\"\" created");
        assertThat(c.changeWorkingDirectory("say \"hi\"")).isTrue();
        assertThat(c.printWorkingDirectory()).isEqualTo("/say \"hi\"");
    }

    @Test
    void deleteRenameSizeAndTimes() throws Exception {
        Path f = ftp.write("alice", "a.txt", "12345");
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2021-03-04T05:06:07Z")));
        assertThat(c.sendCommand("SIZE", "a.txt")).isEqualTo(213);
        assertThat(c.getReplyString().trim()).isEqualTo("213 5");
        assertThat(c.getModificationTime("a.txt")).isEqualTo("20210304050607");
        assertThat(c.setModificationTime("a.txt", "20200102030405")).isTrue();
        assertThat(Files.getLastModifiedTime(f).toInstant()).isEqualTo(Instant.parse("2020-01-02T03:04:05Z"));
        assertThat(c.sendCommand("MFMT", "garbage a.txt")).isEqualTo(501);
        assertThat(c.sendCommand("SIZE", "missing")).isEqualTo(550);
        assertThat(c.sendCommand("SIZE", "/")).isEqualTo(550);

        assertThat(c.rename("a.txt", "b.txt")).isTrue();
        assertThat(ftp.home("alice").resolve("b.txt")).hasContent("12345");
        assertThat(c.rename("missing", "c.txt")).isFalse();
        assertThat(c.getReplyCode()).isEqualTo(550);
        // RNTO must follow RNFR at once
        assertThat(c.sendCommand("RNFR", "b.txt")).isEqualTo(350);
        assertThat(c.sendCommand("NOOP")).isEqualTo(200);
        assertThat(c.sendCommand("RNTO", "c.txt")).isEqualTo(503);

        assertThat(c.deleteFile("b.txt")).isTrue();
        assertThat(c.getReplyCode()).isEqualTo(250);
        assertThat(c.deleteFile("b.txt")).isFalse();
        assertThat(c.getReplyCode()).isEqualTo(550);
        c.makeDirectory("d");
        assertThat(c.deleteFile("d")).isFalse();
        assertThat(c.getReplyCode()).isEqualTo(550);
    }

    @Test
    void transferParameters() throws Exception {
        assertThat(c.sendCommand("TYPE", "A")).isEqualTo(200);
        assertThat(c.sendCommand("TYPE", "A N")).isEqualTo(200);
        assertThat(c.sendCommand("TYPE", "I")).isEqualTo(200);
        assertThat(c.sendCommand("TYPE", "L 8")).isEqualTo(200);
        assertThat(c.sendCommand("TYPE", "E")).isEqualTo(504);
        assertThat(c.sendCommand("TYPE", "Q")).isEqualTo(501);
        assertThat(c.sendCommand("TYPE")).isEqualTo(501);
        assertThat(c.sendCommand("MODE", "S")).isEqualTo(200);
        assertThat(c.sendCommand("MODE", "B")).isEqualTo(504);
        assertThat(c.sendCommand("STRU", "F")).isEqualTo(200);
        assertThat(c.sendCommand("STRU", "R")).isEqualTo(504);
        assertThat(c.sendCommand("ALLO", "1000")).isEqualTo(202);
        assertThat(c.sendCommand("REST", "abc")).isEqualTo(501);
        assertThat(c.sendCommand("REST", "10")).isEqualTo(350);
    }

    @Test
    void featOptsHelpSiteAndStat() throws Exception {
        assertThat(c.features()).isTrue();
        assertThat(c.getReplyStrings()).contains(" UTF8", " EPSV", " EPRT", " SIZE", " MDTM", " REST STREAM", " AUTH TLS",
                " PBSZ", " PROT", " MLST type*;size*;modify*;perm*;unique*;");
        assertThat(c.hasFeature("MLST")).isTrue();
        assertThat(c.sendCommand("OPTS", "UTF8 ON")).isEqualTo(200);
        assertThat(c.sendCommand("OPTS", "MLST type;size;")).isEqualTo(200);
        assertThat(c.getReplyString().trim()).isEqualTo("200 MLST OPTS type;size;");
        assertThat(c.sendCommand("OPTS", "BOGUS")).isEqualTo(501);
        assertThat(c.sendCommand("HELP")).isEqualTo(214);
        assertThat(c.getReplyString()).contains("RETR").contains("EPSV");
        assertThat(c.sendCommand("HELP", "retr")).isEqualTo(214);
        assertThat(c.sendCommand("SITE", "HELP")).isEqualTo(214);
        assertThat(c.sendCommand("SITE", "CHMOD 777 x")).isEqualTo(502);
        assertThat(c.sendCommand("SITE", "EXEC ls")).isEqualTo(500);
        assertThat(c.sendCommand("STAT")).isEqualTo(211);
        assertThat(c.getReplyString()).contains("Logged in as alice");
        assertThat(c.sendCommand("SYST")).isEqualTo(215);
        assertThat(c.getReplyString().trim()).isEqualTo("215 UNIX Type: L8");
    }

    @Test
    void statOfAPathListsItOverTheControlConnection() throws Exception {
        ftp.write("alice", "one.txt", "1");
        ftp.write("alice", "sub/two.txt", "22");
        assertThat(c.sendCommand("STAT", "/")).isEqualTo(212);
        String[] lines = c.getReplyStrings();
        assertThat(lines[0]).startsWith("212-");
        assertThat(lines[lines.length - 1]).startsWith("212 ");
        assertThat(c.sendCommand("STAT", "one.txt")).isEqualTo(213);
        assertThat(c.getReplyString()).contains("one.txt");
        assertThat(String.join("\n", lines)).contains("one.txt").contains("sub");
        FTPFile[] parsed = c.getStatus("sub") == null ? null : c.listFiles("sub");
        assertThat(parsed).extracting(FTPFile::getName).containsExactly("two.txt");
        assertThat(c.sendCommand("STAT", "nope")).isEqualTo(550);
    }

    /**
     * A directory larger than {@link FtpTransferCommands#SORTED_UP_TO} is streamed in the
     * directory's own order (sorting would hold it whole); every entry comes exactly once, in LIST,
     * NLST and MLSD alike. A small one is sorted by name.
     */
    @Test
    void aLargeDirectoryIsListedWholeAndEachEntryOnce() throws Exception {
        int n = FtpTransferCommands.SORTED_UP_TO + 500;
        Path big = Files.createDirectories(ftp.home("alice").resolve("big"));
        for (int i = 0; i < n; i++) Files.createFile(big.resolve("f" + i));
        Files.createFile(big.resolve(FtpListing.UPLOAD_PREFIX + "partial"));
        Set<String> expected = IntStream.range(0, n).mapToObj(i -> "f" + i).collect(Collectors.toSet());

        String[] names = c.listNames("big");
        assertThat(names).hasSize(n).doesNotHaveDuplicates();
        assertThat(Stream.of(names).map(x -> x.substring(x.lastIndexOf('/') + 1)).collect(Collectors.toSet())).isEqualTo(expected);
        FTPFile[] files = c.listFiles("big");
        assertThat(files).hasSize(n);
        assertThat(Stream.of(files).map(FTPFile::getName).collect(Collectors.toSet())).isEqualTo(expected);
        FTPFile[] facts = c.mlistDir("big");
        assertThat(Stream.of(facts).map(FTPFile::getName).collect(Collectors.toSet())).isEqualTo(expected);
        assertThat(c.getReplyCode()).isEqualTo(226);

        ftp.write("alice", "small/b", "");
        ftp.write("alice", "small/c", "");
        ftp.write("alice", "small/a", "");
        assertThat(c.listFiles("small")).extracting(FTPFile::getName).containsExactly("a", "b", "c");
    }

    @Test
    void mlstShowsFactsOfOneEntry() throws Exception {
        ftp.write("alice", "m.txt", "abc");
        FTPFile f = c.mlistFile("m.txt");
        assertThat(f).isNotNull();
        assertThat(f.getName()).isEqualTo("/m.txt");
        assertThat(f.getSize()).isEqualTo(3);
        assertThat(f.isFile()).isTrue();
        assertThat(c.sendCommand("MLST", "nothing")).isEqualTo(550);
    }

    @Test
    void rawTranscriptOfMultiLineReplies() throws Exception {
        try (RawClient raw = new RawClient(ftp.port())) {
            raw.expect("220");
            raw.send("FEAT");
            assertThat(raw.readLine()).isEqualTo("211-Features:");
            String line;
            int n = 0;
            while (!(line = raw.readLine()).startsWith("211 ") && n++ < 50) assertThat(line).startsWith(" ");
            RawFtp.alice(raw);
            // pipelined commands are all answered, in order
            raw.sendRaw("NOOP\r\nPWD\r\nSYST\r\n");
            raw.expect("200");
            raw.expect("257 \"/\"");
            raw.expect("215");
            // bare LF is accepted on the control connection
            raw.sendRaw("NOOP\n").expect("200");
        }
    }
}
