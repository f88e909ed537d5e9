package io.kuark.cni.ipam;

import com.fasterxml.jackson.databind.JsonNode;
import io.kuark.cni.CniException;
import io.kuark.cni.CniRequest;
import io.kuark.cni.Json;
import io.kuark.cni.config.BridgeConf;
import io.kuark.cni.result.CniResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Delegates IPAM to the plugin binary named by ipam.type, found on CNI_PATH (spec delegation). */
public final class ExecIpam implements Ipam {
  @Override
  public CniResult add(CniRequest request, BridgeConf conf) {
    JsonNode out = run(request.withCommand("ADD"), conf);
    return CniResult.fromJson(out, conf.cniVersion());
  }

  @Override
  public void del(CniRequest request, BridgeConf conf) {
    run(request.withCommand("DEL"), conf);
  }

  @Override
  public void check(CniRequest request, BridgeConf conf, CniResult prev) {
    run(request.withCommand("CHECK"), conf);
  }

  @Override
  public void gc(CniRequest request, BridgeConf conf) {
    run(request.withCommand("GC"), conf);
  }

  private JsonNode run(CniRequest request, BridgeConf conf) {
    Path plugin = find(conf.ipamType(), request.path());
    try {
      ProcessBuilder pb = new ProcessBuilder(plugin.toString());
      pb.environment().putAll(request.environment());
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
      Process p = pb.start();
      try (OutputStream stdin = p.getOutputStream()) {
        stdin.write(Json.compact(conf.raw()));
      }
      byte[] stdout = p.getInputStream().readAllBytes();
      int rc = p.waitFor();
      JsonNode out = stdout.length == 0 ? Json.NODES.objectNode() : Json.read(stdout);
      if (rc != 0) {
        throw new CniException(
            out.path("code").asInt(CniException.PLUGIN_FAILURE),
            out.path("msg")
                .asText("IPAM plugin " + conf.ipamType() + " failed with exit code " + rc),
            out.hasNonNull("details") ? out.get("details").asText() : null);
      }
      return out;
    } catch (IOException e) {
      throw new CniException(
          CniException.IO_FAILURE, "running IPAM plugin " + plugin + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CniException(CniException.TRY_AGAIN_LATER, "interrupted running IPAM plugin", e);
    }
  }

  static Path find(String type, String cniPath) {
    if (type.isEmpty() || type.contains("/")) {
      throw new CniException(
          CniException.INVALID_NETWORK_CONFIG, "invalid IPAM type \"" + type + "\"");
    }
    for (String dir : (cniPath == null ? "" : cniPath).split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, type);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new CniException(
        CniException.PLUGIN_FAILURE,
        "failed to find plugin \"" + type + "\" in path [" + cniPath + "]");
  }
}
