/**
 * Copies text, reporting whether it worked: the clipboard API exists only in secure contexts
 * (HTTPS or localhost) and may be refused, and a secret shown once must never be reported copied
 * when it was not.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (!navigator.clipboard) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
