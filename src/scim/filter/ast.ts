// The parsed form of SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2). Attribute names
// keep the client's spelling; consumers compare them case-insensitively (RFC 7643 §2.1).

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** A compare value: JSON literal from the filter text (`"str"`, number, true/false, null). */
export type FilterValue = string | number | boolean | null;

/**
 * `urn:...:User:name.givenName` -> { schema: 'urn:...:User', attribute: 'name', subAttribute: 'givenName' }.
 * `schema` is set only when the client wrote a URN prefix.
 */
export interface AttrPath {
  schema?: string;
  attribute: string;
  subAttribute?: string;
}

export type FilterNode =
  | { kind: 'compare'; path: AttrPath; op: CompareOp; value: FilterValue }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  /** `emails[type eq "work" and value co "@x"]`: the filter applies to each element of `path`. */
  | { kind: 'valuePath'; path: AttrPath; filter: FilterNode };

/**
 * A PATCH `path`: `attrPath`, or `valuePath` optionally followed by `.subAttr`
 * (`emails[type eq "work"].value`, `members[value eq "2819c223"]`).
 */
export interface PatchPath {
  path: AttrPath;
  /** The bracketed filter, when present (applies to elements of the multi-valued `path`). */
  valueFilter?: FilterNode;
  /** Sub-attribute after the bracket: `emails[type eq "work"].value` -> 'value'. */
  subAttribute?: string;
}
