package io.kuark.linux.jnr;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The platform threads that switch network namespaces. A cached pool: idle threads are reused and
 * expire after a while. A task that leaves its thread in a foreign namespace throws {@link
 * Retired}, which makes the pool discard that thread instead of reusing it.
 */
final class NetnsThreads {
  /**
   * Initialised only when a thread dies: finding a logging provider costs a short-lived process
   * (the kuark-bridge binary) a noticeable part of its start-up.
   */
  private static final class Log {
    static final Logger LOG = Logger.getLogger(NetnsThreads.class);
  }

  /** Thrown out of a pool task to kill (retire) the worker thread that runs it. */
  static final class Retired extends Error {
    Retired(String message) {
      super(message, null, false, false);
    }
  }

  private NetnsThreads() {}

  static ExecutorService newPool() {
    AtomicInteger counter = new AtomicInteger();
    ThreadFactory factory =
        runnable -> {
          Thread thread = new Thread(runnable, "kuark-netns-" + counter.incrementAndGet());
          thread.setDaemon(true);
          thread.setUncaughtExceptionHandler(
              (t, e) -> {
                if (e instanceof Retired) {
                  Log.LOG.warnf("retired namespace thread %s: %s", t.getName(), e.getMessage());
                } else {
                  Log.LOG.errorf(e, "namespace thread %s died", t.getName());
                }
              });
          return thread;
        };
    return new ThreadPoolExecutor(
        0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), factory);
  }
}
