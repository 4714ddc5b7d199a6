/**
 * The hosted flow's pages: plain HTML forms a person can use with a keyboard and a screen
 * reader (labels tied to fields, a fieldset per group, an error summary that links to each bad
 * field and is announced, no script needed). Every value written into a page is escaped.
 */

export interface DocumentFields {
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  country: string;
  documentType: string;
  documentNumber: string;
}

export const DOCUMENT_TYPES = [
  { value: "PASSPORT", label: "Passport" },
  { value: "ID_CARD", label: "National identity card" },
  { value: "DRIVERS", label: "Driving licence" },
  { value: "RESIDENCE_PERMIT", label: "Residence permit" },
] as const;

export type FieldErrors = Partial<Record<keyof DocumentFields, string>>;

export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - OneKey KYC sandbox</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #111; }
  main { max-width: 34rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; }
  .banner { background: #fff4ce; border: 1px solid #b38600; padding: .5rem .75rem; border-radius: 4px; }
  fieldset { border: 1px solid #ccc; border-radius: 6px; margin: 1rem 0; padding: .5rem 1rem 1rem; }
  label { display: block; font-weight: 600; margin-top: .75rem; }
  .hint { display: block; font-weight: 400; color: #444; font-size: .9rem; }
  input, select { font: inherit; padding: .4rem; width: 100%; box-sizing: border-box; border: 1px solid #555; border-radius: 4px; }
  input[type=checkbox] { width: auto; margin-right: .5rem; }
  .check label { display: inline; }
  [aria-invalid=true] { border: 2px solid #b00020; }
  .field-error { color: #b00020; font-weight: 600; display: block; }
  .error-summary { border: 2px solid #b00020; padding: .5rem 1rem; border-radius: 4px; }
  button { font: inherit; margin-top: 1.25rem; padding: .6rem 1.2rem; background: #1746a2; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  :focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<p class="banner">Sandbox provider: a local stand-in for a real KYC provider. Use made-up data.</p>
${body}
</main>
</body>
</html>`;
}

function errorSummary(errors: FieldErrors): string {
  const entries = Object.entries(errors) as [keyof DocumentFields, string][];
  if (entries.length === 0) return "";
  const items = entries.map(([field, message]) => `<li><a href="#${field}">${escapeHtml(message)}</a></li>`).join("");
  return `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">There is a problem</h2>
<ul>${items}</ul>
</div>`;
}

function textField(
  name: keyof DocumentFields,
  label: string,
  values: Partial<DocumentFields>,
  errors: FieldErrors,
  extra: { autocomplete?: string; hint?: string; type?: string } = {},
): string {
  const error = errors[name];
  const describedBy = [extra.hint ? `${name}-hint` : "", error ? `${name}-error` : ""].filter(Boolean).join(" ");
  return `<label for="${name}">${escapeHtml(label)}${
    extra.hint ? ` <span class="hint" id="${name}-hint">${escapeHtml(extra.hint)}</span>` : ""
  }</label>
${error ? `<span class="field-error" id="${name}-error">${escapeHtml(error)}</span>` : ""}
<input id="${name}" name="${name}" type="${extra.type ?? "text"}" required${
    extra.autocomplete ? ` autocomplete="${extra.autocomplete}"` : ""
  } value="${escapeHtml(values[name] ?? "")}"${error ? ' aria-invalid="true"' : ""}${
    describedBy ? ` aria-describedby="${describedBy}"` : ""
  }>`;
}

/** Step 1: the identity document. */
export function documentPage(
  action: string,
  options: { values?: Partial<DocumentFields>; errors?: FieldErrors; resubmission?: string; withSelfie: boolean },
): string {
  const values = options.values ?? {};
  const errors = options.errors ?? {};
  const documentTypeError = errors.documentType;
  const typeOptions = DOCUMENT_TYPES.map(
    (t) => `<option value="${t.value}"${values.documentType === t.value ? " selected" : ""}>${t.label}</option>`,
  ).join("");
  const steps = options.withSelfie ? "Step 1 of 2" : "Step 1 of 1";
  return page(
    "Your identity document",
    `<h1>Your identity document</h1>
<p>${steps}. Enter the details exactly as they appear on your document.</p>
${options.resubmission ? `<p role="status"><strong>Please submit again:</strong> ${escapeHtml(options.resubmission)}</p>` : ""}
${errorSummary(errors)}
<form method="post" action="${escapeHtml(action)}" novalidate>
<fieldset>
<legend>About you</legend>
${textField("firstName", "First name", values, errors, { autocomplete: "given-name" })}
${textField("lastName", "Last name", values, errors, { autocomplete: "family-name" })}
${textField("dateOfBirth", "Date of birth", values, errors, { autocomplete: "bday", type: "date", hint: "For example 1990-04-27" })}
${textField("country", "Country that issued the document", values, errors, { autocomplete: "country", hint: "Two-letter code, for example DE" })}
</fieldset>
<fieldset>
<legend>Document</legend>
<label for="documentType">Document type</label>
${documentTypeError ? `<span class="field-error" id="documentType-error">${escapeHtml(documentTypeError)}</span>` : ""}
<select id="documentType" name="documentType" required${
      documentTypeError ? ' aria-invalid="true" aria-describedby="documentType-error"' : ""
    }><option value="">Choose one</option>${typeOptions}</select>
${textField("documentNumber", "Document number", values, errors)}
</fieldset>
<button type="submit">${options.withSelfie ? "Continue to selfie" : "Submit for review"}</button>
</form>`,
  );
}

/** Step 2: the simulated selfie (liveness). */
export function selfiePage(action: string, error?: string): string {
  return page(
    "Take a selfie",
    `<h1>Take a selfie</h1>
<p>Step 2 of 2. A real provider would open your camera here; the sandbox simulates it.</p>
${error ? `<div class="error-summary" role="alert"><p><a href="#confirm">${escapeHtml(error)}</a></p></div>` : ""}
<form method="post" action="${escapeHtml(action)}">
<fieldset>
<legend>Simulated liveness check</legend>
<div class="check">
<input id="confirm" name="confirm" type="checkbox" value="yes" required${error ? ' aria-invalid="true"' : ""}>
<label for="confirm">I am the person on the document</label>
</div>
</fieldset>
<button type="submit" name="selfie" value="taken">Take simulated selfie and submit</button>
</form>`,
  );
}

/** Shown when the flow has no return URL to go back to. */
export function donePage(): string {
  return page(
    "Submitted",
    `<h1>Thank you</h1><p role="status">Your documents were submitted for review. You can close this page.</p>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
