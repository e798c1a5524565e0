package dev.nebari.llm.docs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fenced code blocks of the repository's Markdown files, and the shell commands in them, as the documentation
 * tests read them. Public because tests of other packages check the documented commands against the code they are
 * about (the portal's snippets, the demo's settings).
 */
public final class DocumentedCommands {

    private static final Pattern FENCE = Pattern.compile("(?ms)^```([A-Za-z0-9_+-]*)\\s*$(.*?)^```\\s*$");
    /** The languages whose blocks are shell commands a reader types. */
    public static final Set<String> SHELL = Set.of("bash", "shell", "sh");
    private static final Pattern ASSIGNMENT = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", Pattern.DOTALL);

    private DocumentedCommands() {
    }

    /**
     * One fenced block: its language (empty for a bare fence), its text, and the file (relative to the project
     * root) and line of its opening fence.
     */
    public record Block(String file, int line, String language, String text) {

        /** The text with backslash-newline continuations joined, split into lines. */
        public List<String> logicalLines() {
            return DocumentedCommands.logicalLines(text);
        }

        /** The commands of this block in order: each logical line split at |, ; and &&, comments dropped. */
        public List<List<String>> commands() {
            return DocumentedCommands.commands(text);
        }

        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    /** A shell script's lines with backslash-newline continuations joined. */
    public static List<String> logicalLines(String script) {
        return List.of(script.replaceAll("\\\\\\n", " ").split("\\n"));
    }

    /** The commands of a shell script in order: each logical line split at |, ; and &&, comments dropped. */
    public static List<List<String>> commands(String script) {
        var commands = new ArrayList<List<String>>();
        for (var line : logicalLines(script)) {
            for (var words : split(tokenize(line))) {
                if (!words.isEmpty()) {
                    commands.add(words);
                }
            }
        }
        return commands;
    }

    /** A path of the repository, relative to the project root. */
    public static Path repositoryPath(String relative) {
        return RepoFiles.path(relative);
    }

    /** A file of the repository (path relative to the project root) as text. */
    public static String file(String relative) {
        return RepoFiles.read(relative);
    }

    /** Every fenced block of a Markdown file (relative to the project root), in order. */
    public static List<Block> blocks(String file) {
        var text = RepoFiles.read(file);
        var blocks = new ArrayList<Block>();
        var matcher = FENCE.matcher(text);
        while (matcher.find()) {
            var line = (int) text.substring(0, matcher.start()).lines().count() + 1;
            blocks.add(new Block(file, line, matcher.group(1), matcher.group(2)));
        }
        return blocks;
    }

    /** The fenced blocks of a file written in one of {@code languages}. */
    public static List<Block> blocks(String file, Set<String> languages) {
        return blocks(file).stream().filter(b -> languages.contains(b.language())).toList();
    }

    /** Every command of the shell blocks of a file, in order. */
    public static List<List<String>> shellCommands(String file) {
        return blocks(file, SHELL).stream().flatMap(b -> b.commands().stream()).toList();
    }

    /** Shell words of one line: quotes group, a backslash escapes, # starts a comment; operators are their own words. */
    public static List<String> tokenize(String line) {
        var words = new ArrayList<String>();
        var current = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    current.append(line.charAt(++i));
                } else {
                    current.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                current.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(current.toString());
                    current.setLength(0);
                    inWord = false;
                }
            } else if (c == '#' && !inWord) {
                break;
            } else if (c == '|' || c == ';' || c == '>' || (c == '&' && i + 1 < line.length() && line.charAt(i + 1) == '&')) {
                if (inWord) {
                    words.add(current.toString());
                    current.setLength(0);
                    inWord = false;
                }
                if (c == '&') {
                    i++;
                }
                words.add(String.valueOf(c));
            } else {
                current.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(current.toString());
        }
        return words;
    }

    /** Splits a line's words into commands at |, ; and &&; drops redirections and leading environment assignments. */
    public static List<List<String>> split(List<String> words) {
        var commands = new ArrayList<List<String>>();
        var current = new ArrayList<String>();
        for (int i = 0; i < words.size(); i++) {
            var word = words.get(i);
            switch (word) {
                case "|", ";", "&" -> {
                    commands.add(current);
                    current = new ArrayList<>();
                }
                case ">" -> i++;
                default -> current.add(word);
            }
        }
        commands.add(current);
        commands.forEach(c -> {
            while (!c.isEmpty() && isAssignment(c.get(0))) {
                c.remove(0);
            }
        });
        return commands;
    }

    /**
     * The variables a line sets: its leading {@code NAME=value} words (for the command after them, or for the rest
     * of the block when nothing follows), and the assignments of {@code export NAME=value}.
     */
    public static Map<String, String> assignments(String line) {
        var words = tokenize(line);
        var assigned = new LinkedHashMap<String, String>();
        int start = !words.isEmpty() && words.get(0).equals("export") ? 1 : 0;
        for (int i = start; i < words.size(); i++) {
            var matcher = ASSIGNMENT.matcher(words.get(i));
            if (!matcher.matches()) {
                break;
            }
            assigned.put(matcher.group(1), matcher.group(2));
        }
        return assigned;
    }

    private static boolean isAssignment(String word) {
        return word.matches("^[A-Z_]+=.*");
    }
}
