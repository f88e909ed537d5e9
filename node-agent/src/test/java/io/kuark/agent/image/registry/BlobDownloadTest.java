package io.kuark.agent.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.kuark.agent.image.BlobStore;
import io.kuark.agent.image.Digests;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resumable blob downloads against a small registry on loopback whose first answer breaks off half
 * way: the rest is fetched with a Range request and the whole is verified.
 */
class BlobDownloadTest {

  private final byte[] blob = new byte[256 * 1024];
  private String digest;
  private HttpServer server;
  private Path dir;
  private final List<String> ranges = new CopyOnWriteArrayList<>();
  private volatile boolean breakFirst = true;
  private volatile boolean honourRange = true;
  private volatile boolean corrupt;

  @BeforeEach
  void setUp() throws Exception {
    new Random(7).nextBytes(blob);
    digest = Digests.of(blob);
    dir = Files.createTempDirectory("kuark-blob-resume");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v2/",
        exchange -> {
          String range = exchange.getRequestHeaders().getFirst("Range");
          ranges.add(range == null ? "none" : range);
          byte[] body = corrupt ? blob.clone() : blob;
          if (corrupt) {
            body[body.length - 1] ^= 1;
          }
          if (range != null && honourRange) {
            int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            exchange
                .getResponseHeaders()
                .add(
                    "Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            exchange.sendResponseHeaders(206, body.length - from);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body, from, body.length - from);
            }
            return;
          }
          exchange.sendResponseHeaders(200, body.length);
          OutputStream out = exchange.getResponseBody();
          if (breakFirst) {
            breakFirst = false;
            out.write(body, 0, body.length / 2);
            out.flush();
            // Closing short of the announced length drops the connection mid-transfer.
            try {
              exchange.close();
            } catch (RuntimeException e) {
              // expected: the server complains about the missing bytes
            }
            return;
          }
          out.write(body);
          out.close();
        });
    server.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    server.stop(0);
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private RegistryClient.Session session() {
    return new RegistryClient(Set.of())
        .session("127.0.0.1:" + server.getAddress().getPort(), "library/demo", null);
  }

  @Test
  void aBrokenTransferContinuesWithARangeRequestAndIsVerified() throws Exception {
    BlobStore blobs = new BlobStore(dir.resolve("blobs"));
    BlobDownload.fetch(session(), blobs, digest);
    assertThat(blobs.contains(digest)).isTrue();
    assertThat(Files.readAllBytes(blobs.path(digest))).isEqualTo(blob);
    assertThat(ranges.get(0)).isEqualTo("none");
    assertThat(ranges.get(ranges.size() - 1)).matches("bytes=[1-9][0-9]*-");
    assertThat(Files.exists(blobs.partial(digest))).isFalse();
  }

  @Test
  void aRegistryIgnoringTheRangeStillYieldsTheRightBlob() throws Exception {
    honourRange = false;
    BlobStore blobs = new BlobStore(dir.resolve("blobs"));
    BlobDownload.fetch(session(), blobs, digest);
    assertThat(Files.readAllBytes(blobs.path(digest))).isEqualTo(blob);
  }

  @Test
  void contentNotMatchingTheDigestIsDiscarded() throws Exception {
    corrupt = true;
    BlobStore blobs = new BlobStore(dir.resolve("blobs"));
    assertThatThrownBy(() -> BlobDownload.fetch(session(), blobs, digest))
        .isInstanceOf(BlobStore.DigestMismatchException.class);
    assertThat(blobs.contains(digest)).isFalse();
    assertThat(Files.exists(blobs.partial(digest))).isFalse();
  }
}
