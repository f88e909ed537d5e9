package io.kuark.server.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaTest {

  @TempDir Path dir;

  @Test
  void connectionsDoNotFetchGeneratedKeysAfterInserts() throws Exception {
    try (Connection c = Schema.connect(dir.resolve("kuark.db"))) {
      Schema.create(c);
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO kv (id, name, create_revision, prev_revision, deleted, lease_expiry,"
                  + " value) VALUES (7, '/registry/a', 7, 0, 0, 0, x'7b7d')")) {
        assertThat(insert.executeUpdate()).isEqualTo(1);
        // With the driver's default, this holds the row id 7 from a second statement the driver
        // ran after the INSERT.
        try (ResultSet keys = insert.getGeneratedKeys()) {
          assertThat(keys.next()).isFalse();
        }
      }
      try (PreparedStatement read = c.prepareStatement("SELECT name FROM kv WHERE id = 7");
          ResultSet row = read.executeQuery()) {
        assertThat(row.next()).isTrue();
        assertThat(row.getString(1)).isEqualTo("/registry/a");
      }
    }
  }
}
