package io.github.vmdkdelta;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The public API is what the README's Library section names: every public top-level type of the
 * compiled main classes is named there, and the section names no type that is not public (a type
 * made package-private, renamed or removed must leave the README too).
 */
class PublicApiTest {
  @Test
  void theReadmeLibrarySectionNamesEveryPublicTypeAndNoOther() throws IOException {
    Set<String> types = new TreeSet<>();
    for (JavaClass c :
        new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages("io.github.vmdkdelta")) {
      if (c.isTopLevelClass()
          && c.getModifiers().contains(JavaModifier.PUBLIC)
          && !c.getPackageName().contains("archfixture")) {
        types.add(c.getSimpleName());
      }
    }
    assertThat(types).as("public types of src/main").hasSizeGreaterThan(30);

    assertThat(namedInLibrarySection()).isEqualTo(types);
  }

  /** The type names in backticks in the section, outside its code block. */
  private static Set<String> namedInLibrarySection() throws IOException {
    Path readme = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int start = text.indexOf("\n## Library\n");
    int end = text.indexOf("\n## ", start + 1);
    String section = text.substring(start, end).replaceAll("(?s)```.*?```", "");
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("`([A-Z][A-Za-z0-9]*)`").matcher(section);
    while (m.find()) {
      names.add(m.group(1));
    }
    names.remove("ChainWriter"); // named as test code that is not shipped
    return names;
  }
}
