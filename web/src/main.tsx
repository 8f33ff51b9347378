import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { z } from "zod";
import { App } from "./App";
import { applyTheme, initialTheme } from "./features/shell/theme";
import "./index.css";

applyTheme(initialTheme());
// Zod would probe for eval with `Function("")`, which the server's CSP forbids (and reports).
z.config({ jitless: true });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
