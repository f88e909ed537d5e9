package io.kuark.agent.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** The OCI platform of this machine, used to pick a manifest out of an index or manifest list. */
public final class Platform {

  private Platform() {}

  /** OCI architecture name of the running JVM's machine ({@code amd64}, {@code arm64}, …). */
  public static String architecture() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "arm" -> "arm";
      case "ppc64le" -> "ppc64le";
      case "s390x" -> "s390x";
      default -> arch;
    };
  }

  /** Whether an index entry's {@code platform} object matches linux on this architecture. */
  public static boolean matches(JsonNode platform) {
    if (platform == null || platform.isMissingNode() || platform.isNull()) {
      return false;
    }
    return "linux".equals(platform.path("os").asText())
        && architecture().equals(platform.path("architecture").asText());
  }
}
