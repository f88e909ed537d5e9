package io.kuark.server.storage.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.kuark.server.storage.ContinueToken;
import io.kuark.server.storage.KeyRange;
import io.kuark.server.storage.KeyValue;
import io.kuark.server.storage.ListResult;
import io.kuark.server.storage.Storage;
import io.kuark.server.storage.StorageException;
import io.kuark.server.storage.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The etcd backend over jetcd. Keys are stored as their UTF-8 bytes, unchanged. Every write is one
 * transaction comparing the key's mod revision (0 for create), so CAS needs one round trip; the
 * else branch reads the key to tell NotFound from Conflict. Lists read at one revision ({@code
 * limit + 1} to see whether more follow, {@code count} for the remaining items). TTL keys are
 * attached to (shared) leases.
 */
public final class EtcdStorage implements Storage {

  private static final Logger LOG = Logger.getLogger(EtcdStorage.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Upstream's default compaction interval. */
  public static final Duration DEFAULT_COMPACTION_INTERVAL = Duration.ofMinutes(5);

  private final Client client;
  private final KV kv;
  private final io.etcd.jetcd.Watch watchClient;
  private final LeasePool leases;
  private final ExecutorService deliveryThreads;
  private final ScheduledExecutorService timer;
  private final CompactionRecord compaction;
  private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
  private long lastSeenCompactionVersion = -1;
  private long revisionAtLastRound;

  private EtcdStorage(Client client, Duration compactionInterval) {
    this.client = client;
    this.kv = client.getKVClient();
    this.compaction = new CompactionRecord(kv);
    this.watchClient = client.getWatchClient();
    this.leases = new LeasePool(client.getLeaseClient());
    AtomicInteger n = new AtomicInteger();
    this.deliveryThreads =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> daemon(r, "kuark-etcd-watch-" + n.incrementAndGet()));
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kuark-etcd-upkeep"));
    if (compactionInterval != null) {
      long period = compactionInterval.toMillis();
      timer.scheduleWithFixedDelay(
          this::compactPeriodically, period, period, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Connects to etcd at {@code endpoints} (URLs such as {@code http://127.0.0.1:2379}) and checks
   * that it answers.
   *
   * @throws StorageException.Unavailable when etcd cannot be reached
   */
  public static EtcdStorage connect(List<String> endpoints) {
    return connect(endpoints, DEFAULT_COMPACTION_INTERVAL);
  }

  /**
   * Connects as {@link #connect(List)}, compacting every {@code compactionInterval} ({@code null}:
   * never; someone else compacts).
   */
  public static EtcdStorage connect(List<String> endpoints, Duration compactionInterval) {
    Client client =
        Client.builder()
            .endpoints(endpoints.toArray(new String[0]))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    EtcdStorage storage = new EtcdStorage(client, compactionInterval);
    try {
      // Fail fast at start-up rather than after the full request timeout.
      EtcdErrors.await(
          storage.kv.get(bytes("\0"), GetOption.builder().withCountOnly(true).build()),
          "connect to " + endpoints,
          CONNECT_TIMEOUT);
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
    return storage;
  }

  @Override
  public Optional<KeyValue> get(String key) {
    GetResponse r = call(kv.get(bytes(key)), "get " + key, key);
    return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(toKeyValue(r.getKvs().get(0)));
  }

  @Override
  public ListResult list(String prefix, int limit, String continueToken, long atRevision) {
    long revision = atRevision;
    String from = prefix;
    if (continueToken != null && !continueToken.isEmpty()) {
      ContinueToken token = ContinueToken.decode(continueToken);
      revision = token.revision();
      from = prefix + token.startSuffix();
    }
    GetOption.Builder option =
        GetOption.builder()
            .withRevision(revision)
            .withSortField(GetOption.SortTarget.KEY)
            .withSortOrder(GetOption.SortOrder.ASCEND);
    String end = KeyRange.prefixEnd(prefix);
    option.withRange(end == null ? ByteSequence.from(new byte[] {0}) : bytes(end));
    if (limit > 0) {
      option.withLimit(limit + 1L);
    }
    GetResponse r = call(kv.get(bytes(from), option.build()), "list " + prefix, prefix, revision);
    long listRevision = revision == 0 ? r.getHeader().getRevision() : revision;
    List<KeyValue> items = new ArrayList<>(r.getKvs().size());
    for (io.etcd.jetcd.KeyValue item : r.getKvs()) {
      items.add(toKeyValue(item));
    }
    if (limit <= 0 || items.size() <= limit) {
      return new ListResult(items, listRevision, null, 0);
    }
    String next = items.get(limit).key();
    String token = new ContinueToken(listRevision, next.substring(prefix.length())).encode();
    // count covers the whole range from this page's first key; what follows is the rest.
    long remaining = r.getCount() - limit;
    return new ListResult(List.copyOf(items.subList(0, limit)), listRevision, token, remaining);
  }

  @Override
  public KeyValue create(String key, byte[] value, Duration ttl) {
    ByteSequence k = bytes(key);
    TxnResponse r =
        call(
            kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(0)))
                .Then(Op.put(k, ByteSequence.from(value), putOption(ttl, false)))
                .commit(),
            "create " + key,
            key);
    if (!r.isSucceeded()) {
      throw new StorageException.AlreadyExists(key);
    }
    long revision = r.getHeader().getRevision();
    return new KeyValue(key, value, revision, revision);
  }

  @Override
  public KeyValue update(String key, byte[] value, long expectedModRevision, Duration ttl) {
    ByteSequence k = bytes(key);
    TxnResponse r =
        call(
            kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
                .Then(Op.put(k, ByteSequence.from(value), putOption(ttl, true)))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(),
            "update " + key,
            key);
    if (!r.isSucceeded()) {
      throw casFailure(key, expectedModRevision, r);
    }
    io.etcd.jetcd.KeyValue prev = r.getPutResponses().get(0).getPrevKv();
    long revision = r.getHeader().getRevision();
    return new KeyValue(key, value, prev.getCreateRevision(), revision);
  }

  @Override
  public KeyValue delete(String key, long expectedModRevision) {
    ByteSequence k = bytes(key);
    Cmp guard =
        expectedModRevision == 0
            ? new Cmp(k, Cmp.Op.GREATER, CmpTarget.modRevision(0))
            : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
    TxnResponse r =
        call(
            kv.txn()
                .If(guard)
                .Then(Op.delete(k, DeleteOption.builder().withPrevKV(true).build()))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(),
            "delete " + key,
            key);
    if (!r.isSucceeded()) {
      throw casFailure(key, expectedModRevision, r);
    }
    DeleteResponse d = r.getDeleteResponses().get(0);
    if (d.getPrevKvs().isEmpty()) {
      throw new StorageException.NotFound(key);
    }
    io.etcd.jetcd.KeyValue prev = d.getPrevKvs().get(0);
    return new KeyValue(
        key, prev.getValue().getBytes(), prev.getCreateRevision(), r.getHeader().getRevision());
  }

  @Override
  public Watch watch(String prefix, long afterRevision, WatchListener listener) {
    long after = afterRevision > 0 ? afterRevision : currentRevision();
    EtcdWatch watch =
        new EtcdWatch(
            watchClient, prefix, after, listener, deliveryThreads, timer, watches::remove);
    watches.add(watch);
    watch.start();
    return watch;
  }

  @Override
  public long currentRevision() {
    GetResponse r =
        call(
            kv.get(bytes("\0"), GetOption.builder().withCountOnly(true).build()), "revision", null);
    return r.getHeader().getRevision();
  }

  /**
   * Compacts etcd to {@code revision} and records it (see {@link CompactionRecord}); a revision at
   * or below the recorded one is a no-op.
   */
  @Override
  public void compact(long revision) {
    while (true) {
      CompactionRecord.State state;
      try {
        state = compaction.read();
      } catch (EtcdErrors.CompactedRevision e) {
        throw new StorageException.Unavailable("cannot read the compaction record", e);
      }
      if (revision <= state.revision()) {
        return;
      }
      try {
        if (compaction.compactIfUnchanged(revision, state.version())) {
          return;
        }
      } catch (EtcdErrors.CompactedRevision e) {
        return;
      }
      // Another server moved the record meanwhile: look again.
    }
  }

  /** The revision recorded by the last compaction through Kuark (0 if none). */
  @Override
  public long compactedRevision() {
    try {
      return compaction.read().revision();
    } catch (EtcdErrors.CompactedRevision e) {
      throw new StorageException.Unavailable("cannot read the compaction record", e);
    }
  }

  /**
   * One round of periodic compaction (upstream's scheme): compact to the revision seen one round
   * ago, so at least one interval of history stays watchable, unless another server compacted since
   * our last round.
   */
  private void compactPeriodically() {
    try {
      CompactionRecord.State state = compaction.read();
      long now = currentRevision();
      if (lastSeenCompactionVersion == state.version() && revisionAtLastRound > state.revision()) {
        compaction.compactIfUnchanged(revisionAtLastRound, state.version());
        state = compaction.read();
      }
      lastSeenCompactionVersion = state.version();
      revisionAtLastRound = now;
    } catch (RuntimeException e) {
      LOG.warnf(e, "periodic etcd compaction failed: %s", e.getMessage());
    }
  }

  /** Closes the client; open watches end with {@link StorageException.Unavailable}. */
  @Override
  public void close() {
    for (EtcdWatch w : watches) {
      w.fail(new StorageException.Unavailable("storage closed", null));
    }
    timer.shutdownNow();
    deliveryThreads.shutdown();
    client.close();
  }

  private PutOption putOption(Duration ttl, boolean prevKv) {
    PutOption.Builder b = PutOption.builder();
    if (prevKv) {
      b.withPrevKV();
    }
    if (ttl != null) {
      b.withLeaseId(leases.leaseFor(ttl));
    }
    return b.build();
  }

  private RuntimeException casFailure(String key, long expected, TxnResponse r) {
    GetResponse current = r.getGetResponses().get(0);
    if (current.getKvs().isEmpty()) {
      return new StorageException.NotFound(key);
    }
    return new StorageException.Conflict(key, expected, current.getKvs().get(0).getModRevision());
  }

  private <T> T call(CompletableFuture<T> future, String what, String key) {
    return call(future, what, key, 0);
  }

  private <T> T call(CompletableFuture<T> future, String what, String key, long revision) {
    try {
      return EtcdErrors.await(future, what);
    } catch (EtcdErrors.CompactedRevision e) {
      long compacted = e.compactedRevision;
      if (compacted <= 0) {
        try {
          compacted = compaction.read().revision();
        } catch (RuntimeException unreadable) {
          compacted = 0;
        }
      }
      throw new StorageException.Gone(key, revision, compacted);
    }
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, UTF_8);
  }

  static String string(ByteSequence b) {
    return b.toString(UTF_8);
  }

  static KeyValue toKeyValue(io.etcd.jetcd.KeyValue kv) {
    return new KeyValue(
        string(kv.getKey()), kv.getValue().getBytes(), kv.getCreateRevision(), kv.getModRevision());
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
