package dev.nebari.llm.download.fakehub;

/** A file of a fake repository; LFS files are served through the CDN and listed with their SHA-256. */
public record FakeFile(String path, ContentSource content, boolean lfs) {

    public static FakeFile lfs(String path, ContentSource content) {
        return new FakeFile(path, content, true);
    }

    public static FakeFile git(String path, ContentSource content) {
        return new FakeFile(path, content, false);
    }
}
