/**
 * Fisher–Yates shuffle in place, driven by a seeded generator (`@llmmon/core/random`), so a
 * benchmark's schedule is random but the same every run. Every order is equally likely, which
 * `array.sort(() => random() - 0.5)` does not give: its result depends on the sort algorithm
 * and favours orders close to the input.
 * @example shuffle([0, 1, 2, 3], mulberry32(7)) // the same permutation for seed 7, every run
 */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
