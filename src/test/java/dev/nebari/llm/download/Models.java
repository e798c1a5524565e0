package dev.nebari.llm.download;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.download.fakehub.ContentSource;
import dev.nebari.llm.download.fakehub.FakeFile;
import dev.nebari.llm.download.fakehub.FakeRepo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small test models and the assertion that a directory holds one completely. */
final class Models {

    static final String WEIGHTS = "model-00001-of-00002.safetensors";
    static final String WEIGHTS_2 = "model-00002-of-00002.safetensors";
    static final String CONFIG = "config.json";
    static final String TOKENIZER = "tokenizer/tokenizer.json";

    private Models() {
    }

    /** About 5 MiB in four files: two LFS shards (several chunks each), a git file and a nested one. */
    static FakeRepo tiny(String id) {
        return FakeRepo.of(id,
                FakeFile.lfs(WEIGHTS, ContentSource.random(1, 3 * 1024 * 1024 + 12345)),
                FakeFile.lfs(WEIGHTS_2, ContentSource.random(2, 1024 * 1024 + 7)),
                FakeFile.git(CONFIG, ContentSource.of("{\"architectures\":[\"LlamaForCausalLM\"]}")),
                FakeFile.git(TOKENIZER, ContentSource.random(3, 300 * 1024)));
    }

    static byte[] bytes(FakeFile file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            file.content().writeTo(out, 0, file.content().size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static void assertComplete(Path target, FakeRepo repo) {
        for (FakeFile file : repo.files()) {
            assertThat(target.resolve(file.path())).as(file.path()).hasBinaryContent(bytes(file));
        }
    }

    static long size(FakeRepo repo, String path) {
        return repo.file(path).orElseThrow().content().size();
    }

    static void flipFirstByte(Path file) throws IOException {
        byte[] content = Files.readAllBytes(file);
        content[0] = (byte) ~content[0];
        Files.write(file, content);
    }
}
