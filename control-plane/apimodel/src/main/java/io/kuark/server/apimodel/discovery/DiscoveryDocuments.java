package io.kuark.server.apimodel.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.Subresource;
import java.util.List;
import java.util.Optional;

/**
 * Builds the discovery documents upstream serves, from the current {@link ResourceCatalog}. Every
 * call builds a fresh tree the caller may keep or change.
 *
 * <ul>
 *   <li>{@code GET /api} → {@link #apiVersions(String)}, or {@link #aggregatedCore} when {@link
 *       DiscoveryFormat#fromAccept} says aggregated
 *   <li>{@code GET /apis} → {@link #apiGroupList()}, or {@link #aggregatedGroups}
 *   <li>{@code GET /apis/{g}} → {@link #apiGroup(String)}
 *   <li>{@code GET /api/v1}, {@code GET /apis/{g}/{v}} → {@link #apiResourceList}
 * </ul>
 */
public final class DiscoveryDocuments {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final ResourceCatalog catalog;

  public DiscoveryDocuments(ResourceCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * {@code /api}: {@code APIVersions} listing {@code v1}.
   *
   * @param serverAddress host:port clients use to reach this server (for
   *     serverAddressByClientCIDRs), or null to leave that out
   */
  public ObjectNode apiVersions(String serverAddress) {
    ObjectNode doc = JSON.objectNode();
    doc.put("kind", "APIVersions");
    doc.putArray("versions").add("v1");
    ArrayNode cidrs = doc.putArray("serverAddressByClientCIDRs");
    if (serverAddress != null) {
      ObjectNode c = cidrs.addObject();
      c.put("clientCIDR", "0.0.0.0/0");
      c.put("serverAddress", serverAddress);
    }
    return doc;
  }

  /** {@code /apis}: {@code APIGroupList} with every named group, versions preferred first. */
  public ObjectNode apiGroupList() {
    ObjectNode doc = JSON.objectNode();
    doc.put("kind", "APIGroupList");
    doc.put("apiVersion", "v1");
    ArrayNode groups = doc.putArray("groups");
    for (String group : catalog.groups()) {
      groups.add(groupBody(group));
    }
    return doc;
  }

  /** {@code /apis/{group}}: {@code APIGroup}, or empty when the group is not served. */
  public Optional<ObjectNode> apiGroup(String group) {
    if (group.isEmpty() || catalog.versions(group).isEmpty()) {
      return Optional.empty();
    }
    ObjectNode doc = JSON.objectNode();
    doc.put("kind", "APIGroup");
    doc.put("apiVersion", "v1");
    doc.setAll(groupBody(group));
    return Optional.of(doc);
  }

  /**
   * {@code /api/v1} (group "") or {@code /apis/{group}/{version}}: {@code APIResourceList} with one
   * entry per resource and per subresource ({@code pods/status}), or empty when not served.
   */
  public Optional<ObjectNode> apiResourceList(String group, String version) {
    List<ResourceType> types = catalog.inGroupVersion(group, version);
    if (types.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode doc = JSON.objectNode();
    doc.put("kind", "APIResourceList");
    if (!group.isEmpty()) {
      // Upstream leaves apiVersion out of /api/v1 but sets it for named groups.
      doc.put("apiVersion", "v1");
    }
    doc.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode resources = doc.putArray("resources");
    for (ResourceType t : types) {
      ObjectNode r = resources.addObject();
      r.put("name", t.plural());
      r.put("singularName", t.singular());
      r.put("namespaced", t.namespaced());
      r.put("kind", t.kind());
      verbs(r.putArray("verbs"), t.verbs());
      if (!t.shortNames().isEmpty()) {
        verbs(r.putArray("shortNames"), t.shortNames());
      }
      if (!t.categories().isEmpty()) {
        verbs(r.putArray("categories"), t.categories());
      }
      if (t.persisted()) {
        r.put("storageVersionHash", t.storageVersionHash());
      }
      for (Subresource s : t.subresources()) {
        ObjectNode sr = resources.addObject();
        sr.put("name", t.plural() + "/" + s.name());
        sr.put("singularName", "");
        sr.put("namespaced", t.namespaced());
        if (s.group() != null) {
          sr.put("group", s.group());
        }
        if (s.version() != null) {
          sr.put("version", s.version());
        }
        sr.put("kind", s.kind());
        verbs(sr.putArray("verbs"), s.verbs());
      }
    }
    return Optional.of(doc);
  }

  /** {@code /api} aggregated: an APIGroupDiscoveryList with the core group only. */
  public ObjectNode aggregatedCore(DiscoveryFormat format) {
    ObjectNode doc = aggregatedList(format);
    ArrayNode items = (ArrayNode) doc.get("items");
    items.add(groupDiscovery(""));
    return doc;
  }

  /** {@code /apis} aggregated: an APIGroupDiscoveryList with every named group. */
  public ObjectNode aggregatedGroups(DiscoveryFormat format) {
    ObjectNode doc = aggregatedList(format);
    ArrayNode items = (ArrayNode) doc.get("items");
    for (String group : catalog.groups()) {
      items.add(groupDiscovery(group));
    }
    return doc;
  }

  private static ObjectNode aggregatedList(DiscoveryFormat format) {
    if (!format.aggregated()) {
      throw new IllegalArgumentException("not an aggregated format: " + format);
    }
    ObjectNode doc = JSON.objectNode();
    doc.put("kind", "APIGroupDiscoveryList");
    doc.put("apiVersion", format.apiVersion());
    doc.putObject("metadata");
    doc.putArray("items");
    return doc;
  }

  private ObjectNode groupDiscovery(String group) {
    ObjectNode item = JSON.objectNode();
    ObjectNode meta = item.putObject("metadata");
    if (!group.isEmpty()) {
      meta.put("name", group);
    }
    meta.putNull("creationTimestamp");
    ArrayNode versions = item.putArray("versions");
    List<String> served = group.isEmpty() ? List.of("v1") : catalog.versions(group);
    for (String version : served) {
      ObjectNode v = versions.addObject();
      v.put("version", version);
      ArrayNode resources = v.putArray("resources");
      for (ResourceType t : catalog.inGroupVersion(group, version)) {
        resources.add(resourceDiscovery(t));
      }
      v.put("freshness", "Current");
    }
    return item;
  }

  private static ObjectNode resourceDiscovery(ResourceType t) {
    ObjectNode r = JSON.objectNode();
    r.put("resource", t.plural());
    // Built-ins leave group/version empty ("same as the list"); custom resources spell them out.
    boolean custom = t.modelClass() == null;
    gvk(r.putObject("responseKind"), custom ? t.group() : "", custom ? t.version() : "", t.kind());
    r.put("scope", t.namespaced() ? "Namespaced" : "Cluster");
    r.put("singularResource", t.singular());
    verbs(r.putArray("verbs"), t.verbs());
    if (!t.shortNames().isEmpty()) {
      verbs(r.putArray("shortNames"), t.shortNames());
    }
    if (!t.categories().isEmpty()) {
      verbs(r.putArray("categories"), t.categories());
    }
    if (!t.subresources().isEmpty()) {
      ArrayNode subs = r.putArray("subresources");
      for (Subresource s : t.subresources()) {
        ObjectNode sr = subs.addObject();
        sr.put("subresource", s.name());
        String g = s.group() != null ? s.group() : custom ? t.group() : "";
        String v = s.version() != null ? s.version() : custom ? t.version() : "";
        gvk(sr.putObject("responseKind"), g, v, s.kind());
        verbs(sr.putArray("verbs"), s.verbs());
      }
    }
    return r;
  }

  private ObjectNode groupBody(String group) {
    ObjectNode g = JSON.objectNode();
    g.put("name", group);
    ArrayNode versions = g.putArray("versions");
    List<String> served = catalog.versions(group);
    for (String v : served) {
      versions.add(groupVersion(group, v));
    }
    g.set("preferredVersion", groupVersion(group, served.get(0)));
    return g;
  }

  private static ObjectNode groupVersion(String group, String version) {
    ObjectNode v = JSON.objectNode();
    v.put("groupVersion", group + "/" + version);
    v.put("version", version);
    return v;
  }

  private static void gvk(ObjectNode node, String group, String version, String kind) {
    node.put("group", group);
    node.put("version", version);
    node.put("kind", kind);
  }

  private static void verbs(ArrayNode array, List<String> values) {
    for (String v : values) {
      array.add(v);
    }
  }
}
