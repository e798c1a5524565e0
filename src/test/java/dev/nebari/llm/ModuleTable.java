package dev.nebari.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;

/**
 * The module table of docs/architecture.md, generated from the modules themselves so it cannot drift: what each
 * module is (the first sentence of its package-info) and which modules it uses (its declared allowed dependencies,
 * which ModularityTest holds equal to what the code uses).
 */
final class ModuleTable {

    static final String BEGIN = "<!-- module table: generated from the code by ModularityTest; do not edit -->";
    static final String END = "<!-- end of module table -->";
    private static final Pattern JAVADOC = Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL);
    private static final Pattern ALLOWED = Pattern.compile("allowedDependencies\\s*=\\s*\\{([^}]*)}");

    private ModuleTable() {
    }

    static String render(ApplicationModules modules) {
        var rows = modules.stream()
                .sorted(Comparator.comparingLong((ApplicationModule m) -> m.getAllDependencies(modules).uniqueModules().count())
                        .thenComparing(m -> m.getIdentifier().toString()))
                .map(module -> "| `%s` | %s | %s |".formatted(module.getIdentifier(), firstSentence(module),
                        list(declared(module))))
                .collect(Collectors.joining("\n"));
        return BEGIN + "\n| module | what it is | uses (declared in its package-info, checked against the code) |\n"
                + "|---|---|---|\n" + rows + "\n" + END;
    }

    /** The part of {@code document} between the markers, markers included. */
    static String current(String document) {
        var begin = document.indexOf(BEGIN);
        var end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            return "";
        }
        return document.substring(begin, end + END.length());
    }

    private static String list(List<String> names) {
        return names.isEmpty() ? "—" : names.stream().map(n -> "`" + n + "`").collect(Collectors.joining(", "));
    }

    private static String source(ApplicationModule module) {
        var file = Path.of("src/main/java", module.getBasePackage().getName().replace('.', '/'), "package-info.java");
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String firstSentence(ApplicationModule module) {
        var matcher = JAVADOC.matcher(source(module));
        if (!matcher.find()) {
            return "";
        }
        var text = matcher.group(1).lines().map(line -> line.replaceFirst("^\\s*\\*\\s?", "")).collect(Collectors.joining(" "))
                .replaceAll("\\{@link\\s+(?:[a-z0-9.]+\\.)?([^}]+)}", "`$1`")
                .replaceAll("\\{@code\\s+([^}]+)}", "`$1`")
                .replaceAll("\\s+", " ").strip();
        var end = text.indexOf(". ");
        return end < 0 ? text : text.substring(0, end + 1);
    }

    /**
     * The modules {@code module}'s code uses: Spring Modulith's analysis of the bytecode, plus modules whose
     * constants the sources name (the compiler copies a constant into the class that reads it, so the bytecode
     * never mentions where it came from).
     */
    static List<String> uses(ApplicationModule module, ApplicationModules modules) {
        var used = new java.util.TreeSet<String>();
        module.getDirectDependencies(modules).uniqueModules().forEach(m -> used.add(m.getIdentifier().toString()));
        var root = Path.of("src/main/java", module.getBasePackage().getName().replace('.', '/'));
        try (var files = Files.walk(root)) {
            var sources = files.filter(f -> f.toString().endsWith(".java")).map(ModuleTable::read).collect(Collectors.joining("\n"));
            modules.stream().filter(other -> !other.equals(module))
                    .filter(other -> sources.contains(other.getBasePackage().getName() + "."))
                    .forEach(other -> used.add(other.getIdentifier().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(used);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As package-info declares it ({@code "keys :: events"} names a named interface of keys). */
    static List<String> declared(ApplicationModule module) {
        var matcher = ALLOWED.matcher(source(module));
        if (!matcher.find()) {
            return List.of();
        }
        return Pattern.compile(",").splitAsStream(matcher.group(1)).map(s -> s.strip().replace("\"", ""))
                .filter(s -> !s.isEmpty()).toList();
    }
}
