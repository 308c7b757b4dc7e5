import { parsePosition, type GlobalPosition } from '../../application/ports/eventStore.js';

const pad = (n: bigint): string => n.toString().padStart(20, '0');

/** A log position as text that sorts in log order (both parts fit 20 digits: they are 64-bit). */
export function sortablePosition(position: GlobalPosition): string {
  return `${pad(position.commit)}.${pad(position.prepare)}`;
}

/** The position `formatPosition` wrote (`"<commit>.<prepare>"`), as sortable text. */
export function sortableFromFormatted(formatted: string): string {
  const position = parsePosition(formatted);
  if (!position) throw new RangeError(`not a log position: ${formatted}`);
  return sortablePosition(position);
}

/** Sortable text back to the position as the API shows it. */
export function formattedFromSortable(sortable: string): string {
  const [commit = '0', prepare = '0'] = sortable.split('.');
  return `${BigInt(commit).toString()}.${BigInt(prepare).toString()}`;
}
