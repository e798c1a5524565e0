package dev.nebari.llm.portal;

import dev.nebari.llm.identity.Caller;
import dev.nebari.llm.identity.CallerResolver;
import java.util.HashSet;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Loads the signed-in user as Spring does (ID token, then user info) and adds the admin authority when one of the
 * user's groups is an admin group, with the same {@link CallerResolver} the REST API uses for bearer tokens.
 */
final class PortalUserService implements OAuth2UserService<OidcUserRequest, OidcUser> {

    private final OidcUserService delegate = new OidcUserService();
    private final CallerResolver callers;

    PortalUserService(CallerResolver callers) {
        this.callers = callers;
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        var user = delegate.loadUser(request);
        Caller caller;
        try {
            caller = callers.resolve(user.getClaims());
        } catch (IllegalArgumentException e) {
            throw new OAuth2AuthenticationException(new OAuth2Error("invalid_id_token", e.getMessage(), null), e);
        }
        var authorities = new HashSet<GrantedAuthority>(user.getAuthorities());
        if (caller.admin()) {
            authorities.add(new SimpleGrantedAuthority(Caller.ADMIN_AUTHORITY));
        }
        return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo(), "sub");
    }
}
