package io.kuark.server.auth.authn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.handler.ResourceHandler;
import io.kuark.server.api.http.ApiRequest;
import io.kuark.server.api.http.ApiResponse;
import io.kuark.server.api.http.Json;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.apimodel.ResourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST serviceaccounts/{name}/token} (authentication.k8s.io/v1 TokenRequest): issues a bound
 * token for an existing service account; audiences default to the API server's, expirationSeconds
 * to 3600 (at least 600), optionally bound to a Pod or Secret that must exist (and run as that
 * service account, for pods).
 */
public final class TokenRequestHandler implements ResourceHandler {

  static final long DEFAULT_EXPIRATION = 3600;
  static final long MIN_EXPIRATION = 600;
  static final long MAX_EXPIRATION = 1L << 32;

  /**
   * Upstream's kubelet-token extension: a pod-bound token asked for with exactly 3607 seconds (what
   * ServiceAccount admission puts in the projected volume) for the API's audiences is valid for a
   * year, warning after 3607 seconds, so pods keep working if a kubelet refreshes late.
   */
  static final long WARN_ONLY_EXPIRATION = 3607;

  static final long EXTENDED_EXPIRATION = 365L * 24 * 3600;

  private final ObjectStore store;
  private final ResourceCatalog catalog;
  private final ServiceAccountTokens tokens;

  public TokenRequestHandler(
      ObjectStore store, ResourceCatalog catalog, ServiceAccountTokens tokens) {
    this.store = store;
    this.catalog = catalog;
    this.tokens = tokens;
  }

  @Override
  public ApiResponse handle(ApiRequest req) {
    if (!req.info().verb().equals("create")) {
      throw Statuses.methodNotAllowed(req.info().verb());
    }
    String namespace = req.info().namespace();
    String name = req.info().name();
    ObjectNode body = Json.parseObject(req.body(), req.contentType());
    JsonNode spec = body.path("spec");
    long expiration = spec.path("expirationSeconds").asLong(DEFAULT_EXPIRATION);
    if (!spec.path("expirationSeconds").isMissingNode()
        && !spec.path("expirationSeconds").isNull()) {
      if (expiration < MIN_EXPIRATION) {
        throw invalid(
            name,
            "spec.expirationSeconds",
            "Invalid value: " + expiration + ": may not specify a duration less than 10 minutes");
      }
      if (expiration > MAX_EXPIRATION) {
        throw invalid(
            name,
            "spec.expirationSeconds",
            "Invalid value: "
                + expiration
                + ": may not specify a duration larger than 2^32 seconds");
      }
    } else {
      expiration = DEFAULT_EXPIRATION;
    }
    List<String> audiences = new ArrayList<>();
    spec.path("audiences").forEach(a -> audiences.add(a.asText()));
    if (audiences.isEmpty()) {
      audiences.addAll(tokens.apiAudiences());
    }
    ObjectNode sa = store.require(core("serviceaccounts"), namespace, name).object();
    BoundToken.BoundObject pod = null;
    BoundToken.BoundObject secret = null;
    JsonNode ref = spec.path("boundObjectRef");
    String podNode = "";
    if (ref.isObject()) {
      String kind = ref.path("kind").asText("");
      String refName = ref.path("name").asText("");
      switch (kind) {
        case "Pod" -> {
          ObjectNode p = bound("pods", namespace, refName, ref);
          String podSa = p.path("spec").path("serviceAccountName").asText("default");
          if (!podSa.equals(name)) {
            throw Statuses.badRequest(
                "cannot bind token for serviceaccount \""
                    + name
                    + "\" to pod running with different serviceaccount name.");
          }
          pod = new BoundToken.BoundObject(refName, Meta.uid(p));
          podNode = p.path("spec").path("nodeName").asText("");
        }
        case "Secret" -> {
          ObjectNode s = bound("secrets", namespace, refName, ref);
          secret = new BoundToken.BoundObject(refName, Meta.uid(s));
        }
        default ->
            throw invalid(
                name,
                "spec.boundObjectRef.kind",
                "Unsupported value: \"" + kind + "\": supported values: \"Pod\", \"Secret\"");
      }
    }
    // NodeRestriction: node credentials get tokens only bound to pods on that node.
    String node = io.kuark.server.auth.node.NodeIdentity.nodeName(req.user());
    if (!node.isEmpty()) {
      if (pod == null) {
        throw Statuses.forbidden(
            core("serviceaccounts"), name, "node requested token not bound to a pod");
      }
      if (!podNode.equals(node)) {
        throw Statuses.forbidden(
            core("serviceaccounts"),
            name,
            "node requested token bound to a pod scheduled on a different node");
      }
    }
    Instant now = tokens.now();
    Instant expires = now.plusSeconds(expiration);
    Instant warnAfter = null;
    Instant valid = expires;
    if (pod != null
        && expiration == WARN_ONLY_EXPIRATION
        && tokens.apiAudiences().containsAll(audiences)) {
      warnAfter = expires;
      valid = now.plusSeconds(EXTENDED_EXPIRATION);
    }
    BoundToken claims =
        new BoundToken(
            namespace,
            name,
            Meta.uid(sa),
            pod,
            secret,
            List.copyOf(audiences),
            now,
            valid,
            ServiceAccountTokens.newId());
    String token = req.dryRun() ? "" : tokens.issue(claims, warnAfter);
    ObjectNode out = Json.object();
    out.put("kind", "TokenRequest");
    out.put("apiVersion", "authentication.k8s.io/v1");
    ObjectNode meta = out.putObject("metadata");
    meta.put("name", name);
    meta.put("namespace", namespace);
    meta.put("creationTimestamp", Meta.format(now));
    ObjectNode outSpec = out.putObject("spec");
    var aud = outSpec.putArray("audiences");
    audiences.forEach(aud::add);
    outSpec.put("expirationSeconds", expiration);
    if (ref.isObject()) {
      outSpec.set("boundObjectRef", ref.deepCopy());
    } else {
      outSpec.putNull("boundObjectRef");
    }
    ObjectNode status = out.putObject("status");
    status.put("token", token);
    status.put("expirationTimestamp", Meta.format(expires));
    return ApiResponse.created(out);
  }

  private ObjectNode bound(String plural, String namespace, String name, JsonNode ref) {
    ObjectNode obj = store.require(core(plural), namespace, name).object();
    String uid = ref.path("uid").asText("");
    if (!uid.isEmpty() && !uid.equals(Meta.uid(obj))) {
      throw Statuses.conflict(
          core(plural),
          name,
          "the UID in the bound object reference ("
              + uid
              + ") does not match the UID in record. The object might have been deleted and then"
              + " recreated");
    }
    return obj;
  }

  private ResourceType core(String plural) {
    return catalog.find("", "v1", plural).orElseThrow();
  }

  /** 422 naming the TokenRequest kind, as upstream's validation does. */
  private static io.kuark.server.api.http.ApiException invalid(
      String name, String field, String message) {
    ObjectNode details = Json.object();
    details.put("name", name);
    details.put("group", "authentication.k8s.io");
    details.put("kind", "TokenRequest");
    ObjectNode cause = details.putArray("causes").addObject();
    cause.put("reason", "FieldValueInvalid");
    cause.put("message", message);
    cause.put("field", field);
    return Statuses.failure(
        422,
        "Invalid",
        "TokenRequest.authentication.k8s.io \"" + name + "\" is invalid: " + field + ": " + message,
        details);
  }
}
