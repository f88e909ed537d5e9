package io.kuark.agent.pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One pod's state file ({@code pods/<uid>/state.json}), rewritten only when the record changed. A
 * pod's worker saves after every sync (each second while idle, every 50 ms while a container is
 * being created); rewriting an unchanged record cost a temporary file and a rename — a new inode
 * and a deleted one — per pod per sync, which on ext4 also lengthens every later file creation's
 * scan past recently deleted inodes. Owned by one pod worker.
 */
final class PodStateFile {

  private final Path file;
  private byte[] written;

  PodStateFile(Path file) {
    this.file = file;
  }

  Path path() {
    return file;
  }

  /**
   * Writes {@code state} unless the file already holds exactly that record (as this object last
   * wrote or first read it).
   *
   * @return whether the file was written
   */
  boolean save(PodState state) throws IOException {
    byte[] json = state.toJson();
    if (written == null && Files.exists(file)) {
      written = Files.readAllBytes(file); // the record an earlier agent left: maybe unchanged
    }
    if (Arrays.equals(json, written)) {
      return false;
    }
    PodState.write(file, json);
    written = json;
    return true;
  }
}
