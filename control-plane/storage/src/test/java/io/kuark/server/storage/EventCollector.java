package io.kuark.server.storage;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** A watch listener that records what it gets, for assertions. */
public final class EventCollector implements WatchListener {

  private final List<WatchEvent> events = new ArrayList<>();
  private final AtomicReference<StorageException> error = new AtomicReference<>();
  private volatile Thread lastThread;
  private volatile boolean overlapped;
  private volatile boolean inCall;

  @Override
  public void onEvent(WatchEvent event) {
    enter();
    try {
      synchronized (events) {
        events.add(event);
      }
    } finally {
      inCall = false;
    }
  }

  @Override
  public void onError(StorageException e) {
    enter();
    error.set(e);
    inCall = false;
  }

  private void enter() {
    if (inCall) {
      overlapped = true;
    }
    inCall = true;
    lastThread = Thread.currentThread();
  }

  public List<WatchEvent> events() {
    synchronized (events) {
      return new ArrayList<>(events);
    }
  }

  public StorageException error() {
    return error.get();
  }

  public boolean callsOverlapped() {
    return overlapped;
  }

  /** Waits until at least {@code n} events arrived and returns them all. */
  public List<WatchEvent> awaitEvents(int n) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> events().size() >= n || error() != null);
    return events();
  }

  /** Waits for the watch to fail and returns the error. */
  public StorageException awaitError() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> error() != null);
    return error();
  }
}
