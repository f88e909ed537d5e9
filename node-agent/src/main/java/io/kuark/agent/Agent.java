package io.kuark.agent;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kuark.agent.api.AgentApiServer;
import io.kuark.agent.api.ClientAuthorizer;
import io.kuark.agent.api.NetnsPodDialer;
import io.kuark.agent.api.ServingCertificate;
import io.kuark.agent.events.ApiEventRecorder;
import io.kuark.agent.events.EventRecorder;
import io.kuark.agent.eviction.EvictionManager;
import io.kuark.agent.eviction.HostSignals;
import io.kuark.agent.eviction.NodeReclaimer;
import io.kuark.agent.eviction.Threshold;
import io.kuark.agent.fs.StatvfsUsageSource;
import io.kuark.agent.image.ArchiveImporter;
import io.kuark.agent.image.ExecOverlayMarks;
import io.kuark.agent.image.ImageStore;
import io.kuark.agent.image.gc.ContainerImagesInUse;
import io.kuark.agent.image.gc.ImageGarbageCollector;
import io.kuark.agent.image.gc.ImageReclaimer;
import io.kuark.agent.image.registry.ImageFetcher;
import io.kuark.agent.image.registry.ImagePuller;
import io.kuark.agent.image.registry.RegistryClient;
import io.kuark.agent.join.CertificateRotation;
import io.kuark.agent.join.JoinException;
import io.kuark.agent.join.NodeJoin;
import io.kuark.agent.linux.HostKernel;
import io.kuark.agent.linux.LinuxFfiHostKernel;
import io.kuark.agent.linux.NetlinkHostRoutes;
import io.kuark.agent.metrics.AgentMetrics;
import io.kuark.agent.metrics.MeteredRuntime;
import io.kuark.agent.metrics.PodStartTracker;
import io.kuark.agent.network.CniConfigFiles;
import io.kuark.agent.network.CniNetworkPlugin;
import io.kuark.agent.network.InProcessPlugins;
import io.kuark.agent.network.NetworkPlugin;
import io.kuark.agent.network.proxy.ProxyConfig;
import io.kuark.agent.network.proxy.ServiceProxy;
import io.kuark.agent.network.routes.PeerRouting;
import io.kuark.agent.node.NodeAgent;
import io.kuark.agent.pod.ContainerStarter;
import io.kuark.agent.pod.PodDeadContainers;
import io.kuark.agent.pod.PodEvictions;
import io.kuark.agent.pod.PodManager;
import io.kuark.agent.pod.PodSandbox;
import io.kuark.agent.pod.StaticPods;
import io.kuark.agent.pod.StatusWriter;
import io.kuark.agent.pod.gc.ContainerGarbageCollector;
import io.kuark.agent.pod.gc.ContainerReclaimer;
import io.kuark.agent.runtime.ContainerRuntime;
import io.kuark.agent.runtime.CriLogWriter;
import io.kuark.agent.runtime.LogCopiers;
import io.kuark.agent.runtime.runc.RuncRuntime;
import io.kuark.agent.stats.SummaryBuilder;
import io.kuark.kubeclient.MultiplexedHttpClientFactory;
import io.kuark.linux.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.jboss.logging.Logger;

/**
 * The agent process: wires the kernel seam, image store, runtime, CNI, node registration and pod
 * manager, in the order the node needs them (safety routes before any pod, images before pods, Node
 * before pods).
 */
public final class Agent implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(Agent.class);
  private static final String ROUTE_LOCALNET = "net.ipv4.conf.all.route_localnet";

  private final AgentConfig config;
  private final HostKernel kernel;
  private KubernetesClient client;
  private boolean ownsClient;
  private volatile PodManager pods;
  private volatile NodeAgent node;

  /** Counted down when {@link #close()} begins: ends a join still waiting for its server. */
  private final CountDownLatch stopping = new CountDownLatch(1);

  private Thread cniConfWriter;
  private AgentDns dns;
  private ServiceProxy proxy;
  private String routeLocalnetBefore;
  private PeerRouting peerRouting;
  private ImagePuller imagePuller;
  private ApiEventRecorder events;
  private ApiSources sources;
  private AgentApiServer api;
  private StaticPods staticPods;
  private EvictionManager eviction;
  private ImageGarbageCollector imageGc;
  private ContainerGarbageCollector containerGc;
  private AutoCloseable statsSampler;
  private Optional<ServingCertificate> joinedServing = Optional.empty();
  private CertificateRotation rotation;

  public Agent(AgentConfig config, HostKernel kernel) {
    this.config = config;
    this.kernel = kernel;
  }

  /** The production kernel seam: linux-ffi for namespaces, mounts and routes. */
  public static HostKernel linuxKernel() {
    Linux linux = Linux.get();
    return new LinuxFfiHostKernel(linux, new NetlinkHostRoutes(linux));
  }

  /** Builds the client from {@code --kubeconfig}. */
  static KubernetesClient client(Path kubeconfig) throws IOException {
    Config config = clientConfig(kubeconfig);
    // Watches stream over the client's one HTTP/2 connection, not a WebSocket (and a TLS
    // connection) each.
    config.setOnlyHttpWatches(true);
    return new KubernetesClientBuilder()
        .withHttpClientFactory(new MultiplexedHttpClientFactory())
        .withConfig(config)
        .build();
  }

  /**
   * The client configuration of {@code --kubeconfig}. fabric8's token-refresh interceptor re-reads
   * and re-parses the kubeconfig file before every request once a minute has passed, and only a
   * read that yields a bearer token counts as a refresh: with certificate credentials (the admin
   * and joined agents' kubeconfigs) that was a YAML parse per request, 16 % of the agent's Java CPU
   * in a burst. Only a kubeconfig with a token (which may be rotated in the file) keeps its file.
   */
  static Config clientConfig(Path kubeconfig) throws IOException {
    String content = Files.readString(kubeconfig);
    Config withFile = Config.fromKubeconfig(null, content, kubeconfig.toString());
    if (withFile.getOauthTokenProvider() != null
        || withFile.getOauthToken() != null
        || withFile.getAutoOAuthToken() != null) {
      return withFile;
    }
    // Read without its path, the file is not read again; unless it names certificate files by
    // relative paths, which only resolve against the file's folder.
    Config detached = Config.fromKubeconfig(null, content, null);
    boolean samePaths =
        Objects.equals(withFile.getCaCertFile(), detached.getCaCertFile())
            && Objects.equals(withFile.getClientCertFile(), detached.getClientCertFile())
            && Objects.equals(withFile.getClientKeyFile(), detached.getClientKeyFile());
    return samePaths ? detached : withFile;
  }

  /**
   * Starts everything; returns once the Node is registered and pods are being watched. With {@code
   * --server}/{@code --token} the agent first joins (node credentials through CSRs).
   */
  public void start() throws IOException, InterruptedException, JoinException {
    KubernetesClient own;
    if (config.join() != null) {
      NodeJoin.Joined joined =
          new NodeJoin(
                  config.join(),
                  config.nodeName(),
                  List.of(config.nodeName(), config.nodeIp()),
                  config.agentDir(),
                  Clock.systemUTC(),
                  stopping)
              .join();
      own = joined.client();
      joinedServing = joined.serving();
      rotation = joined.rotation();
    } else {
      own = client(config.kubeconfig());
    }
    ownsClient = true;
    start(own);
  }

  /** Like {@link #start()} with a given client (tests). */
  public void start(KubernetesClient apiClient) throws IOException, InterruptedException {
    this.client = apiClient;
    Files.createDirectories(config.agentDir());
    Files.createDirectories(config.netnsDir());
    // Safety first: cluster and service addresses must never leave through the uplink.
    kernel.ensureBlackholeRoute(config.clusterCidr());
    kernel.ensureBlackholeRoute(config.serviceCidr());
    dns = AgentDns.start(client, config);
    if (dns != null) {
      routeServicesIntoDnsLink();
    }

    ImageStore images =
        new ImageStore(config.agentDir().resolve("content"), new ExecOverlayMarks());
    Files.createDirectories(config.imageDropDir());
    new ArchiveImporter(images, config.agentDir().resolve("tmp"))
        .importDirectory(config.imageDropDir());

    RuncRuntime runtime =
        new RuncRuntime(
            "runc",
            config.runcRoot(),
            config.agentDir().resolve("containers"),
            new LogCopiers(
                Clock.systemUTC(),
                new CriLogWriter.Rotation(
                    config.node().containerLogMaxSize(), config.node().containerLogMaxFiles())));
    AgentMetrics metrics = new AgentMetrics();
    SummaryBuilder summary =
        new SummaryBuilder(
            new SummaryBuilder.Sources(
                config.nodeName(),
                runtime,
                config.podLogDir(),
                config.agentDir(),
                Path.of("/sys/fs/cgroup"),
                Path.of("/proc"),
                Clock.systemUTC()));
    metrics.gauges(() -> summary.runningCounts()[0], () -> summary.runningCounts()[1]);
    statsSampler = summary.startSampling(Duration.ofSeconds(10));
    ContainerRuntime meteredRuntime = new MeteredRuntime(runtime, metrics);
    NetworkPlugin network =
        new CniNetworkPlugin(config.cniConfDir(), config.cniBinDirs(), InProcessPlugins.standard());

    // The agent API is up before the Node is registered, so the Node reports the bound port.
    api =
        new AgentApiServer(
            new AgentApiServer.Deps(
                ClientAuthorizer.forCluster(client, config.nodeName(), Clock.systemUTC()),
                (namespace, name) -> pods == null ? Optional.empty() : pods.find(namespace, name),
                meteredRuntime,
                new NetnsPodDialer(Linux.get().namespaces(), config.netnsDir()),
                config.podLogDir(),
                Clock.systemUTC(),
                metrics::render,
                summary::build),
            joinedServing.isPresent()
                ? joinedServing.get()
                : ServingCertificate.generate(config.nodeName(), List.of(config.nodeIp())));
    int apiPort = api.start(config.port());
    node = new NodeAgent(client, config.withPort(apiPort), runtime.version(), Clock.systemUTC());
    if (closed()) {
      // close() ran before the NodeAgent existed, so it could not end the registration attempts.
      throw new IOException("agent stopped while starting");
    }
    node.registerRetrying();
    events = new ApiEventRecorder(client, config.nodeName(), Clock.systemUTC());
    events.record(
        new ObjectReferenceBuilder()
            .withKind("Node")
            .withName(config.nodeName())
            .withUid(config.nodeName())
            .build(),
        EventRecorder.NORMAL,
        "Starting",
        "Starting kubelet.");
    node.startHeartbeats();
    peerRouting = PeerRouting.start(config, client);
    ensureCniConf();

    imagePuller =
        new ImagePuller(images, new RegistryClient(Set.copyOf(config.insecureRegistries())), 3);
    ContainerStarter starter =
        new ContainerStarter(
            config,
            images,
            kernel,
            meteredRuntime,
            sources = new ApiSources(client, node::allocatable),
            new ImageFetcher(images, imagePuller, Clock.systemUTC()),
            events);
    PodSandbox sandbox = new PodSandbox(config, kernel, network);
    pods =
        new PodManager(
            new PodManager.Deps(
                config,
                kernel,
                meteredRuntime,
                starter,
                sandbox,
                new StatusWriter(client, new PodStartTracker(metrics, Clock.systemUTC())),
                events,
                Clock.systemUTC()),
            client);
    Files.createDirectories(config.node().podManifestPath());
    staticPods = new StaticPods(config.node().podManifestPath(), config.nodeName(), pods, client);
    staticPods.load();
    pods.start();
    staticPods.start();
    // Started after the pod manager, which knows the pods whose images are in use.
    imageGc =
        new ImageGarbageCollector(
            images,
            new ContainerImagesInUse(runtime, pods::boundPods, images),
            new StatvfsUsageSource(Linux.get()),
            config.agentDir().resolve("content"),
            config.node().imageGc(),
            Clock.systemUTC(),
            events,
            nodeReference());
    imageGc.start(ImageGarbageCollector.PERIOD);
    containerGc =
        new ContainerGarbageCollector(
            PodDeadContainers.of(pods),
            config.node().containerGc(),
            events,
            nodeReference(),
            Clock.systemUTC());
    containerGc.start(ContainerGarbageCollector.PERIOD);
    eviction =
        new EvictionManager(
            new EvictionManager.Settings(
                Threshold.parseList(config.node().evictionHard()),
                config.node().evictionPressureTransitionPeriod(),
                config.node().housekeepingInterval()),
            new HostSignals(
                Path.of("/proc"), config.dataDir(), config.agentDir().resolve("content")),
            new PodEvictions(pods, Path.of("/sys/fs/cgroup")),
            node,
            NodeReclaimer.inOrder(
                new ContainerReclaimer(containerGc),
                new ImageReclaimer(
                    imageGc,
                    sameFileSystem(config.dataDir(), config.agentDir().resolve("content")))),
            Clock.systemUTC());
    eviction.start();
    startServiceProxy();
  }

  /** The Node as the involved object of the agent's node events. */
  private io.fabric8.kubernetes.api.model.ObjectReference nodeReference() {
    return new ObjectReferenceBuilder()
        .withKind("Node")
        .withName(config.nodeName())
        .withUid(config.nodeName())
        .build();
  }

  private static boolean sameFileSystem(Path a, Path b) {
    try {
      return Files.getAttribute(a, "unix:dev").equals(Files.getAttribute(b, "unix:dev"));
    } catch (IOException | RuntimeException e) {
      return true; // the usual layout: the image store under the data directory
    }
  }

  /** Starts the service proxy; it keeps retrying in the background when the API is not there. */
  /**
   * Gives the host's own sockets a route to ClusterIPs (through the DNS dummy link, in front of the
   * service CIDR's blackhole), as kube-proxy's IPVS mode does with kube-ipvs0. Not fatal: without
   * it only host-to-ClusterIP connections fail (EINVAL), pods are unaffected.
   */
  private void routeServicesIntoDnsLink() {
    try {
      kernel.ensureLocalRoute(config.serviceCidr(), config.dns().link());
    } catch (IOException e) {
      LOG.errorf(e, "the host cannot reach ClusterIPs");
    }
  }

  private void startServiceProxy() {
    AgentConfig.Proxy settings = config.proxy();
    if (settings.localhostNodePorts()) {
      // Lets NodePort and LoadBalancer traffic to 127.0.0.1 be DNATed to pods (as upstream's
      // iptables mode does); the proxy table drops other traffic to 127/8 that did not come in
      // on lo.
      routeLocalnetBefore = Linux.get().sysctl().get(ROUTE_LOCALNET);
      Linux.get().sysctl().set(ROUTE_LOCALNET, "1");
    }
    proxy =
        new ServiceProxy(
            new ProxyConfig(
                settings.table(),
                config.nodeName(),
                List.of(config.nodeIp()),
                config.clusterCidr(),
                config.clusterDns(),
                settings.localhostNodePorts(),
                null,
                config.serviceCidr()),
            client);
    proxy.start();
  }

  /**
   * Writes the default CNI configuration once the node has a pod CIDR, unless the conf dir already
   * has one. Waiting happens in the background: pods wait for their network meanwhile.
   */
  private void ensureCniConf() throws IOException {
    if (CniConfigFiles.load(config.cniConfDir()).isPresent()) {
      return;
    }
    cniConfWriter =
        new Thread(
            () -> {
              try {
                String podCidr = node.awaitPodCidr(Duration.ofDays(365));
                if (podCidr != null
                    && CniConfigFiles.writeDefaultIfMissing(
                        config.cniConfDir(),
                        podCidr,
                        config.cniBridgePluginType(),
                        "kuark0",
                        config.agentDir().resolve("cni").resolve("networks"))) {
                  LOG.infof("wrote default CNI configuration for pod CIDR %s", podCidr);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (IOException | RuntimeException e) {
                LOG.errorf(e, "cannot write the default CNI configuration");
              }
            },
            "cni-conf");
    cniConfWriter.setDaemon(true);
    cniConfWriter.start();
  }

  /** True once {@link #close()} began: a start that fails afterwards was stopped, not broken. */
  public boolean closed() {
    return stopping.getCount() == 0;
  }

  /** Stops the agent; pods are torn down locally unless {@code --keep-pods}. */
  @Override
  public void close() {
    stopping.countDown();
    if (cniConfWriter != null) {
      cniConfWriter.interrupt();
    }
    if (eviction != null) {
      eviction.close();
    }
    if (imageGc != null) {
      imageGc.close();
    }
    if (containerGc != null) {
      containerGc.close();
    }
    if (staticPods != null) {
      staticPods.close();
    }
    if (pods != null) {
      pods.shutdown(!config.keepPods());
    }
    if (proxy != null) {
      proxy.close(config.proxy().cleanupOnStop());
      if (config.proxy().cleanupOnStop() && routeLocalnetBefore != null) {
        Linux.get().sysctl().set(ROUTE_LOCALNET, routeLocalnetBefore);
      }
    }
    if (peerRouting != null) {
      peerRouting.close();
    }
    if (api != null) {
      api.close();
    }
    if (statsSampler != null) {
      try {
        statsSampler.close();
      } catch (Exception e) {
        LOG.debugf("stopping the stats sampler: %s", e.getMessage());
      }
    }
    if (node != null) {
      node.close();
    }
    if (dns != null) {
      dns.close();
    }
    if (imagePuller != null) {
      imagePuller.close();
    }
    if (events != null) {
      events.close();
    }
    if (sources != null) {
      sources.close();
    }
    if (rotation != null) {
      rotation.close();
    }
    if (client != null && ownsClient) {
      client.close();
    }
  }
}
