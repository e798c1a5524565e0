package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Download progress reported by the model downloader. */
public record DownloadStatus(
        @JsonPropertyDescription("Bytes downloaded so far.") long bytesDone,
        @JsonPropertyDescription("Bytes to download in all.") long bytesTotal,
        @JsonPropertyDescription("Files complete.") int filesDone,
        @JsonPropertyDescription("Files in all.") int filesTotal) {
}
