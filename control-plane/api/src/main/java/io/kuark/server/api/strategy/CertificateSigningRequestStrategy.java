package io.kuark.server.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.api.store.Meta;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.auth.authz.RequestScope;
import io.kuark.server.auth.pki.CertificateRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code certificates.k8s.io/v1} CertificateSigningRequests as upstream's registry treats them: on
 * create the requester's identity is recorded in {@code spec.username/uid/groups/extra} (whatever
 * the client sent) and the request is validated; the spec never changes afterwards; the {@code
 * approval} subresource only changes the Approved/Denied conditions (which cannot be removed or
 * both be present), the {@code status} subresource everything else (the certificate may be set only
 * on an approved request, and only once).
 */
final class CertificateSigningRequestStrategy implements ResourceStrategy {

  static final Set<String> USAGES =
      Set.of(
          "signing",
          "digital signature",
          "content commitment",
          "key encipherment",
          "key agreement",
          "data encipherment",
          "cert sign",
          "crl sign",
          "encipher only",
          "decipher only",
          "any",
          "server auth",
          "client auth",
          "code signing",
          "email protection",
          "s/mime",
          "ipsec end system",
          "ipsec tunnel",
          "ipsec user",
          "timestamping",
          "ocsp signing",
          "microsoft sgc",
          "netscape sgc");

  private static final Set<String> APPROVAL_TYPES = Set.of("Approved", "Denied");

  private final ResourceType type;

  CertificateSigningRequestStrategy(ResourceType type) {
    this.type = type;
  }

  @Override
  public void prepareForCreate(ObjectNode csr) {
    csr.remove("status");
    ObjectNode spec = csr.with("spec");
    UserInfo user = RequestScope.user();
    spec.remove(List.of("username", "uid", "groups", "extra"));
    if (user != null) {
      spec.put("username", user.name());
      if (!user.uid().isEmpty()) {
        spec.put("uid", user.uid());
      }
      ArrayNode groups = spec.putArray("groups");
      user.groups().forEach(groups::add);
      if (!user.extra().isEmpty()) {
        ObjectNode extra = spec.putObject("extra");
        for (Map.Entry<String, List<String>> e : user.extra().entrySet()) {
          ArrayNode values = extra.putArray(e.getKey());
          e.getValue().forEach(values::add);
        }
      }
    }
    validateSpec(csr);
  }

  @Override
  public void prepareForUpdate(ObjectNode updated, ObjectNode old) {
    // The spec is immutable; upstream silently keeps the stored one.
    JsonNode spec = old.get("spec");
    if (spec != null) {
      updated.set("spec", spec.deepCopy());
    }
  }

  @Override
  public void prepareForSubresourceUpdate(String subresource, ObjectNode updated, ObjectNode old) {
    ObjectNode status = updated.with("status");
    List<ObjectNode> newConditions = conditions(updated);
    List<ObjectNode> oldConditions = conditions(old);
    List<ObjectNode> merged = new ArrayList<>();
    boolean approval = subresource.equals("approval");
    // Each subresource owns its kind of condition; the other kind is kept as stored.
    for (ObjectNode c : oldConditions) {
      if (APPROVAL_TYPES.contains(c.path("type").asText()) != approval) {
        merged.add(c);
      }
    }
    for (ObjectNode c : newConditions) {
      if (APPROVAL_TYPES.contains(c.path("type").asText()) == approval) {
        stampTimes(c, oldConditions);
        merged.add(c);
      }
    }
    ArrayNode array = status.putArray("conditions");
    merged.forEach(array::add);
    if (merged.isEmpty()) {
      status.remove("conditions");
    }
    if (approval) {
      JsonNode certificate = old.path("status").get("certificate");
      if (certificate == null) {
        status.remove("certificate");
      } else {
        status.set("certificate", certificate.deepCopy());
      }
      validateApproval(updated, old);
    } else {
      validateCertificate(updated, old);
    }
  }

  private void validateSpec(ObjectNode csr) {
    String name = Meta.name(csr);
    JsonNode spec = csr.path("spec");
    String request = spec.path("request").asText("");
    if (request.isEmpty()) {
      throw Statuses.invalid(type, name, "spec.request", "Required value");
    }
    String pem;
    try {
      pem = new String(Base64.getDecoder().decode(request), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw Statuses.invalid(type, name, "spec.request", "Invalid value: not base64 data");
    }
    try {
      CertificateRequest.parsePem(pem);
    } catch (IllegalArgumentException e) {
      throw Statuses.invalid(type, name, "spec.request", "Invalid value: " + e.getMessage());
    }
    String signer = spec.path("signerName").asText("");
    if (signer.isEmpty()) {
      throw Statuses.invalid(type, name, "spec.signerName", "Required value");
    }
    if (!signer.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?(/[^/]+)+")) {
      throw Statuses.invalid(
          type,
          name,
          "spec.signerName",
          "Invalid value: \""
              + signer
              + "\": must be a fully qualified domain and path of the form 'example.com/signer-name'");
    }
    JsonNode usages = spec.path("usages");
    if (!usages.isArray() || usages.isEmpty()) {
      throw Statuses.invalid(type, name, "spec.usages", "Required value");
    }
    for (JsonNode u : usages) {
      if (!USAGES.contains(u.asText())) {
        throw Statuses.invalid(
            type, name, "spec.usages", "Unsupported value: \"" + u.asText() + "\"");
      }
    }
    JsonNode expiration = spec.get("expirationSeconds");
    if (expiration != null && !expiration.isNull() && expiration.asLong() < 600) {
      throw Statuses.invalid(
          type,
          name,
          "spec.expirationSeconds",
          "Invalid value: may not specify a duration less than 600 seconds (10 minutes)");
    }
  }

  private void validateApproval(ObjectNode updated, ObjectNode old) {
    String name = Meta.name(old);
    boolean approved = has(updated, "Approved");
    boolean denied = has(updated, "Denied");
    if (approved && denied) {
      throw Statuses.invalid(
          type,
          name,
          "status.conditions",
          "Invalid value: Approved and Denied conditions are mutually exclusive");
    }
    for (String kind : APPROVAL_TYPES) {
      if (has(old, kind) && !has(updated, kind)) {
        throw Statuses.invalid(
            type,
            name,
            "status.conditions",
            "Forbidden: updates may not remove a condition of type \"" + kind + "\"");
      }
    }
    for (ObjectNode c : conditions(updated)) {
      if (!c.path("status").asText("").equals("True")
          && APPROVAL_TYPES.contains(c.path("type").asText())) {
        throw Statuses.invalid(
            type,
            name,
            "status.conditions",
            "Unsupported value: \"" + c.path("status").asText() + "\": supported values: \"True\"");
      }
    }
  }

  private void validateCertificate(ObjectNode updated, ObjectNode old) {
    String name = Meta.name(old);
    String now = updated.path("status").path("certificate").asText("");
    String before = old.path("status").path("certificate").asText("");
    if (now.equals(before)) {
      return;
    }
    if (!before.isEmpty()) {
      throw Statuses.invalid(
          type,
          name,
          "status.certificate",
          "Forbidden: updates may not modify existing certificate content");
    }
    if (!has(old, "Approved") || has(old, "Denied")) {
      throw Statuses.invalid(
          type,
          name,
          "status.certificate",
          "Forbidden: certificate may only be set for an approved, non-denied request");
    }
    String pem;
    try {
      pem = new String(Base64.getDecoder().decode(now), StandardCharsets.UTF_8);
      io.kuark.server.auth.pki.Pem.certificate(pem);
    } catch (RuntimeException e) {
      throw Statuses.invalid(
          type, name, "status.certificate", "Invalid value: must contain PEM CERTIFICATE blocks");
    }
  }

  private static void stampTimes(ObjectNode condition, List<ObjectNode> before) {
    if (condition.path("lastUpdateTime").asText("").isEmpty()) {
      condition.put("lastUpdateTime", Meta.now());
    }
    if (condition.path("lastTransitionTime").asText("").isEmpty()) {
      String kept = "";
      for (ObjectNode c : before) {
        if (c.path("type").asText().equals(condition.path("type").asText())
            && c.path("status").asText().equals(condition.path("status").asText())) {
          kept = c.path("lastTransitionTime").asText("");
        }
      }
      condition.put("lastTransitionTime", kept.isEmpty() ? Meta.now() : kept);
    }
  }

  static boolean has(JsonNode csr, String conditionType) {
    for (JsonNode c : csr.path("status").path("conditions")) {
      if (c.path("type").asText().equals(conditionType)
          && c.path("status").asText("True").equals("True")) {
        return true;
      }
    }
    return false;
  }

  private static List<ObjectNode> conditions(JsonNode csr) {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode c : csr.path("status").path("conditions")) {
      if (c.isObject()) {
        out.add(((ObjectNode) c).deepCopy());
      }
    }
    return out;
  }
}
