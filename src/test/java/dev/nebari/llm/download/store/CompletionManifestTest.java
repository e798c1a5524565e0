package dev.nebari.llm.download.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion manifest survives a write and a read, and a damaged one reads as empty. */
class CompletionManifestTest {

    @TempDir
    Path dir;

    @Test
    void readsBackWhatItWrote() throws IOException {
        CompletionManifest manifest = CompletionManifest.empty()
                .with("model.safetensors", new CompletionManifest.Entry(5368709120L, Optional.of("aa11"),
                        Optional.of("abc"), 1700000000123L))
                .with("dir/config \"x\".json", new CompletionManifest.Entry(38, Optional.empty(),
                        Optional.of("2b1e"), 1700000000456L));

        manifest.write(dir.resolve("manifest.json"), "acme/llm", "4d2b");

        assertThat(CompletionManifest.read(dir.resolve("manifest.json"))).isEqualTo(manifest);
    }

    @Test
    void treatsADamagedManifestAsEmpty() throws IOException {
        Files.writeString(dir.resolve("manifest.json"), "{\"files\": {\"a\": ");

        assertThat(CompletionManifest.read(dir.resolve("manifest.json"))).isEqualTo(CompletionManifest.empty());
    }
}
