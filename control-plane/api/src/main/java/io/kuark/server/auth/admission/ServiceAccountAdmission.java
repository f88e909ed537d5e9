package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.auth.authz.Forbidden;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Upstream's ServiceAccount admission for new pods: defaults {@code spec.serviceAccountName} to
 * {@code default}, refuses pods whose service account does not exist (403), and unless automounting
 * is off (pod, else service account) adds the projected {@code kube-api-access-*} volume (bound
 * token, cluster CA, namespace) mounted read-only at {@link #MOUNT_PATH} in every container that
 * does not mount something there already.
 */
public final class ServiceAccountAdmission {

  public static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
  static final String VOLUME_PREFIX = "kube-api-access-";
  static final long TOKEN_EXPIRATION_SECONDS = 3607;
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Attempts at reading the {@code default} service account, which the service account controller
   * creates shortly after its namespace: upstream waits for it the same way (10 reads, 100-200 ms
   * apart) instead of failing pods created right after their namespace.
   */
  static final int DEFAULT_ACCOUNT_ATTEMPTS = 10;

  /** Waits between reads of a missing default service account. */
  public interface Pause {
    void pause() throws InterruptedException;
  }

  /** Reads the service account object (namespace, name), or empty. */
  private final BiFunction<String, String, Optional<JsonNode>> serviceAccounts;

  private final Pause pause;

  public ServiceAccountAdmission(BiFunction<String, String, Optional<JsonNode>> serviceAccounts) {
    this(serviceAccounts, () -> Thread.sleep(100 + RANDOM.nextInt(100)));
  }

  ServiceAccountAdmission(
      BiFunction<String, String, Optional<JsonNode>> serviceAccounts, Pause pause) {
    this.serviceAccounts = serviceAccounts;
    this.pause = pause;
  }

  /** Mutates and checks a pod being created. */
  public void admitCreate(ObjectNode pod) {
    JsonNode meta = pod.path("metadata");
    if (meta.path("annotations").has("kubernetes.io/config.mirror")) {
      return;
    }
    ObjectNode spec = pod.with("spec");
    String name = spec.path("serviceAccountName").asText("");
    if (name.isEmpty()) {
      name = spec.path("serviceAccount").asText("");
    }
    if (name.isEmpty()) {
      name = "default";
    }
    spec.put("serviceAccountName", name);
    spec.put("serviceAccount", name);
    String namespace = meta.path("namespace").asText("");
    Optional<JsonNode> sa = find(namespace, name);
    if (sa.isEmpty()) {
      throw Forbidden.status(
          "",
          "pods",
          meta.path("name").asText(""),
          "error looking up service account "
              + namespace
              + "/"
              + name
              + ": serviceaccount \""
              + name
              + "\" not found");
    }
    if (!automount(spec, sa.get()) || mountsTokenPath(spec)) {
      return;
    }
    String volume = VOLUME_PREFIX + suffix();
    spec.withArray("volumes").add(projectedVolume(pod, volume));
    for (String field : new String[] {"initContainers", "containers"}) {
      for (JsonNode c : spec.path(field)) {
        ObjectNode mount = ((ObjectNode) c).withArray("volumeMounts").addObject();
        mount.put("name", volume);
        mount.put("readOnly", true);
        mount.put("mountPath", MOUNT_PATH);
      }
    }
  }

  private Optional<JsonNode> find(String namespace, String name) {
    int attempts = name.equals("default") ? DEFAULT_ACCOUNT_ATTEMPTS : 1;
    Optional<JsonNode> sa = serviceAccounts.apply(namespace, name);
    for (int i = 1; i < attempts && sa.isEmpty(); i++) {
      try {
        pause.pause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      sa = serviceAccounts.apply(namespace, name);
    }
    return sa;
  }

  private static boolean automount(ObjectNode spec, JsonNode sa) {
    if (spec.path("automountServiceAccountToken").isBoolean()) {
      return spec.get("automountServiceAccountToken").asBoolean();
    }
    JsonNode fromSa = sa.path("automountServiceAccountToken");
    return !fromSa.isBoolean() || fromSa.asBoolean();
  }

  /** Upstream skips the whole injection when any container already mounts the token path. */
  private static boolean mountsTokenPath(ObjectNode spec) {
    for (String field : new String[] {"initContainers", "containers"}) {
      for (JsonNode c : spec.path(field)) {
        for (JsonNode m : c.path("volumeMounts")) {
          if (MOUNT_PATH.equals(m.path("mountPath").asText())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  static ObjectNode projectedVolume(ObjectNode pod, String name) {
    ObjectNode volume = pod.objectNode();
    volume.put("name", name);
    ObjectNode projected = volume.putObject("projected");
    projected.put("defaultMode", 420);
    ArrayNode sources = projected.putArray("sources");
    ObjectNode token = sources.addObject().putObject("serviceAccountToken");
    token.put("expirationSeconds", TOKEN_EXPIRATION_SECONDS);
    token.put("path", "token");
    ObjectNode ca = sources.addObject().putObject("configMap");
    ca.put("name", "kube-root-ca.crt");
    ObjectNode caItem = ca.putArray("items").addObject();
    caItem.put("key", "ca.crt");
    caItem.put("path", "ca.crt");
    ObjectNode ns = sources.addObject().putObject("downwardAPI").putArray("items").addObject();
    ns.put("path", "namespace");
    ObjectNode ref = ns.putObject("fieldRef");
    ref.put("apiVersion", "v1");
    ref.put("fieldPath", "metadata.namespace");
    return volume;
  }

  private static String suffix() {
    StringBuilder b = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }
}
