package io.kuark.server.auth.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The PodSecurity plugin's configuration from {@code --admission-control-config-file}: an upstream
 * {@code AdmissionConfiguration} whose {@code PodSecurity} entry holds (inline, or in the file its
 * {@code path} names) a {@code PodSecurityConfiguration}: the level and version each mode uses in
 * namespaces without labels ({@code defaults}), and the exempt usernames, runtime classes and
 * namespaces ({@code exemptions}).
 *
 * @param defaults level and version per mode ({@code enforce}, {@code audit}, {@code warn})
 */
public record PodSecurityConfig(
    Map<String, PodSecurityAdmission.Policy> defaults,
    Set<String> exemptUsernames,
    Set<String> exemptRuntimeClasses,
    Set<String> exemptNamespaces) {

  /** No file: every mode privileged:latest, nothing exempt (upstream's defaults). */
  public static final PodSecurityConfig DEFAULT =
      new PodSecurityConfig(defaults(null), Set.of(), Set.of(), Set.of());

  private static final List<String> CONFIG_VERSIONS =
      List.of(
          "pod-security.admission.config.k8s.io/v1",
          "pod-security.admission.config.k8s.io/v1beta1",
          "pod-security.admission.config.k8s.io/v1alpha1");

  /**
   * Reads the AdmissionConfiguration; a file without a PodSecurity entry gives {@link #DEFAULT}.
   *
   * @throws IllegalArgumentException with the reason for an unreadable or invalid file
   */
  public static PodSecurityConfig read(Path admissionConfigFile) {
    JsonNode root = yaml(admissionConfigFile);
    String kind = root.path("kind").asText();
    String apiVersion = root.path("apiVersion").asText();
    if (!kind.equals("AdmissionConfiguration")
        || !List.of(
                "apiserver.config.k8s.io/v1",
                "apiserver.k8s.io/v1alpha1",
                "apiserver.config.k8s.io/v1alpha1")
            .contains(apiVersion)) {
      throw new IllegalArgumentException(
          admissionConfigFile
              + ": expected kind AdmissionConfiguration, apiVersion apiserver.config.k8s.io/v1");
    }
    for (JsonNode plugin : root.path("plugins")) {
      if (!plugin.path("name").asText().equals("PodSecurity")) {
        continue;
      }
      if (plugin.has("configuration")) {
        return parse(plugin.path("configuration"), admissionConfigFile.toString());
      }
      String path = plugin.path("path").asText("");
      if (path.isEmpty()) {
        return DEFAULT;
      }
      Path file = Path.of(path);
      if (!file.isAbsolute()) {
        // Upstream resolves a relative path against the admission configuration's directory.
        file = admissionConfigFile.toAbsolutePath().getParent().resolve(file);
      }
      return parse(yaml(file), file.toString());
    }
    return DEFAULT;
  }

  /** Parses a {@code PodSecurityConfiguration} document; {@code where} names it in errors. */
  static PodSecurityConfig parse(JsonNode config, String where) {
    if (!config.path("kind").asText().equals("PodSecurityConfiguration")
        || !CONFIG_VERSIONS.contains(config.path("apiVersion").asText())) {
      throw new IllegalArgumentException(
          where
              + ": expected kind PodSecurityConfiguration, apiVersion"
              + " pod-security.admission.config.k8s.io/v1");
    }
    JsonNode defaults = config.path("defaults");
    for (String mode : PodSecurityAdmission.MODES) {
      String level = defaults.path(mode).asText("privileged");
      if (!PodSecurityAdmission.LEVELS.contains(level)) {
        throw new IllegalArgumentException(
            where
                + ": defaults."
                + mode
                + ": Invalid value: \""
                + level
                + "\": must be one of privileged, baseline, restricted");
      }
      String version = defaults.path(mode + "-version").asText("latest");
      if (PodSecurityVersion.parse(version) == null) {
        throw new IllegalArgumentException(
            where
                + ": defaults."
                + mode
                + "-version: Invalid value: \""
                + version
                + "\": must be \"latest\" or \"v1.x\"");
      }
    }
    JsonNode exemptions = config.path("exemptions");
    return new PodSecurityConfig(
        defaults(defaults),
        names(exemptions.path("usernames"), where + ": exemptions.usernames"),
        names(exemptions.path("runtimeClasses"), where + ": exemptions.runtimeClasses"),
        names(exemptions.path("namespaces"), where + ": exemptions.namespaces"));
  }

  private static Map<String, PodSecurityAdmission.Policy> defaults(JsonNode defaults) {
    Map<String, PodSecurityAdmission.Policy> out = new LinkedHashMap<>();
    for (String mode : PodSecurityAdmission.MODES) {
      String level = defaults == null ? "privileged" : defaults.path(mode).asText("privileged");
      String version =
          defaults == null ? "latest" : defaults.path(mode + "-version").asText("latest");
      out.put(mode, new PodSecurityAdmission.Policy(level, version));
    }
    return Map.copyOf(out);
  }

  private static Set<String> names(JsonNode list, String where) {
    Set<String> out = new TreeSet<>();
    for (JsonNode n : list) {
      String name = n.asText("");
      if (name.isBlank()) {
        throw new IllegalArgumentException(where + ": Invalid value: \"\": must not be empty");
      }
      out.add(name);
    }
    return Set.copyOf(out);
  }

  private static JsonNode yaml(Path file) {
    try {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
      if (root == null) {
        throw new IllegalArgumentException(file + ": empty file");
      }
      return root;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
