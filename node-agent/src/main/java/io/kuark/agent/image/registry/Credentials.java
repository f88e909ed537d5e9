package io.kuark.agent.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * A user name and password for a registry, as found in a {@code kubernetes.io/dockerconfigjson}
 * pull secret.
 */
public record Credentials(String username, String password) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The HTTP Basic authorization value. */
  public String basic() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Finds credentials for {@code registry} in a {@code .dockerconfigjson} document ({@code
   * {"auths": {"host": {"auth": base64(user:pass)} | {"username", "password"}}}}). Keys may be bare
   * hosts or URLs; Docker Hub also matches {@code https://index.docker.io/v1/}.
   */
  public static Optional<Credentials> fromDockerConfig(String json, String registry)
      throws IOException {
    JsonNode auths = JSON.readTree(json).path("auths");
    Iterator<Map.Entry<String, JsonNode>> entries = auths.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      if (!host(entry.getKey()).equals(registry)) {
        continue;
      }
      JsonNode auth = entry.getValue();
      if (auth.hasNonNull("auth")) {
        String decoded =
            new String(
                Base64.getDecoder().decode(auth.get("auth").asText()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon > 0) {
          return Optional.of(
              new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
        }
      }
      if (auth.hasNonNull("username")) {
        return Optional.of(
            new Credentials(auth.get("username").asText(), auth.path("password").asText("")));
      }
    }
    return Optional.empty();
  }

  /** {@code https://index.docker.io/v1/} → {@code docker.io}, {@code http://h:5000/x} → h:5000. */
  static String host(String key) {
    String host = key;
    int scheme = host.indexOf("://");
    if (scheme >= 0) {
      host = host.substring(scheme + 3);
    }
    int slash = host.indexOf('/');
    if (slash >= 0) {
      host = host.substring(0, slash);
    }
    if (host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
      return "docker.io";
    }
    return host;
  }
}
