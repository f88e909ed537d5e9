package io.kuark.server.apimodel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Everything the generic API layer needs to know about one served resource in one version. Built-in
 * types and custom resources are described the same way.
 *
 * @param group API group, {@code ""} for the core group
 * @param version API version, e.g. {@code v1}
 * @param kind object kind, e.g. {@code Pod}
 * @param plural resource name in URLs, e.g. {@code pods}
 * @param singular singular name, e.g. {@code pod}
 * @param shortNames short names as upstream advertises them (e.g. {@code po})
 * @param categories categories such as {@code all}
 * @param namespaced true when objects live in a namespace
 * @param verbs verbs of the main resource, in discovery order
 * @param subresources subresources ({@code status}, {@code scale}, {@code log}, ...)
 * @param listKind kind of the list, e.g. {@code PodList}
 * @param modelClass the fabric8 model class for typed work, or null (custom resources)
 */
public record ResourceType(
    String group,
    String version,
    String kind,
    String plural,
    String singular,
    List<String> shortNames,
    List<String> categories,
    boolean namespaced,
    List<String> verbs,
    List<Subresource> subresources,
    String listKind,
    Class<?> modelClass) {

  /** Verbs of an ordinary persisted resource, as upstream lists them (sorted). */
  public static final List<String> STANDARD_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** Standard verbs without {@code deletecollection} (namespaces). */
  public static final List<String> VERBS_NO_DELETECOLLECTION =
      List.of("create", "delete", "get", "list", "patch", "update", "watch");

  /** Verbs of create-only virtual resources (reviews, bindings). */
  public static final List<String> CREATE_ONLY = List.of("create");

  public ResourceType {
    if (group == null) {
      group = "";
    }
    shortNames = List.copyOf(shortNames);
    categories = List.copyOf(categories);
    verbs = List.copyOf(verbs);
    subresources = List.copyOf(subresources);
    if (listKind == null) {
      listKind = kind + "List";
    }
  }

  /** {@code v1} for the core group, otherwise {@code group/version}; the object's apiVersion. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** Same as {@link #apiVersion()}; discovery calls it groupVersion. */
  public String groupVersion() {
    return apiVersion();
  }

  /** True for the legacy core group served under {@code /api}. */
  public boolean isCore() {
    return group.isEmpty();
  }

  /** The subresource with that name, if served. */
  public Optional<Subresource> subresource(String name) {
    for (Subresource s : subresources) {
      if (s.name().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** True when the subresource with that name is served. */
  public boolean hasSubresource(String name) {
    return subresource(name).isPresent();
  }

  /** True when the main resource supports that verb. */
  public boolean supports(String verb) {
    return verbs.contains(verb);
  }

  /** True when objects are stored (get/list/watch make sense), false for create-only kinds. */
  public boolean persisted() {
    return verbs.contains("get");
  }

  /** Resource name used in RBAC and errors: {@code pods} or {@code deployments.apps}. */
  public String groupResource() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  /**
   * Upstream's storage version hash: base64 of the first 8 bytes of sha256("group/version/kind"),
   * used by clients only as an opaque change marker.
   */
  public String storageVersionHash() {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((group + "/" + version + "/" + kind).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(Arrays.copyOf(digest, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** A copy with other subresources (used for CRDs whose status/scale are optional). */
  public ResourceType withSubresources(List<Subresource> newSubresources) {
    return new ResourceType(
        group,
        version,
        kind,
        plural,
        singular,
        shortNames,
        categories,
        namespaced,
        verbs,
        newSubresources,
        listKind,
        modelClass);
  }
}
