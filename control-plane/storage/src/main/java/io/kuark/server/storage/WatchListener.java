package io.kuark.server.storage;

/**
 * Receives a watch's events. Calls for one watch never overlap and come in revision order with no
 * gaps. After {@link #onError} no more calls follow.
 */
public interface WatchListener {

  void onEvent(WatchEvent event);

  /**
   * The watch ended abnormally: {@link StorageException.Gone} when the start revision was compacted
   * away (the caller must re-list), {@link StorageException.Unavailable} when the backend is lost
   * for good.
   */
  void onError(StorageException error);
}
