package dev.nebari.llm.usage;

/** Tokens the gateway counted: sent to the model (input, the prompt) and returned by it (output). */
public record TokenCounts(long input, long output) {

    public static final TokenCounts NONE = new TokenCounts(0, 0);

    public TokenCounts plus(TokenCounts other) {
        return new TokenCounts(input + other.input, output + other.output);
    }

    public long total() {
        return input + output;
    }
}
