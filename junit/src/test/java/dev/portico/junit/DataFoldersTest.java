package dev.portico.junit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The data folders are made and deleted off the test's path, and still made fresh and deleted. */
@Timeout(60)
class DataFoldersTest {

    @Test
    void everyStartGetsAnEmptyFolderOfItsOwnAndEveryStoppedOneGoes() throws Exception {
        List<Path> folders = new ArrayList<>();
        for (int i = 0; i < DataFolders.MAX_PENDING * 2; i++) {     // more than may wait: some stops delete their own
            Path f = DataFolders.create();
            assertThat(f).isEmptyDirectory();
            Files.writeString(Files.createDirectories(f.resolve("mail/alice/Maildir/new")).resolve("1"), "x");
            folders.add(f);
            DataFolders.deleteLater(f);
        }
        assertThat(new HashSet<>(folders)).hasSize(folders.size());
        for (Path f : folders) {
            for (int i = 0; i < 1000 && Files.exists(f); i++) Thread.sleep(10);
            assertThat(f).doesNotExist();
        }
    }
}
