package io.github.vmdkdelta.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each name holds as a plan's steps run, one step after the other: a file of the folder as it
 * was before the plan (named by its name then), a file a step of the plan created, or nothing (a
 * rename freed it). Steps name files by the names they have when the step runs; this follows those
 * names through the renames, the one walk that {@link PlanFiles} and {@link Plan} ask.
 */
final class PlanNames {
  /** Held by a name a rename freed. */
  private static final Object FREED = new Object();

  /** Name to holder: a {@link Path} (a file as it was), a {@link Created}, or FREED. */
  private final Map<Path, Object> holders = new HashMap<>();

  /**
   * What a step created: one holder per step, equal only to itself (a record's generated equals
   * would bootstrap method handles at its first call, some 30 classes spun at every make).
   */
  private static final class Created {
    final FileStep.CreateFile step;

    Created(FileStep.CreateFile step) {
      this.step = step;
    }
  }

  /** Holder to the names it has had, in order; only for holders renamed by the plan. */
  private final Map<Object, List<Path>> history = new HashMap<>();

  /** Moves past {@code step}: its renames and creations change what names hold. */
  void pass(FileStep step) {
    if (step instanceof FileStep.Rename r) {
      Object holder = holder(r.from());
      history.computeIfAbsent(holder, h -> new ArrayList<>(List.of(r.from()))).add(r.to());
      holders.put(r.to(), holder);
      holders.put(r.from(), FREED);
    } else if (step instanceof FileStep.CreateFile c) {
      holders.put(c.path(), new Created(c));
    }
  }

  private Object holder(Path name) {
    return holders.getOrDefault(name, name);
  }

  /** The file of the folder as it was that {@code name} holds now; empty when it holds none. */
  Optional<Path> fileBefore(Path name) {
    return holder(name) instanceof Path file ? Optional.of(file) : Optional.empty();
  }

  /** The step that created what {@code name} holds now, when a step did. */
  Optional<FileStep.CreateFile> creatorOf(Path name) {
    return holder(name) instanceof Created c ? Optional.of(c.step) : Optional.empty();
  }

  /** The names what {@code name} holds had before it, latest first. */
  List<Path> formerNames(Path name) {
    List<Path> names = history.getOrDefault(holder(name), List.of(name));
    List<Path> former = new ArrayList<>(names.subList(0, names.size() - 1));
    java.util.Collections.reverse(former);
    return former;
  }
}
