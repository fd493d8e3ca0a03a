package io.github.vmdkdelta.ops;

import io.github.vmdkdelta.vmdk.ExtentFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A file held open by {@link SafeFileOperations} for changes in place (a parent grown by {@code
 * commit}, an undo log). Each change consults the fault injector first, like every other primitive;
 * reads do not, since they change nothing.
 */
final class OpenFile implements Closeable {
  /**
   * Writes to a file opened by {@link SafeFileOperations#openForDirectWrite} start at multiples of
   * this and are multiples of it long, from memory aligned to it.
   */
  public static final int DIRECT_IO_BLOCK = 4096;

  private final FaultInjector faults;
  private final Path path;
  private final FileChannel channel;

  OpenFile(FaultInjector faults, Path path, FileChannel channel) {
    this.faults = faults;
    this.path = path;
    this.channel = channel;
  }

  /** The file. */
  public Path path() {
    return path;
  }

  /** Its length in bytes. */
  public long size() throws IOException {
    return channel.size();
  }

  /** Fills {@code dst} from {@code position} on; the file must be long enough. */
  public void read(long position, ByteBuffer dst) throws IOException {
    ExtentFile.readFully(channel, position, dst, path);
  }

  /** Writes all of {@code src} at {@code position}; durable only after {@link #force}. */
  public void write(long position, ByteBuffer src) throws IOException {
    faults.before("write", path);
    ExtentFile.writeFully(channel, position, src);
  }

  /** Forces every write so far, and the file's length, to the device. */
  public void force() throws IOException {
    faults.before("force", path);
    channel.force(true);
  }

  /** Cuts the file to {@code length} bytes, or extends it with a hole. */
  public void setLength(long length) throws IOException {
    faults.before("set-length", path);
    if (length < channel.size()) {
      channel.truncate(length);
    } else {
      ExtentFile.extendTo(channel, length);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
