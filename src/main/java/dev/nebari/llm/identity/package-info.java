/**
 * Who the caller is: OIDC issuer discovery (configured or from the NebariApp Secret), groups from the configured
 * claim (plain and /path names), and the admin role.
 *
 * <p>Owns: the mapping from tokens to users, groups and roles. Must not touch: keys or models.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "platform"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.identity;
