/**
 * The API's own documentation, served offline by the API itself:
 * - `GET /docs`: the API reference, rendered in the browser by Scalar from `/openapi.json`;
 * - `GET /docs/scalar.js`: Scalar's standalone bundle, from the pinned `@scalar/api-reference`
 *   package (no CDN), read and gzipped once on first use and cached by browsers for a year (the
 *   page names it with the package version, so an upgrade is fetched anew);
 * - `GET /docs/errors`: the error catalogue (docs/errors.md as HTML), where every problem's `type`
 *   (`/docs/errors#<code>`) points.
 * The pages load nothing from elsewhere, and their Content-Security-Policy lets them not.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { marked } from "marked";
import type { Logger } from "../../../lib/logger.js";
import type { ApiApp } from "../kit.js";

/** Where docs/errors.md is in the repository: src/api/routes/ is three folders under indexer/. */
export const ERROR_CATALOGUE_FILE = fileURLToPath(new URL("../../../../docs/errors.md", import.meta.url));

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/** Scalar's standalone browser bundle: one self-contained script. */
function scalarBundle() {
  // The package exports no path to it; its entry point sits beside it in dist/.
  const entry = createRequire(import.meta.url).resolve("@scalar/api-reference");
  const file = join(dirname(entry), "browser", "standalone.js");
  const { version } = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as {
    version: string;
  };
  let body: { plain: Buffer; gzip: Buffer } | undefined;
  return {
    version,
    /** Read and compressed on first use (4.9 MB, 1.4 MB gzipped), then kept. */
    read() {
      if (!body) {
        const plain = readFileSync(file);
        body = { plain, gzip: gzipSync(plain, { level: 9 }) };
      }
      return body;
    },
  };
}

/** The reference page: Scalar, told to use nothing of Scalar's services and no web fonts. */
function referencePage(scriptUrl: string) {
  const configuration = {
    url: "/openapi.json",
    withDefaultFonts: false,
    telemetry: false,
    showDeveloperTools: "never",
    agent: { disabled: true },
    hideClientButton: false,
  };
  const init = `Scalar.createApiReference("#app", ${JSON.stringify(configuration)});`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OneKey tenant API reference</title>
</head>
<body>
<div id="app"></div>
<script src="${scriptUrl}"></script>
<script>${init}</script>
</body>
</html>
`;
  return { html, scriptHash: sha256(init) };
}

/** docs/errors.md as a page; a short notice where the file is not deployed. */
function errorCataloguePage(logger: Logger) {
  let markdown: string;
  try {
    markdown = readFileSync(ERROR_CATALOGUE_FILE, "utf8");
  } catch {
    logger.log("warn", "error catalogue not found: /docs/errors serves a notice", { file: ERROR_CATALOGUE_FILE });
    markdown =
      "# Error catalogue\n\nThis deployment does not carry the catalogue (`docs/errors.md` in the OneKey repository). Every problem's `code` is stable, and `detail` says what went wrong.\n";
  }
  const style =
    "body{font:15px/1.5 system-ui,sans-serif;max-width:80rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}" +
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}" +
    "code{background:#f3f3f3;padding:0 .2rem;border-radius:3px}pre{background:#f3f3f3;padding:.75rem;overflow:auto}" +
    "tr:has(:target){background:#fff3b0}";
  const body = marked.parse(markdown, { async: false, gfm: true });
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OneKey error catalogue</title>
<style>${style}</style>
</head>
<body>
${body}
</body>
</html>
`;
  return { html, styleHash: sha256(style) };
}

const NOTHING_ELSE = "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function registerDocsRoutes(app: ApiApp, logger: Logger, publicUrl?: string): void {
  const bundle = scalarBundle();
  const scriptUrl = `/docs/scalar.js?v=${encodeURIComponent(bundle.version)}`;
  const reference = referencePage(scriptUrl);
  const catalogue = errorCataloguePage(logger);
  // "Try it" sends requests to the document's server: this origin, or the public URL's.
  const connect = ["'self'", publicUrl ? new URL(publicUrl).origin : undefined].filter(Boolean).join(" ");
  const referencePolicy = [
    "default-src 'none'",
    `script-src 'self' ${reference.scriptHash}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "worker-src 'self' blob:",
    NOTHING_ELSE,
  ].join("; ");

  app.get("/docs", (c) =>
    c.html(reference.html, 200, { "Content-Security-Policy": referencePolicy, "Cache-Control": "no-cache" }),
  );

  app.get("/docs/scalar.js", (c) => {
    const { plain, gzip } = bundle.read();
    const gzipped = /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
    return c.body(new Uint8Array(gzipped ? gzip : plain), 200, {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": "public, max-age=31536000, immutable",
      Vary: "Accept-Encoding",
      ...(gzipped ? { "Content-Encoding": "gzip" } : {}),
    });
  });

  app.get("/docs/errors", (c) =>
    c.html(catalogue.html, 200, {
      "Content-Security-Policy": `default-src 'none'; style-src ${catalogue.styleHash}; ${NOTHING_ELSE}`,
      "Cache-Control": "public, max-age=300",
    }),
  );
}
