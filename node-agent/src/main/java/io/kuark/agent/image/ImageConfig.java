package io.kuark.agent.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an OCI image configuration that decide how a container starts.
 *
 * @param entrypoint ENTRYPOINT, empty when unset
 * @param cmd CMD, empty when unset
 * @param env environment as {@code NAME=value}
 * @param workingDir working directory, empty for "/"
 * @param user user spec ({@code uid[:gid]} or a name), empty for root
 */
public record ImageConfig(
    List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user) {

  public static final ImageConfig EMPTY = new ImageConfig(List.of(), List.of(), List.of(), "", "");

  /** Reads the {@code config} object of an OCI image configuration document. */
  public static ImageConfig fromImageConfigJson(JsonNode document) {
    JsonNode config = document.path("config");
    if (config.isMissingNode() || config.isNull()) {
      config = document.path("container_config");
    }
    return new ImageConfig(
        strings(config.path("Entrypoint")),
        strings(config.path("Cmd")),
        strings(config.path("Env")),
        config.path("WorkingDir").asText(""),
        config.path("User").asText(""));
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    if (array.isArray()) {
      for (JsonNode value : array) {
        values.add(value.asText());
      }
    }
    return List.copyOf(values);
  }
}
