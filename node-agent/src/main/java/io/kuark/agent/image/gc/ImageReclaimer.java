package io.kuark.agent.image.gc;

import io.kuark.agent.eviction.NodeReclaimer;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * Node-level reclaim under disk pressure: deletes every unused image old enough, for {@code
 * imagefs.*} signals, and for {@code nodefs.*} signals when the image store lives on the node file
 * system (as kubelet does without a dedicated image file system).
 */
public final class ImageReclaimer implements NodeReclaimer {

  private static final Logger LOG = Logger.getLogger(ImageReclaimer.class);

  private final ImageGarbageCollector gc;
  private final boolean imagesOnNodefs;

  /**
   * @param imagesOnNodefs the image store is on the same file system as the agent's data
   */
  public ImageReclaimer(ImageGarbageCollector gc, boolean imagesOnNodefs) {
    this.gc = gc;
    this.imagesOnNodefs = imagesOnNodefs;
  }

  @Override
  public long reclaim(String signal) {
    if (!signal.startsWith("imagefs.") && !(imagesOnNodefs && signal.startsWith("nodefs."))) {
      return 0;
    }
    try {
      ImageGarbageCollector.Result result = gc.deleteUnusedImages();
      if (!result.removed().isEmpty()) {
        LOG.infof("disk pressure (%s): deleted unused images %s", signal, result.removed());
      }
      return result.bytesFreed();
    } catch (IOException e) {
      LOG.warnf("disk pressure (%s): deleting unused images failed: %s", signal, e.getMessage());
      return 0;
    }
  }
}
