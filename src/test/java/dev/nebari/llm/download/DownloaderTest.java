package dev.nebari.llm.download;

import static dev.nebari.llm.download.Models.CONFIG;
import static dev.nebari.llm.download.Models.WEIGHTS;
import static dev.nebari.llm.download.Models.assertComplete;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nebari.llm.download.fakehub.ContentSource;
import dev.nebari.llm.download.fakehub.FakeFile;
import dev.nebari.llm.admission.TestCertificateAuthority;
import dev.nebari.llm.download.fakehub.FakeHub;
import dev.nebari.llm.download.fakehub.FakeProxy;
import dev.nebari.llm.download.fakehub.FakeRepo;
import dev.nebari.llm.download.fakehub.Fault;
import dev.nebari.llm.download.fakehub.RecordedRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The downloader's behaviour against a fake Hub, one behaviour per test. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DownloaderTest {

    static final String REPO = "acme/tiny-llm";
    static final int MiB = 1024 * 1024;

    final FakeRepo model = Models.tiny(REPO);
    FakeHub hub;
    @TempDir
    Path target;

    @BeforeEach
    void startHub() throws IOException {
        hub = FakeHub.start(model);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Nested
    class WhenAllGoesWell {

        @Test
        void downloadsEveryFileOfTheRevisionWithParallelRangeRequests() {
            DownloadRun run = DownloadRun.of(hub, REPO, target);

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertComplete(target, model);
            assertThat(hub.requests(RecordedRequest.CDN).stream()
                    .filter(r -> r.method().equals("GET") && r.path().contains(model.file(WEIGHTS).orElseThrow()
                            .content().sha256()))
                    .map(r -> r.header("Range").orElse("none")))
                    .as("the 3 MiB shard is fetched as 1 MiB ranges")
                    .contains("bytes=0-1048575", "bytes=1048576-2097151", "bytes=2097152-3145727")
                    .hasSize(4);
            assertThat(hub.bytesServed()).isEqualTo(model.totalBytes());
        }

        @Test
        void reportsProgressAsOneJsonObjectPerLine() {
            DownloadRun run = DownloadRun.of(hub, REPO, target);

            assertThat(run.events().getFirst().path("event").asString()).isEqualTo("start");
            assertThat(run.events().getFirst().path("commit").asString()).isEqualTo(model.commit());
            assertThat(run.events().getFirst().path("bytesTotal").asLong()).isEqualTo(model.totalBytes());
            JsonNode progress = run.last("progress");
            assertThat(progress.path("bytesDone").asLong()).isEqualTo(model.totalBytes());
            assertThat(progress.path("filesDone").asInt()).isEqualTo(4);
            assertThat(progress.path("filesTotal").asInt()).isEqualTo(4);
            assertThat(run.events("file")).hasSize(4);
            JsonNode done = run.events().getLast();
            assertThat(done.path("event").asString()).isEqualTo("done");
            assertThat(done.path("bytesDownloaded").asLong()).isEqualTo(model.totalBytes());
            assertThat(done.path("filesDownloaded").asInt()).isEqualTo(4);
        }

        @Test
        void leavesNoPartialFilesBehind() throws IOException {
            DownloadRun.of(hub, REPO, target);

            try (var files = Files.walk(target)) {
                assertThat(files.filter(f -> f.toString().endsWith(".part") || f.toString().endsWith(".chunks")))
                        .isEmpty();
            }
        }

        @Test
        void fetchesNothingWhenRerunOnACompleteDirectory() {
            DownloadRun.of(hub, REPO, target);
            long servedBefore = hub.bytesServed();
            int requestsBefore = hub.requests().size();

            DownloadRun rerun = DownloadRun.of(hub, REPO, target);

            assertThat(rerun.exitCode()).isZero();
            assertThat(hub.bytesServed()).isEqualTo(servedBefore);
            assertThat(hub.requests().subList(requestsBefore, hub.requests().size()))
                    .as("only the listing is asked for")
                    .extracting(RecordedRequest::path).allMatch(p -> p.startsWith("/api/models/"));
            assertThat(rerun.last("done").path("bytesDownloaded").asLong()).isZero();
            assertThat(rerun.events("file")).allMatch(e -> e.path("result").asString().equals("reused"));
        }

        @Test
        void refetchesOnlyAFileThatChangedOnDiskSinceItWasVerified() throws IOException {
            DownloadRun.of(hub, REPO, target);
            long servedBefore = hub.bytesServed();
            Models.flipFirstByte(target.resolve(WEIGHTS));

            DownloadRun rerun = DownloadRun.of(hub, REPO, target);

            assertThat(rerun.exitCode()).isZero();
            assertComplete(target, model);
            assertThat(hub.bytesServed() - servedBefore).isEqualTo(Models.size(model, WEIGHTS));
        }
    }

    @Nested
    class WhenTheConnectionMisbehaves {

        @Test
        void resumesAfterAMidFileDisconnectInsteadOfRestarting() {
            hub.inject(new Fault.Disconnect(WEIGHTS, 700 * 1024));

            // One request at a time, so that the fault meets the first 1 MiB chunk: with parallel requests it could
            // meet the 12345-byte last chunk first, which ends before the cut.
            DownloadRun run = DownloadRun.of(hub, REPO, target, "--concurrency", "1");

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertComplete(target, model);
            assertThat(hub.bytesServed(WEIGHTS))
                    .as("a restart of the 1 MiB chunk would have served 700 KiB twice")
                    .isLessThan(Models.size(model, WEIGHTS) + 64 * 1024);
            assertThat(hub.requests(RecordedRequest.CDN)).extracting(r -> r.header("Range").orElse(""))
                    .as("the retry asks for the rest of the chunk only")
                    .anyMatch(range -> range.matches("bytes=\\d+-\\d+")
                            && Long.parseLong(range.substring(6, range.indexOf('-'))) % MiB != 0);
        }

        @Test
        void resumesThePartialFileOfAnEarlierFailedRun() {
            hub.injectAfter(2, new Fault.Status(WEIGHTS, 500, ""), 1000);
            DownloadRun failed = DownloadRun.of(hub, REPO, target, "--concurrency", "1", "--retries", "1");
            assertThat(failed.exitCode()).isEqualTo(ExitCode.FAILED.status());
            hub.clearFaults();
            long servedBefore = hub.bytesServed(WEIGHTS);

            DownloadRun resumed = DownloadRun.of(hub, REPO, target);

            assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
            assertComplete(target, model);
            assertThat(servedBefore).isEqualTo(2L * MiB);
            assertThat(hub.bytesServed(WEIGHTS) - servedBefore).isEqualTo(Models.size(model, WEIGHTS) - 2L * MiB);
        }

        @Test
        void detectsWrongBytesAndFetchesTheFileAgain() {
            hub.inject(new Fault.WrongBytes(WEIGHTS));

            DownloadRun run = DownloadRun.of(hub, REPO, target);

            completesAfterWeightsFailedVerification(run);
            assertThat(hub.bytesServed(WEIGHTS)).isEqualTo(2 * Models.size(model, WEIGHTS));
        }

        @Test
        void detectsWrongBytesInAChunkThatArrivesWhileOthersAreInFlight() {
            hub.injectAfter(2, new Fault.WrongBytes(WEIGHTS), 1);

            DownloadRun run = DownloadRun.of(hub, REPO, target);

            completesAfterWeightsFailedVerification(run);
            assertThat(hub.bytesServed(WEIGHTS)).isEqualTo(2 * Models.size(model, WEIGHTS));
        }

        @Test
        void detectsAResumedPartialFileThatChangedOnDiskBetweenRuns() throws IOException {
            hub.injectAfter(2, new Fault.Status(WEIGHTS, 500, ""), 1000);
            DownloadRun failed = DownloadRun.of(hub, REPO, target, "--concurrency", "1", "--retries", "1");
            assertThat(failed.exitCode()).isEqualTo(ExitCode.FAILED.status());
            hub.clearFaults();
            try (var parts = Files.walk(target)) {
                Path part = parts.filter(p -> p.toString().endsWith(".part")).filter(p -> p.toFile().length() > 0)
                        .findFirst().orElseThrow();
                Models.flipFirstByte(part);
            }

            DownloadRun resumed = DownloadRun.of(hub, REPO, target);

            completesAfterWeightsFailedVerification(resumed);
        }

        /** The run succeeded, with every file complete, after warning that the weights failed verification. */
        private void completesAfterWeightsFailedVerification(DownloadRun run) {
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertComplete(target, model);
            assertThat(run.events("warning")).extracting(e -> e.path("message").asString())
                    .anyMatch(m -> m.startsWith(WEIGHTS + " failed verification"));
        }

        @Test
        void detectsWrongBytesInAGitStoredFileByItsBlobId() {
            hub.inject(new Fault.WrongBytes(CONFIG));

            DownloadRun run = DownloadRun.of(hub, REPO, target);

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertComplete(target, model);
            assertThat(hub.bytesServed(CONFIG)).isEqualTo(2 * Models.size(model, CONFIG));
        }

        @Test
        void failsWithVerificationExitCodeWhenTheBytesStayWrong() {
            hub.inject(new Fault.WrongBytes(WEIGHTS), 1000);

            DownloadRun run = DownloadRun.of(hub, REPO, target);

            assertThat(run.exitCode()).isEqualTo(ExitCode.VERIFICATION_FAILED.status()).isEqualTo(6);
            assertThat(run.stderr().lines()).anyMatch(l -> l.startsWith("error: " + WEIGHTS + " failed verification"));
            assertThat(target.resolve(WEIGHTS)).doesNotExist();
        }

        @Test
        void retriesARequestWhoseFirstByteIsTooSlow() {
            hub.inject(new Fault.SlowFirstByte(CONFIG, Duration.ofSeconds(3)));

            DownloadRun run = DownloadRun.of(hub, REPO, target, "--stall-timeout", "500ms");

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertComplete(target, model);
            assertThat(hub.requests(RecordedRequest.HUB)).filteredOn(r -> r.path().endsWith("/" + CONFIG))
                    .hasSize(2);
        }

        @Test
        void retriesAStalledTransferFromWhereItStopped() {
            hub.inject(new Fault.Stall(WEIGHTS, 200 * 1024, Duration.ofSeconds(5)));

            long started = System.nanoTime();
            DownloadRun run = DownloadRun.of(hub, REPO, target, "--stall-timeout", "500ms");

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertComplete(target, model);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
            assertThat(hub.bytesServed(WEIGHTS)).isLessThan(Models.size(model, WEIGHTS) + 64 * 1024);
        }
    }

    @Nested
    class WhenTheHubRefuses {

        @Test
        void exitsWithAccessDeniedForAMissingOrBadToken() {
            hub.requireToken("hf_right");

            DownloadRun run = DownloadRun.of(hub, REPO, target, Map.of("HF_TOKEN", "hf_wrong_secret"));

            assertThat(run.exitCode()).isEqualTo(ExitCode.ACCESS_DENIED.status()).isEqualTo(3);
            assertThat(run.stderr().strip()).doesNotContain("\n").contains("HTTP 401").contains("HF_TOKEN");
            assertThat(run.last("error").path("exitCode").asInt()).isEqualTo(3);
            assertThat(run.stdout() + run.stderr()).doesNotContain("hf_wrong_secret");
        }

        @Test
        void writesTheFailureAsTheContainersTerminationMessage(@TempDir Path scratch) throws IOException {
            hub.requireToken("hf_right");
            var terminationLog = scratch.resolve("termination-log");

            DownloadRun run = DownloadRun.of(hub, REPO, target, Map.of("HF_TOKEN", "hf_wrong_secret"),
                    "--termination-log", terminationLog.toString());

            assertThat(run.exitCode()).isEqualTo(3);
            // what kubectl describe pod and the model's status show: the reason and the same line as stderr
            assertThat(Files.readString(terminationLog)).startsWith("ACCESS_DENIED: ").contains("HTTP 401")
                    .contains("HF_TOKEN").doesNotContain("hf_wrong_secret")
                    .isEqualTo("ACCESS_DENIED: " + run.stderr().strip().substring("error: ".length()));
        }

        @Test
        void aBadFlagIsATerminationMessageToo(@TempDir Path scratch) throws IOException {
            var terminationLog = scratch.resolve("termination-log");

            DownloadRun run = DownloadRun.of(hub, REPO, target, "--concurrency", "0",
                    "--termination-log=" + terminationLog);

            assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE.status());
            assertThat(Files.readString(terminationLog)).isEqualTo("USAGE: --concurrency must be at least 1");
        }

        @Test
        void exitsWithAccessDeniedForAGatedModel() {
            hub.gate(REPO);

            DownloadRun run = DownloadRun.of(hub, REPO, target);

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.stderr()).contains("HTTP 403").contains("gated");
        }

        @Test
        void exitsWithNotFoundForAnUnknownRepository() {
            DownloadRun run = DownloadRun.of(hub, "acme/no-such-model", target);

            assertThat(run.exitCode()).isEqualTo(ExitCode.NOT_FOUND.status()).isEqualTo(4);
            assertThat(run.stderr()).contains("not found").contains("acme/no-such-model").contains("HTTP 404");
            assertThat(run.last("error").path("reason").asString()).isEqualTo("NOT_FOUND");
        }

        @Test
        void exitsWithNotFoundForAnUnknownRevision() {
            DownloadRun run = DownloadRun.of(hub, REPO, target, "--revision", "v9");

            assertThat(run.exitCode()).isEqualTo(4);
            assertThat(run.stderr()).contains("revision v9");
        }

        @Test
        void exitsWithDiskFullBeforeDownloadingWhenTheVolumeIsTooSmall() throws IOException {
            try (FakeHub huge = FakeHub.start(FakeRepo.of("acme/huge", FakeFile.lfs("huge.bin", petabyte())))) {
                DownloadRun run = DownloadRun.of(huge, "acme/huge", target);

                assertThat(run.exitCode()).isEqualTo(ExitCode.DISK_FULL.status()).isEqualTo(5);
                assertThat(run.stderr()).contains("not enough disk space");
                assertThat(huge.bytesServed()).isZero();
            }
        }

        @Test
        void retriesAHubErrorOnTheListing() {
            hub.inject(new Fault.Status(Fault.API, 503, ""), 2);

            DownloadRun run = DownloadRun.of(hub, REPO, target);

            assertThat(run.exitCode()).as(run.stderr()).isZero();
        }

        @Test
        void refusesAListingThatWouldOverwriteItsOwnStateAndDoesNotAskAgain() throws IOException {
            FakeRepo hostile = FakeRepo.of("acme/hostile", FakeFile.git(".nebari-download/manifest.json",
                    ContentSource.of("{}")));
            try (FakeHub evil = FakeHub.start(hostile)) {
                DownloadRun run = DownloadRun.of(evil, "acme/hostile", target);

                assertThat(run.exitCode()).isEqualTo(ExitCode.FAILED.status());
                assertThat(run.stderr()).contains("is refused").contains(".nebari-download/manifest.json");
                assertThat(evil.requests()).hasSize(1);
                assertThat(target.resolve(".nebari-download/manifest.json")).doesNotExist();
            }
        }

        private static ContentSource petabyte() {
            return new ContentSource() {
                @Override
                public long size() {
                    return 1L << 50;
                }

                @Override
                public void writeTo(OutputStream out, long from, long to) {
                    throw new UnsupportedOperationException("never downloaded");
                }

                @Override
                public String sha256() {
                    return "0".repeat(64);
                }
            };
        }
    }

    @Nested
    class WithAToken {

        @Test
        void sendsTheTokenToTheHubButNeverToTheCdnItRedirectsTo() {
            hub.requireToken("hf_secret");

            DownloadRun run = DownloadRun.of(hub, REPO, target, Map.of("HF_TOKEN", "hf_secret"));

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(hub.requests(RecordedRequest.HUB))
                    .allMatch(r -> r.header("Authorization").equals(java.util.Optional.of("Bearer hf_secret")));
            assertThat(hub.requests(RecordedRequest.CDN)).isNotEmpty()
                    .allMatch(r -> r.header("Authorization").isEmpty());
            assertThat(run.stdout() + run.stderr()).doesNotContain("hf_secret");
        }
    }

    @Nested
    class ThroughAProxy {

        FakeProxy proxy;

        @BeforeEach
        void startProxy() throws IOException {
            proxy = FakeProxy.start();
        }

        @AfterEach
        void stopProxy() {
            proxy.close();
        }

        @Test
        void sendsEveryRequestOfAnHttpHubThroughHttpProxy() {
            DownloadRun run = DownloadRun.of(hub, REPO, target, Map.of("HTTP_PROXY", proxy.url()));

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertComplete(target, model);
            assertThat(proxy.requests()).extracting(FakeProxy.ProxiedRequest::target)
                    .as("absolute-form requests to the hub and to the CDN it redirects to")
                    .anyMatch(t -> t.startsWith(hub.endpoint() + "/api/models/" + REPO))
                    .anyMatch(t -> t.startsWith(hub.cdnEndpoint() + "/blobs/"))
                    .hasSize(hub.requests().size());
        }

        @Test
        void goesDirectToHostsInNoProxy() {
            DownloadRun run = DownloadRun.of(hub, REPO, target,
                    Map.of("HTTP_PROXY", proxy.url(), "NO_PROXY", "example.com,127.0.0.0/8"));

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(proxy.requests()).isEmpty();
        }

        @Test
        void authenticatesWithTheCredentialsOfTheProxyUrlAndNeverPrintsThePassword() {
            proxy.requireBasic("llm", "pr0xy-pass");

            DownloadRun run = DownloadRun.of(hub, REPO, target, Map.of("http_proxy", proxy.url("llm", "pr0xy-pass")));

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(proxy.refused()).isZero();
            assertThat(proxy.requests()).isNotEmpty();
            assertThat(hub.requests()).allMatch(r -> r.header("Proxy-Authorization").isEmpty());
            assertThat(run.stdout() + run.stderr()).doesNotContain("pr0xy-pass");
        }

        @Test
        void saysTheProxyRefusedTheCredentials() {
            proxy.requireBasic("llm", "pr0xy-pass");

            DownloadRun run = DownloadRun.of(hub, REPO, target, Map.of("HTTP_PROXY", proxy.url("llm", "wr0ng-pass")));

            assertThat(run.exitCode()).isEqualTo(ExitCode.FAILED.status());
            assertThat(run.stderr()).contains("HTTP 407").contains("HTTP_PROXY").doesNotContain("wr0ng-pass");
            assertThat(hub.requests()).isEmpty();
        }

        @Test
        void aProxyItCannotUseIsAUsageError() {
            DownloadRun run = DownloadRun.of(hub, REPO, target, Map.of("HTTPS_PROXY", "socks5://llm:pr0xy-pass@proxy:1080"));

            assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE.status());
            assertThat(run.stderr()).contains("HTTPS_PROXY uses socks5://").doesNotContain("pr0xy-pass");
            assertThat(hub.requests()).isEmpty();
        }
    }

    /** A Hub (mirror) whose certificate a private CA signed, as in air-gapped clusters. */
    @Nested
    class WithAPrivateCertificateAuthority {

        TestCertificateAuthority ca;
        FakeHub tlsHub;
        Path caFile;

        @BeforeEach
        void startTlsHub(@TempDir Path certificates) throws IOException {
            ca = TestCertificateAuthority.issue();
            tlsHub = FakeHub.startTls(ca.server(), model);
            caFile = Files.writeString(certificates.resolve("ca.crt"), ca.caCertificate());
        }

        @AfterEach
        void stopTlsHub() {
            tlsHub.close();
        }

        @Test
        void trustsTheCaOfSslCertFile() {
            DownloadRun run = DownloadRun.of(tlsHub, REPO, target, Map.of("SSL_CERT_FILE", caFile.toString()));

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertComplete(target, model);
        }

        @Test
        void refusesTheHubWithoutItAndNamesTheFix() {
            DownloadRun run = DownloadRun.of(tlsHub, REPO, target);

            assertThat(run.exitCode()).isEqualTo(ExitCode.FAILED.status());
            assertThat(run.stderr()).contains("TLS handshake failed").contains("certification path")
                    .contains("SSL_CERT_FILE").contains("defaults.trustedCA");
            assertThat(tlsHub.requests()).isEmpty();
        }

        @Test
        void aCertFileItCannotReadIsAUsageError() {
            DownloadRun run = DownloadRun.of(tlsHub, REPO, target, Map.of("SSL_CERT_FILE", target.resolve("none.crt").toString()));

            assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE.status());
            assertThat(run.stderr()).contains("cannot read SSL_CERT_FILE").contains("no such file");
        }

        @Test
        void tunnelsThroughHttpsProxyWithConnect() throws IOException {
            try (FakeProxy proxy = FakeProxy.start()) {
                DownloadRun run = DownloadRun.of(tlsHub, REPO, target,
                        Map.of("HTTPS_PROXY", proxy.url(), "SSL_CERT_FILE", caFile.toString()));

                assertThat(run.exitCode()).as(run.stderr()).isZero();
                assertComplete(target, model);
                assertThat(proxy.requests()).isNotEmpty().allMatch(r -> r.method().equals("CONNECT"))
                        .extracting(FakeProxy.ProxiedRequest::target)
                        .contains(tlsHub.endpoint().getAuthority(), tlsHub.cdnEndpoint().getAuthority());
            }
        }

        /**
         * In a process of its own, because the JDK reads which schemes it refuses on CONNECT once per JVM: only
         * {@code main} enables Basic there, as the image runs it.
         */
        @Test
        void theEntryPointAuthenticatesItsTunnelsWithTheProxyUrlsCredentials() throws Exception {
            try (FakeProxy proxy = FakeProxy.start().requireBasic("llm", "pr0xy-pass")) {
                var command = new java.util.ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), DownloaderMain.class.getName(),
                        "--repo", REPO, "--target", target.toString()));
                command.addAll(DownloadRun.FAST_SETTINGS);
                var process = new ProcessBuilder(command).redirectErrorStream(true);
                process.environment().keySet().removeIf(name -> name.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy"));
                process.environment().putAll(Map.of("HF_ENDPOINT", tlsHub.endpoint().toString(),
                        "HTTPS_PROXY", proxy.url("llm", "pr0xy-pass"), "SSL_CERT_FILE", caFile.toString()));
                var running = process.start();
                String output = new String(running.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

                assertThat(running.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(running.exitValue()).as(output).isZero();
                assertComplete(target, model);
                assertThat(proxy.refused()).isZero();
                assertThat(proxy.requests()).isNotEmpty().allMatch(r -> r.method().equals("CONNECT")
                        && r.proxyAuthorization().isPresent());
                assertThat(output).doesNotContain("pr0xy-pass");
            }
        }
    }

    /** A model's LoRA adapters, each a repository of its own, downloaded after it by the same run. */
    @Nested
    class WithLoraAdapters {

        static final String ADAPTER = "acme/tiny-sql-lora";
        final FakeRepo adapter = new FakeRepo(ADAPTER, "v1", "89abcdef0123456789abcdef0123456789abcdef", List.of(
                FakeFile.lfs("adapter_model.safetensors", ContentSource.random(7, 2 * MiB + 99)),
                FakeFile.git("adapter_config.json", ContentSource.of("{\"r\": 8, \"peft_type\": \"LORA\"}"))));

        Path adapterDir() {
            return target.resolve("adapters").resolve(ADAPTER);
        }

        @Test
        void fetchesTheAdapterBesideTheBaseModelAtItsPinnedRevision() {
            hub.add(adapter);

            DownloadRun run = DownloadRun.of(hub, REPO, target, "--repo", ADAPTER, "--revision", "v1",
                    "--target", adapterDir().toString());

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertComplete(target, model);
            for (FakeFile file : adapter.files()) {
                assertThat(adapterDir().resolve(file.path())).as(file.path()).hasBinaryContent(Models.bytes(file));
            }
            assertThat(run.events("start")).extracting(e -> e.path("repo").asString() + "@" + e.path("commit").asString())
                    .as("the base model first, then the adapter at the commit its revision names")
                    .containsExactly(REPO + "@" + model.commit(), ADAPTER + "@" + adapter.commit());
            assertThat(run.events("done")).hasSize(2);
            assertThat(run.events().stream().filter(e -> List.of("progress", "done").contains(e.path("event").asString())))
                    .as("progress lines name their repository").extracting(e -> e.path("repo").asString())
                    .containsOnly(REPO, ADAPTER).endsWith(ADAPTER);
            assertThat(run.last("done").path("bytesTotal").asLong()).isEqualTo(adapter.totalBytes());
            assertThat(hub.bytesServed()).isEqualTo(model.totalBytes() + adapter.totalBytes());
        }

        @Test
        void aRerunReusesTheAdapterAsItReusesTheModel() {
            hub.add(adapter);
            String[] adapterArgs = {"--repo", ADAPTER, "--revision", "v1", "--target", adapterDir().toString()};
            DownloadRun.of(hub, REPO, target, adapterArgs);
            long served = hub.bytesServed();

            DownloadRun rerun = DownloadRun.of(hub, REPO, target, adapterArgs);

            assertThat(rerun.exitCode()).as(rerun.stderr()).isZero();
            assertThat(hub.bytesServed()).as("nothing fetched again").isEqualTo(served);
            assertThat(rerun.events("file")).hasSize(model.files().size() + adapter.files().size())
                    .allMatch(e -> e.path("result").asString().equals("reused"));
        }

        @Test
        void anAdapterTheHubDoesNotHaveFailsTheRunNamingTheAdapter() {
            DownloadRun run = DownloadRun.of(hub, REPO, target, "--repo", ADAPTER, "--target", adapterDir().toString());

            assertThat(run.exitCode()).isEqualTo(ExitCode.NOT_FOUND.status());
            assertThat(run.stderr()).contains(ADAPTER).contains("HTTP 404");
            assertComplete(target, model);
            assertThat(adapterDir().resolve("adapter_model.safetensors")).doesNotExist();
        }

        @Test
        void aRevisionGivenTwiceForOneRepositoryIsAUsageError() {
            DownloadRun run = DownloadRun.of(hub, REPO, target, "--repo", ADAPTER, "--revision", "v1", "--revision", "v2",
                    "--target", adapterDir().toString());

            assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE.status());
            assertThat(run.stderr()).contains("--revision is given twice for repository " + ADAPTER);
            assertThat(hub.requests()).isEmpty();
        }

        @Test
        void twoRepositoriesCannotShareADirectory() {
            DownloadRun run = DownloadRun.of(hub, REPO, target, "--repo", ADAPTER, "--target", target.toString());

            assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE.status());
            assertThat(run.stderr()).contains("is given for two repositories");
            assertThat(hub.requests()).as("nothing asked of the Hub").isEmpty();
        }
    }

    @Nested
    class WithTwoDownloadersOnOneDirectory {

        @Test
        void oneDownloadsWhileTheOtherWaitsThenVerifies() {
            hub.latency(Duration.ofMillis(30));

            List<DownloadRun> runs;
            // Own threads, as two pods would be: the common pool has a single thread on a 2-core machine.
            try (ExecutorService pods = Executors.newFixedThreadPool(2)) {
                var first = CompletableFuture.supplyAsync(() -> DownloadRun.of(hub, REPO, target), pods);
                var second = CompletableFuture.supplyAsync(() -> DownloadRun.of(hub, REPO, target), pods);
                runs = List.of(first.join(), second.join());
            }

            assertThat(runs).allMatch(r -> r.exitCode() == 0);
            assertComplete(target, model);
            assertThat(hub.bytesServed()).as("no byte downloaded twice").isEqualTo(model.totalBytes());
            assertThat(runs).extracting(r -> r.last("done").path("filesDownloaded").asInt())
                    .containsExactlyInAnyOrder(4, 0);
            DownloadRun waiter = runs.stream().filter(r -> r.last("done").path("filesDownloaded").asInt() == 0)
                    .findFirst().orElseThrow();
            assertThat(waiter.events("waiting")).isNotEmpty();
        }
    }
}
