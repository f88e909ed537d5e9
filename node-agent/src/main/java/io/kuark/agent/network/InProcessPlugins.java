package io.kuark.agent.network;

import io.kuark.cni.CniOutcome;
import io.kuark.cni.CniRequest;
import io.kuark.cni.KuarkBridge;
import io.kuark.linux.Linux;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * CNI plugin types the agent runs inside its own JVM instead of executing a binary: {@code
 * kuark-bridge}, through {@link KuarkBridge#execute}, and {@code loopback} ({@link
 * InProcessLoopback}); both yield the exit code and stdout as the binary would print them, so the
 * caller treats both paths alike. Each saves a process start per pod.
 */
public final class InProcessPlugins {

  /** The plugin type served in-process by default. */
  public static final String KUARK_BRIDGE = "kuark-bridge";

  /** The reference loopback plugin's type, also served in-process by default. */
  public static final String LOOPBACK = "loopback";

  private final Map<String, Function<CniRequest, CniOutcome>> plugins;

  private InProcessPlugins(Map<String, Function<CniRequest, CniOutcome>> plugins) {
    this.plugins = Map.copyOf(plugins);
  }

  /**
   * kuark-bridge and loopback in-process. One {@link KuarkBridge} per instance; both load native
   * code only on their first ADD/DEL/CHECK, so an agent that never uses them pays nothing.
   */
  public static InProcessPlugins standard() {
    KuarkBridge bridge = new KuarkBridge();
    InProcessLoopback loopback = new InProcessLoopback(Linux::get);
    return new InProcessPlugins(Map.of(KUARK_BRIDGE, bridge::execute, LOOPBACK, loopback::execute));
  }

  /** No plugin in-process: every type is executed from the CNI bin dirs. */
  public static InProcessPlugins none() {
    return new InProcessPlugins(Map.of());
  }

  /** The in-process implementation of {@code type}, if there is one. */
  public Optional<Function<CniRequest, CniOutcome>> find(String type) {
    return Optional.ofNullable(plugins.get(type));
  }
}
