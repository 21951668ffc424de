/** What the dashboard page is rendered from (a leaf: the page and its controls panel both read it). */
import type { AssetUrls } from "./assets";
import type { Html } from "./html";
import type { JournalFilter, SectionId } from "./live";

export interface PageOptions {
  readonly assets: AssetUrls;
  /** The rendered sections, or undefined when the viewer has not shown the admin token. */
  readonly sections: Record<SectionId, Html> | undefined;
  readonly filter: JournalFilter;
  readonly tokenRequired: boolean;
  readonly pollMs: number;
}
