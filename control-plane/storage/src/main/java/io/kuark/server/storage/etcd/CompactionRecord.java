package io.kuark.server.storage.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

/**
 * The compacted revision, kept in etcd under {@link #KEY} so every Kuark server sharing the etcd
 * sees it (etcd has no call that reports it). Also coordinates periodic compaction between servers
 * the way upstream's API servers do: whoever moves the record forward with a CAS on its version
 * compacts; the others see the version changed and skip that round.
 */
final class CompactionRecord {

  /** Outside {@code /registry/}, so no resource list ever includes it. */
  static final String KEY = "/kuark/storage/compacted-revision";

  private final KV kv;
  private final ByteSequence key = ByteSequence.from(KEY, UTF_8);

  CompactionRecord(KV kv) {
    this.kv = kv;
  }

  /** The recorded revision and the record's version (0, 0 when never compacted). */
  record State(long revision, long version) {}

  State read() {
    GetResponse r = EtcdErrors.await(kv.get(key, GetOption.DEFAULT), "read compaction record");
    if (r.getKvs().isEmpty()) {
      return new State(0, 0);
    }
    io.etcd.jetcd.KeyValue record = r.getKvs().get(0);
    return new State(Long.parseLong(record.getValue().toString(UTF_8)), record.getVersion());
  }

  /**
   * Records {@code revision} if the record is still at {@code expectedVersion}, and then compacts
   * etcd to it.
   *
   * @return whether this call compacted (false: another writer moved the record first)
   */
  boolean compactIfUnchanged(long revision, long expectedVersion) {
    TxnResponse r =
        EtcdErrors.await(
            kv.txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(expectedVersion)))
                .Then(
                    Op.put(
                        key, ByteSequence.from(Long.toString(revision), UTF_8), PutOption.DEFAULT))
                .commit(),
            "update compaction record");
    if (!r.isSucceeded()) {
      return false;
    }
    try {
      EtcdErrors.await(
          kv.compact(revision, CompactOption.builder().withCompactPhysical(true).build()),
          "compact");
    } catch (EtcdErrors.CompactedRevision already) {
      // Someone compacted etcd further by other means; the record still moves forward.
    }
    return true;
  }
}
