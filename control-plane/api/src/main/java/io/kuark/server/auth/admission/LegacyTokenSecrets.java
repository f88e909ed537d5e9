package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.auth.authn.ServiceAccountTokens;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Legacy service account token Secrets, "only if requested" as upstream now has them: a Secret of
 * type {@code kubernetes.io/service-account-token} naming its service account in the {@code
 * kubernetes.io/service-account.name} annotation gets, when created without a token, what
 * upstream's token controller writes into it — {@code data.token} (a non-expiring token valid while
 * the Secret holds it), {@code data["ca.crt"]}, {@code data.namespace} and the {@code
 * kubernetes.io/service-account.uid} annotation. Kuark fills it in as the Secret is created rather
 * than moments later. A Secret whose service account does not exist stays without a token.
 */
public final class LegacyTokenSecrets implements AdmissionPlugin {
  static final String TYPE = "kubernetes.io/service-account-token";
  static final String NAME_ANNOTATION = "kubernetes.io/service-account.name";
  static final String UID_ANNOTATION = "kubernetes.io/service-account.uid";

  private final ServiceAccountTokens tokens;
  private final BiFunction<String, String, Optional<JsonNode>> serviceAccounts;
  private final Supplier<String> caBundle;

  /**
   * @param serviceAccounts reads a service account (namespace, name)
   * @param caBundle the cluster CA certificate (PEM) for {@code ca.crt}
   */
  public LegacyTokenSecrets(
      ServiceAccountTokens tokens,
      BiFunction<String, String, Optional<JsonNode>> serviceAccounts,
      Supplier<String> caBundle) {
    this.tokens = tokens;
    this.serviceAccounts = serviceAccounts;
    this.caBundle = caBundle;
  }

  @Override
  public void mutate(AdmissionAttributes a) {
    if (!a.create() || !a.is("secrets") || !TYPE.equals(a.object().path("type").asText())) {
      return;
    }
    ObjectNode secret = a.object();
    String account = secret.path("metadata").path("annotations").path(NAME_ANNOTATION).asText("");
    if (account.isEmpty() || a.name().isEmpty() || secret.path("data").hasNonNull("token")) {
      return; // validation names the missing annotation; a given token is the user's own
    }
    Optional<JsonNode> sa = serviceAccounts.apply(a.namespace(), account);
    String uid = sa.map(s -> s.path("metadata").path("uid").asText("")).orElse("");
    if (uid.isEmpty()) {
      return;
    }
    String expectedUid =
        secret.path("metadata").path("annotations").path(UID_ANNOTATION).asText("");
    if (!expectedUid.isEmpty() && !expectedUid.equals(uid)) {
      return; // meant for an earlier service account of that name, as upstream leaves it
    }
    secret.with("metadata").with("annotations").put(UID_ANNOTATION, uid);
    ObjectNode data = secret.with("data");
    data.put("token", base64(tokens.issueLegacy(a.namespace(), account, uid, a.name())));
    data.put("namespace", base64(a.namespace()));
    String ca = caBundle.get();
    if (ca != null) {
      data.put("ca.crt", base64(ca));
    }
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
