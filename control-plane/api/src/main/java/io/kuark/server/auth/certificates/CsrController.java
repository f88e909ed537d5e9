package io.kuark.server.auth.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kuark.server.api.store.Meta;
import io.kuark.server.api.store.ObjectStore;
import io.kuark.server.api.store.StoredObject;
import io.kuark.server.api.watch.WatchCaches;
import io.kuark.server.apimodel.ResourceType;
import io.kuark.server.auth.WatchedObjects;
import io.kuark.server.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.jboss.logging.Logger;

/**
 * Approves and signs CertificateSigningRequests inside the API server (where the cluster CA key
 * is): CSR changes enqueue the CSR's name, one worker re-reads it and, level-triggered, first lets
 * {@link CsrApprover} approve a pending request, then lets {@link CsrSigner} issue the certificate
 * of an approved one into {@code status.certificate} (or mark it {@code Failed}). Writes are
 * compare-and-swap on the read revision; a conflict re-enqueues. Several servers on one etcd may
 * run this at once: the CAS lets exactly one write win.
 */
public final class CsrController implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(CsrController.class);

  private final ObjectStore store;
  private final ResourceType type;
  private final CsrApprover approver;
  private final CsrSigner signer;
  private final WatchedObjects csrs;
  private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private final Thread worker;
  private volatile boolean closed;

  public CsrController(
      ObjectStore store,
      WatchCaches caches,
      ResourceType type,
      CsrApprover approver,
      CsrSigner signer) {
    this.store = store;
    this.type = type;
    this.approver = approver;
    this.signer = signer;
    this.csrs = new WatchedObjects(store, caches, type, o -> enqueue(Meta.name(o)));
    this.worker = new Thread(this::work, "csr-approve-sign");
    worker.setDaemon(true);
  }

  public CsrController start() {
    worker.start();
    csrs.start();
    return this;
  }

  private void enqueue(String name) {
    if (queued.add(name)) {
      queue.add(name);
    }
  }

  private void work() {
    while (!closed) {
      String name;
      try {
        name = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      queued.remove(name);
      try {
        sync(name);
      } catch (StorageException.Conflict e) {
        enqueue(name);
      } catch (RuntimeException e) {
        LOG.warnf(e, "processing CertificateSigningRequest %s failed", name);
      }
    }
  }

  /** One level-triggered pass over the CSR {@code name}. */
  void sync(String name) {
    Optional<StoredObject> found = store.get(type, "", name);
    if (found.isEmpty() || Meta.deleting(found.get().object())) {
      return;
    }
    ObjectNode csr = found.get().object();
    boolean approved = has(csr, "Approved");
    if (!approved && !has(csr, "Denied")) {
      Optional<String> reason = approver.decide(csr);
      if (reason.isEmpty()) {
        return;
      }
      ObjectNode next = csr.deepCopy();
      addCondition(next, "Approved", "AutoApproved", reason.get());
      csr = store.update(type, next, found.get().modRevision()).object();
      LOG.infof("approved CertificateSigningRequest %s", name);
      approved = true;
    }
    if (!approved
        || has(csr, "Denied")
        || has(csr, "Failed")
        || !csr.path("status").path("certificate").asText("").isEmpty()
        || !CsrSigner.serves(csr.path("spec").path("signerName").asText())) {
      return;
    }
    ObjectNode next = csr.deepCopy();
    CsrSigner.Outcome outcome = signer.sign(csr);
    if (outcome instanceof CsrSigner.Outcome.Signed s) {
      next.with("status")
          .put(
              "certificate",
              Base64.getEncoder()
                  .encodeToString(s.certificatePem().getBytes(StandardCharsets.UTF_8)));
      LOG.infof("signed CertificateSigningRequest %s", name);
    } else if (outcome instanceof CsrSigner.Outcome.Failed f) {
      addCondition(next, "Failed", "SignerValidationFailure", f.reason());
      LOG.infof("not signing CertificateSigningRequest %s: %s", name, f.reason());
    }
    store.update(type, next, Long.parseLong(Meta.resourceVersion(csr)));
  }

  private static void addCondition(ObjectNode csr, String kind, String reason, String message) {
    ObjectNode status = csr.with("status");
    ArrayNode conditions =
        status.path("conditions").isArray()
            ? (ArrayNode) status.get("conditions")
            : status.putArray("conditions");
    ObjectNode c = conditions.addObject();
    c.put("type", kind);
    c.put("status", "True");
    c.put("reason", reason);
    c.put("message", message);
    String now = Meta.now();
    c.put("lastUpdateTime", now);
    c.put("lastTransitionTime", now);
  }

  private static boolean has(JsonNode csr, String kind) {
    for (JsonNode c : csr.path("status").path("conditions")) {
      if (c.path("type").asText().equals(kind) && c.path("status").asText("True").equals("True")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    closed = true;
    csrs.close();
    worker.interrupt();
  }
}
