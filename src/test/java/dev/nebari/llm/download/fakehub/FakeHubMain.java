package dev.nebari.llm.download.fakehub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the fake Hub on its own for the download benchmark ({@code bench/download/run.sh}): a generated multi-GiB
 * model, no data on disk, a fixed latency added to every request and, with {@code --link-mbps}, one link of that
 * many MB/s shared by all responses. Prints {@code READY <endpoint>} when serving.
 */
public final class FakeHubMain {

    private FakeHubMain() {
    }

    public static void main(String[] args) throws Exception {
        int shards = 4;
        long shardMib = 512;
        long latencyMs = 20;
        long linkMbps = 0;
        String repo = "bench/generated-model";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--shards" -> shards = Integer.parseInt(args[i + 1]);
                case "--shard-mib" -> shardMib = Long.parseLong(args[i + 1]);
                case "--latency-ms" -> latencyMs = Long.parseLong(args[i + 1]);
                case "--repo" -> repo = args[i + 1];
                case "--link-mbps" -> linkMbps = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<FakeFile> files = new ArrayList<>();
        for (int i = 1; i <= shards; i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i, shards);
            // Sizes not a multiple of any chunk size, as real shards are.
            files.add(FakeFile.lfs(name, ContentSource.generated(i, shardMib * 1024 * 1024 + 4321L * i)));
        }
        files.add(FakeFile.git("config.json", ContentSource.of("{\"architectures\":[\"LlamaForCausalLM\"]}")));
        files.add(FakeFile.git("tokenizer.json", ContentSource.random(99, 2 * 1024 * 1024)));
        FakeRepo model = new FakeRepo(repo, "main", "4d2b1c0ffee0ddba11cafe5eed5a1ad0c0ffee00", files);
        FakeHub hub = FakeHub.start(model);
        hub.latency(Duration.ofMillis(latencyMs));
        if (linkMbps > 0) {
            hub.linkLimit(linkMbps * 1_000_000); // MB/s of 10^6 bytes, as the benchmark prints throughput
        }
        System.out.println("READY " + hub.endpoint() + " " + model.totalBytes());
        System.out.flush();
        Thread.currentThread().join();
    }
}
