package dev.portico.ftp;

import dev.portico.core.fs.FileEntry;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.parser.MLSxEntryParser;
import org.apache.commons.net.ftp.parser.UnixFTPEntryParser;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Calendar;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

/** Listing formats without sockets, parsed back with Commons Net's own parsers. */
class FtpListingTest {

    static final Instant NOW = Instant.parse("2024-06-15T12:00:00Z");

    @Test
    void recentFileInLsFormat() {
        FileEntry e = new FileEntry("notes.txt", false, 1234, Instant.parse("2024-06-01T08:09:00Z"), "1a", true);
        String line = FtpListing.listLine(e, "alice", NOW);
        assertThat(line).isEqualTo("-rw-r--r--   1 alice    ftp              1234 Jun 01 08:09 notes.txt");
        FTPFile f = new UnixFTPEntryParser().parseFTPEntry(line);
        assertThat(f.getName()).isEqualTo("notes.txt");
        assertThat(f.getSize()).isEqualTo(1234);
        assertThat(f.isFile()).isTrue();
        assertThat(f.getUser()).isEqualTo("alice");
    }

    @Test
    void oldEntriesShowTheYearAndDirectoriesAndReadOnlyModes() {
        FileEntry d = new FileEntry("old dir", true, 0, Instant.parse("2019-01-02T03:04:05Z"), "2b", false);
        String line = FtpListing.listLine(d, "bob", NOW);
        assertThat(line).isEqualTo("dr-xr-xr-x   2 bob      ftp                 0 Jan 02  2019 old dir");
        FTPFile f = new UnixFTPEntryParser().parseFTPEntry(line);
        assertThat(f.isDirectory()).isTrue();
        assertThat(f.getName()).isEqualTo("old dir");
        assertThat(f.getTimestamp().get(Calendar.YEAR)).isEqualTo(2019);
        FileEntry ro = new FileEntry("r", false, 1, NOW, "3c", false);
        assertThat(FtpListing.listLine(ro, "bob", NOW)).startsWith("-r--r--r--");
    }

    @Test
    void futureTimesShowTheYear() {
        FileEntry e = new FileEntry("f", false, 1, Instant.parse("2025-01-01T00:00:00Z"), "x", true);
        assertThat(FtpListing.listLine(e, "a", NOW)).contains("Jan 01  2025");
    }

    @Test
    void mlsxFactsInRfc3659Form() {
        FileEntry e = new FileEntry("ünï code.txt", false, 42, Instant.parse("2024-06-01T08:09:10Z"), "abc", true);
        Set<String> all = new LinkedHashSet<>(FtpListing.FACTS);
        String line = FtpListing.facts(e, all, e.name());
        assertThat(line).isEqualTo("type=file;size=42;modify=20240601080910;perm=rwadf;unique=abc; ünï code.txt");
        FTPFile f = MLSxEntryParser.parseEntry(line);
        assertThat(f.getName()).isEqualTo("ünï code.txt");
        assertThat(f.getSize()).isEqualTo(42);
        assertThat(f.getTimestamp().getTimeZone()).isEqualTo(TimeZone.getTimeZone("GMT"));
        FileEntry d = new FileEntry("d", true, 4096, NOW, "u", false);
        assertThat(FtpListing.facts(d, all, "d")).isEqualTo("type=dir;modify=20240615120000;perm=le;unique=u; d");
        assertThat(FtpListing.facts(d, FtpListing.parseFacts("type;bogus;"), "d")).isEqualTo("type=dir; d");
    }

    @Test
    void timevalsRoundTrip() {
        assertThat(FtpListing.timeval(Instant.parse("2021-03-04T05:06:07Z"))).isEqualTo("20210304050607");
        assertThat(FtpListing.parseTimeval("20210304050607")).isEqualTo(Instant.parse("2021-03-04T05:06:07Z"));
        assertThat(FtpListing.parseTimeval("20210304050607.123")).isEqualTo(Instant.parse("2021-03-04T05:06:07Z"));
        assertThat(FtpListing.parseTimeval("2021")).isNull();
        assertThat(FtpListing.parseTimeval("20211399000000")).isNull();
    }

    @Test
    void featLineStarsEnabledFacts() {
        assertThat(FtpListing.featLine(FtpListing.parseFacts("size;type"))).isEqualTo(" MLST type*;size*;modify;perm;unique;");
    }

    @Test
    void lsOptionsAreIgnored() {
        assertThat(FtpTransferCommands.withoutOptions("-la")).isEmpty();
        assertThat(FtpTransferCommands.withoutOptions("-l -a dir name")).isEqualTo("dir name");
        assertThat(FtpTransferCommands.withoutOptions("dir")).isEqualTo("dir");
    }

    @Test
    void commandLinesSurviveTelnetSynchLeftovers() {
        assertThat(FtpSession.command("\u00f2ABOR").verb()).isEqualTo("ABOR");
        assertThat(FtpSession.command("BOR").verb()).isEqualTo("ABOR");
        assertThat(FtpSession.command("  RETR  a b ").argument()).isEqualTo(" a b ");
        assertThat(FtpSession.decode("caf\u00c3\u00a9")).isEqualTo("café");
        assertThat(FtpSession.decode("a\u00ffb")).isEqualTo("a\u00ffb");
    }
}
