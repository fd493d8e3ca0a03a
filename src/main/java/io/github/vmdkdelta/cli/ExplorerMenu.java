package io.github.vmdkdelta.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Puts a subcommand that takes one DISK into the Windows Explorer menu of .vmdk files ({@code
 * vmdk-delta integrate windows}) and, for a verb that changes files, says what {@code --confirm}
 * asks. The menu is built from the subcommands that carry this annotation, in the order the root
 * command lists them, so a new command appears there by carrying it too.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface ExplorerMenu {
  /** The menu item's text, for example "Make snapshot". */
  String label();

  /**
   * Whether the verb changes files. A destructive verb's menu entry passes {@code --pause-on-error
   * --confirm} and accepts one file at a time; any other passes {@code --pause}, so that its output
   * stays on screen.
   */
  boolean destructive();

  /**
   * The question {@code --confirm} asks, without the "[y/N]"; {@code %s} is the disk's file name.
   * Required for a destructive verb.
   */
  String question() default "";
}
