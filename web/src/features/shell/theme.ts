export type Theme = "light" | "dark";

const storageKey = "tenantra.theme";

/** The saved choice, else the operating system's preference. */
export function initialTheme(): Theme {
  const saved = localStorage.getItem(storageKey);
  if (saved === "light" || saved === "dark") return saved;
  return matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function applyTheme(theme: Theme, remember = false) {
  document.documentElement.classList.toggle("dark", theme === "dark");
  if (remember) localStorage.setItem(storageKey, theme);
}
