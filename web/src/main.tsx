/**
 * Start-up: read and check the configuration once (a bad or missing value stops here, naming the
 * variable), then render the app.
 */

import deploymentSource from "virtual:onekey-deployment";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App.js";
import { type AppConfig, appConfigFromEnv, ConfigError } from "./clients/config.js";
import { ConfigProblem } from "./ui/ConfigProblem.js";
import "./ui/styles.css";

const root = createRoot(document.getElementById("root") as HTMLElement);
let config: AppConfig | undefined;
let problems: string[] = [];
try {
  config = appConfigFromEnv(import.meta.env, deploymentSource);
} catch (error) {
  problems = error instanceof ConfigError ? error.problems : [String(error)];
}

root.render(<StrictMode>{config ? <App config={config} /> : <ConfigProblem problems={problems} />}</StrictMode>);
