package dev.nebari.llm.download;

/**
 * Process exit codes of the downloader. The operator maps them to a status reason, so the numbers are part of the
 * contract documented in {@code docs/downloader.md} and must not be renumbered.
 */
public enum ExitCode {
    SUCCESS(0),
    FAILED(1),
    USAGE(2),
    ACCESS_DENIED(3),
    NOT_FOUND(4),
    DISK_FULL(5),
    VERIFICATION_FAILED(6);

    private final int status;

    ExitCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
