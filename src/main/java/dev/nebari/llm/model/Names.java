package dev.nebari.llm.model;

/** Name patterns shared by the API types; kept here so the CRD and the code validate alike. */
public final class Names {

    /** A DNS subdomain (RFC 1123), as Kubernetes object names use. */
    public static final String DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /** A DNS label (RFC 1123): one component of a host name, at most 63 characters. */
    public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    /**
     * A model id clients send in "model": a Hugging Face repository id ({@code org/name} or {@code name}). Every
     * segment starts with a letter or digit, so an id used as a directory ({@code /model-cache/adapters/<id>}) can
     * never be {@code .} or {@code ..}.
     */
    public static final String MODEL_ID = "^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$";

    /** A Gateway API duration (GEP-2257): up to four number/unit pairs, units h, m, s, ms. */
    public static final String GATEWAY_DURATION = "^([0-9]{1,5}(h|m|s|ms)){1,4}$";

    /**
     * A Hugging Face Hub endpoint: an http(s) URL with an optional path (Artifactory and Nexus serve their Hub remotes
     * under one), no query or fragment; what HF_ENDPOINT takes.
     */
    public static final String HUB_ENDPOINT = "^https?://[^\\s/?#]+(/[^\\s?#]*)?$";

    private Names() {
    }
}
