package io.kuark.agent.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * When a projected ServiceAccount token is due for renewal, by kubelet's rule: once 80 % of its
 * lifetime has passed, or once it is 24 hours old. The lifetime ends at the token's {@code
 * kubernetes.io.warnafter} claim when it has one (the API server extends tokens asked for with 3607
 * s to a year but warns after 3607 s; kubelet renews on the requested lifetime), else at {@code
 * exp}. A token that cannot be read is due.
 */
public interface TokenRenewal {

  /** Renews every time (a container start asks for a fresh token). */
  TokenRenewal ALWAYS = token -> true;

  boolean due(String token);

  /** Kubelet's rule against {@code clock}. */
  static TokenRenewal kubelet(Clock clock) {
    ObjectMapper json = new ObjectMapper();
    Duration maxAge = Duration.ofHours(24);
    return token -> {
      try {
        String[] parts = token.trim().split("\\.");
        JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
        long issued = claims.path("iat").asLong(0);
        long end = claims.path("kubernetes.io").path("warnafter").asLong(0);
        if (end == 0) {
          end = claims.path("exp").asLong(0);
        }
        if (issued == 0 || end <= issued) {
          return true;
        }
        long now = clock.instant().getEpochSecond();
        long renewAt = Math.min(issued + (end - issued) * 8 / 10, issued + maxAge.toSeconds());
        return now >= renewAt;
      } catch (RuntimeException | java.io.IOException e) {
        return true;
      }
    };
  }
}
