package dev.nebari.llm.portal;

import dev.nebari.llm.catalog.ModelCatalog;
import dev.nebari.llm.identity.CallerResolver;
import dev.nebari.llm.keys.ApiKeys;
import dev.nebari.llm.keys.KeyOwner;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;

/**
 * After a sign-in, revokes the user's keys for models the user no longer may use (PRODUCT.md section 5: "when a
 * user logs in with fewer groups, their keys for models they lost are revoked"), then continues to the page the
 * user asked for. A failure to revoke is logged and does not block the sign-in; the next sign-in tries again.
 */
final class LoginHousekeeping extends SavedRequestAwareAuthenticationSuccessHandler {

    private static final Logger log = LoggerFactory.getLogger(LoginHousekeeping.class);

    private final CallerResolver callers;
    private final ApiKeys keys;
    private final ModelCatalog models;

    LoginHousekeeping(CallerResolver callers, ApiKeys keys, ModelCatalog models) {
        this.callers = callers;
        this.keys = keys;
        this.models = models;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws ServletException, IOException {
        if (authentication.getPrincipal() instanceof OidcUser user) {
            var caller = callers.resolve(user.getClaims());
            try {
                var revoked = keys.revokeOnGroupsChange(new KeyOwner(caller.subject(), caller.username()), caller.groups(), models);
                if (!revoked.isEmpty()) {
                    log.info("Revoked {} key(s) of {} at sign-in: the user's groups no longer grant their models",
                            revoked.size(), caller.username());
                }
            } catch (RuntimeException e) {
                log.warn("Could not check the keys of {} at sign-in: {}", caller.username(), e.getMessage());
            }
        }
        super.onAuthenticationSuccess(request, response, authentication);
    }
}
