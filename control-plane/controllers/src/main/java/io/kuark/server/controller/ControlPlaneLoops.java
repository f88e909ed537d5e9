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
import io.kuark.server.controller.identity.ControllerClients;
import io.kuark.server.controller.job.JobController;
import io.kuark.server.controller.leader.LeaderElection;
import io.kuark.server.controller.namespace.NamespaceController;
import io.kuark.server.controller.nodeipam.NodeIpamController;
import io.kuark.server.controller.nodelifecycle.NodeLifecycleController;
import io.kuark.server.controller.queue.WorkQueueMetrics;
import io.kuark.server.controller.quota.ResourceQuotaController;
import io.kuark.server.controller.replicaset.ReplicaSetController;
import io.kuark.server.controller.runtime.InformerPool;
import io.kuark.server.controller.serviceaccount.ClusterCa;
import io.kuark.server.controller.serviceaccount.RootCaPublisher;
import io.kuark.server.controller.serviceaccount.ServiceAccountController;
import io.kuark.server.controller.statefulset.StatefulSetController;
import io.kuark.server.controller.ttl.TtlAfterFinishedController;
import io.kuark.server.controller.volume.PersistentVolumeController;
import io.kuark.server.scheduler.ApiBinder;
import io.kuark.server.scheduler.Binder;
import io.kuark.server.scheduler.Scheduler;
import io.kuark.server.scheduler.SchedulerMetrics;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Every controller and the scheduler of a Kuark server, each group run only while this server holds
 * its Lease in {@code kube-system} ({@value #CONTROLLER_LEASE} for the controllers, {@value
 * #SCHEDULER_LEASE} for the scheduler), so several servers sharing one store run each loop once.
 * Closing the handle stops campaigning, releases held leases and stops the loops.
 */
public final class ControlPlaneLoops implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ControlPlaneLoops.class);
  public static final String LEASE_NAMESPACE = "kube-system";
  public static final String CONTROLLER_LEASE = "kuark-controller-manager";
  public static final String SCHEDULER_LEASE = "kuark-scheduler";

  private final LeaderElection controllers;
  private final LeaderElection scheduler;
  private final WorkQueueMetrics queueMetrics;
  private final SchedulerMetrics schedulerMetrics;
  private final InformerPool informers;

  private ControlPlaneLoops(
      LeaderElection controllers,
      LeaderElection scheduler,
      WorkQueueMetrics queueMetrics,
      SchedulerMetrics schedulerMetrics,
      InformerPool informers) {
    this.controllers = controllers;
    this.scheduler = scheduler;
    this.queueMetrics = queueMetrics;
    this.schedulerMetrics = schedulerMetrics;
    this.informers = informers;
  }

  /**
   * Prometheus text of the loops for the server's {@code /metrics}: the controllers' {@code
   * workqueue_*} metrics and the scheduler's {@code scheduler_*} ones.
   */
  public String renderMetrics() {
    return queueMetrics.render() + schedulerMetrics.render();
  }

  /**
   * The controllers' work-queue metrics ({@code workqueue_*} with a {@code name} label per
   * controller), for the server's {@code /metrics}.
   */
  public WorkQueueMetrics queueMetrics() {
    return queueMetrics;
  }

  /**
   * Campaigns for both leases against the API reachable through {@code client} and runs the loops
   * while leading. Returns at once; closing the result stops everything (not the client).
   */
  public static ControlPlaneLoops start(KubernetesClient client, ControlPlaneLoopsConfig config) {
    return start(client, config, new ApiBinder(client));
  }

  /**
   * As {@link #start(KubernetesClient, ControlPlaneLoopsConfig)} with another way to bind pods;
   * tests use it against API fakes that lack the pods/binding subresource.
   */
  public static ControlPlaneLoops start(
      KubernetesClient client, ControlPlaneLoopsConfig config, Binder binder) {
    return start(client, config, binder, LeaderElection.UPSTREAM);
  }

  /** As above with other lease timing (tests). */
  public static ControlPlaneLoops start(
      KubernetesClient client,
      ControlPlaneLoopsConfig config,
      Binder binder,
      LeaderElection.Timing timing) {
    return start(client, client, config, binder, timing);
  }

  /**
   * The server's way: the controllers act through {@code controllersClient} (user
   * system:kube-controller-manager), the scheduler through {@code schedulerClient} (user
   * system:kube-scheduler), each limited by its RBAC roles.
   */
  public static ControlPlaneLoops start(
      KubernetesClient controllersClient,
      KubernetesClient schedulerClient,
      ControlPlaneLoopsConfig config) {
    return start(
        controllersClient,
        schedulerClient,
        config,
        new ApiBinder(schedulerClient),
        LeaderElection.UPSTREAM);
  }

  /** As above with another binder and lease timing (tests). */
  public static ControlPlaneLoops start(
      KubernetesClient controllersClient,
      KubernetesClient schedulerClient,
      ControlPlaneLoopsConfig config,
      Binder binder,
      LeaderElection.Timing timing) {
    return start(
        controllersClient,
        ControllerClients.shared(controllersClient),
        schedulerClient,
        config,
        binder,
        timing);
  }

  /**
   * The server's way with per-controller identities: the shared parts (informers, leader election,
   * discovery) act through {@code controllerManager} (user system:kube-controller-manager), each
   * controller through {@code perController} (its ServiceAccount {@code kube-system/<name>}), the
   * scheduler through {@code schedulerClient} (user system:kube-scheduler).
   */
  public static ControlPlaneLoops start(
      KubernetesClient controllerManager,
      ControllerClients perController,
      KubernetesClient schedulerClient,
      ControlPlaneLoopsConfig config) {
    return start(
        controllerManager,
        perController,
        schedulerClient,
        config,
        new ApiBinder(schedulerClient),
        LeaderElection.UPSTREAM);
  }

  /** As above with another binder and lease timing (tests). */
  public static ControlPlaneLoops start(
      KubernetesClient controllerManager,
      ControllerClients perController,
      KubernetesClient schedulerClient,
      ControlPlaneLoopsConfig config,
      Binder binder,
      LeaderElection.Timing timing) {
    KubernetesClient client = controllerManager;
    WorkQueueMetrics queueMetrics = new WorkQueueMetrics();
    SchedulerMetrics schedulerMetrics = new SchedulerMetrics();
    String identity = hostname() + "_" + UUID.randomUUID();
    // One watch per resource type for the controllers and the scheduler together (listing and
    // watching as the controller manager, which may read everything): each pod event is received
    // and decoded once, not once per loop set (docs/benchmarks.md, "Server CPU per pod: one watch
    // per kind"). Writes keep each loop's own identity.
    InformerPool informers = new InformerPool(client);
    LeaderElection controllers =
        new LeaderElection(
            client,
            LEASE_NAMESPACE,
            CONTROLLER_LEASE,
            identity,
            timing,
            () -> startControllers(client, perController, config, queueMetrics, informers));
    LeaderElection scheduler =
        new LeaderElection(
            schedulerClient,
            LEASE_NAMESPACE,
            SCHEDULER_LEASE,
            identity,
            timing,
            () ->
                startScheduler(
                    schedulerClient, binder, config, queueMetrics, schedulerMetrics, informers));
    controllers.start();
    scheduler.start();
    return new ControlPlaneLoops(controllers, scheduler, queueMetrics, schedulerMetrics, informers);
  }

  /** This instance's holder identity in both leases ({@code <hostname>_<uuid>}, as upstream). */
  public String identity() {
    return controllers.identity();
  }

  /** True while this instance runs the controllers. */
  public boolean leadsControllers() {
    return controllers.isLeading();
  }

  /** True while this instance runs the scheduler. */
  public boolean leadsScheduler() {
    return scheduler.isLeading();
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "kuark-server";
    }
  }

  private static AutoCloseable startControllers(
      KubernetesClient client,
      ControllerClients clients,
      ControlPlaneLoopsConfig config,
      WorkQueueMetrics queueMetrics,
      InformerPool informers) {
    LoopSet set = new LoopSet(client, "kuark-controller", queueMetrics, informers);
    // Each controller acts as its own identity (upstream's ServiceAccount names); the informers
    // behind every context stay the controller manager's.
    ControllerContexts ctx = new ControllerContexts(set.ctx, clients);
    set.add(new ReplicaSetController(ctx.of("replicaset-controller")).controller());
    set.add(new DeploymentController(ctx.of("deployment-controller")).controller());
    set.add(
        new NodeIpamController(
                ctx.of("node-ipam-controller"), config.clusterCidr(), config.nodeCidrMaskSize())
            .controller());
    set.add(new ServiceAccountController(ctx.of("service-account-controller")).controller());
    Optional<String> ca = ClusterCa.pem(client.getConfiguration());
    if (ca.isPresent()) {
      set.add(new RootCaPublisher(ctx.of("root-ca-cert-publisher"), ca.get()).controller());
    } else {
      LOG.warn("the client has no CA bundle: kube-root-ca.crt ConfigMaps are not published");
    }
    NodeLifecycleController lifecycle =
        new NodeLifecycleController(ctx.of("node-controller"), Duration.ofSeconds(40));
    set.add(lifecycle.controller());
    set.closeLater(lifecycle);
    set.add(new JobController(ctx.of("job-controller")).controller());
    set.add(new DaemonSetController(ctx.of("daemon-set-controller")).controller());
    set.add(new StatefulSetController(ctx.of("statefulset-controller")).controller());
    PersistentVolumeController volumes =
        new PersistentVolumeController(ctx.of("persistent-volume-binder"));
    set.add(volumes.claimController());
    set.add(volumes.volumeController());
    set.add(new CronJobController(ctx.of("cronjob-controller")).controller());
    set.add(new TtlAfterFinishedController(ctx.of("ttl-after-finished-controller")).controller());
    set.add(new EndpointSliceController(ctx.of("endpointslice-controller")).controller());
    set.add(new EndpointsController(ctx.of("endpoint-controller")).controller());
    // Discovery is shared (upstream's controller manager discovers with its own client).
    ApiDiscovery discovery =
        new CachedDiscovery(new ClientDiscovery(client), Duration.ofSeconds(30));
    set.add(new NamespaceController(ctx.of("namespace-controller"), discovery).controller());
    set.add(
        new ResourceQuotaController(ctx.of("resourcequota-controller"), discovery).controller());
    GarbageCollector gc = new GarbageCollector(ctx.of("generic-garbage-collector"), discovery);
    set.closeLater(gc);
    set.startControllers();
    lifecycle.startMonitor();
    try {
      gc.start();
    } catch (RuntimeException e) {
      LOG.warnf("garbage collector could not start (discovery failed): %s", e.toString());
    }
    LOG.infof("controllers started: %d", set.controllerCount());
    return set;
  }

  private static AutoCloseable startScheduler(
      KubernetesClient client,
      Binder binder,
      ControlPlaneLoopsConfig config,
      WorkQueueMetrics queueMetrics,
      SchedulerMetrics schedulerMetrics,
      InformerPool informers) {
    LoopSet set = new LoopSet(client, "kuark-scheduler", queueMetrics, informers);
    Scheduler scheduler = new Scheduler(set.ctx, binder, schedulerMetrics, config.spreadDefaults());
    set.closeLater(scheduler);
    set.startControllers();
    scheduler.start();
    LOG.info("scheduler started");
    return set;
  }

  @Override
  public void close() {
    scheduler.close();
    controllers.close();
    informers.close();
  }
}
