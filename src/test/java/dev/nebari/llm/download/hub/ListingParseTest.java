package dev.nebari.llm.download.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Hub's revision listing, read with the streaming JSON parser: only the fields we use, the rest skipped. */
class ListingParseTest {

    static final String LISTING = """
            {"_id":"x","id":"acme/llm","sha":"4d2b1c0ffee0ddba11cafe5eed5a1ad0c0ffee00","private":false,
             "downloads":12345678901234567890123,"likes":3.5,"gated":null,"tags":["a",{"b":[1,2,{"c":null}]}],
             "cardData":{"license":"apache-2.0","datasets":[],"nested":{"deep":[[]]}},
             "siblings":[
               {"rfilename":"config.json","size":38,"blobId":"2b1e4f0a00000000000000000000000000000000"},
               {"rfilename":"model-00001-of-00002.safetensors","size":134,"blobId":"abc0000000000000000000000000000000000000",
                "lfs":{"sha256":"aa11000000000000000000000000000000000000000000000000000000000000","size":5368709120,"pointerSize":134}},
               {"rfilename":"README.md","size":10,"blobId":"","lfs":null}
             ],
             "safetensors":{"parameters":{"BF16":7241732096},"total":7241732096}}
            """;

    @Test
    void readsCommitAndFilesAndSkipsEverythingElse() throws IOException {
        RepoListing listing = HubClient.parseListing("acme/llm", "main", LISTING);

        assertThat(listing.commit()).isEqualTo("4d2b1c0ffee0ddba11cafe5eed5a1ad0c0ffee00");
        assertThat(listing.files()).containsExactly(
                new RepoFile("config.json", 38, Optional.empty(),
                        Optional.of("2b1e4f0a00000000000000000000000000000000")),
                new RepoFile("model-00001-of-00002.safetensors", 5368709120L,
                        Optional.of("aa11000000000000000000000000000000000000000000000000000000000000"),
                        Optional.of("abc0000000000000000000000000000000000000")),
                new RepoFile("README.md", 10, Optional.empty(), Optional.empty()));
    }

    @Test
    void rejectsAListingWithoutCommit() {
        assertThatThrownBy(() -> HubClient.parseListing("acme/llm", "main", "{\"siblings\":[]}"))
                .isInstanceOf(IOException.class).hasMessageContaining("no commit sha");
    }

    /** The listing names files on disk: a digest is a name of partial data, a path one of the target. */
    @Test
    void refusesListingsThatWouldWriteOutsideTheModelOrOverTheDownloadersState() {
        for (var sibling : java.util.List.of(
                "{\"rfilename\":\"model.safetensors\",\"size\":1,\"lfs\":{\"sha256\":\"../../x\",\"size\":1}}",
                "{\"rfilename\":\"model.safetensors\",\"size\":1,\"lfs\":{\"sha256\":\"/etc/passwd\",\"size\":1}}",
                "{\"rfilename\":\"config.json\",\"size\":1,\"blobId\":\"../partial\"}",
                "{\"rfilename\":\".nebari-download/manifest.json\",\"size\":1}",
                "{\"rfilename\":\"a/../../b\",\"size\":1}",
                "{\"rfilename\":\"/abs\",\"size\":1}",
                "{\"rfilename\":\"a//b\",\"size\":1}")) {
            var listing = "{\"sha\":\"4d2b1c0ffee0ddba11cafe5eed5a1ad0c0ffee00\",\"siblings\":[" + sibling + "]}";
            assertThatThrownBy(() -> HubClient.parseListing("acme/llm", "main", listing)).as(sibling)
                    .isInstanceOf(IOException.class).hasMessageContaining("is refused");
        }
    }

    @Test
    void rejectsSomethingThatIsNotJson() {
        assertThatThrownBy(() -> HubClient.parseListing("acme/llm", "main", "<html>"))
                .isInstanceOf(IOException.class).hasMessageContaining("not valid JSON");
    }
}
