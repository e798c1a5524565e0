package dev.nebari.llm.download.transfer;

import java.io.IOException;

/** Recognises a full volume, which the JDK reports only as an {@link IOException} carrying the OS message. */
public final class DiskFull {

    private DiskFull() {
    }

    public static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            // ENOSPC and EDQUOT as glibc words them; a quota on the volume looks the same to the user.
            if (t instanceof IOException && (message.contains("No space left on device")
                    || message.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
