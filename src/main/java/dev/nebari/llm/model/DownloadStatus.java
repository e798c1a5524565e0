package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import org.jspecify.annotations.Nullable;

/**
 * Download progress reported by the model downloader, of the repository it is on (the model's, then each LoRA
 * adapter's); {@code summary} exists for the printer column.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DownloadStatus(
        @JsonPropertyDescription("Bytes downloaded so far.") long bytesDone,
        @JsonPropertyDescription("Bytes to download in all.") long bytesTotal,
        @JsonPropertyDescription("Files complete.") int filesDone,
        @JsonPropertyDescription("Files in all.") int filesTotal,
        @JsonPropertyDescription("Percent done and files, e.g. 42% (3/10 files), for kubectl get.") String summary,
        @JsonPropertyDescription("The Hugging Face repository being downloaded: the model's, or one of its adapters'.")
        @Nullable String repository) {

    public static DownloadStatus of(long bytesDone, long bytesTotal, int filesDone, int filesTotal) {
        return of(bytesDone, bytesTotal, filesDone, filesTotal, null);
    }

    public static DownloadStatus of(long bytesDone, long bytesTotal, int filesDone, int filesTotal, @Nullable String repository) {
        var percent = bytesTotal > 0 ? Math.min(100, bytesDone * 100 / bytesTotal) : 0;
        return new DownloadStatus(bytesDone, bytesTotal, filesDone, filesTotal,
                percent + "% (" + filesDone + "/" + filesTotal + " files)", repository);
    }
}
