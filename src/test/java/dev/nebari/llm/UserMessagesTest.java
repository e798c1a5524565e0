package dev.nebari.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every message the portal and the REST API show people is a sentence: it starts with an upper-case letter and ends
 * with a full stop (or a question or exclamation mark). Refusals of the keys module, problem details, flash notices,
 * page errors and what the identity provider's trouble looks like are written in many places, so this walks the
 * sources that build them and checks each message where it is written; a new lower-case message fails here, with its
 * file and line.
 *
 * <p>A message is checked where it is a string expression: its first part, when that is a literal, must start with an
 * upper-case letter, and when it has literals at all, it must end with one that ends the sentence (so
 * {@code "no key " + id} fails twice, {@code "No key " + id + "."} passes). A message passed on
 * ({@code e.getMessage()}), alone or at the end, is checked where it was written. Field constraints of the REST API's
 * requests are the exception: their messages complete "The field x ..." (ApiExceptionHandler), so they are fragments,
 * and are checked to be fragments.
 */
class UserMessagesTest {

    static final Path SOURCES = Path.of("src/main/java/dev/nebari/llm");

    /** A call or assignment whose argument number {@code argument} is a message people read. */
    record Site(Pattern opening, int argument) {
        static Site of(String regex, int argument) {
            return new Site(Pattern.compile(regex), argument);
        }
    }

    /** Where messages are written in the modules that show them (keys, api, portal, usage) and in the issuer's problems. */
    static final List<Site> SENTENCES = List.of(
            // (AdminOnly takes what only an admin may do, completing its own sentence)
            Site.of("new KeyException\\.(?!AdminOnly\\()\\w+\\(", 0),
            Site.of("new ApiProblem\\(", 1),
            Site.of("ProblemDetails\\.of\\(", 1),
            Site.of("new ResponseStatusException\\(", 1),
            Site.of("new IssuerProblem\\(", 0),
            Site.of("add(?:Flash)?Attribute\\(\"(?:notice|error|message)\",", 0),
            Site.of("@AssertTrue\\(message\\s*=", 0),
            Site.of("(?m)^\\s*(?:var |String )?(?:detail|message|error|notice|problem)\\s*=(?!=)", 0));

    /**
     * Where the usage module writes why usage is unknown, which the portal and the REST API show as it is: "Usage is
     * unavailable right now: " followed by why Prometheus could not be read, itself a sentence.
     */
    static final List<Site> USAGE_SENTENCES = List.of(
            Site.of("UsageSnapshot\\.unavailable\\(", 1),
            Site.of("new QueryFailed\\(", 0),
            Site.of("NOT_CONFIGURED\\s*=", 0));

    /** Constraint messages of REST request fields: fragments completing "The field x ...". */
    static final Site FIELD_CONSTRAINT = Site.of("@(?:Size|NotNull|NotBlank|Pattern|Min|Max)\\([^()]*?message\\s*=", 0);

    @Test
    void everyMessageOfThePortalAndTheRestApiIsASentence() throws IOException {
        var problems = new ArrayList<String>();
        for (var file : sources("keys", "api", "portal", "identity", "usage")) {
            var code = Java.withoutComments(Files.readString(file));
            var sites = new ArrayList<>(SENTENCES);
            if (file.startsWith(SOURCES.resolve("usage"))) {
                sites.addAll(USAGE_SENTENCES);
            }
            if (file.getFileName().toString().equals("KeyException.java")) {
                sites.add(Site.of("\\bsuper\\(", 0));
            }
            // The keys module's value types refuse what users typed (a model written without its namespace).
            if (file.getParent().equals(SOURCES.resolve("keys")) || file.startsWith(SOURCES.resolve("portal"))
                    || file.startsWith(SOURCES.resolve("api"))) {
                sites.add(Site.of("new IllegalArgumentException\\(", 0));
            }
            for (var site : sites) {
                for (var message : Java.messagesAt(code, site)) {
                    message.sentenceProblem().ifPresent(problem -> problems.add(where(file, code, message) + problem));
                }
            }
            if (file.startsWith(SOURCES.resolve("api"))) {
                for (var message : Java.messagesAt(code, FIELD_CONSTRAINT)) {
                    message.fragmentProblem().ifPresent(problem -> problems.add(where(file, code, message) + problem));
                }
            }
        }
        assertThat(problems).as("messages people read that are not sentences").isEmpty();
    }

    /** The walker finds what it should, so that the test above cannot pass by finding nothing. */
    @Test
    void theWalkerTellsSentencesFromOtherText() {
        var code = Java.withoutComments("""
                // new KeyException.InvalidRequest("a comment, not code")
                throw new KeyException.InvalidRequest("the description is too long");
                throw new KeyException.KeyNotFound("No key " + id);
                throw new ApiProblem(ProblemType.KEY_NOT_FOUND, "No key with id " + id + ".");
                page.addAttribute("message", e instanceof Missing ? "There is no such key." : e.getMessage());
                next.addFlashAttribute("notice", "Revoked " + n + (n == 1 ? " key" : " keys") + " of " + (a ? "x" : "y") + ".");
                problem = "";
                var message = "Tokens cannot be checked. " + issuer.getMessage();
                var detail = list.stream().map(x -> "the field " + x).collect(joining(" "));
                """);
        var found = SENTENCES.stream().flatMap(site -> Java.messagesAt(code, site).stream()).toList();
        assertThat(found).extracting(Java.Message::text).containsExactlyInAnyOrder(
                "\"the description is too long\"", "\"No key \" + id",
                "\"No key with id \" + id + \".\"",
                "e instanceof Missing ? \"There is no such key.\" : e.getMessage()",
                "\"Revoked \" + n + (n == 1 ? \" key\" : \" keys\") + \" of \" + (a ? \"x\" : \"y\") + \".\"",
                "\"\"", "\"Tokens cannot be checked. \" + issuer.getMessage()", "list.stream().map(x -> \"the field \" + x).collect(joining(\" \"))");
        assertThat(found).filteredOn(m -> m.sentenceProblem().isPresent()).extracting(Java.Message::text)
                .containsExactlyInAnyOrder("\"the description is too long\"", "\"No key \" + id");
        assertThat(Java.messagesAt(Java.withoutComments("@Size(max = 200, message = \"may have at most 200 characters\")"),
                FIELD_CONSTRAINT)).singleElement().satisfies(m -> assertThat(m.fragmentProblem()).isEmpty());
    }

    private static List<Path> sources(String... modules) throws IOException {
        var files = new ArrayList<Path>();
        for (var module : modules) {
            try (Stream<Path> walk = Files.walk(SOURCES.resolve(module))) {
                walk.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
            }
        }
        assertThat(files).as("the sources under " + SOURCES.toAbsolutePath()).isNotEmpty();
        return files;
    }

    private static String where(Path file, String code, Java.Message message) {
        var line = code.substring(0, message.offset()).chars().filter(c -> c == '\n').count() + 1;
        return SOURCES.relativize(file) + ":" + line + ": " + message.text() + " — ";
    }

    /** Just enough of Java's syntax to find message expressions: literals, comments, brackets, ternaries. */
    static final class Java {

        record Message(String text, int offset, List<Part> parts) {

            /** One part of the expression at its own level (not inside brackets): a literal's value, or an operand's code. */
            record Part(String literal, String code) {
                static Part literal(String value) {
                    return new Part(value, null);
                }

                static Part operand(String code) {
                    return new Part(null, code);
                }

                /** A message passed on ({@code e.getMessage()}): a sentence where it was written. */
                boolean passesAMessageOn() {
                    return code != null && code.strip().endsWith(".getMessage()");
                }
            }

            java.util.Optional<String> sentenceProblem() {
                for (var alternative : alternatives()) {
                    var literals = alternative.stream().filter(p -> p.literal() != null).toList();
                    if (literals.isEmpty() || literals.size() == 1 && literals.getFirst().literal().isEmpty()) {
                        continue; // passed on from elsewhere, or "" for "no message"
                    }
                    var first = alternative.getFirst().literal();
                    if (first != null && (first.isEmpty() || !Character.isUpperCase(first.codePointAt(0)))) {
                        return java.util.Optional.of("starts in lower case");
                    }
                    var last = alternative.getLast().literal();
                    if (!alternative.getLast().passesAMessageOn() && (last == null || !last.matches("(?s).*[.?!]"))) {
                        return java.util.Optional.of("does not end with a full stop");
                    }
                }
                return java.util.Optional.empty();
            }

            java.util.Optional<String> fragmentProblem() {
                var first = parts.getFirst().literal();
                if (first != null && !first.isEmpty() && Character.isUpperCase(first.codePointAt(0))) {
                    return java.util.Optional.of("starts in upper case, but completes \"The field x ...\"");
                }
                var last = parts.getLast().literal();
                if (last != null && last.matches("(?s).*[.?!]")) {
                    return java.util.Optional.of("ends with a full stop, but ApiExceptionHandler adds one");
                }
                return java.util.Optional.empty();
            }

            /** The branches of a conditional expression at the top, else the expression itself. */
            private List<List<Part>> alternatives() {
                var question = parts.indexOf(QUESTION);
                var colon = parts.lastIndexOf(COLON);
                if (question < 0 || colon < question) {
                    return List.of(parts);
                }
                return List.of(parts.subList(question + 1, colon), parts.subList(colon + 1, parts.size()));
            }
        }

        static final Message.Part QUESTION = Message.Part.literal("\u0000?");
        static final Message.Part COLON = Message.Part.literal("\u0000:");

        /** The source with comments blanked out (same length, so offsets keep their lines). */
        static String withoutComments(String source) {
            var out = new StringBuilder(source);
            for (int i = 0; i < source.length(); i++) {
                var c = source.charAt(i);
                if (c == '"' || c == '\'') {
                    i = endOfLiteral(source, i) - 1;
                } else if (source.startsWith("//", i)) {
                    var end = source.indexOf('\n', i);
                    end = end < 0 ? source.length() : end;
                    blank(out, i, end);
                    i = end;
                } else if (source.startsWith("/*", i)) {
                    var end = source.indexOf("*/", i + 2) + 2;
                    blank(out, i, end);
                    i = end - 1;
                }
            }
            return out.toString();
        }

        /** The messages at each occurrence of {@code site}: its argument, up to the comma or bracket that ends it. */
        static List<Message> messagesAt(String code, Site site) {
            var messages = new ArrayList<Message>();
            var opening = site.opening().matcher(code);
            while (opening.find()) {
                var start = opening.end();
                for (int skipped = 0; skipped < site.argument(); skipped++) {
                    start = endOfExpression(code, start) + 1;
                }
                var end = endOfExpression(code, start);
                var text = code.substring(start, end).strip();
                messages.add(new Message(text.replaceAll("\\s*\\n\\s*", " "), opening.start(), parts(text)));
            }
            return messages;
        }

        /** Where the expression starting at {@code start} ends: a comma, closing bracket or semicolon at its level. */
        private static int endOfExpression(String code, int start) {
            var depth = 0;
            for (int i = start; i < code.length(); i++) {
                var c = code.charAt(i);
                if (c == '"' || c == '\'') {
                    i = endOfLiteral(code, i) - 1;
                } else if (c == '(' || c == '[' || c == '{') {
                    depth++;
                } else if (c == ')' || c == ']' || c == '}') {
                    if (depth == 0) {
                        return i;
                    }
                    depth--;
                } else if ((c == ',' || c == ';') && depth == 0) {
                    return i;
                }
            }
            return code.length();
        }

        /** The parts of an expression at its own level: literals, operands (null), and the ternary's ? and :. */
        private static List<Message.Part> parts(String expression) {
            var parts = new ArrayList<Message.Part>();
            var depth = 0;
            var operandStart = -1;
            for (int i = 0; i < expression.length(); i++) {
                var c = expression.charAt(i);
                if (c == '"') {
                    var end = endOfLiteral(expression, i);
                    if (depth == 0) {
                        operandStart = endOperand(parts, expression, operandStart, i);
                        parts.add(Message.Part.literal(unescape(expression.substring(i + 1, end - 1))));
                    }
                    i = end - 1;
                } else if (c == '(' || c == '[' || c == '{') {
                    if (depth == 0 && operandStart < 0) {
                        operandStart = i;
                    }
                    depth++;
                } else if (c == ')' || c == ']' || c == '}') {
                    depth--;
                } else if (depth == 0 && (c == '?' || c == ':') && !expression.startsWith("::", i)
                        && !(i > 0 && expression.charAt(i - 1) == ':')) {
                    operandStart = endOperand(parts, expression, operandStart, i);
                    parts.add(c == '?' ? QUESTION : COLON);
                } else if (depth == 0 && c == '+') {
                    operandStart = endOperand(parts, expression, operandStart, i);
                } else if (depth == 0 && !Character.isWhitespace(c) && operandStart < 0) {
                    operandStart = i;
                }
            }
            endOperand(parts, expression, operandStart, expression.length());
            return parts;
        }

        /** Adds the operand that started at {@code start} (if one did) and ended at {@code end}; returns "none open". */
        private static int endOperand(List<Message.Part> parts, String expression, int start, int end) {
            if (start >= 0) {
                parts.add(Message.Part.operand(expression.substring(start, end)));
            }
            return -1;
        }

        private static int endOfLiteral(String code, int start) {
            var quote = code.charAt(start);
            for (int i = start + 1; i < code.length(); i++) {
                if (code.charAt(i) == '\\') {
                    i++;
                } else if (code.charAt(i) == quote) {
                    return i + 1;
                }
            }
            return code.length();
        }

        private static String unescape(String literal) {
            return literal.replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\");
        }

        private static void blank(StringBuilder out, int from, int to) {
            for (int i = from; i < to; i++) {
                if (out.charAt(i) != '\n') {
                    out.setCharAt(i, ' ');
                }
            }
        }
    }
}
