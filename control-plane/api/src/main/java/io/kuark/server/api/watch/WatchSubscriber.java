package io.kuark.server.api.watch;

/** Receives a {@link WatchCache}'s events for one watch. Calls never overlap. */
public interface WatchSubscriber {

  /** A change newer than the subscriber's start revision, in revision order. */
  void onEvent(CachedEvent event);

  /**
   * The cache lost its storage watch (compaction or backend loss); no more events follow and the
   * client must re-establish its watch.
   */
  void onTerminated(String reason);
}
