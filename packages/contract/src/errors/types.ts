/** What the catalogue records for each error code. */
export interface ErrorCodeInfo {
  /** HTTP status returned with this code. */
  readonly status: number;
  /** Default English message; the server may give a more specific one. */
  readonly message: string;
  /** Default Simplified Chinese message for user interfaces. */
  readonly messageZh: string;
}
