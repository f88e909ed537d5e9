package io.kuark.bench.storage;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * jetcd used directly, the floor for the etcd-backed figures: the same requests (a guarded
 * transaction for create and update, a prefix range for list, a prefix watch) with no Kuark layer.
 */
final class RawEtcdTarget implements BenchTarget {

  private final Client client;
  private final KV kv;

  RawEtcdTarget(String endpoint) {
    this.client = Client.builder().endpoints(endpoint).build();
    this.kv = client.getKVClient();
  }

  @Override
  public String name() {
    return "raw jetcd";
  }

  @Override
  public long create(String key, byte[] value) {
    ByteSequence k = bytes(key);
    TxnResponse r =
        await(
            kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(0)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .commit());
    if (!r.isSucceeded()) {
      throw new IllegalStateException("exists: " + key);
    }
    return r.getHeader().getRevision();
  }

  @Override
  public boolean get(String key) {
    return !await(kv.get(bytes(key))).getKvs().isEmpty();
  }

  @Override
  public long update(String key, byte[] value, long expectedModRevision) {
    ByteSequence k = bytes(key);
    TxnResponse r =
        await(
            kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .commit());
    if (!r.isSucceeded()) {
      throw new IllegalStateException("conflict: " + key);
    }
    return r.getHeader().getRevision();
  }

  @Override
  public int list(String prefix) {
    return await(kv.get(bytes(prefix), GetOption.builder().isPrefix(true).build())).getKvs().size();
  }

  @Override
  public AutoCloseable watch(String prefix, Consumer<String> onKey) {
    // Start at the next revision so no write made after this call can be missed.
    long next =
        await(kv.get(bytes(prefix), GetOption.builder().withCountOnly(true).build()))
                .getHeader()
                .getRevision()
            + 1;
    io.etcd.jetcd.Watch.Watcher w =
        client
            .getWatchClient()
            .watch(
                bytes(prefix),
                WatchOption.builder().isPrefix(true).withPrevKV(true).withRevision(next).build(),
                response -> {
                  for (WatchEvent e : response.getEvents()) {
                    onKey.accept(e.getKeyValue().getKey().toString(UTF_8));
                  }
                });
    return w::close;
  }

  @Override
  public void close() {
    client.close();
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, UTF_8);
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
