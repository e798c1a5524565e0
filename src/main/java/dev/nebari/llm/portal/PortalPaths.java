package dev.nebari.llm.portal;

/** The paths the portal's chain claims; the REST API ({@code /api/**}) and Actuator are someone else's. */
final class PortalPaths {

    static final String[] ALL = {"/", "/models", "/keys", "/keys/**", "/usage", "/admin", "/admin/**", "/login", "/logout",
            "/oauth2/**", "/login/oauth2/**", "/assets/**", "/favicon.ico"};
    /** The favicon too: browsers ask for /favicon.ico on every page, before any sign-in, and got 403. */
    static final String[] PUBLIC = {"/login", "/assets/**", "/favicon.ico"};
    static final String[] ADMIN = {"/admin", "/admin/**"};

    private PortalPaths() {
    }
}
