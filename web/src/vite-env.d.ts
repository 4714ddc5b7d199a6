/// <reference types="vite/client" />

declare module "virtual:onekey-deployment" {
  import type { DeploymentSource } from "./clients/config.js";

  const source: DeploymentSource;
  export default source;
}
