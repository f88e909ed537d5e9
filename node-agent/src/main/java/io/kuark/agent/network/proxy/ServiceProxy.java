package io.kuark.agent.network.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kuark.linux.NftRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The node's service proxy: informers on Services and EndpointSlices mark the state dirty; one sync
 * thread recomputes the desired {@link Ruleset} and programs the difference into the proxy table in
 * one nft transaction. The first sync (and any sync after a failure) replaces the whole table, so
 * whatever an earlier agent left is reconciled. Level-triggered: bursts of events coalesce into one
 * sync.
 */
public final class ServiceProxy implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ServiceProxy.class);

  private final ProxyConfig config;
  private final KubernetesClient client;
  private final NftRunner nft;
  private final RulesetBuilder builder;
  private final LoadBalancerIngressWriter ingress;
  private final Object lock = new Object();
  private boolean dirty;
  private boolean closed;
  private long generation;
  private long appliedGeneration = -1;
  private Ruleset applied;
  private SharedIndexInformer<Service> services;
  private SharedIndexInformer<EndpointSlice> slices;
  private Thread syncThread;

  public ServiceProxy(ProxyConfig config, KubernetesClient client) {
    this(config, client, new NftRunner(config.netns()));
  }

  ServiceProxy(ProxyConfig config, KubernetesClient client, NftRunner nft) {
    this.config = config;
    this.client = client;
    this.nft = nft;
    this.builder = new RulesetBuilder(config);
    this.ingress = new LoadBalancerIngressWriter(client, config.nodeIps());
  }

  /**
   * Starts the informers and the sync thread and returns at once. The informers keep retrying when
   * the API is unreachable (the agent start does not fail on it); the first sync happens once both
   * have listed.
   */
  public void start() {
    ResourceEventHandler<Object> poke =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Object obj) {
            markDirty();
          }

          @Override
          public void onUpdate(Object oldObj, Object newObj) {
            markDirty();
          }

          @Override
          public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
            markDirty();
          }
        };
    long resync = Duration.ofMinutes(15).toMillis();
    services = client.services().inAnyNamespace().runnableInformer(resync);
    slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(resync);
    // Returning true tells fabric8 to keep retrying list/watch failures, also before the first
    // sync.
    services.exceptionHandler((started, t) -> true);
    slices.exceptionHandler((started, t) -> true);
    services.addEventHandler(eventHandler(poke));
    slices.addEventHandler(eventHandler(poke));
    services.start();
    slices.start();
    syncThread = new Thread(this::syncLoop, "service-proxy");
    syncThread.setDaemon(true);
    syncThread.start();
  }

  @SuppressWarnings("unchecked")
  private static <T> ResourceEventHandler<T> eventHandler(ResourceEventHandler<Object> h) {
    return (ResourceEventHandler<T>) (ResourceEventHandler<?>) h;
  }

  private void markDirty() {
    synchronized (lock) {
      dirty = true;
      generation++;
      lock.notifyAll();
    }
  }

  /**
   * Waits until the table reflects everything the informers had seen when this was called (for
   * tests and the first sync at agent start). Returns false on timeout.
   */
  public boolean awaitSynced(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!informersSynced() || dirty || applied == null || appliedGeneration < generation) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
      }
      return true;
    }
  }

  private boolean informersSynced() {
    return services != null && slices != null && services.hasSynced() && slices.hasSynced();
  }

  private void syncLoop() {
    long backoffMillis = 100;
    while (true) {
      long syncing;
      synchronized (lock) {
        while (!closed && (!dirty || !informersSynced())) {
          try {
            // Poll the synced state too: fabric8 delivers no event for an empty first list.
            lock.wait(200);
          } catch (InterruptedException e) {
            return;
          }
          if (!dirty && informersSynced() && applied == null) {
            dirty = true;
          }
        }
        if (closed) {
          return;
        }
        dirty = false;
        syncing = generation;
      }
      try {
        syncOnce();
        backoffMillis = 100;
        synchronized (lock) {
          appliedGeneration = Math.max(appliedGeneration, syncing);
          lock.notifyAll();
        }
      } catch (IOException | RuntimeException e) {
        LOG.errorf("service proxy sync failed (will rebuild the table): %s", e.getMessage());
        synchronized (lock) {
          applied = null; // unknown table state: the next sync replaces it whole
          dirty = true;
        }
        try {
          Thread.sleep(backoffMillis);
        } catch (InterruptedException ie) {
          return;
        }
        backoffMillis = Math.min(backoffMillis * 2, 10_000);
      }
    }
  }

  /** One reconcile: desired rules from the caches, the difference into nft, then LB status. */
  private void syncOnce() throws IOException {
    List<Service> allServices = new ArrayList<>(services.getStore().list());
    Ruleset next = builder.build(allServices, slices.getStore().list());
    Ruleset before;
    synchronized (lock) {
      before = applied;
    }
    String script =
        before == null ? NftScripts.full(config, next) : NftScripts.diff(config, before, next);
    if (!script.isEmpty()) {
      nft.apply(script);
    }
    synchronized (lock) {
      applied = next;
    }
    for (Service service : allServices) {
      if (!LoadBalancerIngressWriter.current(service).isEmpty()
          || RulesetBuilder.servedLoadBalancer(service)) {
        try {
          ingress.sync(service);
        } catch (RuntimeException e) {
          LOG.warnf(
              "cannot update the load balancer status of %s/%s: %s",
              service.getMetadata().getNamespace(),
              service.getMetadata().getName(),
              e.getMessage());
        }
      }
    }
  }

  /**
   * Stops watching. The table stays (pods keep being reachable while the agent restarts) unless
   * {@code removeRules}.
   */
  public void close(boolean removeRules) {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    if (syncThread != null) {
      syncThread.interrupt();
      try {
        syncThread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (services != null) {
      services.stop();
    }
    if (slices != null) {
      slices.stop();
    }
    if (removeRules) {
      try {
        nft.apply(NftScripts.deleteTable(config.table()));
      } catch (IOException e) {
        LOG.warnf("cannot remove the proxy table %s: %s", config.table(), e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    close(false);
  }
}
