package dev.nebari.llm.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An image as {@code buildah push oci-archive:} wrote it: the OCI layout (index, manifest, config, layers) in one
 * tar. Reads the image configuration and unpacks the layers into a directory, as a container runtime would.
 */
record OciArchive(JsonNode config, List<String> layerDigests, Map<String, byte[]> blobs) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static OciArchive read(Path archive) throws IOException {
        var blobs = new HashMap<String, byte[]>();
        try (var tar = new TarArchiveInputStream(Files.newInputStream(archive))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                if (entry.isFile()) {
                    blobs.put(entry.getName().replaceFirst("^\\./", ""), tar.readAllBytes());
                }
            }
        }
        var index = JSON.readTree(blobs.get("index.json"));
        var manifest = JSON.readTree(blob(blobs, index.get("manifests").get(0).get("digest").asString()));
        var config = JSON.readTree(blob(blobs, manifest.get("config").get("digest").asString()));
        var layers = new ArrayList<String>();
        manifest.get("layers").forEach(layer -> layers.add(layer.get("digest").asString()));
        return new OciArchive(config, layers, blobs);
    }

    private static byte[] blob(Map<String, byte[]> blobs, String digest) {
        var bytes = blobs.get("blobs/" + digest.replace(':', '/'));
        if (bytes == null) {
            throw new IllegalStateException("the archive has no blob " + digest);
        }
        return bytes;
    }

    /** The {@code config} section: User, Entrypoint, ExposedPorts, Env, WorkingDir, Labels. */
    JsonNode runConfig() {
        return config.get("config");
    }

    List<String> entrypoint() {
        var entrypoint = new ArrayList<String>();
        runConfig().get("Entrypoint").forEach(part -> entrypoint.add(part.asString()));
        return entrypoint;
    }

    /** Bytes of all layers, unpacked: what the image takes on a node's disk. */
    long unpackedBytes() throws IOException {
        long total = 0;
        for (var digest : layerDigests) {
            try (var tar = layer(digest)) {
                for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                    total += entry.getSize();
                }
            }
        }
        return total;
    }

    boolean contains(String path) throws IOException {
        var wanted = path.replaceFirst("^/", "");
        for (var digest : layerDigests) {
            try (var tar = layer(digest)) {
                for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                    if (entry.getName().replaceFirst("^\\./", "").replaceFirst("/$", "").equals(wanted)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Paths of the files in the image (no leading slash), layer by layer. */
    List<String> files() throws IOException {
        var files = new ArrayList<String>();
        for (var digest : layerDigests) {
            try (var tar = layer(digest)) {
                for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                    if (entry.isFile()) {
                        files.add(entry.getName().replaceFirst("^\\./", ""));
                    }
                }
            }
        }
        return files;
    }

    /** The content of the file at {@code path}, as the last layer that has it holds it. */
    byte[] read(String path) throws IOException {
        var wanted = path.replaceFirst("^/", "");
        byte[] content = null;
        for (var digest : layerDigests) {
            try (var tar = layer(digest)) {
                for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                    if (entry.isFile() && entry.getName().replaceFirst("^\\./", "").equals(wanted)) {
                        content = tar.readAllBytes();
                    }
                }
            }
        }
        if (content == null) {
            throw new IllegalStateException("the image has no file " + path);
        }
        return content;
    }

    /** Unpacks the layers in order into {@code root} with owners and modes (GNU tar, as root). */
    void unpack(Path root) throws IOException, InterruptedException {
        Files.createDirectories(root);
        for (var digest : layerDigests) {
            var layer = Files.createTempFile("layer", ".tar.gz");
            try {
                Files.write(layer, blob(blobs, digest));
                var tar = new ProcessBuilder("tar", "--numeric-owner", "-xzpf", layer.toString(), "-C", root.toString())
                        .redirectErrorStream(true).start();
                var output = new String(tar.getInputStream().readAllBytes());
                if (!tar.waitFor(120, TimeUnit.SECONDS) || tar.exitValue() != 0) {
                    throw new IOException("unpacking " + digest + " failed: " + output);
                }
            } finally {
                Files.deleteIfExists(layer);
            }
        }
    }

    private TarArchiveInputStream layer(String digest) {
        try {
            InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(blob(blobs, digest)));
            return new TarArchiveInputStream(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
