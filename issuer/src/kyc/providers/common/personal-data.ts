/**
 * The person's data as every adapter hands it to the browser (`DecidedRecord.personalData`): the
 * same field names whichever provider ran, so the dApp encrypts one shape. Only fields the
 * provider returned are present. Dates are ISO 8601 (YYYY-MM-DD); countries as the provider gave
 * them (Sumsub and Onfido: ISO 3166-1 alpha-3; Persona: alpha-2). The document's type is not
 * repeated here: the result's normalized `documentType` is the one to use.
 */
export type PersonalData = {
  firstName?: string;
  middleName?: string;
  lastName?: string;
  dateOfBirth?: string;
  placeOfBirth?: string;
  nationality?: string;
  /** Country of residence (Sumsub's applicant `country`). */
  country?: string;
  documentNumber?: string;
  documentCountry?: string;
  documentExpiry?: string;
  address?: PostalAddress;
};

export type PostalAddress = {
  street?: string;
  street2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
};

/** The same shape, but any field may be null or missing (as providers send them). */
type Loose<T> = {
  [K in keyof T]?: NonNullable<T[K]> extends string ? string | null : Loose<NonNullable<T[K]>> | null;
};

/** Drops absent, null and blank fields (and an address left empty), so absence is uniform. */
export function compactPersonalData(input: Loose<PersonalData>): PersonalData {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === "address" && value && typeof value === "object") {
      const address = compactStrings(value as Record<string, unknown>);
      if (Object.keys(address).length > 0) out.address = address;
    } else if (typeof value === "string" && value.trim() !== "") {
      out[key] = value.trim();
    }
  }
  return out as PersonalData;
}

function compactStrings(input: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) {
    if (typeof value === "string" && value.trim() !== "") out[key] = value.trim();
  }
  return out;
}
