package io.kuark.server.controller.leader;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;

/**
 * fabric8's {@link LeaseLock} renewing with a PUT (update, a compare-and-swap on the
 * resourceVersion last read) instead of its JSON merge PATCH, as upstream's LeaseLock does: the
 * lease holders need only upstream's {@code get}, {@code create} and {@code update} on leases.
 * fabric8's elector reads the lock before every create or update, so the resourceVersion comes from
 * that read; a lease changed in between makes the update fail with 409 and the elector retries.
 */
final class UpdatingLeaseLock extends LeaseLock {
  private final String namespace;
  private final String name;
  private Lease lastRead; // guarded by this

  UpdatingLeaseLock(String namespace, String name, String identity) {
    super(namespace, name, identity);
    this.namespace = namespace;
    this.name = name;
  }

  @Override
  public synchronized LeaderElectionRecord get(KubernetesClient client) {
    Lease lease = client.leases().inNamespace(namespace).withName(name).get();
    lastRead = lease;
    return lease == null ? null : toRecord(lease);
  }

  @Override
  public synchronized void create(KubernetesClient client, LeaderElectionRecord record) {
    lastRead = client.resource(toResource(record, getObjectMeta(null))).create();
  }

  @Override
  public synchronized void update(KubernetesClient client, LeaderElectionRecord record) {
    if (lastRead == null) {
      throw new IllegalStateException("get or create must be called first");
    }
    String version = lastRead.getMetadata().getResourceVersion();
    lastRead = client.resource(toResource(record, getObjectMeta(version))).update();
  }
}
