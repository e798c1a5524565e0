package dev.nebari.llm.download;

/**
 * A failure that ends the download with a specific exit code. The message is shown to users as one plain line, so
 * it must never contain the token or a signed URL.
 */
public class DownloadFailure extends RuntimeException {

    private final ExitCode exitCode;

    public DownloadFailure(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public DownloadFailure(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
