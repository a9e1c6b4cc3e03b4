/**
 * How users are told about the troubleshooting guide the harness checks its claims against: by its title
 * (it has no public link). Internally it is "the seed" (seed-claims.ts); that word is never shown.
 */
export const TROUBLESHOOTING_GUIDE = {
  /** The guide's own title. */
  title: 'Evolution API与Chatwoot集成故障排查指南',
  /** The title in English, shown beside it. */
  english: 'Evolution API and Chatwoot integration troubleshooting guide',
} as const;

/** `the troubleshooting guide "…" (…)`: the first mention in a report. */
export const GUIDE_NAME = `the troubleshooting guide “${TROUBLESHOOTING_GUIDE.title}” (${TROUBLESHOOTING_GUIDE.english})`;

/** A later mention in the same report. */
export const GUIDE_SHORT = 'the troubleshooting guide';
