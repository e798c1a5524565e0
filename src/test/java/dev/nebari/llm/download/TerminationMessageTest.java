package dev.nebari.llm.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminationMessageTest {

    @TempDir
    Path dir;

    @Test
    void aLongMessageIsCutToWhatTheKubeletReadsAtAWholeCharacter() throws IOException {
        var file = dir.resolve("termination-log");
        // 3-byte characters: 4096 bytes end in the middle of one
        TerminationMessage.write(Optional.of(file), ExitCode.FAILED, "€".repeat(3000), silent());

        var written = Files.readAllBytes(file);
        assertThat(written.length).isLessThanOrEqualTo(TerminationMessage.MAX_BYTES).isGreaterThan(4090);
        var text = new String(written, StandardCharsets.UTF_8);
        assertThat(text).startsWith("FAILED: €").doesNotContain("\uFFFD").endsWith("€");
    }

    @Test
    void withoutTheFlagOutsideAContainerNothingIsWritten() {
        // The kubelet creates /dev/termination-log; a developer's machine has none.
        assertThat(TerminationMessage.target(List.of("--repo", "a/b")))
                .isEqualTo(Files.isRegularFile(TerminationMessage.KUBERNETES_DEFAULT)
                        ? Optional.of(TerminationMessage.KUBERNETES_DEFAULT) : Optional.empty());
        assertThat(TerminationMessage.target(List.of("--termination-log", "/tmp/x"))).contains(Path.of("/tmp/x"));
    }

    @Test
    void aFileThatCannotBeWrittenIsReportedNotFatal() {
        var err = new ByteArrayOutputStream();
        TerminationMessage.write(Optional.of(dir.resolve("missing-dir/termination-log")), ExitCode.FAILED, "boom",
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot write the termination message");
    }

    private static PrintStream silent() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
