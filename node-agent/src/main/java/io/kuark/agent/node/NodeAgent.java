package io.kuark.agent.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeSystemInfo;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kuark.agent.AgentConfig;
import io.kuark.agent.PatchTargets;
import io.kuark.agent.RequestFailures;
import io.kuark.agent.RetryBackoff;
import io.kuark.agent.RetryWait;
import io.kuark.agent.Retrying;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The node's presence in the API: registers the Node (capacity, addresses, node info, conditions),
 * renews its Lease in {@code kube-node-lease} every 10 s and refreshes its status every 10 s.
 */
public final class NodeAgent implements AutoCloseable, io.kuark.agent.eviction.NodeConditionSink {

  private static final Logger LOG = Logger.getLogger(NodeAgent.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String LEASE_NAMESPACE = "kube-node-lease";
  static final Duration HEARTBEAT = Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final AgentConfig config;
  private final String runtimeVersion;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "node-heartbeat");
            thread.setDaemon(true);
            return thread;
          });
  private final Map<String, String> conditionTransitions = new java.util.HashMap<>();

  /** Pressures from the eviction manager; null until it reported (then it is authoritative). */
  private volatile java.util.Set<String> pressures;

  /** The allocatable resources of the last status written (empty before the first). */
  private volatile Map<String, Quantity> allocatable = Map.of();

  /** Counted down by {@link #close()}: ends the registration attempts and the waits between. */
  private final CountDownLatch closed = new CountDownLatch(1);

  /** Waits between registration attempts; tests record the waits instead. */
  private final RetryWait retryWait;

  public NodeAgent(
      KubernetesClient client, AgentConfig config, String runtimeVersion, Clock clock) {
    this(client, config, runtimeVersion, clock, null);
  }

  /**
   * @param retryWait waits between registration attempts; null: sleep, until {@link #close()}
   */
  NodeAgent(
      KubernetesClient client,
      AgentConfig config,
      String runtimeVersion,
      Clock clock,
      RetryWait retryWait) {
    this.client = client;
    this.config = config;
    this.runtimeVersion = runtimeVersion;
    this.clock = clock;
    this.retryWait = retryWait == null ? RetryWait.until(closed) : retryWait;
  }

  /**
   * The node's allocatable resources as last reported in its status: what kubelet gives the
   * downward API of a container without limits.
   */
  public Map<String, Quantity> allocatable() {
    return allocatable;
  }

  /**
   * {@link #register()}, tried again after every failed request until it succeeds or the agent is
   * closed, as kubelet's registerWithAPIServer keeps trying (after 100 ms doubling to 7 s, {@link
   * RetryBackoff#nodeRegistration()}): an agent started before its API server, or while it
   * restarts, registers once the server answers. Like kubelet it also tries again after a refusal
   * (401, 403, 422): credentials and authorization are fixed on the server's side without the
   * agent; each failure is logged with its reason and what the refusal means.
   *
   * @throws IOException when the agent was closed before the Node was registered, or the node's own
   *     resources cannot be read
   * @throws InterruptedException when interrupted while waiting to try again
   */
  public Node registerRetrying() throws IOException, InterruptedException {
    String stopped = "stopped before node " + config.nodeName() + " was registered";
    return new Retrying<>(
            "registering node " + config.nodeName(),
            KubernetesClientException.class,
            RequestFailures::reason)
        .run(
            this::register,
            RetryBackoff.nodeRegistration(),
            retryWait,
            () -> closed.getCount() == 0,
            cause -> new IOException(stopped, cause));
  }

  /** Creates the Node if missing and writes its status (one attempt). */
  public Node register() throws IOException {
    Node existing = client.nodes().withName(config.nodeName()).get();
    if (existing == null) {
      Node node =
          new NodeBuilder()
              .withNewMetadata()
              .withName(config.nodeName())
              .addToLabels("kubernetes.io/hostname", config.nodeName())
              .addToLabels("kubernetes.io/os", "linux")
              .addToLabels("kubernetes.io/arch", io.kuark.agent.image.Platform.architecture())
              .addToLabels("beta.kubernetes.io/os", "linux")
              .addToLabels("beta.kubernetes.io/arch", io.kuark.agent.image.Platform.architecture())
              .endMetadata()
              .withNewSpec()
              .endSpec()
              .build();
      try {
        client.nodes().resource(node).create();
        LOG.infof("registered node %s", config.nodeName());
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
    updateStatus();
    renewLease();
    return client.nodes().withName(config.nodeName()).get();
  }

  /** Starts the periodic lease renewal and status refresh. */
  public void startHeartbeats() {
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            renewLease();
          } catch (RuntimeException e) {
            LOG.warnf("lease renewal failed: %s", e.getMessage());
          }
          try {
            updateStatus();
          } catch (IOException | RuntimeException e) {
            LOG.warnf("node status update failed: %s", e.getMessage());
          }
        },
        HEARTBEAT.toMillis(),
        HEARTBEAT.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Waits until the control plane assigned {@code spec.podCIDR} (node IPAM) and returns it, polling
   * every second. A failed read (the API server gone meanwhile) is one more poll, logged once per
   * outage, not the end of the wait: the node's CNI configuration depends on the answer.
   */
  public String awaitPodCidr(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean logged = false;
    boolean failing = false;
    while (true) {
      Node node = null;
      try {
        node = client.nodes().withName(config.nodeName()).get();
        failing = false;
      } catch (KubernetesClientException e) {
        if (!failing) {
          LOG.warnf(
              "reading the pod CIDR of node %s failed: %s; polling on",
              config.nodeName(), RequestFailures.reason(e));
          failing = true;
        }
      }
      if (node != null
          && node.getSpec() != null
          && node.getSpec().getPodCIDR() != null
          && !node.getSpec().getPodCIDR().isEmpty()) {
        return node.getSpec().getPodCIDR();
      }
      if (System.nanoTime() > deadline) {
        return null;
      }
      if (!logged) {
        LOG.infof(
            "waiting for the control plane to assign a pod CIDR to node %s", config.nodeName());
        logged = true;
      }
      Thread.sleep(1000);
    }
  }

  synchronized void updateStatus() throws IOException {
    Map<String, Quantity> capacity = NodeResources.capacity(config.dataDir());
    NodeStatus status = new NodeStatus();
    status.setCapacity(capacity);
    Map<String, Quantity> nowAllocatable = NodeResources.allocatable(capacity);
    status.setAllocatable(nowAllocatable);
    allocatable = Map.copyOf(nowAllocatable);
    List<NodeAddress> addresses = new ArrayList<>();
    addresses.add(new NodeAddress(config.nodeIp(), "InternalIP"));
    addresses.add(new NodeAddress(config.nodeName(), "Hostname"));
    status.setAddresses(addresses);
    status.setConditions(conditions());
    NodeSystemInfo info = new NodeSystemInfo();
    info.setArchitecture(io.kuark.agent.image.Platform.architecture());
    info.setOperatingSystem("linux");
    info.setKernelVersion(read("/proc/sys/kernel/osrelease"));
    info.setOsImage(osImage());
    info.setContainerRuntimeVersion(runtimeVersion);
    info.setKubeletVersion("v1.33.0-kuark");
    info.setKubeProxyVersion("");
    info.setMachineID(read("/etc/machine-id"));
    info.setSystemUUID(read("/sys/class/dmi/id/product_uuid"));
    info.setBootID(read("/proc/sys/kernel/random/boot_id"));
    status.setNodeInfo(info);
    status.setDaemonEndpoints(
        new io.fabric8.kubernetes.api.model.NodeDaemonEndpointsBuilder()
            .withNewKubeletEndpoint(config.port())
            .build());
    // JSON patch "add /status" replaces the member whole: lists (conditions, addresses) never
    // merge.
    com.fasterxml.jackson.databind.node.ArrayNode patch = JSON.createArrayNode();
    ObjectNode op = patch.addObject();
    op.put("op", "add");
    op.put("path", "/status");
    op.set("value", JSON.valueToTree(status));
    client
        .nodes()
        .resource(PatchTargets.named(new Node(), null, config.nodeName(), null))
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), patch.toString());
  }

  /**
   * The eviction manager's verdict: the pressure conditions follow it, written right away instead
   * of at the next heartbeat (the node lifecycle controller turns them into taints; NodeRestriction
   * forbids a node changing its own taints).
   */
  @Override
  public void pressureChanged(java.util.Set<String> now) {
    pressures = now;
    try {
      updateStatus();
    } catch (IOException | RuntimeException e) {
      LOG.warnf("node status update failed: %s", e.getMessage());
    }
  }

  private List<NodeCondition> conditions() throws IOException {
    String now = time(clock.instant());
    java.util.Set<String> reported = pressures;
    boolean memoryPressure;
    boolean diskPressure;
    boolean pidPressure = false;
    if (reported != null) {
      memoryPressure = reported.contains("MemoryPressure");
      diskPressure = reported.contains("DiskPressure");
      pidPressure = reported.contains("PIDPressure");
    } else {
      long memAvailable = NodeResources.memAvailableKib() * 1024;
      memoryPressure = memAvailable < NodeResources.EVICTION_MEMORY;
      diskPressure = NodeResources.diskAvailableFraction(existing(config.dataDir())) < 0.10;
    }
    List<NodeCondition> conditions = new ArrayList<>();
    conditions.add(
        condition(
            "MemoryPressure",
            memoryPressure,
            memoryPressure ? "KubeletHasInsufficientMemory" : "KubeletHasSufficientMemory",
            memoryPressure
                ? "kubelet has insufficient memory available"
                : "kubelet has sufficient memory available",
            now));
    conditions.add(
        condition(
            "DiskPressure",
            diskPressure,
            diskPressure ? "KubeletHasDiskPressure" : "KubeletHasNoDiskPressure",
            diskPressure ? "kubelet has disk pressure" : "kubelet has no disk pressure",
            now));
    conditions.add(
        condition(
            "PIDPressure",
            pidPressure,
            pidPressure ? "KubeletHasInsufficientPID" : "KubeletHasSufficientPID",
            pidPressure
                ? "kubelet has insufficient PID available"
                : "kubelet has sufficient PID available",
            now));
    conditions.add(
        condition("Ready", true, "KubeletReady", "kubelet is posting ready status", now));
    return conditions;
  }

  private NodeCondition condition(
      String type, boolean value, String reason, String message, String now) {
    String status = value ? "True" : "False";
    String key = type + "=" + status;
    String transition = conditionTransitions.computeIfAbsent(key, k -> now);
    conditionTransitions.keySet().removeIf(k -> k.startsWith(type + "=") && !k.equals(key));
    NodeCondition condition = new NodeCondition();
    condition.setType(type);
    condition.setStatus(status);
    condition.setReason(reason);
    condition.setMessage(message);
    condition.setLastHeartbeatTime(now);
    condition.setLastTransitionTime(transition);
    return condition;
  }

  void renewLease() {
    String now = microTime(clock.instant());
    Lease lease = client.leases().inNamespace(LEASE_NAMESPACE).withName(config.nodeName()).get();
    if (lease == null) {
      Lease fresh =
          new LeaseBuilder()
              .withNewMetadata()
              .withName(config.nodeName())
              .withNamespace(LEASE_NAMESPACE)
              .endMetadata()
              .withNewSpec()
              .withHolderIdentity(config.nodeName())
              .withLeaseDurationSeconds(40)
              .withRenewTime(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
              .endSpec()
              .build();
      try {
        client.leases().inNamespace(LEASE_NAMESPACE).resource(fresh).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          ensureLeaseNamespace();
        } else if (e.getCode() != 409) {
          throw e;
        }
      }
      return;
    }
    // The lease just read names the patch: patching by name would make fabric8 GET it again.
    client
        .leases()
        .inNamespace(LEASE_NAMESPACE)
        .resource(lease)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"renewTime\":\"" + now + "\"}}");
  }

  private void ensureLeaseNamespace() {
    try {
      client
          .namespaces()
          .resource(
              new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                  .withNewMetadata()
                  .withName(LEASE_NAMESPACE)
                  .endMetadata()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        LOG.warnf("cannot create namespace %s: %s", LEASE_NAMESPACE, e.getMessage());
      }
    }
  }

  private static Path existing(Path path) {
    Path current = path;
    while (current != null && !Files.exists(current)) {
      current = current.getParent();
    }
    return current == null ? Path.of("/") : current;
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file)).trim();
    } catch (IOException e) {
      return "";
    }
  }

  private static String osImage() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("PRETTY_NAME=")) {
          return line.substring("PRETTY_NAME=".length()).replace("\"", "");
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return "Linux";
  }

  static String time(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  static String microTime(Instant instant) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
        .withZone(ZoneOffset.UTC)
        .format(instant.truncatedTo(ChronoUnit.MICROS));
  }

  @Override
  public void close() {
    closed.countDown();
    timer.shutdownNow();
  }
}
