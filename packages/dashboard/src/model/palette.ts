/**
 * Colours. Okabe & Ito's palette (2008) stays distinguishable with the common colour-vision
 * deficiencies; yellow is moved to the end because thin marks in it vanish on white.
 */
export const OKABE_ITO = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#D55E00', // vermillion
  '#000000', // black
  '#F0E442', // yellow
] as const;

/** Colour of each model, in the order the models are given; recycled past eight models. */
export function modelColors(models: readonly string[]): Map<string, string> {
  return new Map(models.map((m, i) => [m, OKABE_ITO[i % OKABE_ITO.length]!]));
}
