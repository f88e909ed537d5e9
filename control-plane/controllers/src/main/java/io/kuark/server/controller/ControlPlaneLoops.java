package io.kuark.server.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kuark.server.controller.cronjob.CronJobController;
import io.kuark.server.controller.daemonset.DaemonSetController;
import io.kuark.server.controller.deployment.DeploymentController;
import io.kuark.server.controller.discovery.ApiDiscovery;
import io.kuark.server.controller.discovery.CachedDiscovery;
import io.kuark.server.controller.discovery.ClientDiscovery;
import io.kuark.server.controller.endpoints.EndpointSliceController;
import io.kuark.server.controller.endpoints.EndpointsController;
import io.kuark.server.controller.gc.GarbageCollector;
import io.kuark.server.controller.job.JobController;
import io.kuark.server.controller.namespace.NamespaceController;
import io.kuark.server.controller.nodeipam.NodeIpamController;
import io.kuark.server.controller.nodelifecycle.NodeLifecycleController;
import io.kuark.server.controller.replicaset.ReplicaSetController;
import io.kuark.server.controller.runtime.Controller;
import io.kuark.server.controller.runtime.LoopContext;
import io.kuark.server.controller.runtime.SharedInformers;
import io.kuark.server.controller.serviceaccount.ClusterCa;
import io.kuark.server.controller.serviceaccount.RootCaPublisher;
import io.kuark.server.controller.serviceaccount.ServiceAccountController;
import io.kuark.server.controller.statefulset.StatefulSetController;
import io.kuark.server.controller.ttl.TtlAfterFinishedController;
import io.kuark.server.controller.volume.PersistentVolumeController;
import io.kuark.server.scheduler.ApiBinder;
import io.kuark.server.scheduler.Binder;
import io.kuark.server.scheduler.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jboss.logging.Logger;

/** Starts every controller and the scheduler of a Kuark server; closing the handle stops them. */
public final class ControlPlaneLoops implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ControlPlaneLoops.class);

  private final SharedInformers informers;
  private final ScheduledExecutorService delays;
  private final ExecutorService background;
  private final List<Controller> controllers = new ArrayList<>();
  private final List<AutoCloseable> others = new ArrayList<>();

  private ControlPlaneLoops(KubernetesClient client) {
    this.informers = new SharedInformers(client);
    this.delays =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kuark-controller-delays");
              t.setDaemon(true);
              return t;
            });
    this.background =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "kuark-controller-events");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts all controllers and the scheduler against the API reachable through {@code client}.
   * Returns once informers have listed (or after a bounded wait). Closing the result stops the
   * loops; it does not close the client.
   */
  public static AutoCloseable start(KubernetesClient client, ControlPlaneLoopsConfig config) {
    return start(client, config, new ApiBinder(client));
  }

  /**
   * As {@link #start(KubernetesClient, ControlPlaneLoopsConfig)} with another way to bind pods;
   * tests use it against API fakes that lack the pods/binding subresource.
   */
  public static AutoCloseable start(
      KubernetesClient client, ControlPlaneLoopsConfig config, Binder binder) {
    ControlPlaneLoops loops = new ControlPlaneLoops(client);
    loops.startAll(client, config, binder, Clock.systemUTC());
    return loops;
  }

  private void startAll(
      KubernetesClient client, ControlPlaneLoopsConfig config, Binder binder, Clock clock) {
    LoopContext ctx = new LoopContext(client, informers, delays, background, clock);
    controllers.add(new ReplicaSetController(ctx).controller());
    controllers.add(new DeploymentController(ctx).controller());
    controllers.add(
        new NodeIpamController(ctx, config.clusterCidr(), config.nodeCidrMaskSize()).controller());
    controllers.add(new ServiceAccountController(ctx).controller());
    Optional<String> ca = ClusterCa.pem(client.getConfiguration());
    if (ca.isPresent()) {
      controllers.add(new RootCaPublisher(ctx, ca.get()).controller());
    } else {
      LOG.warn("the client has no CA bundle: kube-root-ca.crt ConfigMaps are not published");
    }
    NodeLifecycleController lifecycle = new NodeLifecycleController(ctx, Duration.ofSeconds(40));
    controllers.add(lifecycle.controller());
    others.add(lifecycle);
    controllers.add(new JobController(ctx).controller());
    controllers.add(new DaemonSetController(ctx).controller());
    controllers.add(new StatefulSetController(ctx).controller());
    PersistentVolumeController volumes = new PersistentVolumeController(ctx);
    controllers.add(volumes.claimController());
    controllers.add(volumes.volumeController());
    controllers.add(new CronJobController(ctx).controller());
    controllers.add(new TtlAfterFinishedController(ctx).controller());
    controllers.add(new EndpointSliceController(ctx).controller());
    controllers.add(new EndpointsController(ctx).controller());
    ApiDiscovery discovery =
        new CachedDiscovery(new ClientDiscovery(client), Duration.ofSeconds(30));
    controllers.add(new NamespaceController(ctx, discovery).controller());
    GarbageCollector gc = new GarbageCollector(ctx, discovery);
    others.add(gc);
    Scheduler scheduler = new Scheduler(ctx, binder);
    others.add(scheduler);
    informers.startAll(30_000);
    for (Controller c : controllers) {
      c.start();
    }
    scheduler.start();
    lifecycle.startMonitor();
    try {
      gc.start();
    } catch (RuntimeException e) {
      LOG.warnf("garbage collector could not start (discovery failed): %s", e.toString());
    }
    LOG.infof("control-plane loops started: %d controllers", controllers.size());
  }

  @Override
  public void close() {
    for (Controller c : controllers) {
      c.close();
    }
    for (AutoCloseable c : others) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debugf("closing %s: %s", c, e.toString());
      }
    }
    informers.close();
    delays.shutdownNow();
    background.shutdownNow();
  }
}
