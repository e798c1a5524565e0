package dev.nebari.llm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nebari.llm.testing.FakeOidcIssuer;
import dev.nebari.llm.testing.PredecessorKeys;
import dev.nebari.llm.testing.RunningPortal;
import dev.nebari.llm.testing.TestApplication;
import dev.nebari.llm.testing.WithKubernetes;
import dev.nebari.llm.testing.TestCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST API of the running application (portal profile) against the real API server, with tokens signed by a
 * fake OIDC issuer: the authorization matrix, token validation, the key lifecycle and the OpenAPI document.
 */
@WithKubernetes(upstreamCrds = false)
class RestApiTest {

    static final String AUDIENCE = "nebari-llm";
    /** The public client of the OpenAPI page's Authorize. */
    static final String API_CLIENT = "nebari-llm-api";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static FakeOidcIssuer issuer;
    static FakeOidcIssuer otherIssuer;
    @RegisterExtension
    static final RunningPortal portal = new RunningPortal();
    static String namespace;
    static String base;
    /**
     * The issuer's JWKS fetches after start, before this class sent any request (waited for: on a loaded machine the
     * warm-up may finish after ready, which waits for it at most a second).
     */
    static int jwksFetchesBeforeAnyRequest;

    @BeforeAll
    static void startTheApplication(TestCluster cluster) {
        namespace = cluster.newNamespace("rest-api");
        issuer = FakeOidcIssuer.start();
        otherIssuer = FakeOidcIssuer.start();
        portal.start(cluster, RunningPortal.teamOpenAndOtherModels(namespace), issuer.issuer(), context -> { },
                "--auth.oidc.audience=" + AUDIENCE,
                "--auth.oidc.authorizedParties=jupyterhub",
                "--auth.oidc.apiClientId=" + API_CLIENT,
                "--keys.maxPerUserPerModel=3",
                "--leaderElection.namespace=" + namespace);
        base = "http://127.0.0.1:" + portal.port();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> issuer.jwksRequests() > 0);
        } catch (ConditionTimeoutException notFetched) {
            // theIssuersKeysAreFetchedBeforeTheFirstRequest says so
        }
        jwksFetchesBeforeAnyRequest = issuer.jwksRequests();
    }

    @AfterAll
    static void stop() {
        issuer.close();
        otherIssuer.close();
    }

    // --- who the caller is ---

    /** FirstRequestWarmUp: the portal fetches the issuer's keys as it starts; its first caller does not wait for them. */
    @Test
    void theIssuersKeysAreFetchedBeforeTheFirstRequest() {
        assertThat(jwksFetchesBeforeAnyRequest).as("JWKS fetches before the first request").isPositive();
        var before = issuer.jwksRequests();
        assertThat(call("GET", "/api/v1/me", user("warm-sub", "warm", "llm-users"), null).status()).isEqualTo(200);
        assertThat(issuer.jwksRequests()).as("the first token needs no fetch of its own").isEqualTo(before);
    }

    @Test
    void meReportsTheCallerWithGroupsNormalised() {
        var me = call("GET", "/api/v1/me", user("alice-sub", "alice", "/llm-users", "/org/team"), null);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("subject").asString()).isEqualTo("alice-sub");
        assertThat(me.json().get("username").asString()).isEqualTo("alice");
        assertThat(texts(me.json().get("groups"))).containsExactly("llm-users", "org/team");
        assertThat(me.json().get("admin").asBoolean()).isFalse();

        var admin = call("GET", "/api/v1/me", admin(), null);
        assertThat(admin.json().get("admin").asBoolean()).isTrue();
    }

    @Test
    void modelsListsOnlyTheModelsTheCallerMayUse() {
        var models = call("GET", "/api/v1/models", user("alice-sub", "alice", "llm-users"), null);
        assertThat(models.status()).isEqualTo(200);
        var mine = StreamSupport.stream(models.json().spliterator(), false)
                .filter(m -> m.get("namespace").asString().equals(namespace)).map(m -> m.get("name").asString()).toList();
        assertThat(mine).containsExactly("open-model", "team-model");
    }

    /** A model's LoRA adapters are listed with it: more values for "model", at its endpoints, with its keys. */
    @Test
    void aModelIsListedWithTheIdsOfItsAdapters(TestCluster cluster) {
        var elsewhere = cluster.newNamespace("rest-api-lora");
        cluster.client().resource(dev.nebari.llm.model.ModelFixtures.model(elsewhere, "lora-model", "org/lora-base",
                "access: {public: true}\nadapters: [{name: org/lora-sql, repo: acme/sql-lora}, {name: org/lora-legal}]")).create();

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            var models = call("GET", "/api/v1/models", user("alice-sub", "alice", "llm-users"), null);
            var lora = StreamSupport.stream(models.json().spliterator(), false)
                    .filter(m -> m.get("namespace").asString().equals(elsewhere)).toList();
            assertThat(lora).singleElement().satisfies(m -> assertThat(m.get("adapters").values().stream().map(a -> a.asString()))
                    .containsExactly("org/lora-sql", "org/lora-legal"));
        });
        var open = StreamSupport.stream(call("GET", "/api/v1/models", user("alice-sub", "alice", "llm-users"), null).json().spliterator(), false)
                .filter(m -> m.get("namespace").asString().equals(namespace) && m.get("name").asString().equals("open-model")).toList();
        assertThat(open).singleElement().satisfies(m -> assertThat(m.get("adapters").isEmpty()).as("no adapters: []").isTrue());
    }

    // --- token validation ---

    @Test
    void requestsWithoutAValidTokenAreRejectedWith401Problems() {
        var noExpiry = issuer.sign(issuer.claims("alice-sub").audience(AUDIENCE).expirationTime(null).build());
        var otherIssuersToken = otherIssuer.token("alice-sub", c -> c.audience(AUDIENCE));
        var ourIssuerOtherKey = otherIssuer.token("alice-sub", c -> c.audience(AUDIENCE).issuer(issuer.issuer()));
        // another relying party of the same realm holding a user's token (or a user's ID token) mints nothing
        var wrongAudience = issuer.token("alice-sub", c -> c.audience("someone-else").claim("azp", "grafana"));
        var idToken = issuer.token("alice-sub", c -> c.audience(TestApplication.PORTAL_CLIENT_ID).claim("typ", "ID"));
        var expired = issuer.token("alice-sub", c -> c.audience(AUDIENCE)
                .issueTime(java.util.Date.from(java.time.Instant.now().minusSeconds(900)))
                .expirationTime(java.util.Date.from(java.time.Instant.now().minusSeconds(600))));
        var expiresBeforeIssued = issuer.token("alice-sub", c -> c.audience(AUDIENCE)
                .expirationTime(java.util.Date.from(java.time.Instant.now().minusSeconds(600))));

        // each says which check failed, in the problem itself (not only in WWW-Authenticate)
        var expectedReasons = new java.util.LinkedHashMap<String, String>();
        expectedReasons.put("", "No bearer token");
        expectedReasons.put("not-a-jwt", "not a JWT");
        expectedReasons.put(noExpiry, "no expiry");
        expectedReasons.put(otherIssuersToken, "issued by " + otherIssuer.issuer() + ", not by " + issuer.issuer());
        expectedReasons.put(ourIssuerOtherKey, "signature");
        expectedReasons.put(wrongAudience, "audience '" + AUDIENCE + "'");
        expectedReasons.put(idToken, "ID token");
        expectedReasons.put(expired, "expired");
        expectedReasons.put(expiresBeforeIssued, "expiry (exp) lies before its issue time (iat)");
        expectedReasons.forEach((token, reason) -> {
            var response = call("GET", "/api/v1/me", token.isEmpty() ? null : token, null);
            assertThat(response.status()).as("token %s", token).isEqualTo(401);
            assertThat(response.contentType()).isEqualTo("application/problem+json");
            assertThat(response.type()).isEqualTo("https://nebari.dev/problems/authentication-required");
            assertThat(response.json().get("detail").asString()).as("token %s", token).contains(reason);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        });
    }

    @Test
    void tokensOfTheAudienceOrOfAnAuthorizedPartyAreAccepted() {
        var forTheAudience = issuer.token("alice-sub", c -> c.audience(AUDIENCE).claim("azp", "grafana"));
        var ofTheNotebookClient = issuer.token("alice-sub", c -> c.claim("azp", "jupyterhub"));
        var ofThePortalsClient = issuer.token("alice-sub", c -> c);
        var noAzpButForThePortal = issuer.token("alice-sub", c -> c.claim("azp", null)
                .audience(TestApplication.PORTAL_CLIENT_ID));
        var ofTheOpenApiPagesClient = issuer.token("alice-sub", c -> c.claim("azp", API_CLIENT));
        for (var token : List.of(forTheAudience, ofTheNotebookClient, ofThePortalsClient, noAzpButForThePortal,
                ofTheOpenApiPagesClient)) {
            assertThat(call("GET", "/api/v1/me", token, null).status()).isEqualTo(200);
        }
        var ofAnotherClient = call("GET", "/api/v1/me", issuer.token("alice-sub", c -> c.claim("azp", "grafana")), null);
        assertThat(ofAnotherClient.status()).isEqualTo(401);
        assertThat(ofAnotherClient.json().get("detail").asString()).contains("issued to client grafana");
    }

    @Test
    void aCallerWhoLeftAGroupLosesTheKeysItGrantedAtTheirNextCall() {
        var withGroup = user("frank-sub", "frank", "llm-users");
        var teamKey = mint(withGroup, "team-model");
        var openKey = mint(withGroup, "open-model");

        // the same user, now without llm-users, only lists the models (never signs in to the portal)
        assertThat(call("GET", "/api/v1/models", user("frank-sub", "frank"), null).status()).isEqualTo(200);

        var listed = call("GET", "/api/v1/admin/keys?user=frank", admin(), null).body();
        assertThat(listed).doesNotContain(teamKey).contains(openKey);
        assertThat(call("GET", "/api/v1/admin/audit?limit=1000", admin(), null).body()).contains(teamKey)
                .contains("GROUPS_CHANGED");
    }

    // --- keys ---

    @Test
    void mintListAndRevokeOwnKey() {
        var alice = user("alice-sub", "alice", "/llm-users");
        var minted = askForKey(alice, "team-model", Map.of("description", "notebook", "lifetime", "30d"));
        assertThat(minted.status()).isEqualTo(201);
        var value = minted.json().get("value").asString();
        var clientId = minted.json().get("key").get("clientId").asString();
        assertThat(value).startsWith("sk-");
        assertThat(minted.json().get("warning").asString()).contains("not be shown again");
        assertThat(minted.headers().firstValue("Location")).hasValue("/api/v1/keys/" + clientId);
        assertThat(minted.json().get("key").get("hint").asString()).isEqualTo(value.substring(value.length() - 4));

        var listed = call("GET", "/api/v1/keys", alice, null);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).contains(clientId).contains("notebook").doesNotContain(value);

        // the Location answers GET: the key, never its value; to anyone else it does not exist
        var located = call("GET", minted.headers().firstValue("Location").orElseThrow(), alice, null);
        assertThat(located.status()).isEqualTo(200);
        assertThat(located.json().get("clientId").asString()).isEqualTo(clientId);
        assertThat(located.body()).doesNotContain(value);
        var byBob = call("GET", "/api/v1/keys/" + clientId, user("bob-sub", "bob", "/llm-users"), null);
        assertThat(byBob.status()).isEqualTo(404);
        assertThat(byBob.type()).isEqualTo("https://nebari.dev/problems/key-not-found");

        assertThat(call("DELETE", "/api/v1/keys/" + clientId, alice, null).status()).isEqualTo(204);
        assertThat(call("GET", "/api/v1/keys", alice, null).body()).doesNotContain(clientId);
        assertThat(call("DELETE", "/api/v1/keys/" + clientId, alice, null).type())
                .isEqualTo("https://nebari.dev/problems/key-not-found");
    }

    /** The portal's expiry reminder through the API: the keys expiring soon, and a replacement like the old key. */
    @Test
    void keysExpiringSoonAreListedAndReplacedByATwinWhileTheOldKeyStays() {
        var nina = user("nina-sub", "nina", "/llm-users");
        var soon = askForKey(nina, "team-model", Map.of("description", "workshop", "lifetime", "12h")).json().get("key");
        var later = mint(nina, "team-model");

        var expiring = call("GET", "/api/v1/keys?expiringWithinDays=7", nina, null);
        assertThat(expiring.status()).isEqualTo(200);
        assertThat(texts(expiring.json(), "clientId")).containsExactly(soon.get("clientId").asString());
        assertThat(texts(call("GET", "/api/v1/keys", nina, null).json(), "clientId")).contains(later);

        var replaced = call("POST", "/api/v1/keys/" + soon.get("clientId").asString() + ":replace", nina, null);
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(201);
        assertThat(replaced.headers().firstValue("Cache-Control")).hasValue("no-store");
        var twin = replaced.json().get("key");
        assertThat(replaced.json().get("value").asString()).startsWith("sk-");
        assertThat(replaced.headers().firstValue("Location")).hasValue("/api/v1/keys/" + twin.get("clientId").asString());
        assertThat(twin.get("description").asString()).isEqualTo("workshop");
        assertThat(twin.get("model").get("name").asString()).isEqualTo("team-model");
        assertThat(Duration.between(Instant.parse(twin.get("created").asString()), Instant.parse(twin.get("expires").asString())))
                .isEqualTo(Duration.ofHours(12));
        // the old key stays until its owner revokes it
        assertThat(texts(call("GET", "/api/v1/keys", nina, null).json(), "clientId")).contains(soon.get("clientId").asString());

        var byMallory = call("POST", "/api/v1/keys/" + soon.get("clientId").asString() + ":replace",
                user("mallory-sub", "mallory", "/llm-users"), null);
        assertThat(byMallory.status()).isEqualTo(404);
        assertThat(byMallory.type()).isEqualTo("https://nebari.dev/problems/key-not-found");
        var atTheCap = call("POST", "/api/v1/keys/" + later + ":replace", nina, null);
        assertThat(atTheCap.status()).isEqualTo(409);
        assertThat(atTheCap.type()).isEqualTo("https://nebari.dev/problems/key-limit-reached");
        assertThat(call("GET", "/api/v1/keys?expiringWithinDays=0", nina, null).type())
                .isEqualTo("https://nebari.dev/problems/invalid-request");
    }

    /** One story in the API and the portal: a model the caller cannot see answers exactly like one that does not exist. */
    @Test
    void aModelOutsideTheCallersGroupsAnswersExactlyLikeOneThatDoesNotExist() {
        var alice = user("alice-sub", "alice", "llm-users");
        var hidden = askForKey(alice, "other-model");
        var missing = askForKey(alice, "no-such-model");
        assertThat(hidden.status()).isEqualTo(404).isEqualTo(missing.status());
        assertThat(hidden.contentType()).isEqualTo("application/problem+json");
        assertThat(hidden.type()).isEqualTo("https://nebari.dev/problems/model-not-found").isEqualTo(missing.type());
        assertThat(hidden.json().get("title")).isEqualTo(missing.json().get("title"));
        assertThat(hidden.json().get("detail").asString().replace("other-model", "X"))
                .isEqualTo(missing.json().get("detail").asString().replace("no-such-model", "X"))
                .contains("not available to you");
    }

    // --- renaming ---

    @Test
    void theOwnerRenamesAKeyWithPatchAndToAnyoneElseItDoesNotExist() {
        var owner = user("renamer-sub", "renamer", "llm-users");
        var clientId = mint(owner, "open-model");
        var before = call("GET", "/api/v1/keys/" + clientId, owner, null).json();

        var renamed = call("PATCH", "/api/v1/keys/" + clientId, owner, "{\"description\": \"laptop, renamed\"}");
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        assertThat(renamed.json().get("description").asString()).isEqualTo("laptop, renamed");
        assertThat(renamed.json().get("hint")).isEqualTo(before.get("hint"));
        assertThat(renamed.json().get("created")).isEqualTo(before.get("created"));
        assertThat(call("GET", "/api/v1/keys/" + clientId, owner, null).json().get("description").asString())
                .isEqualTo("laptop, renamed");

        var byOther = call("PATCH", "/api/v1/keys/" + clientId, user("nosy-sub", "nosy", "llm-users"), "{\"description\": \"mine\"}");
        var missing = call("PATCH", "/api/v1/keys/k000000000000000", owner, "{\"description\": \"mine\"}");
        assertThat(byOther.status()).isEqualTo(404).isEqualTo(missing.status());
        assertThat(byOther.type()).isEqualTo("https://nebari.dev/problems/key-not-found").isEqualTo(missing.type());
        assertThat(byOther.json().get("detail")).isEqualTo(missing.json().get("detail"));

        // validated as on mint
        var tooLong = call("PATCH", "/api/v1/keys/" + clientId, owner, "{\"description\": \"%s\"}".formatted("x".repeat(201)));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().get("detail").asString()).contains("description").contains("200");
        var lineBreak = call("PATCH", "/api/v1/keys/" + clientId, owner, "{\"description\": \"two\\nlines\"}");
        assertThat(lineBreak.status()).isEqualTo(400);
        assertThat(lineBreak.json().get("detail").asString()).contains("control characters");
        var nothing = call("PATCH", "/api/v1/keys/" + clientId, owner, "{}");
        assertThat(nothing.status()).isEqualTo(400);
        assertThat(nothing.json().get("detail").asString()).contains("description");
        assertThat(call("GET", "/api/v1/keys/" + clientId, owner, null).json().get("description").asString())
                .isEqualTo("laptop, renamed");

        var audit = call("GET", "/api/v1/admin/audit?action=renamed&user=renamer", admin(), null);
        assertThat(audit.json()).singleElement().satisfies(entry -> {
            assertThat(entry.get("clientId").asString()).isEqualTo(clientId);
            assertThat(entry.get("description").asString()).isEqualTo("laptop, renamed");
            assertThat(entry.get("actor").get("username").asString()).isEqualTo("renamer");
        });
    }

    @Test
    void anotherUsersKeyCannotBeSeenOrRevokedAndLooksMissing() {
        var bob = user("bob-sub", "bob", "llm-users");
        var mallory = user("mallory-sub", "mallory", "llm-users");
        var clientId = askForKey(bob, "open-model")
                .json().get("key").get("clientId").asString();

        assertThat(call("GET", "/api/v1/keys", mallory, null).body()).doesNotContain(clientId);
        var revokeOthers = call("DELETE", "/api/v1/keys/" + clientId, mallory, null);
        var revokeMissing = call("DELETE", "/api/v1/keys/k000000000000000", mallory, null);
        assertThat(revokeOthers.status()).isEqualTo(404);
        assertThat(revokeOthers.type()).isEqualTo("https://nebari.dev/problems/key-not-found");
        assertThat(revokeMissing.status()).isEqualTo(404);
        assertThat(revokeOthers.json().get("detail").asString()).doesNotContain("another user").doesNotContain("bob");
        assertThat(revokeOthers.json().get("detail")).as("not even the detail tells them apart")
                .isEqualTo(revokeMissing.json().get("detail"));
        assertThat(call("GET", "/api/v1/keys", bob, null).body()).contains(clientId);
    }

    @Test
    void invalidRequestsGetValidationProblemsNamingTheField() {
        var alice = user("alice-sub", "alice", "llm-users");
        var tooLong = askForKey(alice, "open-model", Map.of("description", "x".repeat(201)));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.type()).isEqualTo("https://nebari.dev/problems/invalid-request");
        assertThat(tooLong.json().get("detail").asString()).contains("description").contains("200");

        var badLifetime = askForKey(alice, "open-model", Map.of("lifetime", "forever"));
        assertThat(badLifetime.json().get("detail").asString()).contains("lifetime");

        var tooLongLifetime = askForKey(alice, "open-model", Map.of("lifetime", "9999d"));
        assertThat(tooLongLifetime.type()).isEqualTo("https://nebari.dev/problems/invalid-lifetime");

        var noModel = call("POST", "/api/v1/keys", alice, "{}");
        assertThat(noModel.json().get("detail").asString()).contains("model");

        var missingModel = askForKey(alice, "nope");
        assertThat(missingModel.type()).isEqualTo("https://nebari.dev/problems/model-not-found");

        var notJson = call("POST", "/api/v1/keys", alice, "{not json");
        assertThat(notJson.type()).isEqualTo("https://nebari.dev/problems/invalid-request");
    }

    @Test
    void errorsRaisedBeforeAControllerIsChosenAreProblemsToo() {
        var alice = user("alice-sub", "alice", "llm-users");

        var wrongMediaType = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/keys"))
                .header("Authorization", "Bearer " + alice).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("model=open-model")));
        assertThat(wrongMediaType.status()).isEqualTo(415);
        assertThat(wrongMediaType.contentType()).startsWith("application/problem+json");
        assertThat(wrongMediaType.type()).isEqualTo("https://nebari.dev/problems/unsupported-media-type");

        var onlyXml = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/models"))
                .header("Authorization", "Bearer " + alice).header("Accept", "application/xml").GET());
        assertThat(onlyXml.status()).isEqualTo(406);
        assertThat(onlyXml.contentType()).startsWith("application/problem+json");
        assertThat(onlyXml.type()).isEqualTo("https://nebari.dev/problems/not-acceptable");
        assertThat(onlyXml.json().get("detail").asString()).contains("application/json");

        var wrongMethod = call("PUT", "/api/v1/models", alice, "{}");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.contentType()).startsWith("application/problem+json");
        assertThat(wrongMethod.type()).isEqualTo("https://nebari.dev/problems/method-not-allowed");

        var noSuchPath = call("GET", "/api/v1/no-such-thing", alice, null);
        assertThat(noSuchPath.status()).isEqualTo(404);
        assertThat(noSuchPath.contentType()).startsWith("application/problem+json");
        assertThat(noSuchPath.type()).isEqualTo("https://nebari.dev/problems/not-found");

        // outside /api/ the same error keeps Spring's usual handling (the portal's error page)
        var noSuchAsset = call("GET", "/assets/no-such-file.css", null, null);
        assertThat(noSuchAsset.status()).isEqualTo(404);
        assertThat(noSuchAsset.contentType()).doesNotStartWith("application/problem+json");
    }

    @Test
    void bodiesOver16KiBAre413ProblemsWhetherTheirLengthIsDeclaredOrNot() {
        var alice = user("alice-sub", "alice", "llm-users");
        var huge = """
                {"model": {"namespace": "%s", "name": "open-model"}, "description": "%s"}"""
                .formatted(namespace, "x".repeat(RequestBodyLimit.MAX_BYTES));

        var declared = call("POST", "/api/v1/keys", alice, huge);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.contentType()).startsWith("application/problem+json");
        assertThat(declared.type()).isEqualTo("https://nebari.dev/problems/request-too-large");
        assertThat(declared.json().get("detail").asString()).contains(Integer.toString(RequestBodyLimit.MAX_BYTES));

        var bytes = huge.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var chunked = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/keys"))
                .header("Authorization", "Bearer " + alice).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))));
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(chunked.type()).isEqualTo("https://nebari.dev/problems/request-too-large");

        // just under the cap the body reaches the controller (read once here, handed on from memory)
        var largeButAllowed = """
                {"model": {"namespace": "%s", "name": "open-model"}, "description": "%s"}"""
                .formatted(namespace, "x".repeat(RequestBodyLimit.MAX_BYTES - 200));
        var validated = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/keys"))
                .header("Authorization", "Bearer " + alice).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        largeButAllowed.getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
        assertThat(validated.status()).isEqualTo(400);
        assertThat(validated.json().get("detail").asString()).contains("description").contains("200");

        var longUser = call("POST", "/api/v1/admin/keys:revoke", admin(), """
                {"user": "%s", "dryRun": true}""".formatted("u".repeat(2000)));
        assertThat(longUser.status()).isEqualTo(400);
        assertThat(longUser.json().get("detail").asString()).contains("user").contains("1024");
    }

    @Test
    void aUserWhoMintsOrRevokesTooOftenGets429WithRetryAfter() {
        var hasty = user("hasty-sub", "hasty", "llm-users");
        var missing = "/api/v1/keys/k000000000000000";
        var statuses = new java.util.ArrayList<Integer>();
        Response refused = null;
        for (var attempt = 0; attempt < 60 && refused == null; attempt++) {
            var response = call("DELETE", missing, hasty, null);
            statuses.add(response.status());
            if (response.status() == 429) {
                refused = response;
            }
        }
        assertThat(refused).as("statuses %s", statuses).isNotNull();
        // a full bucket first: at least keys.writesPerMinute (30) revocations went through to "not found"
        assertThat(statuses.subList(0, 30)).containsOnly(404);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.type()).isEqualTo("https://nebari.dev/problems/too-many-requests");
        assertThat(refused.json().get("detail").asString()).contains("30 keys a minute");
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));

        var mint = askForKey(hasty, "open-model");
        assertThat(mint.status()).isEqualTo(429);

        // the limit is per user: others, and admins, are not held up by it
        assertThat(call("DELETE", missing, user("calm-sub", "calm", "llm-users"), null).status()).isEqualTo(404);
        assertThat(call("DELETE", "/api/v1/admin/keys/k000000000000000", admin(), null).status()).isEqualTo(404);
    }

    // --- admin ---

    @Test
    void nonAdminsGet403OnEveryAdminEndpoint() {
        var alice = user("alice-sub", "alice", "llm-users");
        var body = "{\"user\": \"bob\", \"dryRun\": true}";
        for (var request : List.of("GET /api/v1/admin/keys", "GET /api/v1/admin/keys?user=bob",
                "DELETE /api/v1/admin/keys/k0000000000000000", "POST /api/v1/admin/keys:revoke",
                "GET /api/v1/admin/models", "GET /api/v1/admin/models/" + namespace + "/open-model/manifests",
                "GET /api/v1/admin/audit")) {
            var parts = request.split(" ");
            var response = call(parts[0], parts[1], alice, parts[0].equals("POST") ? body : null);
            assertThat(response.status()).as(request).isEqualTo(403);
            assertThat(response.type()).as(request).isEqualTo("https://nebari.dev/problems/admin-only");
        }
    }

    @Test
    void adminRevokesAllKeysOfAUserAfterADryRun() {
        var carol = user("carol-sub", "carol", "llm-users");
        var first = mint(carol, "open-model");
        var second = mint(carol, "team-model");

        var listed = call("GET", "/api/v1/admin/keys?user=carol", admin(), null);
        assertThat(texts(listed.json(), "clientId")).containsExactlyInAnyOrder(first, second);

        var dryRun = call("POST", "/api/v1/admin/keys:revoke", admin(), "{\"user\": \"carol\", \"dryRun\": true}");
        assertThat(dryRun.status()).isEqualTo(200);
        assertThat(dryRun.json().get("dryRun").asBoolean()).isTrue();
        assertThat(texts(dryRun.json().get("keys"), "clientId")).containsExactlyInAnyOrder(first, second);
        assertThat(call("GET", "/api/v1/keys", carol, null).body()).contains(first).contains(second);

        var revoked = call("POST", "/api/v1/admin/keys:revoke", admin(), "{\"user\": \"carol\"}");
        assertThat(revoked.json().get("count").asInt()).isEqualTo(2);
        assertThat(call("GET", "/api/v1/keys", carol, null).json()).isEmpty();

        var audit = call("GET", "/api/v1/admin/audit?limit=1000", admin(), null);
        assertThat(audit.body()).contains(first).contains(second).contains("revoked");
    }

    @Test
    void adminFindsUsersByNameAsTypedWithAPlusUnencodedOrInDecomposedUnicode() {
        var plus = mint(user("plus-sub", "alice+test@example.com", "llm-users"), "open-model");
        var composed = mint(user("zoe-sub", "zo\u00eb", "llm-users"), "open-model");

        // a + typed into a URL arrives as a space; the name cannot have one, so it is read back as a +
        assertThat(texts(call("GET", "/api/v1/admin/keys?user=alice+test@example.com", admin(), null).json(),
                "clientId")).containsExactly(plus);
        assertThat(texts(call("GET", "/api/v1/admin/keys?user=alice%2Btest%40example.com", admin(), null).json(),
                "clientId")).containsExactly(plus);
        // the same name with the diaeresis as a combining mark (NFD), as some keyboards and macOS file names give it
        assertThat(texts(call("GET", "/api/v1/admin/keys?user=zoe%CC%88", admin(), null).json(), "clientId"))
                .containsExactly(composed);
        var preview = call("POST", "/api/v1/admin/keys:revoke", admin(), "{\"user\": \"zoe\u0308\", \"dryRun\": true}");
        assertThat(texts(preview.json().get("keys"), "clientId")).containsExactly(composed);
    }

    @Test
    void adminListsTheKeysOfUsersWhoseNameContainsTheFilterInAnyCaseButRevokesOnlyAnExactName() {
        var peggy = mint(user("peggy-sub", "Peggy.Olson@example.com", "llm-users"), "open-model");
        for (var typed : List.of("peggy", "OLSON%40EXAMPLE", "peggy-s")) {
            assertThat(texts(call("GET", "/api/v1/admin/keys?user=" + typed, admin(), null).json(), "clientId"))
                    .as(typed).containsExactly(peggy);
        }
        // revoking in bulk needs the exact name: a part of it must never take other people's keys along
        var partOfTheName = call("POST", "/api/v1/admin/keys:revoke", admin(), "{\"user\": \"peggy\", \"dryRun\": true}");
        assertThat(partOfTheName.json().get("count").asInt()).isZero();
    }

    /** Audit entries name the key as key listings do, and say whether a revocation was of one key or in bulk, and which. */
    @Test
    void auditEntriesNameTheKeyAsListingsDoAndSayWhetherARevocationWasInBulk() {
        var oscar = user("oscar-sub", "oscar", "llm-users");
        var minted = askForKey(oscar, "open-model", Map.of("description", "oscar notebook", "lifetime", "7d")).json().get("key");
        var single = minted.get("clientId").asString();
        var inBulk = mint(oscar, "team-model");
        assertThat(call("DELETE", "/api/v1/admin/keys/" + single, admin(), null).status()).isEqualTo(204);
        assertThat(call("POST", "/api/v1/admin/keys:revoke", admin(), "{\"user\": \"oscar\"}").json().get("count").asInt())
                .isEqualTo(1);

        var audit = call("GET", "/api/v1/admin/audit?user=oscar", admin(), null).json();
        var revokedSingle = entry(audit, "revoked", single);
        for (var field : List.of("clientId", "description", "hint", "created", "expires")) {
            assertThat(revokedSingle.get(field)).as(field).isEqualTo(minted.get(field));
            assertThat(entry(audit, "issued", single).get(field)).as(field).isEqualTo(minted.get(field));
        }
        assertThat(revokedSingle.path("bulk").isNull() || revokedSingle.path("bulk").isMissingNode()).isTrue();
        assertThat(entry(audit, "revoked", inBulk).get("bulk").get("user").asString()).isEqualTo("oscar");

        // filtered as the admin page is: by user (any part, any case), action, model
        var issued = call("GET", "/api/v1/admin/audit?user=OSC&action=issued", admin(), null).json();
        assertThat(texts(issued, "clientId")).containsExactlyInAnyOrder(single, inBulk);
        var bulk = call("GET", "/api/v1/admin/audit?user=oscar&action=revoked-in-bulk", admin(), null).json();
        assertThat(texts(bulk, "clientId")).containsExactly(inBulk);
        var ofModel = call("GET", "/api/v1/admin/audit?user=oscar&model=" + namespace + "/team-model", admin(), null).json();
        assertThat(texts(ofModel, "clientId")).containsOnly(inBulk);
        var badAction = call("GET", "/api/v1/admin/audit?action=exploded", admin(), null);
        assertThat(badAction.status()).isEqualTo(400);
        assertThat(badAction.json().get("detail").asString()).contains("action").contains("revoked-in-bulk");
    }

    static JsonNode entry(JsonNode audit, String action, String clientId) {
        return StreamSupport.stream(audit.spliterator(), false)
                .filter(e -> e.get("action").asString().equals(action) && e.get("clientId").asString().equals(clientId))
                .findFirst().orElseThrow(() -> new AssertionError("no " + action + " entry for " + clientId + " in " + audit));
    }

    @Test
    void adminImportsAPredecessorKeyForItsOwnerOnceAndOnlyAsAdmin() {
        var value = PredecessorKeys.newValue();
        var body = """
                {"model": {"namespace": "%s", "name": "open-model"}, "owner": {"subject": "imported-sub", "username": "imported"},
                 "value": "%s", "description": "notebook", "created": "2026-08-01T10:00:00Z"}""".formatted(namespace, value);

        var forbidden = call("POST", "/api/v1/admin/keys:import", user("imported-sub", "imported", "llm-users"), body);
        assertThat(forbidden.status()).isEqualTo(403);

        var imported = call("POST", "/api/v1/admin/keys:import", admin(), body);
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        assertThat(imported.body()).as("the value is never echoed").doesNotContain(value);
        var clientId = imported.json().get("clientId").asString();
        assertThat(clientId).matches("k[0-9a-v]{15}");
        assertThat(imported.json().get("hint").asString()).isEqualTo(value.substring(value.length() - 4));
        assertThat(imported.json().get("created").asString()).startsWith("2026-08-01T10:00");
        assertThat(imported.json().get("expires").asString()).as("the default lifetime, from now").isNotBlank();

        var mine = call("GET", "/api/v1/keys", user("imported-sub", "imported", "llm-users"), null);
        assertThat(texts(mine.json(), "clientId")).containsExactly(clientId);

        var again = call("POST", "/api/v1/admin/keys:import", admin(), body);
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.json().get("detail").asString()).contains("stored already").contains(clientId).doesNotContain(value);

        var notAKey = call("POST", "/api/v1/admin/keys:import", admin(), body.replace(value, "password123"));
        assertThat(notAKey.status()).isEqualTo(400);
        assertThat(notAKey.json().get("detail").asString()).contains("sk- followed by 32 to 128");

        var audit = call("GET", "/api/v1/admin/audit?limit=20", admin(), null);
        assertThat(audit.json()).anySatisfy(entry -> {
            assertThat(entry.get("action").asString()).isEqualTo("imported");
            assertThat(entry.get("clientId").asString()).isEqualTo(clientId);
            assertThat(entry.get("owner").get("username").asString()).isEqualTo("imported");
        });
    }

    @Test
    void bulkRevokeNeedsExactlyOneTarget() {
        var response = call("POST", "/api/v1/admin/keys:revoke", admin(), """
                {"user": "carol", "model": {"namespace": "%s", "name": "open-model"}}""".formatted(namespace));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("detail").asString()).isEqualTo("Name exactly one of user or model.")
                .as("no internal name of the rule").doesNotContain("exactlyOneTarget");
    }

    @Test
    void adminRevokesAnyKeyAndSeesModelsWithKeyCountsAndManifests() {
        var dave = user("dave-sub", "dave", "llm-users");
        var clientId = mint(dave, "team-model");

        var models = call("GET", "/api/v1/admin/models", admin(), null);
        var team = StreamSupport.stream(models.json().spliterator(), false)
                .filter(m -> m.get("model").get("namespace").asString().equals(namespace)
                        && m.get("model").get("name").asString().equals("team-model"))
                .findFirst().orElseThrow();
        assertThat(team.get("keyCount").asInt()).isPositive();
        assertThat(texts(team.get("groups"))).containsExactly("/llm-users");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var yaml = call("GET", "/api/v1/admin/models/" + namespace + "/team-model/manifests", admin(), null);
            assertThat(yaml.status()).isEqualTo(200);
            assertThat(yaml.contentType()).startsWith("application/yaml");
            assertThat(yaml.body()).contains("kind: \"Deployment\"").contains("kind: \"SecurityPolicy\"").contains(clientId);
        });
        var json = call("GET", "/api/v1/admin/models/" + namespace + "/team-model/manifests?format=json", admin(), null);
        assertThat(json.json().get("objects").isArray()).isTrue();
        assertThat(call("GET", "/api/v1/admin/models/" + namespace + "/nope/manifests", admin(), null).type())
                .isEqualTo("https://nebari.dev/problems/model-not-found");

        assertThat(call("DELETE", "/api/v1/admin/keys/" + clientId, admin(), null).status()).isEqualTo(204);
        assertThat(call("GET", "/api/v1/keys", dave, null).body()).doesNotContain(clientId);
    }

    /**
     * An external provider's objects preview like a model's: its Backend, TLS policy, AIServiceBackend and credential
     * policy (which names the credential's Secret, never a value), and its routes and access policy; a listed id an
     * LLMModel serves is left out, as the operator leaves it out.
     */
    @Test
    void adminSeesTheManifestsOfAnExternalProvider(TestCluster cluster) {
        var teamModelId = "Qwen/Qwen3-0.6B"; // what team-model serves (RunningPortal)
        var provider = dev.nebari.llm.model.PassthroughFixtures.withModels("{ids: [" + teamModelId + ", vendor/hosted-1]}");
        provider.getMetadata().setNamespace(namespace);
        provider.getMetadata().setName("hosted");
        provider.getMetadata().setUid(null);
        cluster.client().resource(provider).create();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var yaml = call("GET", "/api/v1/admin/models/" + namespace + "/hosted/manifests", admin(), null);
            assertThat(yaml.status()).as(yaml.body()).isEqualTo(200);
            assertThat(yaml.body()).contains("kind: \"Backend\"", "kind: \"BackendTLSPolicy\"", "kind: \"AIServiceBackend\"",
                    "kind: \"BackendSecurityPolicy\"", "openrouter-credential", "vendor/hosted-1")
                    .as("the id team-model serves is its, not the provider's").doesNotContain("value: \"" + teamModelId + "\"");
        });
        var json = call("GET", "/api/v1/admin/models/" + namespace + "/hosted/manifests?format=json", admin(), null);
        assertThat(json.json().get("objects").isArray()).isTrue();
    }

    // --- documentation ---

    @Test
    void theOpenApiDocumentListsTheEndpointsAndTheBearerScheme() {
        var docs = call("GET", "/v3/api-docs", null, null);
        assertThat(docs.status()).isEqualTo(200);
        var paths = docs.json().get("paths");
        assertThat(List.of("/api/v1/me", "/api/v1/models", "/api/v1/keys", "/api/v1/keys/{clientId}",
                "/api/v1/admin/keys", "/api/v1/admin/keys/{clientId}", "/api/v1/admin/keys:revoke",
                "/api/v1/admin/models", "/api/v1/admin/models/{namespace}/{name}/manifests", "/api/v1/admin/audit"))
                .allSatisfy(path -> assertThat(paths.has(path)).as(path).isTrue());
        assertThat(docs.json().get("components").get("securitySchemes").get("bearer").get("scheme").asString())
                .isEqualTo("bearer");
        assertThat(docs.body()).doesNotContain("\"caller\"");
    }

    /**
     * Swagger UI's Authorize signs in at the configured issuer: an OAuth 2 authorization-code scheme with the endpoints
     * of the issuer's discovery document (the fake issuer publishes Keycloak's paths; they are read, not assumed),
     * offered on every operation beside the pasted bearer token, and Swagger UI set up for PKCE with the public client.
     */
    @Test
    void theOpenApiPageSignsInAtTheIssuerWithTheAuthorizationCodeFlowAndPkce() {
        var docs = call("GET", "/v3/api-docs", null, null).json();
        var scheme = docs.get("components").get("securitySchemes").get("oidc");
        assertThat(scheme.get("type").asString()).isEqualTo("oauth2");
        var flow = scheme.get("flows").get("authorizationCode");
        assertThat(flow.get("authorizationUrl").asString()).isEqualTo(issuer.issuer() + "/protocol/openid-connect/auth");
        assertThat(flow.get("tokenUrl").asString()).isEqualTo(issuer.issuer() + "/protocol/openid-connect/token");
        assertThat(scheme.get("description").asString()).contains(issuer.issuer(), API_CLIENT, "PKCE");
        // Alternatives: either the pasted token or the sign-in authorizes; no operation overrides them.
        assertThat(docs.get("security").toString()).isEqualTo("[{\"bearer\":[]},{\"oidc\":[]}]");
        var operations = StreamSupport.stream(docs.get("paths").spliterator(), false)
                .flatMap(path -> StreamSupport.stream(path.spliterator(), false)).toList();
        assertThat(operations).hasSizeGreaterThan(10).allSatisfy(operation -> assertThat(operation.has("security")).isFalse());
        assertThat(call("GET", "/v3/api-docs", null, null).json().get("security")).as("built afresh, never added twice")
                .isEqualTo(docs.get("security"));

        var initializer = send(HttpRequest.newBuilder(URI.create(base + "/swagger-ui/swagger-initializer.js")));
        assertThat(initializer.status()).isEqualTo(200);
        var initOAuth = java.util.regex.Pattern.compile("ui\\.initOAuth\\(\\s*(\\{.*?})\\s*\\)", java.util.regex.Pattern.DOTALL)
                .matcher(initializer.body());
        assertThat(initOAuth.find()).as(initializer.body()).isTrue();
        var oauth = JSON.readTree(initOAuth.group(1));
        assertThat(oauth.get("clientId").asString()).isEqualTo(API_CLIENT);
        assertThat(oauth.get("usePkceWithAuthorizationCodeGrant").asBoolean()).isTrue();
        assertThat(oauth.has("clientSecret")).isFalse();

        // The page the provider sends the code to, in Swagger UI's pop-up: served without a sign-in.
        var swaggerConfig = call("GET", "/v3/api-docs/swagger-config", null, null).json();
        var redirect = URI.create(swaggerConfig.get("oauth2RedirectUrl").asString());
        assertThat(redirect.getPath()).isEqualTo("/swagger-ui/oauth2-redirect.html");
        var redirectPage = call("GET", redirect.getPath(), null, null);
        assertThat(redirectPage.status()).isEqualTo(200);
        assertThat(redirectPage.contentType()).startsWith("text/html");
    }

    /** A provider that cannot be reached yet: the document offers the pasted token alone, never a scheme without endpoints. */
    @Test
    void withoutTheIssuersDiscoveryDocumentTheOpenApiDocumentOffersOnlyThePastedToken() throws Exception {
        var unreachable = new dev.nebari.llm.identity.VerifiedIssuer(
                new dev.nebari.llm.identity.OidcIssuer("http://127.0.0.1:9/realms/down", "test"),
                new dev.nebari.llm.identity.OidcDiscovery(HttpClient.newHttpClient(), java.time.Clock.systemUTC()));
        var api = portal.bean(io.swagger.v3.oas.models.OpenAPI.class);
        var document = new io.swagger.v3.oas.models.OpenAPI().components(new io.swagger.v3.oas.models.Components()
                .securitySchemes(new java.util.LinkedHashMap<>(api.getComponents().getSecuritySchemes())))
                .security(new java.util.ArrayList<>(api.getSecurity()));

        new OpenApiSignIn(unreachable, API_CLIENT).customise(document);

        var json = io.swagger.v3.core.util.Json.mapper().writeValueAsString(document);
        assertThat(document.getComponents().getSecuritySchemes()).containsOnlyKeys(ApiConfiguration.BEARER_SCHEME);
        assertThat(json).doesNotContain("oidc", "oauth2");
    }

    // --- fixtures ---

    static String user(String subject, String username, String... groups) {
        return issuer.token(subject, c -> c.audience(AUDIENCE).claim("preferred_username", username)
                .claim("groups", List.of(groups)));
    }

    static String admin() {
        return user("admin-sub", "root", "/admin", "llm-users");
    }

    /** POST /api/v1/keys for {@code model} of the test namespace, with the request's other fields (description, lifetime). */
    static Response askForKey(String token, String model, Map<String, String> fields) {
        var body = JSON.createObjectNode();
        body.putObject("model").put("namespace", namespace).put("name", model);
        fields.forEach(body::put);
        return call("POST", "/api/v1/keys", token, body.toString());
    }

    static Response askForKey(String token, String model) {
        return askForKey(token, model, Map.of());
    }

    static String mint(String token, String model) {
        var response = askForKey(token, model);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("key").get("clientId").asString();
    }

    record Response(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        @Nullable String type() {
            return body.isEmpty() ? null : json().path("type").asString(null);
        }

        String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }
    }

    static Response call(String method, String path, @Nullable String token, @Nullable String body) {
        var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    /** Sends the request; every problem it answers with must say its detail as a sentence (issue 14 item 7). */
    static Response send(HttpRequest.Builder request) {
        try {
            var sent = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            var response = new Response(sent.statusCode(), sent.body(), sent.headers());
            if (response.contentType().startsWith("application/problem+json")) {
                assertThat(response.json().path("detail").asString("")).as("the detail of %s", response.body())
                        .matches("(?s)\\p{Lu}.*[.?!]");
            }
            return response;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asString).toList();
    }

    static List<String> texts(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.get(field).asString()).toList();
    }
}
