package dev.nebari.llm.portal;

import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.keys.ClientId;
import dev.nebari.llm.keys.KeyException;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ResponseStatusException;

/**
 * Shared by the signed-in pages: who is signed in (for the header and the admin link), and refusals from the keys
 * module as a page with the module's message (written for users, never containing key material).
 */
@ControllerAdvice(assignableTypes = {UserPages.class, AdminPages.class, AuditPage.class, UsagePages.class})
class PortalModel {

    private final String notice;

    /** @param notice {@code portal.notice}: a line shown on every page (the local demo says its models are simulated) */
    PortalModel(@org.springframework.beans.factory.annotation.Value("${portal.notice:}") String notice) {
        this.notice = notice.strip();
    }

    @ModelAttribute("me")
    Caller me(Caller caller) {
        return caller;
    }

    @ModelAttribute("siteNotice")
    @org.jspecify.annotations.Nullable String siteNotice() {
        return notice.isEmpty() ? null : notice;
    }

    @ExceptionHandler(KeyException.class)
    String refused(KeyException e, Caller caller, Model page, HttpServletResponse response) {
        var status = statusOf(e);
        response.setStatus(status.value());
        if (e instanceof KeyException.TooManyWrites tooMany) {
            response.setHeader("Retry-After", Long.toString(tooMany.retryAfterSeconds()));
        }
        page.addAttribute("me", caller);
        page.addAttribute("status", status.value());
        page.addAttribute("message", messageOf(e));
        return "problem";
    }

    /**
     * What a user reads of a refusal. Someone else's key answers like a missing one, a model the user may not use
     * like one that does not exist: their existence is not the caller's business.
     */
    static String messageOf(KeyException e) {
        return switch (e) {
            case KeyException.NotKeyOwner notOwner -> "There is no such key among yours.";
            case KeyException.KeyNotFound notFound -> "There is no such key among yours.";
            case KeyException.ModelAccessDenied denied -> notAvailable(denied.model().toString());
            default -> e.getMessage();
        };
    }

    /** Malformed input from a form or URL, such as a model not written as namespace/name. */
    @ExceptionHandler(IllegalArgumentException.class)
    String badInput(IllegalArgumentException e, Caller caller, Model page, HttpServletResponse response) {
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        page.addAttribute("me", caller);
        page.addAttribute("status", HttpStatus.BAD_REQUEST.value());
        page.addAttribute("message", e.getMessage());
        return "problem";
    }

    static HttpStatus statusOf(RuntimeException e) {
        return switch (e) {
            case KeyException.ModelAccessDenied denied -> HttpStatus.NOT_FOUND;
            case KeyException.AdminOnly adminOnly -> HttpStatus.FORBIDDEN;
            case KeyException.KeyNotFound notFound -> HttpStatus.NOT_FOUND;
            case KeyException.NotKeyOwner notOwner -> HttpStatus.NOT_FOUND;
            case KeyException.KeyLimitReached limit -> HttpStatus.CONFLICT;
            case KeyException.StoreUnavailable unavailable -> HttpStatus.SERVICE_UNAVAILABLE;
            case KeyException.TooManyWrites tooMany -> HttpStatus.TOO_MANY_REQUESTS;
            default -> HttpStatus.BAD_REQUEST;
        };
    }

    /**
     * What a user hears of a model that does not exist and of one they may not use alike (the REST API says the
     * same): which models exist beyond the user's own is not theirs to learn.
     */
    static String notAvailable(String model) {
        return "The model " + model + " is not available to you: it does not exist, or your groups do not include it.";
    }

    /** A client id from a URL; a malformed one names no key. */
    static ClientId clientId(String value) {
        if (!ClientId.isValid(value)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "There is no such key.");
        }
        return new ClientId(value);
    }
}
