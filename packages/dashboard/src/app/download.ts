/** Saves text as a file through a blob: URL (works from file:// with no network request). */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled; revoking at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file-name-safe stem: letters, digits, dot, dash, underscore. */
export const fileStem = (s: string) =>
  s
    .replace(/\.json$/i, '')
    .replace(/[^\w.-]+/g, '_')
    .slice(0, 80) || 'run';
