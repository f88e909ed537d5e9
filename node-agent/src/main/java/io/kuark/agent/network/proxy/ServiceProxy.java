package io.kuark.agent.network.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kuark.linux.Conntrack;
import io.kuark.linux.ConntrackFilter;
import io.kuark.linux.Linux;
import io.kuark.linux.NftRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The node's service proxy: informer events put the {@code namespace/name} of the Service they
 * concern into a dirty set; one sync thread re-renders only those Services and programs what
 * changed in one nft transaction (a partial sync, as upstream kube-proxy's nftables mode). The
 * first sync, any sync after a failure and a periodic resync render every Service and replace the
 * whole table, so whatever an earlier agent (or anyone) left is reconciled. Level-triggered: bursts
 * of events coalesce into one sync.
 */
public final class ServiceProxy implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ServiceProxy.class);

  private final ProxyConfig config;
  private final KubernetesClient client;
  private final NftRunner nft;
  private final RulesetBuilder builder;
  private final LoadBalancerIngressWriter ingress;

  /** How often the whole table is rewritten even when partial syncs succeed (upstream: 1 h). */
  static final Duration FULL_RESYNC = Duration.ofHours(1);

  private static final String BY_SERVICE = "service";

  private final Object lock = new Object();
  private final Set<String> dirtyServices = new HashSet<>();
  private boolean dirty;
  private boolean fullSyncNeeded = true;
  private long lastFullSync;
  private boolean closed;
  private long generation;
  private long appliedGeneration = -1;
  private ProxyTable applied;
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
    ResourceEventHandler<Service> serviceEvents =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Service obj) {
            markDirty(RulesetBuilder.key(obj), null);
          }

          @Override
          public void onUpdate(Service oldObj, Service newObj) {
            markDirty(RulesetBuilder.key(newObj), null);
          }

          @Override
          public void onDelete(Service obj, boolean deletedFinalStateUnknown) {
            markDirty(RulesetBuilder.key(obj), null);
          }
        };
    ResourceEventHandler<EndpointSlice> sliceEvents =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(EndpointSlice obj) {
            markDirty(RulesetBuilder.serviceOf(obj), null);
          }

          @Override
          public void onUpdate(EndpointSlice oldObj, EndpointSlice newObj) {
            // A slice whose service label changed concerns both Services.
            markDirty(RulesetBuilder.serviceOf(oldObj), RulesetBuilder.serviceOf(newObj));
          }

          @Override
          public void onDelete(EndpointSlice obj, boolean deletedFinalStateUnknown) {
            markDirty(RulesetBuilder.serviceOf(obj), null);
          }
        };
    long resync = Duration.ofMinutes(15).toMillis();
    services = client.services().inAnyNamespace().runnableInformer(resync);
    slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(resync);
    // Returning true tells fabric8 to keep retrying list/watch failures, also before the first
    // sync.
    services.exceptionHandler((started, t) -> true);
    slices.exceptionHandler((started, t) -> true);
    slices.addIndexers(Map.of(BY_SERVICE, ServiceProxy::sliceIndex));
    services.addEventHandler(serviceEvents);
    slices.addEventHandler(sliceEvents);
    services.start();
    slices.start();
    syncThread = new Thread(this::syncLoop, "service-proxy");
    syncThread.setDaemon(true);
    syncThread.start();
  }

  private static List<String> sliceIndex(EndpointSlice slice) {
    String key = RulesetBuilder.serviceOf(slice);
    return key == null ? List.of() : List.of(key);
  }

  private void markDirty(String service, String alsoService) {
    synchronized (lock) {
      if (service != null) {
        dirtyServices.add(service);
      }
      if (alsoService != null) {
        dirtyServices.add(alsoService);
      }
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
      boolean full;
      List<String> keys;
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
          if (!dirty && System.nanoTime() - lastFullSync > FULL_RESYNC.toNanos()) {
            fullSyncNeeded = true;
            dirty = true;
          }
        }
        if (closed) {
          return;
        }
        dirty = false;
        syncing = generation;
        full = fullSyncNeeded || applied == null;
        fullSyncNeeded = false;
        keys = new ArrayList<>(dirtyServices);
        dirtyServices.clear();
      }
      try {
        if (full) {
          syncAll();
        } else {
          syncServices(keys);
        }
        backoffMillis = 100;
        synchronized (lock) {
          appliedGeneration = Math.max(appliedGeneration, syncing);
          lock.notifyAll();
        }
      } catch (IOException | RuntimeException e) {
        LOG.errorf("service proxy sync failed (will rebuild the table): %s", e.getMessage());
        synchronized (lock) {
          applied = null; // unknown table state: the next sync replaces it whole
          fullSyncNeeded = true;
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

  /** Renders every Service and replaces the whole table in one transaction. */
  private void syncAll() throws IOException {
    List<Service> all = services.getStore().list();
    ProxyTable table = new ProxyTable();
    NftTransaction unused = NftTransaction.discarding();
    for (Service service : all) {
      String key = RulesetBuilder.key(service);
      table.put(key, RulesetBuilder.orderKey(service), render(service, key), unused);
    }
    nft.apply(NftScripts.full(config, table.snapshot()));
    synchronized (lock) {
      applied = table;
      lastFullSync = System.nanoTime();
    }
    for (Service service : all) {
      syncIngress(service);
    }
  }

  /** Re-renders the given Services and programs only what changed for them. */
  private void syncServices(List<String> keys) throws IOException {
    NftTransaction tx = new NftTransaction("ip " + config.table());
    List<Service> touched = new ArrayList<>();
    List<ConntrackFilter> stale = new ArrayList<>();
    for (String key : keys) {
      Service service = services.getStore().getByKey(key);
      Ruleset before = applied.get(key);
      Ruleset after = service == null ? null : render(service, key);
      if (service == null) {
        applied.put(key, null, null, tx);
      } else {
        touched.add(service);
        applied.put(key, RulesetBuilder.orderKey(service), after, tx);
      }
      stale.addAll(StaleUdpFlows.between(before, after));
    }
    String script = tx.script();
    if (!script.isEmpty()) {
      // On failure the kernel kept the old table (one transaction) but {@code applied} moved on:
      // the caller forces a full sync.
      nft.apply(script);
    }
    // Only now: a flow flushed before the new rules were in would be re-created the old way.
    flushStale(stale);
    for (Service service : touched) {
      syncIngress(service);
    }
  }

  private void flushStale(List<ConntrackFilter> filters) {
    if (filters.isEmpty()) {
      return;
    }
    try (Conntrack conntrack = Linux.get().conntrack(config.netns())) {
      int n = conntrack.delete(filters);
      LOG.debugf("flushed %d stale UDP conntrack entries", n);
    } catch (RuntimeException e) {
      // The rules are right; stale flows only linger until their UDP timeout.
      LOG.warnf("cannot flush stale UDP conntrack entries: %s", e.getMessage());
    }
  }

  private Ruleset render(Service service, String key) {
    return builder.render(service, slices.getIndexer().byIndex(BY_SERVICE, key));
  }

  private void syncIngress(Service service) {
    if (LoadBalancerIngressWriter.current(service).isEmpty()
        && !RulesetBuilder.servedLoadBalancer(service)) {
      return;
    }
    try {
      ingress.sync(service);
    } catch (RuntimeException e) {
      LOG.warnf(
          "cannot update the load balancer status of %s/%s: %s",
          service.getMetadata().getNamespace(), service.getMetadata().getName(), e.getMessage());
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
