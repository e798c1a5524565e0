/**
 * The model downloader that model pods run as their init container: lists a Hugging Face repository, downloads
 * with parallel range requests, resumes, verifies and reports progress. Has its own entry point without the
 * Spring context so it starts fast in a small image.
 *
 * <p>Owns: the download protocol and the progress format. Must not touch: any other module (it runs alone).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {})
@org.jspecify.annotations.NullMarked
package dev.nebari.llm.download;
