package io.kuark.server.apimodel.openapi;

import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.Subresource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The REST paths and operations upstream serves for a resource type. */
final class PathBuilder {

  /** A path with its path parameters and operations (keyed by HTTP method). */
  record PathItem(List<String> pathParams, Map<String, Operation> operations) {}

  private PathBuilder() {}

  /**
   * Paths for one type.
   *
   * @param definition the type's definition name
   * @param listDefinition the list type's definition name
   * @param definitionOf resolves a subresource kind's definition ({@code group/version/kind}) or
   *     null when unknown
   */
  static Map<String, PathItem> pathsFor(
      ResourceType t,
      String definition,
      String listDefinition,
      java.util.function.Function<String, String> definitionOf) {
    Map<String, PathItem> out = new LinkedHashMap<>();
    String base = t.isCore() ? "/api/" + t.version() : "/apis/" + t.group() + "/" + t.version();
    String prefix =
        t.namespaced() ? base + "/namespaces/{namespace}/" + t.plural() : base + "/" + t.plural();
    List<String> collectionParams = t.namespaced() ? List.of("namespace") : List.of();
    List<String> itemParams = t.namespaced() ? List.of("name", "namespace") : List.of("name");
    String ns = t.namespaced() ? "Namespaced" : "";
    String gv = groupCamel(t.group()) + capitalize(t.version());
    String tag = tag(t.group()) + "_" + t.version();
    Ids ids = new Ids(gv, ns, t.kind());

    Map<String, Operation> collection = new LinkedHashMap<>();
    if (t.supports("list")) {
      collection.put(
          "get",
          op(
              "get",
              ids.id("list", ""),
              "list",
              t,
              tag,
              Parameters.LIST,
              null,
              false,
              listDefinition,
              true));
    }
    if (t.supports("create")) {
      collection.put(
          "post",
          op(
              "post",
              ids.id("create", ""),
              "post",
              t,
              tag,
              Parameters.WRITE,
              definition,
              false,
              definition,
              false));
    }
    if (t.supports("deletecollection")) {
      collection.put(
          "delete",
          op(
              "delete",
              ids.id("deleteCollection", ""),
              "deletecollection",
              t,
              tag,
              Parameters.DELETE_COLLECTION,
              SchemaNames.META + "DeleteOptions",
              false,
              SchemaNames.META + "Status",
              false));
    }
    if (!collection.isEmpty()) {
      out.put(prefix, new PathItem(collectionParams, collection));
    }
    if (t.namespaced() && t.supports("list")) {
      Map<String, Operation> all = new LinkedHashMap<>();
      all.put(
          "get",
          op(
              "get",
              "list" + gv + t.kind() + "ForAllNamespaces",
              "list",
              t,
              tag,
              Parameters.LIST,
              null,
              false,
              listDefinition,
              true));
      out.put(base + "/" + t.plural(), new PathItem(List.of(), all));
    }
    if (t.supports("get")) {
      Map<String, Operation> item = new LinkedHashMap<>();
      item.put(
          "get",
          op("get", ids.id("read", ""), "get", t, tag, List.of(), null, false, definition, false));
      if (t.supports("update")) {
        item.put(
            "put",
            op(
                "put",
                ids.id("replace", ""),
                "put",
                t,
                tag,
                Parameters.WRITE,
                definition,
                false,
                definition,
                false));
      }
      if (t.supports("patch")) {
        item.put(
            "patch",
            op(
                "patch",
                ids.id("patch", ""),
                "patch",
                t,
                tag,
                Parameters.PATCH,
                SchemaNames.META + "Patch",
                true,
                definition,
                false));
      }
      if (t.supports("delete")) {
        item.put(
            "delete",
            op(
                "delete",
                ids.id("delete", ""),
                "delete",
                t,
                tag,
                Parameters.DELETE,
                SchemaNames.META + "DeleteOptions",
                false,
                SchemaNames.META + "Status",
                false));
      }
      out.put(prefix + "/{name}", new PathItem(itemParams, item));
    }
    for (Subresource s : t.subresources()) {
      String path = prefix + "/{name}/" + s.name();
      String group = s.group() != null ? s.group() : t.group();
      String version = s.version() != null ? s.version() : t.version();
      String subDef =
          s.kind().equals(t.kind()) && s.group() == null
              ? definition
              : definitionOf.apply(group + "/" + version + "/" + s.kind());
      String suffix = capitalize(s.name());
      Map<String, Operation> ops = new LinkedHashMap<>();
      if (s.name().equals("status")
          || s.name().equals("scale")
          || s.name().equals("ephemeralcontainers")) {
        ops.put(
            "get",
            sub(
                "get",
                ids.id("read", suffix),
                "get",
                group,
                version,
                s.kind(),
                tag,
                List.of(),
                null,
                false,
                subDef));
        ops.put(
            "put",
            sub(
                "put",
                ids.id("replace", suffix),
                "put",
                group,
                version,
                s.kind(),
                tag,
                Parameters.WRITE,
                subDef,
                false,
                subDef));
        ops.put(
            "patch",
            sub(
                "patch",
                ids.id("patch", suffix),
                "patch",
                group,
                version,
                s.kind(),
                tag,
                Parameters.PATCH,
                SchemaNames.META + "Patch",
                true,
                subDef));
      } else if (s.name().equals("log")) {
        ops.put(
            "get",
            sub(
                "get",
                ids.id("read", "Log"),
                "get",
                group,
                version,
                t.kind(),
                tag,
                Parameters.LOG,
                null,
                false,
                null));
      } else if (s.verbs().equals(List.of("create")) && subDef != null) {
        ops.put(
            "post",
            sub(
                "post",
                ids.id("create", suffix),
                "post",
                group,
                version,
                s.kind(),
                tag,
                Parameters.WRITE,
                subDef,
                false,
                subDef));
      }
      if (!ops.isEmpty()) {
        out.put(path, new PathItem(itemParams, ops));
      }
    }
    return out;
  }

  private static Operation op(
      String method,
      String id,
      String action,
      ResourceType t,
      String tag,
      List<String> params,
      String body,
      boolean patch,
      String response,
      boolean watchable) {
    return new Operation(
        method,
        id,
        action,
        t.group(),
        t.version(),
        t.kind(),
        tag,
        params,
        body,
        patch,
        response,
        watchable);
  }

  private static Operation sub(
      String method,
      String id,
      String action,
      String group,
      String version,
      String kind,
      String tag,
      List<String> params,
      String body,
      boolean patch,
      String response) {
    return new Operation(
        method, id, action, group, version, kind, tag, params, body, patch, response, false);
  }

  /**
   * Builds operation ids like {@code createCoreV1NamespacedPod} / {@code
   * readAppsV1NamespacedDeploymentScale}.
   */
  private record Ids(String gv, String ns, String kind) {
    String id(String verb, String suffix) {
      return verb + gv + ns + kind + suffix;
    }
  }

  /** {@code ""} → Core, {@code rbac.authorization.k8s.io} → RbacAuthorization. */
  static String groupCamel(String group) {
    if (group.isEmpty()) {
      return "Core";
    }
    String g =
        group.endsWith(".k8s.io") ? group.substring(0, group.length() - ".k8s.io".length()) : group;
    StringBuilder b = new StringBuilder();
    for (String part : g.split("[.-]")) {
      b.append(capitalize(part));
    }
    return b.toString();
  }

  /** Upstream's tag: {@code core}, {@code apps}, {@code rbacAuthorization}, ... */
  static String tag(String group) {
    String camel = groupCamel(group);
    return camel.substring(0, 1).toLowerCase(Locale.ROOT) + camel.substring(1);
  }

  static String capitalize(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
