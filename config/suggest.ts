/**
 * "Did you mean" for misspelled names: config keys, references to tiers, vaults and OUs, and region codes.
 * Edit distance from fastest-levenshtein; a suggestion is offered only when it is close enough to be a typo.
 */
import { distance } from "fastest-levenshtein";

/** The closest candidate to `input`, if it is within a typo's distance (about a third of the word, at least 2). */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
    const limit = Math.max(2, Math.floor(input.length / 3));
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
        if (candidate === input) continue;
        // Case-only differences are the most likely typo of all; weigh them below one edit.
        const d = candidate.toLowerCase() === input.toLowerCase() ? 0.5 : distance(input, candidate);
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return bestDistance <= limit ? best : undefined;
}

/** `; did you mean "x"?` when a close match exists, else the empty string; for appending to a message. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
    const match = closestMatch(input, candidates);
    return match === undefined ? "" : `; did you mean ${JSON.stringify(match)}?`;
}
