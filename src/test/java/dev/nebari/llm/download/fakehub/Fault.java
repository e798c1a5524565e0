package dev.nebari.llm.download.fakehub;

import java.time.Duration;

/** A misbehaviour the fake Hub shows on the next request(s) for one file (or for the listing API). */
public sealed interface Fault {

    /** The file path the fault applies to, or {@link #API} for the listing. */
    String target();

    String API = "<api>";

    /** Sends {@code afterBytes} of the body, then drops the connection. */
    record Disconnect(String target, long afterBytes) implements Fault {
    }

    /** Sends a body with every byte flipped. */
    record WrongBytes(String target) implements Fault {
    }

    /** Waits before sending the response headers. */
    record SlowFirstByte(String target, Duration delay) implements Fault {
    }

    /** Sends {@code afterBytes} of the body, then goes silent for {@code silence}. */
    record Stall(String target, long afterBytes, Duration silence) implements Fault {
    }

    /** Answers with an error status (and the Hub's {@code X-Error-Code}, if not empty). */
    record Status(String target, int status, String errorCode) implements Fault {
    }
}
