/**
 * Copy a secret to the clipboard and clear it again after `clearAfterMs` (if it still holds our
 * text, when the browser lets us read it; otherwise overwrite it unconditionally).
 */
export async function copySecret(text: string, clearAfterMs = 60_000): Promise<void> {
  await navigator.clipboard.writeText(text);
  setTimeout(() => {
    void clearIfOurs(text);
  }, clearAfterMs);
}

async function clearIfOurs(text: string): Promise<void> {
  try {
    const current = await navigator.clipboard.readText();
    if (current !== text) return;
  } catch {
    // Reading is not permitted (no focus, or no permission): clear unconditionally.
  }
  try {
    await navigator.clipboard.writeText("");
  } catch {
    // The page lost focus; nothing more a web page can do.
  }
}

/** Save text as a file download (built from a Blob, no data: URL, so the CSP stays strict). */
export function downloadText(filename: string, text: string, type = "text/plain"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
