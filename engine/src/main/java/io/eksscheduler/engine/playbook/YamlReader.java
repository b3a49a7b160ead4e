package io.eksscheduler.engine.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads one YAML document into a {@link YamlTree}, reporting every problem with its position.
 *
 * <p>YAML bombs are refused within bounded memory and time: the document size is checked first,
 * aliases of collections are capped by SnakeYAML Engine, the parser runs on a thread with a fixed
 * stack so absurd nesting ends in a clear error, and the expansion of aliases into the tree is
 * counted node by node.
 */
public final class YamlReader {
  private static final long COMPOSER_STACK_BYTES = 16L * 1024 * 1024;

  private final YamlLimits limits;

  public YamlReader(YamlLimits limits) {
    this.limits = limits;
  }

  /**
   * The UTF-8 text of the file at {@code path} (named {@code file} in problems), or empty with the
   * reason (missing, unreadable, too large, not UTF-8) added to {@code problems}.
   */
  public static Optional<String> readText(
      Path path, String file, YamlLimits limits, List<Problem> problems) {
    try {
      long size = Files.size(path);
      if (size > limits.maxBytes()) {
        problems.add(
            Problem.at(
                file,
                Position.START,
                "document is too large ("
                    + size
                    + " bytes; the limit is "
                    + limits.maxBytes()
                    + ")"));
        return Optional.empty();
      }
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(Files.readAllBytes(path)))
              .toString());
    } catch (NoSuchFileException e) {
      problems.add(Problem.at(file, Position.START, "no such file"));
    } catch (CharacterCodingException e) {
      problems.add(Problem.at(file, Position.START, "file is not UTF-8 text"));
    } catch (IOException e) {
      problems.add(Problem.at(file, Position.START, "cannot read: " + e.getMessage()));
    }
    return Optional.empty();
  }

  /** The tree read from {@code text}, or empty with the reasons added to {@code problems}. */
  public Optional<YamlTree> read(String file, String text, List<Problem> problems) {
    int bytes = text.length();
    if (bytes > limits.maxBytes()) {
      problems.add(
          Problem.at(
              file,
              Position.START,
              "document is too large ("
                  + bytes
                  + " characters; the limit is "
                  + limits.maxBytes()
                  + ")"));
      return Optional.empty();
    }
    Optional<Position> tooDeep = flowNestingBeyondLimit(text);
    if (tooDeep.isPresent()) {
      problems.add(
          Problem.at(
              file, tooDeep.get(), "document nests deeper than " + limits.maxDepth() + " levels"));
      return Optional.empty();
    }
    Optional<Node> node = compose(file, text, problems);
    if (node.isEmpty()) {
      if (problems.isEmpty()) {
        problems.add(Problem.at(file, Position.START, "document is empty"));
      }
      return Optional.empty();
    }
    YamlConverter converter = new YamlConverter(limits, file, problems);
    JsonNode root;
    try {
      root = converter.convert(node.get(), "", 0);
    } catch (YamlConverter.TooLarge e) {
      problems.add(Problem.at(file, e.position, e.getMessage()));
      return Optional.empty();
    }
    return Optional.of(
        new YamlTree(root, converter.values, converter.keys, converter.scalarStyles));
  }

  private Optional<Node> compose(String file, String text, List<Problem> problems) {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(file)
            .setAllowDuplicateKeys(true) // reported below, all at once, with positions
            .setAllowRecursiveKeys(false)
            .setMaxAliasesForCollections(limits.maxAliases())
            .setCodePointLimit(limits.maxBytes())
            .setSchema(new CoreSchema())
            .build();
    AtomicReference<Optional<Node>> result = new AtomicReference<>(Optional.empty());
    AtomicReference<Problem> failure = new AtomicReference<>();
    Runnable parse =
        () -> {
          try {
            Iterable<Node> documents = new Compose(settings).composeAllFromString(text);
            List<Node> all = new ArrayList<>();
            for (Node document : documents) {
              all.add(document);
              if (all.size() > 1) {
                Position second = position(document.getStartMark());
                failure.set(
                    Problem.at(
                        file, second, "a playbook file holds one YAML document; found a second"));
                return;
              }
            }
            result.set(all.stream().findFirst());
          } catch (MarkedYamlEngineException e) {
            Position at = position(e.getProblemMark().or(e::getContextMark));
            failure.set(Problem.at(file, at, "YAML syntax: " + describe(e)));
          } catch (YamlEngineException e) {
            String message = firstLine(e.getMessage());
            if (message.contains("aliases")) {
              message += " (the limit is " + limits.maxAliases() + ": a YAML bomb is refused)";
            }
            failure.set(Problem.at(file, Position.START, "YAML: " + message));
          } catch (StackOverflowError e) {
            failure.set(
                Problem.at(
                    file,
                    Position.START,
                    "document nests too deeply to read (the limit is "
                        + limits.maxDepth()
                        + " levels)"));
          }
        };
    Thread parser = new Thread(null, parse, "yaml-reader", COMPOSER_STACK_BYTES);
    parser.start();
    try {
      parser.join();
    } catch (InterruptedException e) {
      parser.interrupt();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + file, e);
    }
    if (failure.get() != null) {
      problems.add(failure.get());
      return Optional.empty();
    }
    return result.get();
  }

  /**
   * Finds flow brackets nested beyond the limit in one linear pass, so "[[[[...]]]]" bombs are
   * refused before the recursive parser sees them. Quoted text and comments are skipped.
   */
  private Optional<Position> flowNestingBeyondLimit(String text) {
    int depth = 0;
    int line = 1;
    int column = 0;
    char quote = 0;
    boolean comment = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      column++;
      if (c == '\n') {
        line++;
        column = 0;
        comment = false;
        continue;
      }
      if (comment) {
        continue;
      }
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '"' || c == '\'') {
        boolean starts = i == 0 || " \t[{,:".indexOf(text.charAt(i - 1)) >= 0;
        quote = starts ? c : 0;
      } else if (c == '#' && (i == 0 || Character.isWhitespace(text.charAt(i - 1)))) {
        comment = true;
      } else if (c == '[' || c == '{') {
        if (++depth > limits.maxDepth()) {
          return Optional.of(new Position(line, column));
        }
      } else if ((c == ']' || c == '}') && depth > 0) {
        depth--;
      }
    }
    return Optional.empty();
  }

  private static String describe(MarkedYamlEngineException e) {
    String problem = e.getProblem() == null ? "" : e.getProblem();
    String context = e.getContext() == null ? "" : e.getContext();
    if (problem.contains("exceeds the specified") || problem.contains("aliases")) {
      return problem + " (too many aliases: a YAML bomb is refused)";
    }
    String text = context.isEmpty() ? problem : context + ": " + problem;
    Optional<Mark> contextMark = e.getContextMark();
    Optional<Mark> problemMark = e.getProblemMark();
    if (contextMark.isPresent()
        && problemMark.isPresent()
        && contextMark.get().getLine() != problemMark.get().getLine()) {
      Position opened = position(contextMark);
      text =
          firstLine(text)
              + " (started at line "
              + opened.line()
              + ", column "
              + opened.column()
              + ")";
    }
    return firstLine(text);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable document";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }

  static Position position(Optional<Mark> mark) {
    return mark.map(m -> new Position(m.getLine() + 1, m.getColumn() + 1)).orElse(Position.START);
  }
}
