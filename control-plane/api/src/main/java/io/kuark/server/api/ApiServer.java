package io.kuark.server.api;

import io.kuark.kubeclient.NativeTls;
import io.kuark.server.api.alloc.NodePortAllocator;
import io.kuark.server.api.alloc.ServiceIpAllocator;
import io.kuark.server.api.crd.CustomResourceSync;
import io.kuark.server.api.handler.ApiContext;
import io.kuark.server.api.handler.ResourceDispatcher;
import io.kuark.server.api.handler.ResponseShaper;
import io.kuark.server.api.http.ApiException;
import io.kuark.server.api.http.RequestInfo;
import io.kuark.server.api.http.RequestInfoParser;
import io.kuark.server.api.http.Statuses;
import io.kuark.server.api.http.UserInfo;
import io.kuark.server.api.proxy.KubeletClient;
import io.kuark.server.api.proxy.PodStreamProxy;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.encryption.EncryptingStorage;
import io.kuark.server.api.store.encryption.EncryptionReload;
import io.kuark.server.api.strategy.Strategies;
import io.kuark.server.api.system.EncryptionReloadEndpoint;
import io.kuark.server.api.system.HealthChecks;
import io.kuark.server.api.system.RequestMetrics;
import io.kuark.server.api.watch.WatchCaches;
import io.kuark.server.api.watch.WatchHandler;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.apimodel.discovery.DiscoveryDocuments;
import io.kuark.server.auth.ApiSecurity;
import io.kuark.server.auth.RequestSecurity;
import io.kuark.server.auth.pki.Pem;
import io.vertx.core.Context;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The Kubernetes REST API over HTTPS on Vert.x: authentication and RBAC ({@link ApiSecurity}),
 * discovery, health, metrics and generic REST for every catalog resource over {@code Storage}, with
 * one watch cache per resource type. A plain library: {@link #start} serves until {@link #close}.
 */
public final class ApiServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ApiServer.class);

  /** Upstream's request body limit. */
  public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;

  private static final int WORKERS = 32;

  /** HTTP server instances sharing the port, each on its own event loop. */
  private static final int LISTENERS = 2;

  /** HTTP/2 streams a client may have open on one connection (kube-apiserver's default). */
  static final long H2_MAX_STREAMS = 1000;

  private final List<HttpServer> extraListeners = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private final ApiServerSetup setup;
  private final HttpServer http;
  private final WorkerExecutor workers;
  private final WatchCaches watchCaches;
  private final ApiContext context;
  private final ResourceDispatcher dispatcher;
  private final HealthChecks health;
  private final AtomicBoolean bootstrapped = new AtomicBoolean();
  private RequestMetrics metrics;

  private ApiServer(
      ApiServerSetup setup,
      HttpServer http,
      WorkerExecutor workers,
      WatchCaches watchCaches,
      ApiContext context,
      ResourceDispatcher dispatcher,
      HealthChecks health) {
    this.setup = setup;
    this.http = http;
    this.workers = workers;
    this.watchCaches = watchCaches;
    this.context = context;
    this.dispatcher = dispatcher;
    this.health = health;
  }

  /**
   * Starts watch caches, creates the bootstrap objects (system namespaces, the {@code kubernetes}
   * Service and its endpoints) and listens. Blocks until the port is bound.
   */
  public static ApiServer start(ApiServerSetup setup) {
    ObjectStore store = new ObjectStore(setup.storage());
    WatchCaches caches = new WatchCaches(setup.storage(), WatchCaches.DEFAULT_CAPACITY);
    for (ResourceType type : setup.catalog().all()) {
      if (type.persisted() && type.supports("watch")) {
        caches.forType(type);
      }
    }
    ServiceIpAllocator ips = new ServiceIpAllocator(setup.storage(), setup.config().serviceCidr());
    Strategies strategies = new Strategies(ips, new NodePortAllocator(setup.storage()));
    ResponseShaper shaper = new ResponseShaper(setup.tables());
    ApiSecurity security =
        new ApiSecurity(
                store,
                caches,
                setup.catalog(),
                setup.pki().serviceAccountKey(),
                setup.tokenAuthFile())
            .withAdmissionConfig(setup.admissionConfigFile());
    ApiContext ctx =
        new ApiContext(
            store,
            setup.catalog(),
            caches,
            strategies,
            security.admission(setup.admission()),
            shaper);
    ResourceDispatcher dispatcher = new ResourceDispatcher(ctx, security.handlers());
    Optional<CustomResourceSync> crdSync =
        CustomResourceSync.start(setup.customResources(), store, caches, setup.catalog());
    WorkerExecutor workers =
        setup.vertx().createSharedWorkerExecutor("kuark-api", WORKERS, 5, TimeUnit.MINUTES);
    RequestMetrics metrics = new RequestMetrics();
    HealthChecks health = new HealthChecks();
    health.addLive("ping", () -> true);
    health.addLive("log", () -> true);
    health.addLive(
        "etcd",
        () -> {
          setup.storage().currentRevision();
          return true;
        });
    WatchHandler watches = new WatchHandler(setup.vertx(), store, caches, shaper);
    KubeletClient kubelets = new KubeletClient(setup.vertx(), setup.pki().kubeletClient());
    PodStreamProxy podStreams = new PodStreamProxy(store, setup.catalog(), kubelets, workers);
    ApiRequestHandler resources =
        new ApiRequestHandler(setup.catalog(), dispatcher, watches, workers, metrics, podStreams);
    NonResourceHandler other =
        new NonResourceHandler(
                health,
                metrics,
                new DiscoveryDocuments(setup.catalog()),
                setup.openApi(),
                setup.config().advertiseAddress() + ":" + setup.config().securePort())
            .withCaCertificate(Pem.encode(setup.pki().ca().certificate()));
    if (setup.storage() instanceof EncryptingStorage encrypted
        && encrypted.config().source() != null) {
      other.withEncryptionReload(
          new EncryptionReloadEndpoint(
              new EncryptionReload(encrypted, encrypted.config().source())));
    }
    Router router = Router.router(setup.vertx());
    router
        .route()
        .handler(
            BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false));
    // --anonymous-auth=false: no path is public, even /healthz answers 401 without credentials.
    RequestSecurity requests =
        security.requests(
            setup.config().anonymousAuth() ? NonResourceHandler::isPublic : path -> false);
    router.route().handler(rc -> route(rc, resources, other, requests, workers));
    router.errorHandler(413, rc -> fail(rc, Statuses.tooLarge()));
    router.errorHandler(
        500,
        rc -> {
          LOG.errorf(rc.failure(), "internal error serving %s", rc.request().uri());
          fail(rc, Statuses.internal("unexpected failure"));
        });
    HttpServer http = listen(setup, router, setup.config().securePort());
    List<HttpServer> extra = new ArrayList<>();
    // More listeners on the same port spread connections over more event loops. Vert.x shares a
    // bound port between servers asking for the same port; an ephemeral (0) port is not shared.
    int listeners = setup.config().securePort() == 0 ? 1 : LISTENERS;
    for (int i = 1; i < listeners; i++) {
      extra.add(listen(setup, router, setup.config().securePort()));
    }
    ApiServer server = new ApiServer(setup, http, workers, caches, ctx, dispatcher, health);
    server.metrics = metrics;
    metrics.addSource(security::renderTokenCacheMetrics);
    security.signCertificatesWith(setup.pki().ca());
    server.closeables.add(kubelets);
    // Before the watch caches close: their "server shutting down" would otherwise start a re-list
    // of the CRDs against a store that is about to close.
    crdSync.ifPresent(server.closeables::add);
    server.extraListeners.addAll(extra);
    server.closeables.add(security);
    server.bootstrap(security);
    LOG.infof(
        "API server listening on https://%s:%d", setup.config().bindAddress(), http.actualPort());
    return server;
  }

  /** Binds one HTTP server on its own event-loop context. */
  private static HttpServer listen(ApiServerSetup setup, Router router, int port) {
    Context context = setup.vertx().getOrCreateContext();
    CompletableFuture<HttpServer> bound = new CompletableFuture<>();
    context.runOnContext(
        v ->
            setup
                .vertx()
                .createHttpServer(options(setup).setPort(port))
                .requestHandler(router)
                .listen()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        bound.complete(ar.result());
                      } else {
                        bound.completeExceptionally(ar.cause());
                      }
                    }));
    return bound.join();
  }

  private static void route(
      RoutingContext rc,
      ApiRequestHandler resources,
      NonResourceHandler other,
      RequestSecurity security,
      WorkerExecutor workers) {
    Optional<RequestInfo> info =
        RequestInfoParser.parse(
            rc.request().method().name(), rc.request().path(), rc.request().getParam("watch"));
    if (rc.request().getHeader("Authorization") == null) {
      // Certificates and RBAC are checked from memory: stay on the event loop.
      UserInfo user;
      try {
        user = security.check(rc.request(), info);
      } catch (ApiException e) {
        fail(rc, e);
        return;
      }
      serve(rc, resources, other, user);
      return;
    }
    // Tokens are checked against the stored service accounts and pods: a worker may block.
    String upgrade = rc.request().getHeader("Upgrade");
    if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
      // The body handler lets upgrades through unread; paused, the request does not end while
      // the worker checks the token, so the WebSocket upgrade (watches) still succeeds after it.
      rc.request().pause();
    }
    workers
        .<UserInfo>executeBlocking(() -> security.check(rc.request(), info), false)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                serve(rc, resources, other, ar.result());
              } else if (ar.cause() instanceof ApiException e) {
                fail(rc, e);
              } else {
                LOG.errorf(ar.cause(), "authenticating %s failed", rc.request().path());
                fail(rc, Statuses.internal("authentication failed"));
              }
            });
  }

  private static void serve(
      RoutingContext rc, ApiRequestHandler resources, NonResourceHandler other, UserInfo user) {
    if (other.handle(rc)) {
      return;
    }
    if (!resources.handle(rc, user)) {
      fail(rc, Statuses.notFoundPath());
    }
  }

  private static void fail(RoutingContext rc, io.kuark.server.api.http.ApiException e) {
    if (rc.response().ended()) {
      return;
    }
    NonResourceHandler.json(rc, e.code(), e.status(), "application/json");
  }

  private static HttpServerOptions options(ApiServerSetup setup) {
    String caPem = Pem.encode(setup.pki().ca().certificate());
    return new HttpServerOptions()
        .setHost(setup.config().bindAddress())
        .setPort(setup.config().securePort())
        .setSsl(true)
        .setSslEngineOptions(NativeTls.engine())
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setKeyValue(Buffer.buffer(Pem.encode(setup.pki().serving().key())))
                .setCertValue(
                    Buffer.buffer(Pem.encode(setup.pki().serving().certificate()) + caPem)))
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(caPem)))
        .setClientAuth(ClientAuth.REQUEST)
        .setMaxHeaderSize(64 * 1024)
        // HTTP/2 over ALPN, as kube-apiserver offers it: a client that asks for h2 multiplexes all
        // its requests over one connection (one TLS handshake) instead of opening one connection
        // per concurrent request. Clients that do not ask (upgrades for exec/attach/port-forward,
        // WebSocket watches) keep HTTP/1.1.
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
        .setInitialSettings(
            new Http2Settings()
                // Upstream's default streams per connection; watches each hold one.
                .setMaxConcurrentStreams(H2_MAX_STREAMS)
                .setMaxHeaderListSize(64 * 1024))
        // Vert.x gives a TLS handshake 10 s. A busy 2-core machine starting the server (cold JIT,
        // every in-process informer and client connecting at once) takes longer, and the closed
        // connections then fail requests that would have been served.
        .setSslHandshakeTimeout(60)
        .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
        .setIdleTimeout(0)
        .setTcpNoDelay(true);
  }

  private void bootstrap(ApiSecurity security) {
    security.start(dispatcher.creator());
    health.addReady("poststarthook/rbac/bootstrap-roles", security::started);
    // The kubernetes Service and its endpoints name the port actually bound.
    ApiServerConfig bound = setup.config().withSecurePort(port());
    new SystemBootstrap(context, dispatcher.creator(), bound, context.strategies().serviceIps())
        .run();
    bootstrapped.set(true);
    health.addReady("poststarthook/bootstrap-controller", bootstrapped::get);
  }

  /** The port actually bound (useful with port 0). */
  /** The {@code /metrics} registry; other components add their metrics text to it. */
  public RequestMetrics metrics() {
    return metrics;
  }

  public int port() {
    return http.actualPort();
  }

  /** Objects over storage, for server-internal use. */
  public ApiContext context() {
    return context;
  }

  /** Number of storage watches held by the watch caches. */
  public int storageWatchCount() {
    return watchCaches.size();
  }

  /** Whether /readyz passes. */
  public boolean ready() {
    return health.readyz(false).code() == 200;
  }

  /** Stops listening, ends all watches and frees the workers; does not close the storage. */
  @Override
  public void close() {
    try {
      for (HttpServer extra : extraListeners) {
        extra.close().toCompletionStage().toCompletableFuture().join();
      }
      http.close().toCompletionStage().toCompletableFuture().join();
    } finally {
      for (AutoCloseable c : closeables) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.debugf(e, "closing %s", c);
        }
      }
      watchCaches.close();
      workers.close();
    }
  }
}
