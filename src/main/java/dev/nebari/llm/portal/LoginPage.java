package dev.nebari.llm.portal;

import dev.nebari.llm.identity.OidcIssuer;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.WebAttributes;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The sign-in page: one link to the identity provider, and plain words when something went wrong (the provider is
 * unreachable, or it refused the sign-in).
 */
@Controller
@Profile("portal")
@ConditionalOnBooleanProperty(name = "keyManager.enabled", matchIfMissing = true)
class LoginPage {

    private final DiscoveredClientRegistration registration;
    private final OidcIssuer issuer;

    LoginPage(DiscoveredClientRegistration registration, OidcIssuer issuer) {
        this.registration = registration;
        this.issuer = issuer;
    }

    /** Browsers ask for /favicon.ico whatever the page links; the icon is an SVG among the assets. */
    @GetMapping("/favicon.ico")
    String favicon() {
        return "redirect:/assets/favicon.svg";
    }

    @GetMapping(PortalSecurityConfiguration.LOGIN_PAGE)
    String login(@RequestParam(required = false) @Nullable String error, @RequestParam(required = false) @Nullable String logout,
            @RequestParam(name = SignInExpiry.EXPIRED_PARAMETER, required = false) @Nullable String expired,
            HttpServletRequest request, Model model) {
        var providerReachable = registration.current() != null;
        model.addAttribute("signInUrl", PortalSecurityConfiguration.AUTHORIZATION_BASE + "/" + DiscoveredClientRegistration.REGISTRATION_ID);
        model.addAttribute("providerReachable", providerReachable);
        model.addAttribute("issuer", issuer.url());
        model.addAttribute("providerProblem", providerReachable ? "" : registration.problem());
        model.addAttribute("signedOut", logout != null);
        model.addAttribute("expired", expired != null);
        model.addAttribute("failure", error == null ? null : failureText(request));
        return "login";
    }

    /** Spring keeps the sign-in failure in the session; its message comes from the provider or the token checks. */
    private static String failureText(HttpServletRequest request) {
        var session = request.getSession(false);
        var failure = session == null ? null : session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        return failure instanceof AuthenticationException e && e.getMessage() != null
                ? "Sign-in failed (" + e.getMessage() + "). Try again; if it keeps failing, ask your platform administrator."
                : "Sign-in failed. Try again; if it keeps failing, ask your platform administrator.";
    }
}
