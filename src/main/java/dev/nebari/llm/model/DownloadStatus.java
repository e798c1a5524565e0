package dev.nebari.llm.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Download progress reported by the model downloader; {@code summary} exists for the printer column. */
public record DownloadStatus(
        @JsonPropertyDescription("Bytes downloaded so far.") long bytesDone,
        @JsonPropertyDescription("Bytes to download in all.") long bytesTotal,
        @JsonPropertyDescription("Files complete.") int filesDone,
        @JsonPropertyDescription("Files in all.") int filesTotal,
        @JsonPropertyDescription("Percent done and files, e.g. 42% (3/10 files), for kubectl get.") String summary) {

    public static DownloadStatus of(long bytesDone, long bytesTotal, int filesDone, int filesTotal) {
        var percent = bytesTotal > 0 ? Math.min(100, bytesDone * 100 / bytesTotal) : 0;
        return new DownloadStatus(bytesDone, bytesTotal, filesDone, filesTotal,
                percent + "% (" + filesDone + "/" + filesTotal + " files)");
    }
}
