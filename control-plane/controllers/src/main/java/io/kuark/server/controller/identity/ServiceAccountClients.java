package io.kuark.server.controller.identity;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.impl.KubernetesClientImpl;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Upstream's {@code --use-service-account-credentials}: every controller acts as its own
 * ServiceAccount {@code kube-system/<controller>}, whose only permissions are its {@code
 * system:controller:<controller>} ClusterRole. The ServiceAccounts are created and their tokens
 * requested with the controller manager's credentials ({@code manager}); tokens are renewed in the
 * background before they expire.
 *
 * <p>All per-controller clients share one HTTP client (connection pool, TLS context, event loops)
 * derived from {@code base}, which must carry no credentials of its own (a client certificate would
 * win over the bearer token); each differs only in the Authorization header its interceptor sets.
 * They also share base's JSON serialization and task executor. Closing this stops the renewals; the
 * HTTP client closes with {@code base}.
 */
public final class ServiceAccountClients implements ControllerClients, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ServiceAccountClients.class);
  public static final String NAMESPACE = "kube-system";

  /** Upstream's dynamic client builder asks for one-hour tokens as well. */
  static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

  private static final Duration RENEWAL_CHECK = Duration.ofSeconds(30);

  private final KubernetesClient manager;
  private final KubernetesClient base;
  private final Clock clock;
  private final ControllerRequestMetrics metrics = new ControllerRequestMetrics();
  private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();
  private final Map<String, ServiceAccountToken> tokens = new ConcurrentHashMap<>();
  private final ScheduledExecutorService renewals;
  private final Executor shared;

  public ServiceAccountClients(KubernetesClient manager, KubernetesClient base, Clock clock) {
    this.manager = manager;
    this.base = base;
    this.clock = clock;
    this.renewals =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kuark-controller-tokens");
              t.setDaemon(true);
              return t;
            });
    this.shared =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "kuark-controller-clients");
              t.setDaemon(true);
              return t;
            });
    long every = RENEWAL_CHECK.toMillis();
    renewals.scheduleWithFixedDelay(this::renewDue, every, every, TimeUnit.MILLISECONDS);
  }

  /** Each controller identity's responses by status code, for the server's /metrics. */
  public ControllerRequestMetrics metrics() {
    return metrics;
  }

  /**
   * The client of {@code name}, built on first use. Fetches its token now (blocking) so the
   * controller's first requests already carry it; if that fails the background renewal and the
   * first 401 try again.
   */
  @Override
  public synchronized KubernetesClient forController(String name) {
    KubernetesClient client = clients.get(name);
    if (client == null) {
      client = build(name);
      clients.put(name, client);
    }
    return client;
  }

  private KubernetesClient build(String name) {
    ServiceAccountToken token =
        new ServiceAccountToken(manager, NAMESPACE, name, TOKEN_LIFETIME, clock);
    tokens.put(name, token);
    try {
      token.refresh();
    } catch (RuntimeException e) {
      LOG.warnf("%s: no token for %s yet (retried in the background): %s", name, token.user(), e);
    }
    HttpClient http =
        base.getHttpClient()
            .newBuilder()
            .addOrReplaceInterceptor(
                BearerTokenInterceptor.NAME,
                new BearerTokenInterceptor(name, token, renewals, metrics))
            .build();
    KubernetesClientBuilder.ExecutorSupplier executor =
        new KubernetesClientBuilder.ExecutorSupplier() {
          @Override
          public Executor get() {
            return shared;
          }

          @Override
          public void onClose(Executor e) {
            // shared by every controller's client; stopped with this object
          }
        };
    return new KubernetesClientImpl(
        http, base.getConfiguration(), executor, base.getKubernetesSerialization());
  }

  private void renewDue() {
    for (Map.Entry<String, ServiceAccountToken> e : tokens.entrySet()) {
      if (!e.getValue().due()) {
        continue;
      }
      try {
        e.getValue().refresh();
        LOG.debugf("%s: renewed the token of %s", e.getKey(), e.getValue().user());
      } catch (RuntimeException ex) {
        LOG.warnf("%s: renewing the token of %s failed: %s", e.getKey(), e.getValue().user(), ex);
      }
    }
  }

  @Override
  public void close() {
    renewals.shutdownNow();
    if (shared instanceof java.util.concurrent.ExecutorService s) {
      s.shutdownNow();
    }
  }
}
