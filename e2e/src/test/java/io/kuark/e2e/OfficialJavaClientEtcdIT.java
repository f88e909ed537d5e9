package io.kuark.e2e;

import java.util.List;

/** {@link OfficialJavaClientIT} against a server storing in a real etcd the test starts. */
class OfficialJavaClientEtcdIT extends OfficialJavaClientIT {
  @Override
  protected List<String> storageFlags(KuarkProcesses processes) throws InterruptedException {
    return List.of("--storage", "etcd", "--etcd-endpoints", processes.startEtcd());
  }
}
