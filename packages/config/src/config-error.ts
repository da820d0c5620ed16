/** An exporter config that cannot be wired. `problems` holds every message, each naming its key. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    const message =
      problems.length === 1
        ? problems[0]!
        : `${problems.length} problems in the exporter config:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
    super(message, options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
