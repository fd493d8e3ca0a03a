/**
 * A small tree that breaks every rule of {@code ArchitectureTest} once, in the package layout of
 * the real code ({@code vmdk}, {@code chain}, {@code ops}, {@code cli}), so that the test can show
 * each rule failing; never run.
 */
package io.github.vmdkdelta.archfixture;
