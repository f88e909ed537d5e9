package io.kuark.server.api.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.Meta;
import io.kuark.server.apimodel.ResourceType;
import java.security.SecureRandom;
import java.util.UUID;

/** The server-owned metadata and status rules shared by create, update and patch. */
final class MetadataRules {

  /** Upstream's generateName alphabet (no vowels, no easily confused characters). */
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private static final SecureRandom RANDOM = new SecureRandom();

  private MetadataRules() {}

  /** A name for {@code generateName}: the prefix plus five random characters. */
  static String generateName(String prefix) {
    StringBuilder name = new StringBuilder(prefix);
    for (int i = 0; i < 5; i++) {
      name.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return name.toString();
  }

  /** Sets uid, creationTimestamp and generation; clears what clients may not set on create. */
  static void initForCreate(ResourceType type, ObjectNode object) {
    ObjectNode meta = Meta.metadata(object);
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", Meta.now());
    meta.remove("resourceVersion");
    meta.remove("deletionTimestamp");
    meta.remove("deletionGracePeriodSeconds");
    meta.remove("selfLink");
    if (!type.namespaced()) {
      meta.remove("namespace");
    }
    if (object.has("spec")) {
      meta.put("generation", 1);
    } else {
      meta.remove("generation");
    }
    if (type.hasSubresource("status") && !type.kind().equals("Node")) {
      object.remove("status");
    }
  }

  /**
   * Carries the server-owned fields of {@code old} into {@code desired} and applies status
   * subresource separation. For {@code statusOnly} the result is {@code old} with {@code desired}'s
   * status; otherwise {@code desired} with {@code old}'s status when the type has a status
   * subresource.
   */
  static ObjectNode mergeForUpdate(
      ResourceType type, ObjectNode desired, ObjectNode old, boolean statusOnly) {
    ObjectNode result;
    if (statusOnly) {
      result = old.deepCopy();
      JsonNode status = desired.get("status");
      if (status == null) {
        result.remove("status");
      } else {
        result.set("status", status.deepCopy());
      }
      String rv = Meta.resourceVersion(desired);
      Meta.metadata(result).put("resourceVersion", rv);
      return result;
    }
    result = desired;
    if (type.hasSubresource("status")) {
      JsonNode status = old.get("status");
      if (status == null) {
        result.remove("status");
      } else {
        result.set("status", status.deepCopy());
      }
    }
    ObjectNode meta = Meta.metadata(result);
    ObjectNode oldMeta = Meta.metadata(old);
    String uid = meta.path("uid").asText("");
    if (!uid.isEmpty() && !uid.equals(oldMeta.path("uid").asText())) {
      throw Statuses.conflict(
          type,
          Meta.name(old),
          "Precondition failed: UID in precondition: "
              + uid
              + ", UID in object meta: "
              + oldMeta.path("uid").asText());
    }
    for (String field :
        new String[] {
          "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"
        }) {
      JsonNode value = oldMeta.get(field);
      if (value == null) {
        meta.remove(field);
      } else {
        meta.set(field, value);
      }
    }
    meta.remove("selfLink");
    long generation = oldMeta.path("generation").asLong(0);
    if (generation > 0 || result.has("spec")) {
      if (!old.path("spec").equals(result.path("spec"))) {
        generation++;
      }
      meta.put("generation", Math.max(generation, 1));
    }
    return result;
  }

  /** Checks the object's name and namespace against the request path. */
  static void checkIdentity(
      ResourceType type, ObjectNode object, String urlNamespace, String urlName) {
    ObjectNode meta = Meta.metadata(object);
    if (type.namespaced()) {
      String ns = meta.path("namespace").asText("");
      if (ns.isEmpty()) {
        meta.put("namespace", urlNamespace);
      } else if (!ns.equals(urlNamespace)) {
        throw Statuses.badRequest(
            "the namespace of the provided object does not match the namespace sent on the request");
      }
    }
    if (urlName != null && !urlName.isEmpty()) {
      String name = meta.path("name").asText("");
      if (name.isEmpty()) {
        meta.put("name", urlName);
      } else if (!name.equals(urlName)) {
        throw Statuses.badRequest(
            "the name of the object ("
                + name
                + ") does not match the name on the URL ("
                + urlName
                + ")");
      }
    }
  }

  /** Fills in apiVersion/kind when missing; a different kind or version is a 400. */
  static void checkKind(
      ResourceType type, ObjectNode object, String expectedKind, String expectedApiVersion) {
    String kind = object.path("kind").asText("");
    String apiVersion = object.path("apiVersion").asText("");
    if (kind.isEmpty()) {
      object.put("kind", expectedKind);
    } else if (!kind.equals(expectedKind)) {
      throw Statuses.badRequest(
          "the object provided is unrecognized (must be of type "
              + expectedKind
              + "): kind "
              + kind);
    }
    if (apiVersion.isEmpty()) {
      object.put("apiVersion", expectedApiVersion);
    } else if (!apiVersion.equals(expectedApiVersion)) {
      throw Statuses.badRequest(
          "the API version in the data ("
              + apiVersion
              + ") does not match the expected API version ("
              + expectedApiVersion
              + ")");
    }
  }
}
