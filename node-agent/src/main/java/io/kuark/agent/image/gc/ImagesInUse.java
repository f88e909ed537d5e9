package io.kuark.agent.image.gc;

import java.io.IOException;
import java.util.Set;

/** Which images containers on this node use; image GC never deletes those. */
public interface ImagesInUse {

  /**
   * Config digests (image ids) of the images every container the agent still tracks was created
   * from, running or exited, plus those the pods bound to the node name.
   *
   * @throws IOException when that cannot be determined now (GC then deletes nothing)
   */
  Set<String> configDigests() throws IOException;
}
