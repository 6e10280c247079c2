// The first gate for a posted SAMLResponse: size before decoding, strict base64, no DOCTYPE. All
// three run before any XML parser sees a byte, so entity expansion and huge inputs cost nothing.
import { fail } from './failure.js';

/** Larger than any real IdP response (the biggest seen carry a few hundred groups). */
export const MAX_RESPONSE_BYTES = 256 * 1024;
const MAX_BASE64_CHARS = Math.ceil(MAX_RESPONSE_BYTES / 3) * 4;
const hasWhitespace = (s: string) => s.includes('\n') || s.includes('\r') || s.includes(' ') || s.includes('\t');

/**
 * The XML, and the compact base64 it came from (handed on to node-saml as is). `scanDeclarations`
 * may be turned off only by a caller whose parser refuses a DOCTYPE itself (the fast verifier).
 */
export function decodeSamlResponse(encoded: string | undefined, options: { scanDeclarations?: boolean } = {}): { xml: string; base64: string } {
  if (encoded === undefined || encoded.length === 0) fail('saml_response_missing', 'the form has no SAMLResponse field');
  // IdPs wrap base64 at 64 or 76 columns; whitespace is not data.
  const compact = hasWhitespace(encoded) ? encoded.replace(/\s+/g, '') : encoded;
  if (compact.length > MAX_BASE64_CHARS) fail('saml_response_too_large', `SAMLResponse is over ${MAX_RESPONSE_BYTES} bytes`);
  // Node's decoder skips what is not base64; re-encoding shows whether anything was (cheaper than a
  // regular expression over the whole field, and it also refuses non-canonical padding bits).
  const bytes = Buffer.from(compact, 'base64');
  if (compact.length % 4 !== 0 || bytes.toString('base64') !== compact) fail('saml_response_malformed', 'SAMLResponse is not base64');
  const xml = bytes.toString('utf8');
  if (options.scanDeclarations !== false) refuseDeclarations(xml);
  return { xml, base64: compact };
}

/** A DOCTYPE has no business in a SAML message and is how entity-expansion attacks start. */
export function refuseDeclarations(xml: string): void {
  const upper = xml.toUpperCase();
  if (upper.includes('<!DOCTYPE') || upper.includes('<!ENTITY')) fail('saml_doctype_forbidden', 'the response contains a DOCTYPE or ENTITY declaration');
}
