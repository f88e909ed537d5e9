package io.kuark.server;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kuark.kubeclient.MultiplexedHttpClientFactory;
import io.kuark.server.api.ApiServer;
import io.kuark.server.api.ApiServerConfig;
import io.kuark.server.api.ApiServerSetup;
import io.kuark.server.api.crd.CustomResourceDefinitions;
import io.kuark.server.api.model.ApiModelAdmission;
import io.kuark.server.api.model.ApiModelOpenApi;
import io.kuark.server.api.model.ApiModelTables;
import io.kuark.server.api.store.encryption.EncryptingStorage;
import io.kuark.server.api.store.encryption.EncryptionConfig;
import io.kuark.server.api.store.encryption.EncryptionReload;
import io.kuark.server.api.store.encryption.SecretsRewriter;
import io.kuark.server.apimodel.ResourceCatalog;
import io.kuark.server.auth.pki.CertificateAuthority;
import io.kuark.server.auth.pki.ClusterPki;
import io.kuark.server.auth.pki.Kubeconfig;
import io.kuark.server.auth.pki.ServingNames;
import io.kuark.server.controller.ControlPlaneLoops;
import io.kuark.server.controller.ControlPlaneLoopsConfig;
import io.kuark.server.controller.identity.ServiceAccountClients;
import io.kuark.server.scheduler.SchedulerConfiguration;
import io.kuark.server.scheduler.plugins.SpreadDefaults;
import io.kuark.server.storage.Storage;
import io.kuark.server.storage.StorageConfig;
import io.kuark.server.storage.StorageFactory;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A running kuark-server: storage, certificates, the API, the admin kubeconfig and the control
 * plane loops. {@link #close} stops them in reverse order.
 */
final class ServerRuntime implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ServerRuntime.class);
  // How often --encryption-provider-config-automatic-reload looks at the file (upstream: 1m).
  private static final java.time.Duration ENCRYPTION_RELOAD_POLL = java.time.Duration.ofSeconds(20);

  private final List<AutoCloseable> started = new ArrayList<>();
  private ApiServer api;

  /** Starts everything; on failure what was started is stopped again. */
  static ServerRuntime start(Vertx vertx, ServerFlags flags) {
    ServerRuntime runtime = new ServerRuntime();
    try {
      runtime.startAll(vertx, flags);
      return runtime;
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  /**
   * Wraps the storage in encryption at rest and, before anything is served, rewrites what is not
   * yet written with the configuration's current key (plaintext, or a rotated-out key).
   */
  private static EncryptingStorage encryptedAtRest(Storage storage, java.nio.file.Path file) {
    try {
      EncryptionConfig config = EncryptionConfig.read(file);
      EncryptingStorage encrypted = new EncryptingStorage(storage, config);
      SecretsRewriter.Result result = new SecretsRewriter(encrypted).run();
      if (result.unreadable() > 0) {
        LOG.errorf(
            "encryption at rest: %d stored values are readable with none of the keys in %s",
            result.unreadable(), file);
      }
      return encrypted;
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
  }

  private void startAll(Vertx vertx, ServerFlags flags) {
    // Read first: a bad scheduler configuration stops the start before anything is opened.
    SpreadDefaults spreadDefaults = SchedulerConfiguration.read(flags.schedulerConfig());
    Storage storage =
        StorageFactory.open(
            new StorageConfig(flags.storage(), flags.dataDir(), flags.etcdEndpoints()));
    EncryptingStorage encrypted = null;
    if (flags.encryptionProviderConfig() != null) {
      encrypted = encryptedAtRest(storage, flags.encryptionProviderConfig());
      storage = encrypted;
    }
    started.add(storage);
    if (encrypted != null && flags.encryptionProviderConfigAutomaticReload()) {
      EncryptionReload reload = new EncryptionReload(encrypted, flags.encryptionProviderConfig());
      reload.watch(ENCRYPTION_RELOAD_POLL);
      started.add(reload);
    }
    String advertise =
        flags.advertiseAddress() != null
            ? flags.advertiseAddress()
            : HostAddress.pick(flags.bindAddress());
    ResourceCatalog catalog = ResourceCatalog.builtIns();
    CustomResourceDefinitions crds = new CustomResourceDefinitions(catalog);
    ApiModelOpenApi openApi = new ApiModelOpenApi(catalog, crds::schema);
    ApiServerConfig apiConfig =
        new ApiServerConfig(
            flags.bindAddress(),
            flags.securePort(),
            flags.serviceCidr(),
            advertise,
            flags.clusterDns(),
            flags.anonymousAuth());
    String firstServiceIp =
        new io.kuark.server.api.alloc.ServiceIpAllocator(storage, flags.serviceCidr()).firstIp();
    List<String> extraNames = new ArrayList<>();
    extraNames.add(advertise);
    if (!flags.bindAddress().equals("0.0.0.0")) {
      extraNames.add(flags.bindAddress());
    }
    ClusterPki pki =
        ClusterPki.loadOrCreate(
            flags.dataDir().resolve("server").resolve("tls"),
            ServingNames.forThisHost(firstServiceIp, extraNames));
    api =
        ApiServer.start(
            new ApiServerSetup(
                vertx,
                storage,
                catalog,
                pki,
                apiConfig,
                new ApiModelAdmission(crds::schema),
                new ApiModelTables(crds),
                openApi,
                crds,
                flags.tokenAuthFile(),
                flags.admissionControlConfigFile()));
    started.add(api);
    String host = flags.bindAddress().equals("0.0.0.0") ? "127.0.0.1" : flags.bindAddress();
    String url = "https://" + host + ":" + api.port();
    Kubeconfig.write(flags.writeKubeconfig(), url, pki.ca().certificate(), pki.admin());
    LOG.infof("admin kubeconfig written to %s", flags.writeKubeconfig());
    // The loops' clients get their own event loops: fabric8 decodes responses on them, which must
    // never stall the API server's event loops.
    Vertx clientVertx =
        Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setPreferNativeTransport(true));
    started.add(() -> clientVertx.close().toCompletionStage().toCompletableFuture().join());
    // Each loop acts as its own user (upstream's names), limited by its RBAC roles: the shared
    // informers and leader election as system:kube-controller-manager, every controller as its
    // ServiceAccount kube-system/<controller> (tokens over one shared, credential-less HTTP
    // client).
    KubernetesClient controllers = loopClient(clientVertx, url, pki, pki.controllerManager());
    KubernetesClient scheduler = loopClient(clientVertx, url, pki, pki.scheduler());
    KubernetesClient tokenBase = tokenBaseClient(clientVertx, url, pki);
    ServiceAccountClients perController =
        new ServiceAccountClients(controllers, tokenBase, java.time.Clock.systemUTC());
    started.add(perController);
    JoinTokenSetup.ensure(flags.dataDir().resolve("server"), pki.ca().certificate(), controllers);
    ControlPlaneLoops loops =
        ControlPlaneLoops.start(
            controllers,
            perController,
            scheduler,
            new ControlPlaneLoopsConfig(
                flags.clusterCidr(), 24, flags.serviceCidr(), spreadDefaults));
    started.add(loops);
    api.metrics().addSource(perController.metrics()::render);
    api.metrics().addSource(loops::renderMetrics);
    OpenApiWarmUp.start(openApi);
  }

  private KubernetesClient loopClient(
      Vertx clientVertx, String url, ClusterPki pki, CertificateAuthority.IssuedCertificate cert) {
    return build(
        clientVertx, Config.fromKubeconfig(Kubeconfig.render(url, pki.ca().certificate(), cert)));
  }

  /**
   * A client that trusts the cluster CA and presents no credentials: the per-controller clients
   * derive from it and add their own bearer token.
   */
  private KubernetesClient tokenBaseClient(Vertx clientVertx, String url, ClusterPki pki) {
    Config config = Config.empty();
    config.setMasterUrl(url);
    config.setCaCertData(
        java.util.Base64.getEncoder()
            .encodeToString(
                io.kuark.server.auth.pki.Pem.encode(pki.ca().certificate())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return build(clientVertx, config);
  }

  private KubernetesClient build(Vertx clientVertx, Config config) {
    // In-process calls only wait for this JVM; generous timeouts keep informers from giving up
    // while a busy machine is still warming up (many TLS handshakes and cold JIT at start).
    config.setConnectionTimeout(60_000);
    config.setRequestTimeout(60_000);
    // Watches stream over the kept HTTP/2 connection too, instead of a WebSocket (a TLS connection
    // of its own, both of whose ends are in this JVM) per informer.
    config.setOnlyHttpWatches(true);
    KubernetesClient client =
        new KubernetesClientBuilder()
            // One kept HTTP/2 connection per client (and the controllers' clients derived from it)
            // instead of a TLS handshake per concurrent request.
            .withHttpClientFactory(new MultiplexedHttpClientFactory(clientVertx))
            .withConfig(config)
            .build();
    started.add(client);
    return client;
  }

  boolean ready() {
    return api != null && api.ready();
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        LOG.warnf(e, "stopping %s failed", started.get(i).getClass().getSimpleName());
      }
    }
    started.clear();
  }
}
