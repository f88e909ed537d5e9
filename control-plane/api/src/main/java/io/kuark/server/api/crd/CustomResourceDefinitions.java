package io.kuark.server.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.server.api.model.CustomResourceColumns;
import io.kuark.server.apimodel.CustomResourceTypes;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The served CustomResourceDefinitions: registers the resource types a CRD defines in the catalog
 * (so discovery, REST and watch serve them at once) and answers their printer columns and schemas.
 * Thread-safe.
 */
public final class CustomResourceDefinitions implements CustomResourceColumns {

  private static final Logger LOG = Logger.getLogger(CustomResourceDefinitions.class);

  private final ResourceCatalog catalog;
  private final Map<String, JsonNode> byGroupPlural = new ConcurrentHashMap<>();

  public CustomResourceDefinitions(ResourceCatalog catalog) {
    this.catalog = catalog;
  }

  /** Serves (or re-serves, after a change) the versions {@code crd} defines; returns them. */
  public synchronized List<ResourceType> apply(JsonNode crd) {
    List<ResourceType> types;
    try {
      types = CustomResourceTypes.typesOf(crd);
    } catch (RuntimeException e) {
      LOG.warnf(
          "ignoring unusable CustomResourceDefinition %s: %s",
          crd.path("metadata").path("name").asText(), e.getMessage());
      return List.of();
    }
    String group = crd.path("spec").path("group").asText();
    String plural = crd.path("spec").path("names").path("plural").asText();
    Set<String> served = new HashSet<>();
    for (ResourceType t : types) {
      served.add(t.version());
    }
    for (String version : catalog.versions(group)) {
      if (!served.contains(version)) {
        catalog.unregister(group, version, plural);
      }
    }
    byGroupPlural.put(group + "/" + plural, crd);
    for (ResourceType t : types) {
      catalog.register(t);
    }
    return types;
  }

  /** Stops serving the resources of {@code crd}. */
  public synchronized void remove(JsonNode crd) {
    String group = crd.path("spec").path("group").asText();
    String plural = crd.path("spec").path("names").path("plural").asText();
    byGroupPlural.remove(group + "/" + plural);
    catalog.unregisterAllVersions(group, plural);
  }

  /** The CRD defining {@code type}, or null for built-ins. */
  public JsonNode definition(ResourceType type) {
    if (type.modelClass() != null) {
      return null;
    }
    return byGroupPlural.get(type.group() + "/" + type.plural());
  }

  @Override
  public JsonNode columns(ResourceType type) {
    JsonNode crd = definition(type);
    return crd == null ? null : CustomResourceTypes.printerColumns(crd, type.version());
  }

  /** The openAPIV3Schema of the type's CRD version, or null. */
  public JsonNode schema(ResourceType type) {
    JsonNode crd = definition(type);
    if (crd == null) {
      return null;
    }
    JsonNode schema = CustomResourceTypes.schema(crd, type.version());
    return schema == null || schema.isMissingNode() ? null : schema;
  }
}
