package io.kuark.agent.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.cni.CniOutcome;
import io.kuark.cni.CniRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * {@link NetworkPlugin} that executes CNI plugins (spec 0.4/1.0): the configuration list in the CNI
 * conf dir is run plugin by plugin for ADD (each getting the previous result) and in reverse for
 * DEL. Loopback is brought up by a {@code loopback} plugin. Types in {@link InProcessPlugins}
 * (kuark-bridge, loopback) run inside the agent; any other plugin is executed from the bin dirs,
 * except a {@code portmap} step without port mappings, which would do nothing (see {@link
 * #isNoOpPortmap}).
 */
public final class CniNetworkPlugin implements NetworkPlugin {

  private static final Logger LOG = Logger.getLogger(CniNetworkPlugin.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path confDir;
  private final List<Path> binDirs;

  private final InProcessPlugins inProcessPlugins;

  /**
   * @param inProcessPlugins plugin types run inside the agent; every other type is executed from
   *     {@code binDirs}
   */
  public CniNetworkPlugin(Path confDir, List<Path> binDirs, InProcessPlugins inProcessPlugins) {
    this.confDir = confDir;
    this.binDirs = List.copyOf(binDirs);
    this.inProcessPlugins = inProcessPlugins;
  }

  @Override
  public CniResult setUp(Sandbox sandbox) throws IOException {
    ObjectNode list =
        CniConfigFiles.load(confDir)
            .orElseThrow(() -> new IOException("no CNI configuration in " + confDir));
    loopback(sandbox, "ADD");
    JsonNode previous = null;
    for (JsonNode plugin : list.path("plugins")) {
      if (isNoOpPortmap(plugin)) {
        continue; // its ADD would hand prevResult on unchanged
      }
      ObjectNode config = pluginConfig(list, plugin, previous);
      JsonNode result = invoke("ADD", config, sandbox, "eth0");
      if (result != null && !result.isMissingNode() && result.size() > 0) {
        previous = result;
      }
    }
    if (previous == null) {
      throw new IOException("CNI network " + list.path("name").asText() + " returned no result");
    }
    return CniResult.parse(previous);
  }

  @Override
  public void tearDown(Sandbox sandbox, JsonNode previous) throws IOException {
    ObjectNode list = CniConfigFiles.load(confDir).orElse(null);
    if (list == null) {
      LOG.warnf("no CNI configuration in %s; cannot release %s", confDir, sandbox.containerId());
      return;
    }
    List<JsonNode> plugins = new ArrayList<>();
    list.path("plugins").forEach(plugins::add);
    IOException failure = null;
    for (int i = plugins.size() - 1; i >= 0; i--) {
      if (isNoOpPortmap(plugins.get(i))) {
        continue; // its ADD was skipped too: no rules to remove
      }
      try {
        invoke("DEL", pluginConfig(list, plugins.get(i), previous), sandbox, "eth0");
      } catch (IOException e) {
        // Keep going: later plugins (IPAM release) must still run.
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void loopback(Sandbox sandbox, String command) throws IOException {
    ObjectNode config = JSON.createObjectNode();
    config.put("cniVersion", "1.0.0");
    config.put("name", "cni-loopback");
    config.put("type", "loopback");
    invoke(command, config, sandbox, "lo");
  }

  /**
   * The reference {@code portmap} plugin given no port mappings: its ADD returns prevResult
   * unchanged and adds no rules, so its DEL has none to remove. The agent has no hostPort support
   * yet and always hands it an empty list (see {@link #pluginConfig}); skipping it saves a process
   * start per pod set-up and per tear-down. When hostPorts come, this must look at the pod's.
   */
  static boolean isNoOpPortmap(JsonNode plugin) {
    return "portmap".equals(plugin.path("type").asText());
  }

  private static ObjectNode pluginConfig(ObjectNode list, JsonNode plugin, JsonNode previous) {
    ObjectNode config = plugin.deepCopy();
    config.put("cniVersion", list.path("cniVersion").asText("1.0.0"));
    config.put("name", list.path("name").asText());
    if (previous != null) {
      config.set("prevResult", previous);
    }
    if (plugin.path("capabilities").path("portMappings").asBoolean(false)) {
      // No hostPort support yet: an empty list keeps portmap a no-op.
      config.putObject("runtimeConfig").putArray("portMappings");
    }
    return config;
  }

  /**
   * Runs one plugin, in-process when {@link InProcessPlugins} has its type, else by executing its
   * binary; returns its parsed stdout (null if empty). Both paths report failures alike.
   */
  JsonNode invoke(String command, ObjectNode config, Sandbox sandbox, String ifName)
      throws IOException {
    String type = config.path("type").asText();
    String cniPath = binDirs.stream().map(Path::toString).collect(Collectors.joining(":"));
    String cniArgs =
        "IgnoreUnknown=1;K8S_POD_NAMESPACE="
            + sandbox.namespace()
            + ";K8S_POD_NAME="
            + sandbox.podName()
            + ";K8S_POD_INFRA_CONTAINER_ID="
            + sandbox.containerId()
            + ";K8S_POD_UID="
            + sandbox.podUid();
    byte[] stdin = JSON.writeValueAsBytes(config);
    Optional<Function<CniRequest, CniOutcome>> inProcess = inProcessPlugins.find(type);
    Outcome outcome;
    if (inProcess.isPresent()) {
      CniRequest request =
          new CniRequest(
              command,
              sandbox.containerId(),
              sandbox.netns().toString(),
              ifName,
              cniArgs,
              cniPath,
              stdin);
      CniOutcome result = inProcess.get().apply(request);
      outcome = new Outcome(result.exitCode(), result.stdout(), "");
    } else {
      outcome = exec(type, command, sandbox, ifName, cniPath, cniArgs, stdin);
    }
    String out = outcome.stdout().trim();
    if (outcome.exitCode() != 0) {
      int code = 0;
      String message = out;
      try {
        JsonNode error = JSON.readTree(out);
        code = error.path("code").asInt();
        message = error.path("msg").asText(out) + detail(error);
      } catch (IOException notJson) {
        message = out + " " + outcome.stderr().trim();
      }
      throw new CniException(type, code, command + " " + message);
    }
    return out.isEmpty() ? null : JSON.readTree(out);
  }

  /** What one plugin run produced. */
  private record Outcome(int exitCode, String stdout, String stderr) {}

  private Outcome exec(
      String type,
      String command,
      Sandbox sandbox,
      String ifName,
      String cniPath,
      String cniArgs,
      byte[] stdin)
      throws IOException {
    Path binary = find(type);
    ProcessBuilder builder = new ProcessBuilder(binary.toString());
    Map<String, String> env = builder.environment();
    env.put("CNI_COMMAND", command);
    env.put("CNI_CONTAINERID", sandbox.containerId());
    env.put("CNI_NETNS", sandbox.netns().toString());
    env.put("CNI_IFNAME", ifName);
    env.put("CNI_PATH", cniPath);
    env.put("CNI_ARGS", cniArgs);
    Process process = builder.start();
    CompletableFuture<byte[]> stderr =
        CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin);
    }
    byte[] stdout;
    try (InputStream in = process.getInputStream()) {
      stdout = in.readAllBytes();
    }
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new CniException(type, 0, command + " timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for CNI plugin " + type, e);
    }
    return new Outcome(
        process.exitValue(),
        new String(stdout, StandardCharsets.UTF_8),
        process.exitValue() != 0 ? new String(stderr.join(), StandardCharsets.UTF_8) : "");
  }

  private static String detail(JsonNode error) {
    String details = error.path("details").asText("");
    return details.isEmpty() ? "" : " (" + details + ")";
  }

  private Path find(String type) throws IOException {
    if (type.isEmpty() || type.contains("/")) {
      throw new IOException("bad CNI plugin type \"" + type + "\"");
    }
    for (Path dir : binDirs) {
      Path candidate = dir.resolve(type);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IOException("CNI plugin " + type + " not found in " + binDirs);
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
