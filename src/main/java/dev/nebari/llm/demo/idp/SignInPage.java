package dev.nebari.llm.demo.idp;

import static org.springframework.web.util.HtmlUtils.htmlEscape;

import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The demo provider's sign-in page: a form with the fields {@code username} and {@code password}, the CSRF token
 * in {@code _csrf} and a submit button, and the demo users with their published passwords. Field names and the
 * button's id ({@code sign-in}) are stable: scripted and browser tests fill them in.
 */
final class SignInPage {

    private SignInPage() {
    }

    static RouterFunction<ServerResponse> route(String path, IdentityProviderSetup setup) {
        return RouterFunctions.route().GET(path, request -> ServerResponse.ok()
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .header("Cache-Control", "no-store")
                .header("X-Frame-Options", "DENY")
                .body(html(request, setup))).build();
    }

    private static String html(ServerRequest request, IdentityProviderSetup setup) {
        var csrf = request.attribute(CsrfToken.class.getName()).map(CsrfToken.class::cast).orElseThrow();
        var notice = request.param("error").isPresent()
                ? "<p class=\"error\" role=\"alert\">Wrong user name or password.</p>"
                : request.param("logout").isPresent() ? "<p class=\"notice\">You are signed out.</p>" : "";
        var users = setup.users().stream().map(user -> "<tr><td><code>" + htmlEscape(user.username()) + "</code></td><td><code>"
                + htmlEscape(user.password()) + "</code></td><td>"
                + (user.groups().isEmpty() ? "none" : htmlEscape(String.join(", ", user.groups()))) + "</td></tr>")
                .collect(Collectors.joining("\n"));
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Sign in - Nebari demo identity provider</title>
                <style>
                body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2433; }
                main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px;
                       box-shadow: 0 1px 3px rgba(0,0,0,.15); }
                label { display: block; margin-top: 1rem; font-weight: 600; }
                input { width: 100%%; box-sizing: border-box; padding: .5rem; margin-top: .25rem; font-size: 1rem; }
                button { margin-top: 1.5rem; width: 100%%; padding: .6rem; font-size: 1rem; background: #2b4a9b; color: #fff;
                         border: 0; border-radius: 4px; cursor: pointer; }
                table { border-collapse: collapse; width: 100%%; margin-top: .5rem; font-size: .9rem; }
                td, th { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid #e1e4ea; }
                .error { color: #a4161a; font-weight: 600; } .notice { color: #205d2b; } .hint { color: #5b6478; font-size: .9rem; }
                </style>
                </head>
                <body>
                <main>
                <h1>Sign in</h1>
                <p class="hint">Nebari demo identity provider (%s). For local demos only.</p>
                %s
                <form method="post" action="%s">
                <label for="username">User name</label>
                <input id="username" name="username" type="text" autocomplete="username" required autofocus>
                <label for="password">Password</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required>
                <input type="hidden" name="%s" value="%s">
                <button id="sign-in" type="submit">Sign in</button>
                </form>
                <h2>Demo users</h2>
                <table>
                <tr><th>user name</th><th>password</th><th>groups</th></tr>
                %s
                </table>
                </main>
                </body>
                </html>
                """.formatted(htmlEscape(setup.issuer()), notice, htmlEscape(request.path()),
                htmlEscape(csrf.getParameterName()), htmlEscape(csrf.getToken()), users);
    }
}
