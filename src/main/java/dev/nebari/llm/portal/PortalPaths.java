package dev.nebari.llm.portal;

/** The paths the portal's chain claims; the REST API ({@code /api/**}) and Actuator are someone else's. */
final class PortalPaths {

    static final String[] ALL = {"/", "/models", "/keys", "/keys/**", "/admin", "/admin/**", "/login", "/logout",
            "/oauth2/**", "/login/oauth2/**", "/assets/**"};
    static final String[] PUBLIC = {"/login", "/assets/**"};
    static final String[] ADMIN = {"/admin", "/admin/**"};

    private PortalPaths() {
    }
}
