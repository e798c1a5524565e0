package dev.nebari.llm.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.model.DownloadStatus;
import org.junit.jupiter.api.Test;

/** The operator's reading of the downloader's progress stream (docs/downloader.md). */
class DownloadProgressTest {

    @Test
    void theLastProgressLineWins() {
        var log = """
                {"event":"start","repo":"org/m","revision":"main","commit":"abc","filesTotal":4,"bytesTotal":1000}
                {"event":"progress","bytesDone":100,"bytesTotal":1000,"filesDone":0,"filesTotal":4,"bytesPerSecond":10}
                {"event":"file","path":"config.json","size":10,"result":"downloaded"}
                {"event":"progress","bytesDone":420,"bytesTotal":1000,"filesDone":1,"filesTotal":4,"bytesPerSecond":10}
                {"event":"warning","message":"retrying a chunk"}
                """;

        assertThat(DownloadProgress.parse(log)).contains(DownloadStatus.of(420, 1000, 1, 4));
        assertThat(DownloadProgress.parse(log).orElseThrow().summary()).isEqualTo("42% (1/4 files)");
    }

    @Test
    void aStartLineAloneMeansNothingDoneYet() {
        assertThat(DownloadProgress.parse("""
                {"event":"start","repo":"org/m","revision":"main","commit":"abc","filesTotal":2,"bytesTotal":50}
                """)).contains(DownloadStatus.of(0, 50, 0, 2, "org/m"));
    }

    @Test
    void strayLinesAndEmptyLogsAreIgnored() {
        assertThat(DownloadProgress.parse("Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nnot json {")).isEmpty();
        assertThat(DownloadProgress.parse("")).isEmpty();
        assertThat(DownloadProgress.parse(null)).isEmpty();
    }

    /** One container downloads a model and then its adapters: each line says which repository it is about. */
    @Test
    void theRepositoryOfTheLineIsKept() {
        var log = """
                {"event":"done","repo":"org/m","commit":"abc","filesTotal":4,"filesDownloaded":4,"bytesTotal":1000,"bytesDownloaded":1000,"seconds":1.0}
                {"event":"start","repo":"acme/sql-lora","revision":"v1","commit":"def","filesTotal":2,"bytesTotal":80}
                {"event":"progress","repo":"acme/sql-lora","bytesDone":20,"bytesTotal":80,"filesDone":1,"filesTotal":2,"bytesPerSecond":10}
                """;

        assertThat(DownloadProgress.parse(log)).contains(DownloadStatus.of(20, 80, 1, 2, "acme/sql-lora"));
    }
}
