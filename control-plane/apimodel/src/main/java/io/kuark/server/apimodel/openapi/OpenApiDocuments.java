package io.kuark.server.apimodel.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The {@code /openapi/v2} and {@code /openapi/v3} documents for everything in a {@link
 * ResourceCatalog}: schemas generated from the fabric8 models (with upstream's definition names,
 * {@code x-kubernetes-group-version-kind}, patch strategies and merge keys), custom resource
 * schemas from their CRDs, and every path with its operations (including the {@code
 * fieldValidation} query parameter kubectl checks before {@code --validate=strict}).
 *
 * <p>Documents are built once per catalog {@link ResourceCatalog#generation() generation} and
 * cached as the bytes served: the trees they are rendered from (with a copy of every definition per
 * document version) took about 20 MiB of a server's long-lived heap, the bytes about 3 MiB. The
 * tree accessors decode those bytes again on each call. Thread-safe.
 */
public final class OpenApiDocuments {

  /** A ready HTTP answer: body bytes and Content-Type. */
  public record Response(byte[] body, String contentType) {}

  /** What kubectl asks for on {@code /openapi/v2}. */
  public static final String V2_PROTOBUF_ACCEPT =
      "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

  /** The Content-Type of the protobuf answer (Go's mime parser rejects the {@code @} form). */
  public static final String V2_PROTOBUF_CONTENT_TYPE =
      "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  /** A serialised document with its content hash (for ETag and the v3 {@code ?hash=}). */
  public record Rendered(byte[] json, String hash) {}

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Model schemas are the same for every catalog: read once per JVM from the definitions generated
   * at development time (see {@link ModelSchemas}).
   */
  private static final ModelSchemas MODELS = ModelSchemas.prebuilt();

  /** The shared model schema generator (also used by {@link SchemaNodes}). */
  static ModelSchemas models() {
    return MODELS;
  }

  private final ResourceCatalog catalog;
  private final Function<ResourceType, JsonNode> customSchemas;
  private final String kubernetesVersion;
  private Snapshot snapshot;

  private record Snapshot(
      long generation,
      Rendered v2Rendered,
      Rendered v2Protobuf,
      Map<String, Rendered> v3Rendered) {}

  /**
   * @param customSchemas for a custom resource type, its CRD version's {@code
   *     schema.openAPIV3Schema} (e.g. {@code CustomResourceTypes.schema(crd, version)}), or null /
   *     missing node when unknown
   * @param kubernetesVersion the version shown in {@code info.version}, e.g. {@code v1.33.0}
   */
  public OpenApiDocuments(
      ResourceCatalog catalog,
      Function<ResourceType, JsonNode> customSchemas,
      String kubernetesVersion) {
    this.catalog = catalog;
    this.customSchemas = customSchemas;
    this.kubernetesVersion = kubernetesVersion;
  }

  /**
   * Answers any {@code /openapi/...} GET: {@code /openapi/v2} as protobuf when the Accept header
   * names protobuf before JSON, else JSON; {@code /openapi/v3} (index) and {@code
   * /openapi/v3/{api/v1|apis/g/v}} as JSON. Empty → 404.
   */
  public Optional<Response> respond(String path, String accept) {
    String p = stripSlashes(path);
    if (p.equals("openapi/v2")) {
      String a = accept == null ? "" : accept;
      int proto = a.indexOf("protobuf");
      int json = a.indexOf("json");
      boolean wantsProto = proto >= 0 && (json < 0 || proto < json);
      return Optional.of(
          wantsProto
              ? new Response(v2Protobuf().json(), V2_PROTOBUF_CONTENT_TYPE)
              : new Response(v2Rendered().json(), "application/json"));
    }
    if (p.equals("openapi/v3")) {
      try {
        return Optional.of(new Response(MAPPER.writeValueAsBytes(v3Index()), "application/json"));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    if (p.startsWith("openapi/v3/")) {
      return v3Rendered(p.substring("openapi/v3/".length()))
          .map(r -> new Response(r.json(), "application/json"));
    }
    return Optional.empty();
  }

  /** {@code GET /openapi/v2} (JSON), decoded from the served bytes (a fresh tree per call). */
  public ObjectNode v2() {
    return decode(current().v2Rendered());
  }

  /** {@code GET /openapi/v2} serialised, with its hash for an ETag. */
  public Rendered v2Rendered() {
    return current().v2Rendered();
  }

  /**
   * {@code GET /openapi/v2} as the {@code openapi.v2.Document} protocol buffer, for {@code Accept:
   * application/com.github.proto-openapi.spec.v2@v1.0+protobuf} (kubectl 1.27/1.28 need it for
   * {@code create}/{@code apply} with validation). Content-Type: {@code
   * application/com.github.proto-openapi.spec.v2@v1.0+protobuf}.
   */
  public Rendered v2Protobuf() {
    return current().v2Protobuf();
  }

  /**
   * {@code GET /openapi/v3}: {@code {"paths": {"api/v1": {"serverRelativeURL":
   * "/openapi/v3/api/v1?hash=..."}, "apis/apps/v1": ...}}}.
   */
  public ObjectNode v3Index() {
    Snapshot s = current();
    ObjectNode index = JSON.objectNode();
    ObjectNode paths = index.putObject("paths");
    for (Map.Entry<String, Rendered> e : s.v3Rendered().entrySet()) {
      paths
          .putObject(e.getKey())
          .put("serverRelativeURL", "/openapi/v3/" + e.getKey() + "?hash=" + e.getValue().hash());
    }
    return index;
  }

  /**
   * {@code GET /openapi/v3/{path}} for {@code api/v1} or {@code apis/{group}/{version}}, decoded
   * from the served bytes (a fresh tree per call).
   */
  public Optional<ObjectNode> v3(String path) {
    return v3Rendered(path).map(OpenApiDocuments::decode);
  }

  private static ObjectNode decode(Rendered rendered) {
    try {
      return (ObjectNode) MAPPER.readTree(rendered.json());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot read back an OpenAPI document", e);
    }
  }

  /** The same document serialised, with its hash (compare with the request's {@code hash}). */
  public Optional<Rendered> v3Rendered(String path) {
    return Optional.ofNullable(current().v3Rendered().get(stripSlashes(path)));
  }

  private static String stripSlashes(String path) {
    String p = path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private synchronized Snapshot current() {
    long generation = catalog.generation();
    if (snapshot == null || snapshot.generation() != generation) {
      snapshot = build(generation);
    }
    return snapshot;
  }

  private Snapshot build(long generation) {
    Map<String, ObjectNode> defs = new TreeMap<>();
    Map<ResourceType, String[]> typeDefs = defineModels(MODELS, catalog);
    for (Map.Entry<String, ObjectNode> e : MODELS.definitions().entrySet()) {
      defs.put(e.getKey(), e.getValue().deepCopy());
    }
    ObjectNode patch = JSON.objectNode();
    patch.put(
        "description",
        "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.");
    patch.put("type", "object");
    defs.put(SchemaNames.META + "Patch", patch);
    for (Map.Entry<ResourceType, String[]> e : typeDefs.entrySet()) {
      ResourceType t = e.getKey();
      addGvk(defs.get(e.getValue()[0]), t.group(), t.version(), t.kind());
      if (e.getValue()[1] != null) {
        addGvk(defs.get(e.getValue()[1]), t.group(), t.version(), t.listKind());
      }
    }
    addGvk(defs.get("io.k8s.api.autoscaling.v1.Scale"), "autoscaling", "v1", "Scale");
    addGvk(defs.get("io.k8s.api.policy.v1.Eviction"), "policy", "v1", "Eviction");
    addGvk(
        defs.get("io.k8s.api.authentication.v1.TokenRequest"),
        "authentication.k8s.io",
        "v1",
        "TokenRequest");
    for (ResourceType t : catalog.all()) {
      if (t.modelClass() == null) {
        String def = SchemaNames.forCustomResource(t.group(), t.version(), t.kind());
        String listDef = def + "List";
        defs.put(def, customResourceSchema(t));
        defs.put(listDef, customListSchema(t, def));
        typeDefs.put(t, new String[] {def, listDef});
      }
    }
    Function<String, String> definitionOf =
        gvk -> {
          String[] p = gvk.split("/", 3);
          return switch (p[2]) {
            case "Scale" -> "io.k8s.api.autoscaling.v1.Scale";
            case "Eviction" -> "io.k8s.api.policy.v1.Eviction";
            case "TokenRequest" -> "io.k8s.api.authentication.v1.TokenRequest";
            case "Binding" -> "io.k8s.api.core.v1.Binding";
            default -> null;
          };
        };

    ObjectNode v2 = JSON.objectNode();
    v2.put("swagger", "2.0");
    ObjectNode info = v2.putObject("info");
    info.put("title", "Kubernetes");
    info.put("version", kubernetesVersion);
    ObjectNode v2Paths = v2.putObject("paths");
    Map<String, ObjectNode> v3Paths = new TreeMap<>();
    Map<String, Set<String>> v3Roots = new TreeMap<>();
    for (Map.Entry<ResourceType, String[]> e : typeDefs.entrySet()) {
      ResourceType t = e.getKey();
      String gvKey = t.isCore() ? "api/" + t.version() : "apis/" + t.group() + "/" + t.version();
      ObjectNode gvPaths = v3Paths.computeIfAbsent(gvKey, k -> JSON.objectNode());
      Set<String> roots = v3Roots.computeIfAbsent(gvKey, k -> new HashSet<>());
      roots.add(e.getValue()[0]);
      Map<String, PathBuilder.PathItem> items =
          PathBuilder.pathsFor(t, e.getValue()[0], e.getValue()[1], definitionOf);
      for (Map.Entry<String, PathBuilder.PathItem> p : items.entrySet()) {
        v2Paths.set(p.getKey(), Renderer.v2PathItem(p.getValue(), t.kind()));
        gvPaths.set(p.getKey(), Renderer.v3PathItem(p.getValue(), t.kind()));
      }
    }
    ObjectNode v2Defs = v2.putObject("definitions");
    defs.forEach(v2Defs::set);
    ObjectNode security = v2.putObject("securityDefinitions").putObject("BearerToken");
    security.put("description", "Bearer Token authentication");
    security.put("type", "apiKey");
    security.put("name", "authorization");
    security.put("in", "header");
    v2.putArray("security").addObject().putArray("BearerToken");

    Map<String, Rendered> v3Rendered = new TreeMap<>();
    Map<String, Set<String>> directRefs = new java.util.HashMap<>();
    Map<String, JsonNode> v3Defs = new java.util.HashMap<>();
    for (Map.Entry<String, ObjectNode> e : v3Paths.entrySet()) {
      ObjectNode doc = JSON.objectNode();
      doc.put("openapi", "3.0.0");
      ObjectNode i = doc.putObject("info");
      i.put("title", "Kubernetes");
      i.put("version", kubernetesVersion);
      doc.set("paths", e.getValue());
      // breadth-first over each definition's direct references (computed once per build)
      java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(v3Roots.get(e.getKey()));
      Set<String> pathRefs = new HashSet<>();
      Renderer.collectRefs(e.getValue(), Renderer.V3_PREFIX, pathRefs, Map.of());
      queue.addAll(pathRefs);
      Set<String> full = new HashSet<>();
      while (!queue.isEmpty()) {
        String name = queue.poll();
        if (full.add(name)) {
          queue.addAll(
              directRefs.computeIfAbsent(
                  name,
                  n -> {
                    Set<String> refs = new HashSet<>();
                    if (defs.containsKey(n)) {
                      Renderer.collectRefs(defs.get(n), ModelSchemas.REF_PREFIX, refs, Map.of());
                    }
                    return refs;
                  }));
        }
      }
      ObjectNode components = doc.putObject("components");
      ObjectNode schemas = components.putObject("schemas");
      for (String name : new TreeMap<>(toMap(full)).keySet()) {
        ObjectNode def = defs.get(name);
        if (def != null) {
          // converted once per build and shared by every group-version document
          schemas.set(name, v3Defs.computeIfAbsent(name, n -> Renderer.toV3(def)));
        }
      }
      ObjectNode scheme = components.putObject("securitySchemes").putObject("BearerToken");
      scheme.put("type", "apiKey");
      scheme.put("description", "Bearer Token authentication");
      scheme.put("name", "authorization");
      scheme.put("in", "header");
      doc.putArray("security").addObject().putArray("BearerToken");
      v3Rendered.put(e.getKey(), render(doc));
    }
    byte[] proto = OpenApiV2Protobuf.encode(v2);
    return new Snapshot(generation, render(v2), new Rendered(proto, hash(proto)), v3Rendered);
  }

  private static Map<String, Boolean> toMap(Set<String> names) {
    Map<String, Boolean> m = new TreeMap<>();
    names.forEach(n -> m.put(n, true));
    return m;
  }

  /**
   * Defines in {@code models} every model definition the documents of {@code catalog} show: the
   * built-in types and their lists, the subresources' bodies, the metadata types; returns the
   * definition names (type, list) per built-in type. Also what {@link ModelSchemas#RESOURCE} is
   * generated from.
   */
  static Map<ResourceType, String[]> defineModels(ModelSchemas models, ResourceCatalog catalog) {
    for (String meta : new String[] {"DeleteOptions", "Status"}) {
      defineClass(models, "io.fabric8.kubernetes.api.model." + meta);
    }
    Map<ResourceType, String[]> typeDefs = new LinkedHashMap<>();
    for (ResourceType t : catalog.all()) {
      if (t.modelClass() != null) {
        String def = models.define(t.modelClass());
        String listDef = defineClass(models, t.modelClass().getName() + "List");
        typeDefs.put(t, new String[] {def, listDef});
      }
    }
    defineClass(models, "io.fabric8.kubernetes.api.model.autoscaling.v1.Scale");
    defineClass(models, "io.fabric8.kubernetes.api.model.policy.v1.Eviction");
    defineClass(models, "io.fabric8.kubernetes.api.model.authentication.TokenRequest");
    defineClass(models, "io.fabric8.kubernetes.api.model.Binding");
    return typeDefs;
  }

  private static String defineClass(ModelSchemas models, String className) {
    try {
      return models.define(Class.forName(className));
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  private static void addGvk(ObjectNode def, String group, String version, String kind) {
    if (def == null) {
      return;
    }
    ArrayNode gvks =
        def.has("x-kubernetes-group-version-kind")
            ? (ArrayNode) def.get("x-kubernetes-group-version-kind")
            : def.putArray("x-kubernetes-group-version-kind");
    for (JsonNode g : gvks) {
      if (g.path("group").asText().equals(group)
          && g.path("version").asText().equals(version)
          && g.path("kind").asText().equals(kind)) {
        return;
      }
    }
    ObjectNode gvk = gvks.addObject();
    gvk.put("group", group);
    gvk.put("kind", kind);
    gvk.put("version", version);
  }

  private ObjectNode customResourceSchema(ResourceType t) {
    JsonNode given = customSchemas.apply(t);
    ObjectNode schema =
        given != null && given.isObject()
            ? (ObjectNode) withoutV2Unsupported(given)
            : JSON.objectNode();
    if (!schema.has("type")) {
      schema.put("type", "object");
    }
    if (given == null || !given.isObject() || !given.has("properties")) {
      schema.put("x-kubernetes-preserve-unknown-fields", true);
    }
    ObjectNode props =
        schema.has("properties")
            ? (ObjectNode) schema.get("properties")
            : schema.putObject("properties");
    ObjectNode apiVersion = props.putObject("apiVersion");
    apiVersion.put(
        "description",
        "APIVersion defines the versioned schema of this representation of an object.");
    apiVersion.put("type", "string");
    ObjectNode kind = props.putObject("kind");
    kind.put(
        "description",
        "Kind is a string value representing the REST resource this object represents.");
    kind.put("type", "string");
    props
        .putObject("metadata")
        .put("$ref", ModelSchemas.REF_PREFIX + SchemaNames.META + "ObjectMeta");
    MODELS.define(io.fabric8.kubernetes.api.model.ObjectMeta.class);
    addGvk(schema, t.group(), t.version(), t.kind());
    return schema;
  }

  private static ObjectNode customListSchema(ResourceType t, String itemDef) {
    ObjectNode list = JSON.objectNode();
    list.put("description", t.listKind() + " is a list of " + t.kind());
    list.put("type", "object");
    ArrayNode required = list.putArray("required");
    required.add("items");
    ObjectNode props = list.putObject("properties");
    props.putObject("apiVersion").put("type", "string");
    ObjectNode items = props.putObject("items");
    items.put("type", "array");
    items.putObject("items").put("$ref", ModelSchemas.REF_PREFIX + itemDef);
    props.putObject("kind").put("type", "string");
    props
        .putObject("metadata")
        .put("$ref", ModelSchemas.REF_PREFIX + SchemaNames.META + "ListMeta");
    MODELS.define(io.fabric8.kubernetes.api.model.ListMeta.class);
    addGvk(list, t.group(), t.version(), t.listKind());
    return list;
  }

  /** A CRD schema without keywords Swagger 2.0 cannot carry (nullable, oneOf, anyOf, not). */
  private static JsonNode withoutV2Unsupported(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JSON.objectNode();
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String k = e.getKey();
        if (k.equals("nullable") || k.equals("oneOf") || k.equals("anyOf") || k.equals("not")) {
          continue;
        }
        out.set(k, withoutV2Unsupported(e.getValue()));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JSON.arrayNode();
      node.forEach(n -> out.add(withoutV2Unsupported(n)));
      return out;
    }
    return node;
  }

  private static Rendered render(ObjectNode doc) {
    try {
      byte[] bytes = MAPPER.writeValueAsBytes(doc);
      return new Rendered(bytes, hash(bytes));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise OpenAPI document", e);
    }
  }

  private static String hash(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-512").digest(bytes);
      return HexFormat.of().withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is always available", e);
    }
  }
}
