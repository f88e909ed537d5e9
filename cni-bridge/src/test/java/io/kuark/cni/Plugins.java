package io.kuark.cni;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The three ways to run a CNI ADD/DEL in tests: reference binary, kuark-bridge binary, in-process.
 */
final class Plugins {
  static final Path REFERENCE = Path.of("/usr/lib/cni/bridge");
  static final Path KUARK_BINARY = Path.of("kuark-bridge").toAbsolutePath();
  static final String CNI_PATH = "/usr/lib/cni";

  enum Kind {
    REFERENCE,
    KUARK_BINARY,
    KUARK_IN_PROCESS
  }

  private Plugins() {}

  static CniOutcome invoke(
      Kind kind,
      TestHost host,
      String command,
      Path podNs,
      String containerId,
      String ifName,
      String config)
      throws Exception {
    CniRequest req =
        new CniRequest(
            command,
            containerId,
            podNs == null ? "" : podNs.toString(),
            ifName,
            "",
            CNI_PATH,
            config.getBytes(StandardCharsets.UTF_8));
    if (kind == Kind.KUARK_IN_PROCESS) {
      return new KuarkBridge(host.linux, host.hostNs).execute(req);
    }
    Path binary = kind == Kind.REFERENCE ? REFERENCE : KUARK_BINARY;
    List<String> cmd =
        new ArrayList<>(List.of("nsenter", "--net=" + host.hostNs, binary.toString()));
    Map<String, String> env = req.environment();
    TestHost.Run r = TestHost.run(cmd, env, req.config());
    return new CniOutcome(r.rc(), r.stdout());
  }
}
