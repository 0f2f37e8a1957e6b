/** What an axis or legend shows: dollars, percent, or a price. */
export type ValueKind = 'money' | 'percent' | 'price';

export function decimalsFor(values: readonly number[]): number;
export function formatTicks(ticks: readonly number[], kind: ValueKind): string[];
export function formatValue(value: number | null | undefined, kind: ValueKind): string;
