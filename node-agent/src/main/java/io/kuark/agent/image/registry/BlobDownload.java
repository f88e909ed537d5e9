package io.kuark.agent.image.registry;

import io.kuark.agent.image.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jboss.logging.Logger;

/**
 * Downloads one blob resumably: bytes go to the blob store's partial file, and when the transfer
 * breaks (connection reset, premature end) the next attempt asks for the rest with an HTTP Range
 * request instead of starting over. The complete file is verified against the digest before it is
 * stored; a mismatch discards it. Registry errors (4xx/5xx answers) are not retried here.
 */
final class BlobDownload {

  private static final Logger LOG = Logger.getLogger(BlobDownload.class);
  static final int ATTEMPTS = 5;

  private BlobDownload() {}

  /** One download per digest at a time: two pulls sharing a layer must not append to one file. */
  private static final java.util.concurrent.ConcurrentHashMap<String, Object> LOCKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  static void fetch(RegistryClient.Session session, BlobStore blobs, String digest)
      throws IOException {
    // Locks stay in the map: removing one could let a third download in beside a waiting one.
    Object lock = LOCKS.computeIfAbsent(digest, d -> new Object());
    synchronized (lock) {
      fetchLocked(session, blobs, digest);
    }
  }

  private static void fetchLocked(RegistryClient.Session session, BlobStore blobs, String digest)
      throws IOException {
    if (blobs.contains(digest)) {
      return;
    }
    Path partial = blobs.partial(digest);
    IOException failure = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      long have = Files.exists(partial) ? Files.size(partial) : 0;
      try (InputStream in = session.blob(digest, have);
          OutputStream out =
              Files.newOutputStream(
                  partial, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        in.transferTo(out);
      } catch (RegistryException e) {
        if (e.status() == 0) {
          failure = e;
          continue;
        }
        throw e;
      } catch (IOException e) {
        long now = Files.exists(partial) ? Files.size(partial) : 0;
        LOG.infof(
            "download of %s broke off after %d bytes (%s); continuing from there",
            digest, now, e.getMessage());
        failure = e;
        continue;
      }
      blobs.commitPartial(digest);
      return;
    }
    throw failure;
  }
}
