package dev.nebari.llm.download;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The one line Kubernetes shows for a failed container ({@code kubectl describe pod}, the pod's
 * {@code state.terminated.message}) and the operator copies into the model's status: written to the container's
 * termination-message file, which the kubelet creates before the container starts. Outside a container that file
 * does not exist and nothing is written, unless {@code --termination-log} names a file.
 */
final class TerminationMessage {

    static final Path KUBERNETES_DEFAULT = Path.of("/dev/termination-log");
    static final String FLAG = "--termination-log";
    /** The kubelet reads at most 4096 bytes of the file. */
    static final int MAX_BYTES = 4096;

    private TerminationMessage() {
    }

    /** Where to write: the file named by the flag (also when the flag's value comes as the next argument). */
    static Optional<Path> target(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            var arg = args.get(i);
            if (arg.startsWith(FLAG + "=")) {
                return Optional.of(Path.of(arg.substring(FLAG.length() + 1)));
            }
            if (arg.equals(FLAG) && i + 1 < args.size()) {
                return Optional.of(Path.of(args.get(i + 1)));
            }
        }
        return Files.isRegularFile(KUBERNETES_DEFAULT) ? Optional.of(KUBERNETES_DEFAULT) : Optional.empty();
    }

    /** Writes {@code CODE: message}, cut to what the kubelet reads; a failure to write is reported on stderr only. */
    static void write(Optional<Path> target, ExitCode code, String message, PrintStream err) {
        if (target.isEmpty()) {
            return;
        }
        // An encoder that runs out of room stops after the last whole character.
        var bytes = ByteBuffer.allocate(MAX_BYTES);
        StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(code.name() + ": " + message), bytes, true);
        try {
            Files.write(target.get(), Arrays.copyOf(bytes.array(), bytes.position()));
        } catch (IOException e) {
            err.println("warning: cannot write the termination message to " + target.get() + ": " + e.getMessage());
        }
    }
}
