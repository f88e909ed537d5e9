package io.kuark.server.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.kuark.server.scheduler.plugins.SpreadDefaults;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The part of a {@code kubescheduler.config.k8s.io/v1} KubeSchedulerConfiguration that Kuark's
 * scheduler honours: the {@code default-scheduler} profile's PodTopologySpread args ({@code
 * defaultConstraints}, {@code defaultingType: System|List}), validated as upstream does. Anything
 * else in the file is refused rather than silently ignored.
 */
public final class SchedulerConfiguration {
  static final String API_VERSION = "kubescheduler.config.k8s.io/v1";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private SchedulerConfiguration() {}

  /**
   * The spread defaults of the file {@code --scheduler-config} names; {@link SpreadDefaults#SYSTEM}
   * for null.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or is invalid
   */
  public static SpreadDefaults read(java.nio.file.Path file) {
    if (file == null) {
      return SpreadDefaults.SYSTEM;
    }
    try {
      return spreadDefaults(java.nio.file.Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("--scheduler-config " + file + ": " + e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--scheduler-config " + file + ": " + e.getMessage());
    }
  }

  /**
   * The spread defaults of {@code yaml}; {@link SpreadDefaults#SYSTEM} when it configures none.
   *
   * @throws IllegalArgumentException with the offending field when the file is invalid or uses
   *     something Kuark does not support
   */
  public static SpreadDefaults spreadDefaults(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new IllegalArgumentException("scheduler config is not valid YAML: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("scheduler config must be a KubeSchedulerConfiguration");
    }
    if (!API_VERSION.equals(root.path("apiVersion").asText())
        || !"KubeSchedulerConfiguration".equals(root.path("kind").asText())) {
      throw new IllegalArgumentException(
          "scheduler config must have apiVersion "
              + API_VERSION
              + ", kind KubeSchedulerConfiguration");
    }
    onlyFields(root, "", Set.of("apiVersion", "kind", "profiles"));
    SpreadDefaults defaults = SpreadDefaults.SYSTEM;
    JsonNode profiles = root.path("profiles");
    for (int i = 0; i < profiles.size(); i++) {
      JsonNode profile = profiles.get(i);
      String at = "profiles[" + i + "]";
      onlyFields(profile, at + ".", Set.of("schedulerName", "pluginConfig"));
      String name = profile.path("schedulerName").asText(DefaultProfile.SCHEDULER_NAME);
      if (!DefaultProfile.SCHEDULER_NAME.equals(name)) {
        throw new IllegalArgumentException(
            at + ".schedulerName: only the " + DefaultProfile.SCHEDULER_NAME + " profile exists");
      }
      JsonNode plugins = profile.path("pluginConfig");
      for (int j = 0; j < plugins.size(); j++) {
        JsonNode plugin = plugins.get(j);
        String pat = at + ".pluginConfig[" + j + "]";
        if (!"PodTopologySpread".equals(plugin.path("name").asText())) {
          throw new IllegalArgumentException(
              pat
                  + ".name: only PodTopologySpread args are supported, not \""
                  + plugin.path("name").asText()
                  + "\"");
        }
        defaults = podTopologySpreadArgs(plugin.path("args"), pat + ".args");
      }
    }
    return defaults;
  }

  private static SpreadDefaults podTopologySpreadArgs(JsonNode args, String at) {
    onlyFields(
        args, at + ".", Set.of("kind", "apiVersion", "defaultConstraints", "defaultingType"));
    String type = args.path("defaultingType").asText("System");
    JsonNode listed = args.path("defaultConstraints");
    List<TopologySpreadConstraint> constraints = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < listed.size(); i++) {
      String cat = at + ".defaultConstraints[" + i + "]";
      TopologySpreadConstraint c;
      try {
        c = YAML.treeToValue(listed.get(i), TopologySpreadConstraint.class);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException(cat + ": " + e.getOriginalMessage());
      }
      if (c.getMaxSkew() == null || c.getMaxSkew() <= 0) {
        throw new IllegalArgumentException(cat + ".maxSkew: must be greater than zero");
      }
      if (c.getTopologyKey() == null || c.getTopologyKey().isEmpty()) {
        throw new IllegalArgumentException(cat + ".topologyKey: Required value");
      }
      String when = c.getWhenUnsatisfiable();
      if (!"DoNotSchedule".equals(when) && !"ScheduleAnyway".equals(when)) {
        throw new IllegalArgumentException(
            cat + ".whenUnsatisfiable: supported values: \"DoNotSchedule\", \"ScheduleAnyway\"");
      }
      if (c.getLabelSelector() != null) {
        throw new IllegalArgumentException(
            cat
                + ".labelSelector: constraint must not define a selector, as they deduced for each pod");
      }
      if (!seen.add(c.getTopologyKey() + "/" + when)) {
        throw new IllegalArgumentException(
            cat + ": Duplicate value: {" + c.getTopologyKey() + ", " + when + "}");
      }
      constraints.add(c);
    }
    switch (type) {
      case "System":
        if (!constraints.isEmpty()) {
          throw new IllegalArgumentException(
              at
                  + ".defaultConstraints: Invalid value: when .defaultingType is \"System\", "
                  + ".defaultConstraints must be empty");
        }
        return SpreadDefaults.SYSTEM;
      case "List":
        return SpreadDefaults.list(constraints);
      default:
        throw new IllegalArgumentException(
            at + ".defaultingType: supported values: \"List\", \"System\"");
    }
  }

  private static void onlyFields(JsonNode node, String prefix, Set<String> allowed) {
    if (node.isMissingNode() || node.isNull()) {
      return;
    }
    if (!node.isObject()) {
      String at = prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
      throw new IllegalArgumentException(at + ": must be an object");
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException(
            prefix + name + ": not supported by kuark-server's scheduler");
      }
    }
  }
}
