package dev.nebari.llm.download;

import dev.nebari.llm.download.progress.ProgressReporter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Entry point of the init container. Deliberately plain {@code main}: no Spring context, so the model pod's start
 * is not delayed by framework start-up.
 *
 * <p>stdout carries only the JSON progress stream; stderr carries one plain line per problem for humans; a failure
 * is also written as the container's termination message ({@link TerminationMessage}).
 */
public final class DownloaderMain {

    private DownloaderMain() {
    }

    public static void main(String[] args) {
        // The JDK HTTP client hands each response over in 16 KiB buffers by default; larger ones cut the per-buffer
        // work enough to matter on small nodes (256 KiB: about 20% less wall time in bench/download; 512 KiB: about
        // 0.5 s less CPU than 256 KiB for 2 GiB). Must be set before the client classes load.
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", Integer.toString(512 * 1024));
        }
        // The JDK drops Basic credentials from CONNECT requests by default (its net.properties sets
        // jdk.http.auth.tunneling.disabledSchemes=Basic), so an https download through a proxy URL with user:password
        // would get 407. The credentials are the admin's choice and go only to that proxy. Read once, when the client
        // classes load.
        if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
            System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
        }
        System.exit(run(List.of(args), System.getenv(), System.out, System.err));
    }

    /** Runs a download and returns the process exit status. */
    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(DownloadOptions.USAGE);
            return ExitCode.SUCCESS.status();
        }
        var terminationLog = TerminationMessage.target(args);
        List<DownloadOptions> repositories;
        try {
            repositories = DownloadOptions.parseAll(args, env);
        } catch (DownloadFailure e) {
            err.println("error: " + e.getMessage());
            err.println(DownloadOptions.USAGE);
            TerminationMessage.write(terminationLog, e.exitCode(), e.getMessage(), err);
            return e.exitCode().status();
        }
        // One after the other (a model's LoRA adapters after the model): each has its own lease, manifest and
        // progress lines, and the first failure ends the run with its exit code and message.
        for (var options : repositories) {
            int status = download(options, out, err, terminationLog);
            if (status != ExitCode.SUCCESS.status()) {
                return status;
            }
        }
        return ExitCode.SUCCESS.status();
    }

    private static int download(DownloadOptions options, PrintStream out, PrintStream err, Optional<Path> terminationLog) {
        try (ProgressReporter progress = new ProgressReporter(out, options.progressInterval())) {
            try {
                try (Downloader downloader = new Downloader(options, progress)) {
                    downloader.run();
                }
                return ExitCode.SUCCESS.status();
            } catch (DownloadFailure e) {
                return fail(progress, err, terminationLog, e.exitCode(), e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail(progress, err, terminationLog, ExitCode.FAILED, "interrupted");
            } catch (RuntimeException e) {
                return fail(progress, err, terminationLog, ExitCode.FAILED, "unexpected error: " + e);
            }
        }
    }

    private static int fail(ProgressReporter progress, PrintStream err, Optional<Path> terminationLog, ExitCode code,
            String message) {
        String line = message.replace('\n', ' ');
        progress.error(code.name(), code.status(), line);
        err.println("error: " + line);
        TerminationMessage.write(terminationLog, code, line, err);
        return code.status();
    }
}
