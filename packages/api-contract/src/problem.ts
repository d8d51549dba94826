/**
 * RFC 9457 problem details: the body of every error answer. The API always sends every member;
 * they are optional here because RFC 9457 makes them so, and a proxy's error is not the API's.
 */
export interface Problem {
  /** `urn:seedsweep:problem:<code in kebab case>`. */
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Stable; see the API's error registry. */
  code: string;
  /** For bad input: every field that is wrong. */
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}
