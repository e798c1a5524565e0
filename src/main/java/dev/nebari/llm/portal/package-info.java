/**
 * The key portal: server-rendered pages (Thymeleaf) to list permitted models, mint and revoke keys, and the
 * admin pages.
 *
 * <p>Owns: web pages and their forms. Must not touch: key storage internals (it calls the keys module's API).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"model", "platform", "identity", "keys", "keys :: events", "catalog", "usage"})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.portal;
